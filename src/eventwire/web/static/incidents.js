// Incidents table: filters, sort and page are all in the URL; rows come from /api/incidents?brief=true
// (with the total that match); the timeline above the table is /api/timeline's bins for the same
// filters, and brushing it sets the date range. Selected rows can be merged, regraded or discounted;
// a row's reports can be split out. Data is put in the page with textContent only.
(function () {
  "use strict";
  var form = document.getElementById("tfilters");
  var acts = document.getElementById("actions");
  var rowsEl = document.getElementById("rows");
  var totalEl = document.getElementById("total");
  var msg = document.getElementById("msg");
  var nsel = document.getElementById("nsel");
  var limitEl = document.getElementById("limit");
  var GRADES = ["confirmed", "fair", "weak", "contested", "discounted"];
  var FILTERS = ["since", "until", "type", "country", "province", "actor", "outlet", "affiliation", "q"];
  var selected = [];
  var seq = 0, lastBins = null;
  var url0 = new URLSearchParams(location.search);
  if (url0.get("limit")) { limitEl.value = url0.get("limit"); }
  EWCorrect.remember(acts);

  var timeline = window.EWTimeline(document.getElementById("timeline"), document.getElementById("timeline-note"), {
    onRange: function (since, until) {
      form.elements.since.value = since; form.elements.until.value = until;
      form.elements.offset.value = "0";
      load();
    }
  });

  function filters() {
    var p = new URLSearchParams();
    FILTERS.forEach(function (k) { var v = form.elements[k].value.trim(); if (v) { p.set(k, v); } });
    var g = Array.prototype.slice.call(form.querySelectorAll("input[name=grade]:checked")).map(function (b) { return b.value; });
    if (g.length && g.length < GRADES.length) { p.set("grade", g.join(",")); }
    return { p: p, none: !g.length };
  }
  function state() {
    var f = filters(), p = new URLSearchParams(f.p.toString());
    if (form.elements.sort.value !== "date") { p.set("sort", form.elements.sort.value); }
    if (form.elements.order.value !== "desc") { p.set("order", form.elements.order.value); }
    if (+form.elements.offset.value) { p.set("offset", form.elements.offset.value); }
    if (limitEl.value !== "50") { p.set("limit", limitEl.value); }
    return { url: p, filt: f.p, none: f.none };
  }

  function cell(tr, text, cls) {
    var td = document.createElement("td");
    if (cls) { td.className = cls; }
    if (text instanceof Node) { td.appendChild(text); } else { td.textContent = text == null ? "" : String(text); }
    tr.appendChild(td);
    return td;
  }
  function killed(r) {
    var lo = r.killed_min, hi = r.killed_max;
    if (lo == null && hi == null) { return ""; }
    if (lo != null && hi != null) { return lo === hi ? String(lo) : lo + "-" + hi; }
    return lo != null ? lo + "+" : "up to " + hi;
  }

  function row(r) {
    var tr = document.createElement("tr");
    tr.dataset.id = r.id;
    var box = document.createElement("input");
    box.type = "checkbox"; box.value = r.id; box.className = "pick";
    box.setAttribute("aria-label", "select incident " + r.id);
    box.checked = selected.indexOf(r.id) >= 0;
    box.addEventListener("change", function () {
      var k = selected.indexOf(r.id);
      if (box.checked && k < 0) { selected.push(r.id); }
      if (!box.checked && k >= 0) { selected.splice(k, 1); }
      nsel.textContent = String(selected.length);
    });
    cell(tr, box);
    cell(tr, (r.date || "?") + (r.end_date && r.end_date !== r.date ? " to " + r.end_date : ""), "nowrap");
    cell(tr, (r.type || "") + (r.mode ? "/" + r.mode : ""));
    var a = document.createElement("a");
    a.href = "/incidents/" + encodeURIComponent(r.id);
    a.textContent = r.place || "(no place)";
    a.title = "incident " + r.id;
    cell(tr, a);
    cell(tr, r.country || "");
    cell(tr, r.admin1 || "");
    cell(tr, killed(r), "num");
    cell(tr, r.n_reports, "num");
    cell(tr, r.origins, "num");
    var badge = document.createElement("span");
    badge.className = "badge grade-" + r.grade; badge.textContent = r.grade; badge.title = r.grade_reason || "";
    cell(tr, badge);
    var who = (r.actors || []).concat((r.recipients || []).map(function (x) { return "→ " + x; }));
    cell(tr, who.slice(0, 4).join("; ") + (who.length > 4 ? " …" : ""));
    var td = cell(tr, "");
    if (r.n_reports > 1) {
      var b = document.createElement("button");
      b.type = "button"; b.className = "small-btn split-open"; b.textContent = "Reports…";
      b.setAttribute("aria-expanded", "false");
      b.addEventListener("click", function () { toggleReports(tr, r, b); });
      td.appendChild(b);
    }
    return tr;
  }

  function toggleReports(tr, r, btn) {
    var next = tr.nextSibling;
    if (next && next.classList && next.classList.contains("sub")) { next.remove(); btn.setAttribute("aria-expanded", "false"); return; }
    btn.setAttribute("aria-expanded", "true");
    var sub = document.createElement("tr");
    sub.className = "sub";
    var td = document.createElement("td");
    td.colSpan = 13;
    td.textContent = "Loading reports…";
    sub.appendChild(td);
    tr.parentNode.insertBefore(sub, tr.nextSibling);
    fetch("/api/incidents/" + encodeURIComponent(r.id)).then(function (x) { return x.json(); }).then(function (inc) {
      td.textContent = "";
      var ul = document.createElement("ul");
      (inc.reports || []).forEach(function (rp) {
        var li = document.createElement("li");
        var key = rp.article + ":" + rp.event;
        li.appendChild(document.createTextNode((rp.outlet_name || rp.outlet || "?") + " (" + (rp.status || "?") + "): " +
          (rp.title || rp.article) + " [" + rp.event + "] "));
        var s = document.createElement("button");
        s.type = "button"; s.className = "small-btn split-out"; s.textContent = "Split out";
        s.dataset.key = key;
        s.addEventListener("click", function () {
          s.disabled = true;
          EWCorrect.post("/api/incidents/" + encodeURIComponent(r.id) + "/split", { event: key }, acts).then(function (j) {
            EWCorrect.say(msg, "Split " + key + " out of " + r.id + " into " + (j.incident ? j.incident.id : "a new incident") +
              " (correction " + j.correction + ", by " + j.by + ").", j.correction, acts, load);
            clearNote();
            load();
          }).catch(fail);
        });
        li.appendChild(s);
        ul.appendChild(li);
      });
      td.appendChild(ul);
    }).catch(fail);
  }

  function fail(e) { EWCorrect.say(msg, "Not done: " + e.message, null); }
  // a note is the reason for one correction: once it is made, the next one starts without it
  function clearNote() { acts.elements.note.value = ""; }

  function render(body) {
    while (rowsEl.firstChild) { rowsEl.removeChild(rowsEl.firstChild); }
    var frag = document.createDocumentFragment();
    body.items.forEach(function (r) { frag.appendChild(row(r)); });
    if (!body.items.length) {
      var tr = document.createElement("tr");
      cell(tr, "No incidents match these filters.").colSpan = 13;
      frag.appendChild(tr);
    }
    rowsEl.appendChild(frag);
    var off = body.offset, n = body.items.length;
    // the server counts matches up to a cap (bounded work per page); beyond it the total reads "10000+"
    var shown = body.total + (body.total_exact === false ? "+" : "");
    totalEl.textContent = "(" + shown + " match" + (body.total === 1 && body.total_exact !== false ? "" : "es") + ")";
    totalEl.dataset.total = String(body.total);
    document.getElementById("pageinfo").textContent = n ? (off + 1) + "–" + (off + n) + " of " + shown : "";
    document.getElementById("prev").disabled = off <= 0;
    document.getElementById("next").disabled = body.next_offset == null;
    document.querySelectorAll("#itable th[data-sort]").forEach(function (th) {
      th.setAttribute("aria-sort", th.dataset.sort === form.elements.sort.value
        ? (form.elements.order.value === "asc" ? "ascending" : "descending") : "none");
    });
  }

  function load() {
    var st = state(), qs = st.url.toString(), fq = st.filt.toString();
    history.replaceState(null, "", qs ? "?" + qs : location.pathname);
    document.getElementById("as-map").href = "/" + (fq ? "?" + fq : "");
    ["jsonl", "csv", "geojson", "plover"].forEach(function (f) {
      var x = new URLSearchParams(fq);
      if (form.elements.sort.value !== "date") { x.set("sort", form.elements.sort.value); }
      if (form.elements.order.value !== "desc") { x.set("order", form.elements.order.value); }
      var xs = x.toString();
      document.getElementById("x-" + f).href = "/api/export/incidents." + f + (xs ? "?" + xs : "");
    });
    document.body.dataset.state = "loading";
    var mine = ++seq;
    if (st.none) {
      render({ items: [], total: 0, offset: 0 });
      timeline.draw(null, null);
      document.body.dataset.state = "ready";
      return Promise.resolve();
    }
    var api = new URLSearchParams(qs);
    api.set("brief", "true");
    api.set("limit", limitEl.value);
    var rows = fetch("/api/incidents?" + api.toString()).then(json);
    var bins = fetch("/api/timeline" + (fq ? "?" + fq : "")).then(json);
    return Promise.all([rows, bins]).then(function (res) {
      if (mine !== seq) { return; }
      lastBins = res[1];
      render(res[0]);
      timeline.draw(res[1], null);
      document.body.dataset.state = "ready";
    }).catch(function (e) {
      if (mine !== seq) { return; }
      totalEl.textContent = "";
      EWCorrect.say(msg, "Could not load incidents: " + e.message, null);
      document.body.dataset.state = "error";
    });
  }
  function json(r) {
    return r.json().then(function (b) { if (!r.ok) { throw new Error(b.detail || ("HTTP " + r.status)); } return b; });
  }

  // ------------------------------------------------------------ corrections on the selection
  function act(kind) {
    if (kind === "merge") {
      if (selected.length < 2) { EWCorrect.say(msg, "Select two or more incidents to merge (the first selected is kept).", null); return; }
      var keep = selected[0], others = selected.slice(1), ids = [], by = "";
      var chain = others.reduce(function (p, other) {
        return p.then(function () {
          return EWCorrect.post("/api/incidents/" + encodeURIComponent(keep) + "/merge", { other: other }, acts)
            .then(function (j) { ids.push(j.correction); by = j.by; keep = j.incident ? j.incident.id : keep; });
        });
      }, Promise.resolve());
      chain.then(function () {
        EWCorrect.say(msg, "Merged " + others.length + " incident" + (others.length === 1 ? "" : "s") + " into " + keep +
          " (correction " + ids.join(", ") + ", by " + by + ").", ids.length === 1 ? ids[0] : null, acts, load);
        selected = []; nsel.textContent = "0";
        clearNote();
        load();
      }).catch(fail);
      return;
    }
    if (!selected.length) { EWCorrect.say(msg, "Select the incidents to " + (kind === "grade" ? "regrade" : "discount") + ".", null); return; }
    var grade = kind === "discount" ? "discounted" : acts.elements.grade.value;
    if (kind === "discount" && !acts.elements.note.value.trim()) {
      EWCorrect.say(msg, "Say why in the note: a discounted incident is set aside for everyone.", null);
      acts.elements.note.focus();
      return;
    }
    var done = [], by = "";
    selected.reduce(function (p, id) {
      return p.then(function () {
        return EWCorrect.post("/api/incidents/" + encodeURIComponent(id) + "/grade", { grade: grade }, acts)
          .then(function (j) { done.push(j.correction); by = j.by; });
      });
    }, Promise.resolve()).then(function () {
      EWCorrect.say(msg, (kind === "discount" ? "Discounted " : "Regraded ") + done.length + " incident" +
        (done.length === 1 ? "" : "s") + " as " + grade + " (correction " + done.join(", ") + ", by " + by + ").",
        done.length === 1 ? done[0] : null, acts, load);
      selected = []; nsel.textContent = "0";
      clearNote();
      load();
    }).catch(fail);
  }
  acts.querySelectorAll("button[data-act]").forEach(function (b) {
    b.addEventListener("click", function () { act(b.dataset.act); });
  });

  // ------------------------------------------------------------ filters, sort, pages
  form.addEventListener("submit", function (e) { e.preventDefault(); form.elements.offset.value = "0"; load(); });
  form.querySelectorAll("select, input[type=checkbox], input[type=date]").forEach(function (el) {
    el.addEventListener("change", function () { form.elements.offset.value = "0"; load(); });
  });
  document.getElementById("treset").addEventListener("click", function () {
    FILTERS.forEach(function (k) { form.elements[k].value = ""; });
    form.querySelectorAll("input[name=grade]").forEach(function (b) { b.checked = true; });
    form.elements.offset.value = "0";
    load();
  });
  document.querySelectorAll("#itable button.sort").forEach(function (b) {
    b.addEventListener("click", function () {
      var same = form.elements.sort.value === b.dataset.sort;
      form.elements.sort.value = b.dataset.sort;
      form.elements.order.value = same && form.elements.order.value === "desc" ? "asc" : "desc";
      form.elements.offset.value = "0";
      load();
    });
  });
  function go(delta) {
    var lim = +limitEl.value, off = Math.max(0, (+form.elements.offset.value || 0) + delta * lim);
    form.elements.offset.value = String(off);
    load();
  }
  document.getElementById("prev").addEventListener("click", function () { go(-1); });
  document.getElementById("next").addEventListener("click", function () { go(1); });
  limitEl.addEventListener("change", function () { form.elements.offset.value = "0"; load(); });
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    // the bars are laid out for the width: draw them again from the last answer (no new requests)
    resizeTimer = setTimeout(function () { if (lastBins) { timeline.draw(lastBins, null); } }, 200);
  });
  load();
})();
