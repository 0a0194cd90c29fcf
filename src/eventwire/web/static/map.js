// Map page: incidents as markers (colour = grade, size = deaths), clustered; a timeline histogram
// and a list of the incidents in view, both kept in step with the map and the filters.
// Data from the API is only ever put in the page with textContent / attributes, never as HTML.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var statusEl = document.getElementById("status");
  var listEl = document.getElementById("inview");
  var countEl = document.getElementById("inview-count");
  var svg = document.getElementById("timeline");
  var note = document.getElementById("timeline-note");
  var mapEl = document.getElementById("map");
  var SVGNS = "http://www.w3.org/2000/svg";
  var GRADES = ["confirmed", "fair", "weak", "contested", "discounted"];

  var map = L.map(mapEl, { worldCopyJump: true, minZoom: 2, maxZoom: 14, zoomSnap: 0.5 }).setView([30, 25], 3);
  var tileUrl = mapEl.dataset.tileUrl;
  if (tileUrl) {
    L.tileLayer(tileUrl, { maxZoom: 18, attribution: "tiles: see settings tile_url" }).addTo(map);
  }
  map.attributionControl.addAttribution("Country outlines: Natural Earth (world-atlas)");
  var outlines = L.canvas({ padding: 0.2 });
  fetch("/static/vendor/world-atlas/countries-50m.json").then(function (r) { return r.json(); }).then(function (topo) {
    var land = topojson.feature(topo, topo.objects.countries);
    L.geoJSON(land, {
      renderer: outlines, interactive: false,
      style: { color: "#8d9aab", weight: 0.7, fillColor: tileUrl ? "transparent" : "#f4f1ea", fillOpacity: tileUrl ? 0 : 1 }
    }).addTo(map).bringToBack();
  }).catch(function () { /* the markers still work without outlines */ });

  var cluster = L.markerClusterGroup({
    chunkedLoading: true, maxClusterRadius: 45, showCoverageOnHover: false,
    chunkProgress: function (done, total) {
      if (done >= total) { rendered(); }
    }
  });
  var pending = false;
  function rendered() {
    if (!pending) { return; }
    pending = false;
    document.body.dataset.state = "ready";
    if (!document.body.dataset.firstRenderMs) {
      document.body.dataset.firstRenderMs = String(Math.round(performance.now()));
    }
  }
  map.addLayer(cluster);
  var all = [];          // incidents from the last query
  var markers = [];      // [incident, marker]
  var firstLoad = true;

  function params() {
    var p = new URLSearchParams();
    ["since", "until", "type", "actor", "affiliation"].forEach(function (k) {
      var v = form.elements[k].value.trim();
      if (v) { p.set(k, v); }
    });
    var grades = Array.prototype.slice.call(form.querySelectorAll("input[name=grade]:checked")).map(function (b) { return b.value; });
    if (grades.length && grades.length < GRADES.length) { p.set("grade", grades.join(",")); }
    if (!grades.length) { p.set("grade", "none"); }
    return p;
  }

  function deaths(inc) { return inc.killed_max != null ? inc.killed_max : (inc.killed_min || 0); }

  function label(inc) {
    var k = deaths(inc);
    return (inc.type || "event") + (inc.mode ? "/" + inc.mode : "") + (inc.place ? " at " + inc.place : "") +
      ", " + (inc.date || "date unknown") + " (" + inc.grade + (k ? ", " + k + " killed" : "") + ")";
  }

  function popup(inc) {
    var box = document.createElement("div");
    var h = document.createElement("strong");
    h.textContent = label(inc);
    var p = document.createElement("div");
    p.textContent = inc.n_reports + " report" + (inc.n_reports === 1 ? "" : "s") + ", " + inc.origins + " independent origin" + (inc.origins === 1 ? "" : "s");
    var a = document.createElement("a");
    a.href = "/incidents/" + encodeURIComponent(inc.id);
    a.textContent = "Open incident";
    a.className = "open-incident";
    box.appendChild(h); box.appendChild(p); box.appendChild(a);
    return box;
  }

  function draw() {
    cluster.clearLayers();
    markers = [];
    var layers = [];
    all.forEach(function (inc) {
      if (inc.lat == null || inc.lon == null) { return; }
      var size = Math.min(40, Math.round(12 + 4 * Math.log2(1 + deaths(inc))));
      var m = L.marker([inc.lat, inc.lon], {
        icon: L.divIcon({ className: "ew-marker grade-" + inc.grade, iconSize: [size, size] }),
        title: label(inc), alt: label(inc), keyboard: true, riseOnHover: true
      });
      m.bindPopup(function () { return popup(inc); });
      m.incident = inc;
      layers.push(m);
      markers.push([inc, m]);
    });
    cluster.addLayers(layers);
    if (firstLoad && layers.length) {
      var b = L.latLngBounds(layers.map(function (m) { return m.getLatLng(); }));
      map.fitBounds(b.pad(0.3), { maxZoom: 7, animate: false });
    }
    firstLoad = false;
    var unplaced = all.length - layers.length;
    statusEl.textContent = all.length + " incident" + (all.length === 1 ? "" : "s") + " match" +
      (unplaced ? "; " + unplaced + " without a place (listed, not on the map)" : "") + ".";
    document.body.dataset.markers = String(layers.length);
    syncView();
  }

  function inView() {
    var b = map.getBounds();
    return all.filter(function (inc) { return inc.lat == null || b.contains([inc.lat, inc.lon]); });
  }

  function syncView() {
    var vis = inView();
    countEl.textContent = "(" + vis.length + ")";
    while (listEl.firstChild) { listEl.removeChild(listEl.firstChild); }
    vis.slice(0, 300).forEach(function (inc) {
      var li = document.createElement("li");
      var dot = document.createElement("span");
      dot.className = "dot grade-" + inc.grade;
      dot.setAttribute("aria-hidden", "true");
      var a = document.createElement("a");
      a.href = "/incidents/" + encodeURIComponent(inc.id);
      a.textContent = label(inc);
      li.appendChild(dot); li.appendChild(a);
      listEl.appendChild(li);
    });
    if (vis.length > 300) {
      var more = document.createElement("li");
      more.textContent = (vis.length - 300) + " more: zoom in or filter";
      listEl.appendChild(more);
    }
    histogram(vis);
  }

  function dayNum(s) { return Math.floor(Date.parse(s.slice(0, 10) + "T00:00:00Z") / 86400000); }
  function isoDay(n) { return new Date(n * 86400000).toISOString().slice(0, 10); }

  function histogram(vis) {
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    var dated = all.filter(function (i) { return i.date; });
    if (!dated.length) { note.textContent = "(no dated incidents)"; return; }
    var lo = Math.min.apply(null, dated.map(function (i) { return dayNum(i.date); }));
    var hi = Math.max.apply(null, dated.map(function (i) { return dayNum(i.date); }));
    var span = hi - lo + 1;
    var monthly = span > 120;
    function key(d) { return monthly ? d.slice(0, 7) : d.slice(0, 10); }
    var keys = [];
    if (monthly) {
      var y = +isoDay(lo).slice(0, 4), m = +isoDay(lo).slice(5, 7);
      var endKey = isoDay(hi).slice(0, 7);
      for (;;) { var k = y + "-" + (m < 10 ? "0" : "") + m; keys.push(k); if (k >= endKey || keys.length > 600) { break; } m += 1; if (m > 12) { m = 1; y += 1; } }
    } else {
      for (var d = lo; d <= hi; d++) { keys.push(isoDay(d)); }
    }
    var total = {}, seen = {};
    dated.forEach(function (i) { var k = key(i.date); total[k] = (total[k] || 0) + 1; });
    vis.forEach(function (i) { if (i.date) { var k = key(i.date); seen[k] = (seen[k] || 0) + 1; } });
    var W = svg.clientWidth || 600, H = svg.clientHeight || 96, pad = 16;
    var max = Math.max.apply(null, keys.map(function (k) { return total[k] || 0; }).concat([1]));
    var bw = (W - 2 * pad) / keys.length;
    note.textContent = "(" + (monthly ? "per month" : "per day") + "; dark = in view on the map; choose a bar to filter to it)";
    keys.forEach(function (k, n) {
      var t = total[k] || 0, s = seen[k] || 0;
      var x = pad + n * bw, full = t / max * (H - 2 * pad), part = s / max * (H - 2 * pad);
      var g = document.createElementNS(SVGNS, "g");
      var back = document.createElementNS(SVGNS, "rect");
      back.setAttribute("class", "bar out"); back.setAttribute("x", x); back.setAttribute("width", Math.max(1, bw - 1));
      back.setAttribute("y", H - pad - full); back.setAttribute("height", full);
      var front = document.createElementNS(SVGNS, "rect");
      front.setAttribute("class", "bar"); front.setAttribute("x", x); front.setAttribute("width", Math.max(1, bw - 1));
      front.setAttribute("y", H - pad - part); front.setAttribute("height", part);
      var hit = document.createElementNS(SVGNS, "rect");
      hit.setAttribute("x", x); hit.setAttribute("width", Math.max(1, bw)); hit.setAttribute("y", 0); hit.setAttribute("height", H);
      hit.setAttribute("fill", "transparent");
      g.setAttribute("tabindex", t ? "0" : "-1");
      g.setAttribute("role", "button");
      g.setAttribute("class", "bin");
      g.setAttribute("aria-label", k + ": " + t + " incidents, " + s + " in view");
      var title = document.createElementNS(SVGNS, "title");
      title.textContent = k + ": " + t + " incident" + (t === 1 ? "" : "s") + " (" + s + " in view)";
      g.appendChild(title); g.appendChild(back); g.appendChild(front); g.appendChild(hit);
      function pick() {
        if (!t) { return; }
        var since = monthly ? k + "-01" : k;
        var until = monthly ? isoDay(dayNum(k + "-01") + 31).slice(0, 7) + "-01" : k;
        if (monthly) { until = isoDay(dayNum(until) - 1); }
        form.elements.since.value = since; form.elements.until.value = until;
        load();
      }
      g.addEventListener("click", pick);
      g.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick(); } });
      svg.appendChild(g);
    });
    var first = document.createElementNS(SVGNS, "text");
    first.setAttribute("x", pad); first.setAttribute("y", H - 3); first.textContent = keys[0];
    var last = document.createElementNS(SVGNS, "text");
    last.setAttribute("x", W - pad); last.setAttribute("y", H - 3); last.setAttribute("text-anchor", "end");
    last.textContent = keys[keys.length - 1];
    svg.appendChild(first); svg.appendChild(last);
  }

  function load() {
    var p = params();
    var qs = p.toString();
    history.replaceState(null, "", qs ? "?" + qs : location.pathname);
    ["jsonl", "csv", "geojson", "plover"].forEach(function (f) {
      document.getElementById("x-" + f).href = "/api/export/incidents." + f + (qs ? "?" + qs : "");
    });
    statusEl.textContent = "Loading incidents…";
    document.body.dataset.state = "loading";
    p.set("brief", "true"); p.set("limit", "50000");
    if (p.get("grade") === "none") { all = []; pending = true; draw(); rendered(); return Promise.resolve(); }
    return fetch("/api/incidents?" + p.toString(), { headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) { throw new Error(body.detail || ("HTTP " + r.status)); }
          return body;
        });
      })
      .then(function (body) {
        all = body.items;
        pending = true;
        draw();
        if (!markers.length) { rendered(); }
      })
      .catch(function (err) {
        statusEl.textContent = "Could not load incidents: " + err.message;
        document.body.dataset.state = "error";
      });
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); load(); });
  form.querySelectorAll("select, input[type=checkbox], input[type=date]").forEach(function (el) {
    el.addEventListener("change", load);
  });
  document.getElementById("reset").addEventListener("click", function () {
    ["since", "until", "actor"].forEach(function (k) { form.elements[k].value = ""; });
    form.elements.type.value = ""; form.elements.affiliation.value = "";
    form.querySelectorAll("input[name=grade]").forEach(function (b) { b.checked = true; });
    firstLoad = true;
    load();
  });
  map.on("moveend", syncView);
  window.addEventListener("resize", function () { histogram(inView()); });
  load();
})();
