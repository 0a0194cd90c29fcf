// Map page: incidents as markers (colour = grade, size = deaths), clustered; a timeline histogram
// and a list of the incidents in view, both kept in step with the map and the filters.
//
// Fast with many incidents: the data is one compact, cached request (/api/map: parallel arrays),
// started by a <link rel=preload> before the scripts run; the points are clustered on a grid for the
// current zoom only, and only the clusters and markers inside the view are put on the map (a few
// hundred DOM nodes at most, each a focusable marker). Markers are drawn and painted first; the list and the
// timeline follow in the next task. Data from the API is only ever put in the page with
// textContent / attributes, never as HTML.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var statusEl = document.getElementById("status");
  var listEl = document.getElementById("inview");
  var countEl = document.getElementById("inview-count");
  var noplaceWrap = document.getElementById("noplace-wrap");
  var noplaceEl = document.getElementById("noplace");
  var noplaceCount = document.getElementById("noplace-count");
  var svg = document.getElementById("timeline");
  var note = document.getElementById("timeline-note");
  var mapEl = document.getElementById("map");
  var preload = document.getElementById("map-data");
  var SVGNS = "http://www.w3.org/2000/svg";
  var GRADES = ["confirmed", "fair", "weak", "contested", "discounted"];
  var LIST_MAX = 300;

  var map = L.map(mapEl, { worldCopyJump: true, minZoom: 2, maxZoom: 14, zoomSnap: 0.5 }).setView([30, 25], 3);
  var tileUrl = mapEl.dataset.tileUrl;
  if (tileUrl) {
    L.tileLayer(tileUrl, { maxZoom: 18, attribution: "tiles: see settings tile_url" }).addTo(map);
  }
  map.attributionControl.setPrefix(false);  // no "Leaflet" link (nor its flag) before the sources
  map.attributionControl.addAttribution("Country outlines: Natural Earth (world-atlas)");

  // ---------------------------------------------------------------- country outlines
  // 1:110m first (100 kB, drawn in a few ms); 1:50m replaces it once the markers are up and the
  // view is zoomed in enough to show the difference.
  var outlineRenderer = L.canvas({ padding: 0.2 });
  var outlineLayer = null, outlineRes = null, fineRequested = false;
  function outlines(res) {
    return fetch("/static/vendor/world-atlas/countries-" + res + ".json")
      .then(function (r) { return r.json(); })
      .then(function (topo) {
        if (outlineRes === "50m") { return; }
        var layer = L.geoJSON(antimeridianSafe(topojson.feature(topo, topo.objects.countries)), {
          renderer: outlineRenderer, interactive: false,
          style: { color: "#8d9aab", weight: 0.7, fillColor: tileUrl ? "transparent" : "#f4f1ea", fillOpacity: tileUrl ? 0 : 1 }
        });
        if (outlineLayer) { map.removeLayer(outlineLayer); }
        outlineLayer = layer.addTo(map);
        outlineLayer.bringToBack();
        outlineRes = res;
        mapEl.dataset.outlines = res;
        mapEl.dataset.outlineJumps = String(jumps(layer));
      })
      .catch(function () { /* the markers still work without outlines */ });
  }
  // world-atlas rings are not cut at the 180° line (d3 cuts them when projecting; Leaflet does not), so
  // a ring crossing it (Russia's Chukotka, Fiji) would be drawn as a band across the world. Each ring is
  // unwrapped (longitudes shifted by 360° wherever they jump more than 180°) and a copy shifted by 360°
  // is added for the part beyond the line; a ring around a pole (Antarctica) is closed along the pole.
  function unwrap(ring) {
    var out = [[ring[0][0], ring[0][1]]], off = 0;
    for (var k = 1; k < ring.length; k++) {
      var d = ring[k][0] + off - out[k - 1][0];
      if (d > 180) { off -= 360; } else if (d < -180) { off += 360; }
      out.push([ring[k][0] + off, ring[k][1]]);
    }
    var drift = out[out.length - 1][0] - out[0][0];
    if (Math.abs(drift) > 180) {  // goes round a pole: close it along the pole
      var lat = out.reduce(function (a, p) { return a + p[1]; }, 0) / out.length < 0 ? -90 : 90;
      out.push([out[out.length - 1][0], lat], [out[0][0], lat], out[0]);
    }
    return out;
  }
  function shifted(rings, by) { return rings.map(function (r) { return r.map(function (p) { return [p[0] + by, p[1]]; }); }); }
  function antimeridianSafe(fc) {
    fc.features.forEach(function (f) {
      var g = f.geometry;
      if (!g) { return; }
      var polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : null;
      if (!polys) { return; }
      var out = [];
      polys.forEach(function (rings) {
        var u = rings.map(unwrap);
        var lo = Infinity, hi = -Infinity;
        u[0].forEach(function (p) { if (p[0] < lo) { lo = p[0]; } if (p[0] > hi) { hi = p[0]; } });
        out.push(u);
        if (hi > 180) { out.push(shifted(u, -360)); }
        if (lo < -180) { out.push(shifted(u, 360)); }
      });
      f.geometry = { type: "MultiPolygon", coordinates: out };
    });
    return fc;
  }
  // rings that still jump more than 180° between two points (0 once fixed): read by the browser tests
  function jumps(layer) {
    var n = 0;
    function walk(x) {
      if (!x.length) { return; }
      if (x[0].lng !== undefined) {
        for (var k = 1; k < x.length; k++) {
          var polar = Math.abs(x[k].lat) >= 89.9 && Math.abs(x[k - 1].lat) >= 89.9;  // the edge closing a polar ring
          if (!polar && Math.abs(x[k].lng - x[k - 1].lng) > 180) { n += 1; }
        }
        return;
      }
      x.forEach(walk);
    }
    layer.eachLayer(function (l) { if (l.getLatLngs) { walk(l.getLatLngs()); } });
    return n;
  }

  // ---------------------------------------------------------------- place labels
  // From the gazetteer (/api/places/labels), the most populous places in view once zoomed in.
  var labelLayer = L.layerGroup().addTo(map), labelSeq = 0, LABEL_ZOOM = 5;
  function placeLabels() {
    var mine = ++labelSeq;
    if (map.getZoom() < LABEL_ZOOM) { labelLayer.clearLayers(); mapEl.dataset.labels = "0"; return; }
    var b = map.getBounds();
    var box = [Math.max(-180, b.getWest()), Math.max(-90, b.getSouth()), Math.min(180, b.getEast()), Math.min(90, b.getNorth())]
      .map(function (v) { return v.toFixed(4); }).join(",");
    fetch("/api/places/labels?limit=" + Math.round(12 + 4 * (map.getZoom() - LABEL_ZOOM)) + "&bbox=" + box)
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (body) {
        if (mine !== labelSeq) { return; }
        labelLayer.clearLayers();
        var taken = [];
        body.items.forEach(function (p) {
          var pt = map.latLngToContainerPoint([p.lat, p.lon]), w = 3.5 * p.name.length + 6;
          if (taken.some(function (t) { return Math.abs(t.x - pt.x) < t.w + w && Math.abs(t.y - pt.y) < 14; })) { return; }
          taken.push({ x: pt.x, y: pt.y, w: w });
          var span = document.createElement("span");
          span.textContent = p.name;
          labelLayer.addLayer(L.marker([p.lat, p.lon], {
            icon: L.divIcon({ className: "place-label", html: span, iconSize: null }),
            interactive: false, keyboard: false, pane: "overlayPane"
          }));
        });
        mapEl.dataset.labels = String(taken.length);
      })
      .catch(function () { /* labels are optional */ });
  }
  map.on("moveend", placeLabels);

  function fineOutlines() {
    if (!fineRequested && map.getZoom() >= 4) { fineRequested = true; outlines("50m"); }
  }
  outlines("110m");
  map.on("zoomend", function () { if (document.body.dataset.state === "ready") { fineOutlines(); } });

  // ---------------------------------------------------------------- state
  var D = null;            // the last answer of /api/map (parallel arrays)
  var T = null;            // the last answer of /api/timeline (bins for the same filters)
  var placed = 0;
  var firstLoad = true;
  var seq = 0;             // answers to older requests are dropped
  var drawn = L.layerGroup().addTo(map);

  function params() {
    var p = new URLSearchParams();
    ["since", "until", "type", "country", "province", "actor", "outlet", "affiliation", "q"].forEach(function (k) {
      var v = form.elements[k].value.trim();
      if (v) { p.set(k, v); }
    });
    var grades = Array.prototype.slice.call(form.querySelectorAll("input[name=grade]:checked")).map(function (b) { return b.value; });
    if (grades.length && grades.length < GRADES.length) { p.set("grade", grades.join(",")); }
    if (!grades.length) { p.set("grade", "none"); }
    return p;
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function deaths(i) { return D.killed[i] || 0; }
  function grade(i) { return D.grades[D.grade[i]] || "weak"; }
  function label(i) {
    var k = deaths(i), t = D.types[D.type[i]], m = D.mode[i] == null ? null : D.modes[D.mode[i]];
    var d = D.date[i] ? D.date[i] + (D.end_date[i] && D.end_date[i] !== D.date[i] ? " to " + D.end_date[i] : "") : "date unknown";
    return (t || "event") + (m ? "/" + m : "") + (D.place[i] ? " at " + D.place[i] : "") +
      ", " + d + " (" + grade(i) + (k ? ", " + k + " killed" : "") + ")";
  }
  function href(i) { return "/incidents/" + encodeURIComponent(D.id[i]); }
  function link(i) {
    var a = document.createElement("a");
    a.href = href(i);
    a.textContent = label(i);
    return a;
  }

  function popup(i) {
    var box = document.createElement("div");
    var h = document.createElement("strong");
    h.textContent = label(i);
    var p = document.createElement("div");
    p.textContent = plural(D.reports[i], "report") + ", " + plural(D.origins[i], "independent origin");
    var a = document.createElement("a");
    a.href = href(i);
    a.textContent = "Open incident";
    a.className = "open-incident";
    box.appendChild(h); box.appendChild(p); box.appendChild(a);
    return box;
  }

  // ---------------------------------------------------------------- clusters
  // Grid clustering at the current zoom only, recomputed on zoom (O(n), a few ms for 10,000 points):
  // points are binned into RADIUS-pixel cells, then neighbouring cells whose centres are closer than
  // RADIUS are merged. Each cluster keeps its members, their bounds and their grades.
  var RADIUS = 48;
  var byZoom = {};         // zoom -> clusters of the current data

  function clustersAt(z) {
    if (byZoom[z]) { return byZoom[z]; }
    var scale = 256 * Math.pow(2, z), cells = new Map(), list = [];
    for (var i = 0; i < D.n; i++) {
      var la = D.lat[i], lo = D.lon[i];
      if (la == null || lo == null) { continue; }
      var s = Math.sin(Math.max(-85, Math.min(85, la)) * Math.PI / 180);
      var x = (lo + 180) / 360 * scale, y = (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * scale;
      var cx = Math.floor(x / RADIUS), cy = Math.floor(y / RADIUS), key = cx * 4194304 + cy;
      var c = cells.get(key);
      if (!c) {
        c = { cx: cx, cy: cy, x: 0, y: 0, lat: 0, lon: 0, n: 0, members: [], s: la, w: lo, nn: la, e: lo, into: null };
        cells.set(key, c); list.push(c);
      }
      c.x += x; c.y += y; c.lat += la; c.lon += lo; c.n += 1; c.members.push(i);
      if (la < c.s) { c.s = la; } if (la > c.nn) { c.nn = la; } if (lo < c.w) { c.w = lo; } if (lo > c.e) { c.e = lo; }
    }
    list.sort(function (a, b) { return b.n - a.n; });  // big cells absorb their small neighbours
    list.forEach(function (c, k) { c.rank = k; });
    var out = [];
    list.forEach(function (c) {
      if (c.into) { return; }
      for (var dx = -1; dx <= 1; dx++) {
        for (var dy = -1; dy <= 1; dy++) {
          var o = (dx || dy) && cells.get((c.cx + dx) * 4194304 + c.cy + dy);
          if (!o || o.into || o.rank < c.rank) { continue; }  // merged already, or a bigger cell kept
          var ddx = c.x / c.n - o.x / o.n, ddy = c.y / c.n - o.y / o.n;
          if (ddx * ddx + ddy * ddy < RADIUS * RADIUS) {
            o.into = c; c.x += o.x; c.y += o.y; c.lat += o.lat; c.lon += o.lon; c.n += o.n;
            c.members = c.members.concat(o.members);
            c.s = Math.min(c.s, o.s); c.nn = Math.max(c.nn, o.nn); c.w = Math.min(c.w, o.w); c.e = Math.max(c.e, o.e);
          }
        }
      }
      out.push(c);
    });
    byZoom[z] = out;
    return out;
  }

  function short(n) { return n >= 10000 ? Math.round(n / 1000) + "k" : n >= 1000 ? (n / 1000).toFixed(1) + "k" : String(n); }

  function mix(members) {
    var counts = {};
    members.forEach(function (i) { var g = grade(i); counts[g] = (counts[g] || 0) + 1; });
    return GRADES.filter(function (g) { return counts[g]; }).map(function (g) { return counts[g] + " " + g; }).join(", ");
  }

  function membersPopup(c) {
    var box = document.createElement("div");
    var h = document.createElement("strong");
    h.textContent = plural(c.n, "incident") + " at this place";
    var ol = document.createElement("ol");
    ol.className = "popup-list";
    c.members.slice(0, 50).forEach(function (i) {
      var li = document.createElement("li");
      li.appendChild(link(i));
      ol.appendChild(li);
    });
    box.appendChild(h); box.appendChild(ol);
    if (c.n > 50) {
      var more = document.createElement("div");
      more.textContent = (c.n - 50) + " more: narrow the dates or type";
      box.appendChild(more);
    }
    return box;
  }

  function clusterMarker(c) {
    var size = Math.round(Math.min(56, 26 + 6 * Math.log10(c.n)));
    var span = document.createElement("span");
    span.textContent = short(c.n);
    var text = plural(c.n, "incident") + " (" + mix(c.members) + ")";
    var m = L.marker([c.lat / c.n, c.lon / c.n], {
      icon: L.divIcon({ className: "marker-cluster ew-cluster", html: span, iconSize: [size, size] }),
      title: text + (c.s === c.nn && c.w === c.e ? " at one place: click or press Enter to list them"
                                                 : ": click or press Enter to zoom in"), alt: text, keyboard: true
    });
    m.on("click", open);
    m.on("keypress", function (e) { if (e.originalEvent.key === "Enter" || e.originalEvent.keyCode === 13) { open(); } });
    function open() {
      var b = L.latLngBounds([c.s, c.w], [c.nn, c.e]);
      var z = Math.min(map.getMaxZoom(), map.getBoundsZoom(b.pad(0.2)));
      if (z > map.getZoom() + 0.25 && !b.getNorthEast().equals(b.getSouthWest())) {
        map.fitBounds(b.pad(0.2), { maxZoom: map.getMaxZoom() });
        map.getContainer().focus();  // the cluster's marker is redrawn: keep keyboard focus on the map
      } else {
        m.bindPopup(membersPopup(c), { maxHeight: 260 }).openPopup();
      }
    }
    return m;
  }

  function pointMarker(i) {
    var size = Math.min(40, Math.round(12 + 4 * Math.log2(1 + deaths(i))));
    var m = L.marker([D.lat[i], D.lon[i]], {
      icon: L.divIcon({ className: "ew-marker grade-" + grade(i), iconSize: [size, size] }),
      title: label(i), alt: label(i), keyboard: true, riseOnHover: true
    });
    m.bindPopup(function () { return popup(i); });
    return m;
  }

  function drawMarkers() {
    drawn.clearLayers();
    mapEl.dataset.zoom = String(map.getZoom());
    if (!D || !placed) { return; }
    var b = map.getBounds().pad(0.25);
    clustersAt(Math.round(map.getZoom())).forEach(function (c) {
      var ll = [c.lat / c.n, c.lon / c.n];
      if (!b.contains(ll) && !b.contains([ll[0], ll[1] + 360]) && !b.contains([ll[0], ll[1] - 360])) { return; }
      drawn.addLayer(c.n === 1 ? pointMarker(c.members[0]) : clusterMarker(c));
    });
  }

  // ---------------------------------------------------------------- list and timeline
  function visible() {
    var b = map.getBounds(), s = b.getSouth(), n = b.getNorth(), w = b.getWest(), e = b.getEast();
    var out = [];
    for (var i = 0; i < D.n; i++) {
      var la = D.lat[i], lo = D.lon[i];
      if (la == null || lo == null) { continue; }
      if (la >= s && la <= n && ((lo >= w && lo <= e) || (lo + 360 >= w && lo + 360 <= e) || (lo - 360 >= w && lo - 360 <= e))) { out.push(i); }
    }
    return out;
  }

  function fillList(ol, ids, more) {
    while (ol.firstChild) { ol.removeChild(ol.firstChild); }
    var frag = document.createDocumentFragment();
    ids.slice(0, LIST_MAX).forEach(function (i) {
      var li = document.createElement("li");
      var dot = document.createElement("span");
      dot.className = "dot grade-" + grade(i);
      dot.setAttribute("aria-hidden", "true");
      li.appendChild(dot); li.appendChild(link(i));
      frag.appendChild(li);
    });
    if (ids.length > LIST_MAX) {
      var li = document.createElement("li");
      li.className = "more";
      li.textContent = (ids.length - LIST_MAX) + " more: " + more;
      frag.appendChild(li);
    }
    ol.appendChild(frag);
  }

  function syncView() {
    if (!D) { return; }
    var vis = visible();
    countEl.textContent = "(" + vis.length + ")";
    fillList(listEl, vis, "zoom in or filter");
    histogram(vis);
  }

  function fillNoPlace() {
    var ids = [];
    for (var i = 0; i < D.n; i++) { if (D.lat[i] == null || D.lon[i] == null) { ids.push(i); } }
    noplaceWrap.hidden = !ids.length;
    noplaceCount.textContent = "(" + ids.length + ")";
    fillList(noplaceEl, ids, "filter to see them");
  }

  var timeline = window.EWTimeline(svg, note, {
    onRange: function (since, until) {
      form.elements.since.value = since; form.elements.until.value = until;
      load();
    }
  });
  function histogram(vis) { timeline.draw(T, vis.map(function (i) { return D.date[i]; })); }

  // ---------------------------------------------------------------- loading
  function show(d, t) {
    D = d;
    T = t;
    byZoom = {};
    placed = 0;
    for (var j = 0; j < d.n; j++) { if (d.lat[j] != null && d.lon[j] != null) { placed += 1; } }
    if (firstLoad && placed) {
      var s = 90, n = -90, w = 180, e = -180;
      for (var i = 0; i < d.n; i++) {
        if (d.lat[i] == null || d.lon[i] == null) { continue; }
        if (d.lat[i] < s) { s = d.lat[i]; } if (d.lat[i] > n) { n = d.lat[i]; }
        if (d.lon[i] < w) { w = d.lon[i]; } if (d.lon[i] > e) { e = d.lon[i]; }
      }
      fitting = true;  // drawn below: no second pass from moveend
      map.fitBounds(L.latLngBounds([s, w], [n, e]).pad(0.3), { maxZoom: 7, animate: false });
      fitting = false;
    }
    firstLoad = false;
    drawMarkers();
    var unplaced = d.n - placed;
    statusEl.textContent = d === EMPTY ? "No grade is ticked: tick at least one to see incidents." : plural(d.n, "incident") + " match" + (d.n === 1 ? "es" : "") +
      (unplaced ? "; " + unplaced + " have no place: listed under “Without a place”, not on the map" : "") + ".";
    document.body.dataset.markers = String(placed);
    // let the browser paint the markers, then fill the list and the timeline
    requestAnimationFrame(function () {
      setTimeout(function () {
        if (!document.body.dataset.firstRenderMs) {
          document.body.dataset.firstRenderMs = String(Math.round(performance.now()));
        }
        syncView();
        fillNoPlace();
        document.body.dataset.state = "ready";
        if (!document.body.dataset.readyMs) { document.body.dataset.readyMs = String(Math.round(performance.now())); }
        fineOutlines();
      }, 0);
    });
  }

  var EMPTY = { n: 0, id: [], lat: [], lon: [], grade: [], type: [], mode: [], date: [], end_date: [], killed: [],
                place: [], reports: [], origins: [], grades: GRADES, types: [], modes: [] };

  function load(url) {
    var p = params();
    var qs = p.toString();
    history.replaceState(null, "", qs ? "?" + qs : location.pathname);
    document.getElementById("as-table").href = "/incidents" + (qs ? "?" + qs : "");
    ["jsonl", "csv", "geojson", "plover"].forEach(function (f) {
      document.getElementById("x-" + f).href = "/api/export/incidents." + f + (qs ? "?" + qs : "");
    });
    statusEl.textContent = "Loading incidents…";
    document.body.dataset.state = "loading";
    var mine = ++seq;
    if (p.get("grade") === "none") { show(EMPTY, null); return Promise.resolve(); }
    // the markers and the timeline's bins (counted by the server) for the same filters, in parallel
    return Promise.all([fetch(url || "/api/map" + (qs ? "?" + qs : "")).then(json),
                        fetch("/api/timeline" + (qs ? "?" + qs : "")).then(json)])
      .then(function (res) { if (mine === seq) { show(res[0], res[1]); } })
      .catch(function (err) {
        if (mine !== seq) { return; }
        statusEl.textContent = "Could not load incidents: " + err.message;
        document.body.dataset.state = "error";
      });
  }

  function json(r) {
    return r.json().then(function (body) {
      if (!r.ok) { throw new Error(body.detail || ("HTTP " + r.status)); }
      return body;
    });
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); load(); });
  form.querySelectorAll("select, input[type=checkbox], input[type=date]").forEach(function (el) {
    el.addEventListener("change", function () { load(); });
  });
  document.getElementById("reset").addEventListener("click", function () {
    ["since", "until", "province", "actor", "outlet", "q"].forEach(function (k) { form.elements[k].value = ""; });
    form.elements.type.value = ""; form.elements.country.value = ""; form.elements.affiliation.value = "";
    form.querySelectorAll("input[name=grade]").forEach(function (b) { b.checked = true; });
    firstLoad = true;
    load();
  });
  var pendingMove = false, fitting = false;
  map.on("moveend", function () {
    if (!D || pendingMove || fitting) { return; }
    pendingMove = true;
    requestAnimationFrame(function () { pendingMove = false; drawMarkers(); syncView(); });
  });
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { if (D) { histogram(visible()); } }, 150);
  });
  // the first request was started by <link rel=preload> in the page head, with the page's filters
  load(preload && params().get("grade") !== "none" ? preload.href : null);
})();
