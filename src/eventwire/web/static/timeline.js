// The timeline histogram shared by the map and the incidents table, drawn from GET /api/timeline.
//
// The server counts the bins (in SQL, with the page's filters) and chooses them: day, week, month or
// year from the range shown, so there are at most a few hundred bars; dates far outside the bulk of
// the data (an event dated 1964 among ten years of 2010s reports) are clipped, and the note says how
// many were left out and the earliest and latest. The map also passes the dates of the incidents in
// its view, counted here into the same bins (dark bars). Dragging across the bars (brushing) or
// choosing one bar (click, Enter or Space) calls opts.onRange(since, until) with the dates the bars
// cover; the pages filter the map and the table.
(function () {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";

  function plural(n, w) { return n + " " + w + (n === 1 ? "" : "s"); }
  var LABEL = {
    day: function (d) { return d; }, week: function (d) { return "week of " + d; },
    month: function (d) { return d.slice(0, 7); }, year: function (d) { return d.slice(0, 4); }
  };
  // an ISO date, year-month or year as the first day it names (the server reads dates the same way)
  function dayOf(s) { s = String(s).slice(0, 10); return s.length === 4 ? s + "-01-01" : s.length === 7 ? s + "-01" : s; }
  // the bin holding an ISO day (binary search: ISO days compare as strings), or -1 outside the bins
  function binIndex(bins, d) {
    var lo = 0, hi = bins.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (d < bins[mid].start) { hi = mid - 1; } else if (d > bins[mid].end) { lo = mid + 1; } else { return mid; }
    }
    return -1;
  }

  window.EWTimeline = function (svg, note, opts) {
    var bins = [], geom = null, brush = null, drag = null;

    // body: an /api/timeline answer; inView: the dates of the incidents in the map's view (or null)
    function draw(body, inView) {
      while (svg.firstChild) { svg.removeChild(svg.firstChild); }
      bins = []; geom = null;
      if (!body || !body.bins || !body.bins.length) {
        note.textContent = "(no dated incidents)"; svg.dataset.unit = ""; svg.dataset.bins = "0"; return;
      }
      var unit = body.unit, label = LABEL[unit] || LABEL.day;
      bins = body.bins.map(function (b) { return { start: b.start, end: b.end, total: b.total, seen: 0 }; });
      if (inView) {
        inView.forEach(function (d) {
          if (!d) { return; }
          var k = binIndex(bins, dayOf(d));
          if (k >= 0) { bins[k].seen += 1; }
        });
      }
      var W = svg.clientWidth || 600, H = svg.clientHeight || 96, pad = 16, max = 1;
      bins.forEach(function (b) { if (b.total > max) { max = b.total; } });
      var bw = (W - 2 * pad) / bins.length;
      geom = { pad: pad, bw: bw, W: W, H: H };
      svg.dataset.unit = unit;
      svg.dataset.bins = String(bins.length);
      var lo = body.clipped_before || 0, hi = body.clipped_after || 0, clipped = lo + hi;
      note.textContent = "(per " + unit + (inView ? "; dark = in view on the map" : "") +
        "; drag across bars or choose one to filter" +
        (clipped ? "; " + plural(clipped, "outlying date") + " not shown: " +
          (lo ? lo + " before " + body.lo + " (earliest " + body.min + ")" : "") +
          (lo && hi ? ", " : "") +
          (hi ? hi + " after " + body.hi + " (latest " + body.max + ")" : "") : "") + ")";
      svg.dataset.clipped = String(clipped);
      var frag = document.createDocumentFragment();
      bins.forEach(function (b, n) {
        var x = pad + n * bw, full = b.total / max * (H - 2 * pad), part = b.seen / max * (H - 2 * pad);
        var g = document.createElementNS(SVGNS, "g");
        var back = rect("bar out", x, H - pad - full, Math.max(1, bw - 1), full);
        g.appendChild(title(label(b.start) + ": " + plural(b.total, "incident") + (inView ? " (" + b.seen + " in view)" : "")));
        g.appendChild(back);
        if (inView) { g.appendChild(rect("bar", x, H - pad - part, Math.max(1, bw - 1), part)); }
        else { back.setAttribute("class", "bar"); }
        var hit = rect("", x, 0, Math.max(1, bw), H);
        hit.setAttribute("fill", "transparent");
        g.appendChild(hit);
        g.setAttribute("tabindex", b.total ? "0" : "-1");
        g.setAttribute("role", "button");
        g.setAttribute("class", "bin");
        g.setAttribute("aria-label", label(b.start) + ": " + b.total + " incidents" + (inView ? ", " + b.seen + " in view" : ""));
        g.addEventListener("keydown", function (e) {
          if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick(n, n); }
        });
        frag.appendChild(g);
      });
      frag.appendChild(text(pad, H - 3, "start", label(bins[0].start).replace("week of ", "")));
      frag.appendChild(text(W - pad, H - 3, "end", label(bins[bins.length - 1].start).replace("week of ", "")));
      brush = rect("brush", 0, 0, 0, H);
      brush.setAttribute("visibility", "hidden");
      frag.appendChild(brush);
      svg.appendChild(frag);
    }

    function rect(cls, x, y, w, h) {
      var r = document.createElementNS(SVGNS, "rect");
      if (cls) { r.setAttribute("class", cls); }
      r.setAttribute("x", x); r.setAttribute("y", y); r.setAttribute("width", w); r.setAttribute("height", Math.max(0, h));
      return r;
    }
    function title(s) { var t = document.createElementNS(SVGNS, "title"); t.textContent = s; return t; }
    function text(x, y, anchor, s) {
      var t = document.createElementNS(SVGNS, "text");
      t.setAttribute("x", x); t.setAttribute("y", y); t.setAttribute("text-anchor", anchor); t.textContent = s;
      return t;
    }

    function binAt(clientX) {
      var box = svg.getBoundingClientRect();
      var n = Math.floor((clientX - box.left - geom.pad) / geom.bw);
      return Math.max(0, Math.min(bins.length - 1, n));
    }
    function pick(a, b) {
      var lo = Math.min(a, b), hi = Math.max(a, b);
      if (!bins.length) { return; }
      opts.onRange(bins[lo].start, bins[hi].end);
    }
    function showBrush(a, b) {
      var lo = Math.min(a, b), hi = Math.max(a, b);
      brush.setAttribute("x", geom.pad + lo * geom.bw);
      brush.setAttribute("width", (hi - lo + 1) * geom.bw);
      brush.setAttribute("visibility", "visible");
    }

    svg.addEventListener("pointerdown", function (e) {
      if (!geom || e.button !== 0) { return; }
      drag = { from: binAt(e.clientX), to: binAt(e.clientX) };
      svg.setPointerCapture(e.pointerId);
      showBrush(drag.from, drag.to);
      e.preventDefault();
    });
    svg.addEventListener("pointermove", function (e) {
      if (!drag) { return; }
      drag.to = binAt(e.clientX);
      showBrush(drag.from, drag.to);
    });
    svg.addEventListener("pointerup", function () {
      if (!drag) { return; }
      var d = drag;
      drag = null;
      var any = false;
      for (var n = Math.min(d.from, d.to); n <= Math.max(d.from, d.to); n++) { if (bins[n].total) { any = true; } }
      if (any) { pick(d.from, d.to); } else { brush.setAttribute("visibility", "hidden"); }
    });
    return { draw: draw };
  };
})();
