// The timeline histogram shared by the map and the incidents table.
//
// Bins adapt to the range shown (day, week, month or year, so there are at most a few hundred bars);
// dates far outside the bulk of the data (an event dated 1964 among ten years of 2010s reports) are
// clipped: the range runs from the 1st to the 99th percentile and the note says how many were left out.
// Dragging across the bars (brushing) or choosing one bar (click, Enter or Space) calls
// opts.onRange(since, until) with the dates the bars cover; the pages filter the map and the table.
(function () {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";
  var DAY = 86400000;

  function dayNum(s) { return Math.floor(Date.parse(s.slice(0, 10) + "T00:00:00Z") / DAY); }
  function isoDay(n) { return new Date(n * DAY).toISOString().slice(0, 10); }
  function plural(n, w) { return n + " " + w + (n === 1 ? "" : "s"); }

  // bin units: start day of the bin holding day d, and the start of the next one
  var UNITS = {
    day: { start: function (d) { return d; }, next: function (d) { return d + 1; }, label: function (d) { return isoDay(d); } },
    week: {
      start: function (d) { return d - ((new Date(d * DAY).getUTCDay() + 6) % 7); },  // Monday
      next: function (d) { return d + 7; },
      label: function (d) { return "week of " + isoDay(d); }
    },
    month: {
      start: function (d) { return dayNum(isoDay(d).slice(0, 7) + "-01"); },
      next: function (d) { var t = new Date(d * DAY); return Math.floor(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 1) / DAY); },
      label: function (d) { return isoDay(d).slice(0, 7); }
    },
    year: {
      start: function (d) { return dayNum(isoDay(d).slice(0, 4) + "-01-01"); },
      next: function (d) { return Math.floor(Date.UTC(new Date(d * DAY).getUTCFullYear() + 1, 0, 1) / DAY); },
      label: function (d) { return isoDay(d).slice(0, 4); }
    }
  };

  function unitFor(spanDays) {
    if (spanDays <= 92) { return "day"; }
    if (spanDays <= 2 * 366) { return "week"; }
    if (spanDays <= 25 * 366) { return "month"; }
    return "year";
  }

  // the range shown: everything when the dates are close together, else the 1st-99th percentile
  function range(days) {
    var sorted = days.slice().sort(function (a, b) { return a - b; });
    var lo = sorted[0], hi = sorted[sorted.length - 1];
    if (sorted.length >= 20) {
      var p1 = sorted[Math.floor(0.01 * (sorted.length - 1))], p99 = sorted[Math.ceil(0.99 * (sorted.length - 1))];
      var span = Math.max(p99 - p1, 30), k;
      // keep every date within a quarter of the bulk's span of it; clip only the ones beyond
      for (k = 0; sorted[k] < p1 - 0.25 * span; k++) { /* skip outliers below */ }
      lo = sorted[k];
      for (k = sorted.length - 1; sorted[k] > p99 + 0.25 * span; k--) { /* and above */ }
      hi = sorted[k];
    }
    return { lo: lo, hi: hi, min: sorted[0], max: sorted[sorted.length - 1] };
  }

  window.EWTimeline = function (svg, note, opts) {
    var bins = [], geom = null, brush = null, drag = null;

    function draw(dates, inView) {
      while (svg.firstChild) { svg.removeChild(svg.firstChild); }
      bins = []; geom = null;
      var days = [], i;
      for (i = 0; i < dates.length; i++) { if (dates[i]) { days.push(dayNum(dates[i])); } }
      if (!days.length) { note.textContent = "(no dated incidents)"; svg.dataset.unit = ""; return; }
      var r = range(days);
      var unit = unitFor(r.hi - r.lo + 1), U = UNITS[unit];
      var start = U.start(r.lo), index = {};
      for (var d = start; d <= r.hi; d = U.next(d)) { index[d] = bins.length; bins.push({ start: d, end: U.next(d) - 1, total: 0, seen: 0 }); }
      var clippedLo = 0, clippedHi = 0;
      function binOf(day) {
        if (day < r.lo) { clippedLo += 1; return null; }
        if (day > r.hi) { clippedHi += 1; return null; }
        return bins[index[U.start(day)]];
      }
      for (i = 0; i < dates.length; i++) { if (dates[i]) { var b = binOf(dayNum(dates[i])); if (b) { b.total += 1; } } }
      clippedLo = 0; clippedHi = 0;  // counted again below, over all incidents only
      for (i = 0; i < days.length; i++) { if (days[i] < r.lo) { clippedLo += 1; } else if (days[i] > r.hi) { clippedHi += 1; } }
      if (inView) {
        inView.forEach(function (j) {
          if (!dates[j]) { return; }
          var dd = dayNum(dates[j]);
          if (dd >= r.lo && dd <= r.hi) { bins[index[U.start(dd)]].seen += 1; }
        });
      }
      var W = svg.clientWidth || 600, H = svg.clientHeight || 96, pad = 16, max = 1;
      bins.forEach(function (b) { if (b.total > max) { max = b.total; } });
      var bw = (W - 2 * pad) / bins.length;
      geom = { pad: pad, bw: bw, W: W, H: H };
      svg.dataset.unit = unit;
      svg.dataset.bins = String(bins.length);
      var clipped = clippedLo + clippedHi;
      note.textContent = "(per " + unit + (inView ? "; dark = in view on the map" : "") +
        "; drag across bars or choose one to filter" +
        (clipped ? "; " + plural(clipped, "outlying date") + " not shown: " +
          (clippedLo ? clippedLo + " before " + isoDay(r.lo) + " (earliest " + isoDay(r.min) + ")" : "") +
          (clippedLo && clippedHi ? ", " : "") +
          (clippedHi ? clippedHi + " after " + isoDay(r.hi) + " (latest " + isoDay(r.max) + ")" : "") : "") + ")";
      svg.dataset.clipped = String(clipped);
      var frag = document.createDocumentFragment();
      bins.forEach(function (b, n) {
        var x = pad + n * bw, full = b.total / max * (H - 2 * pad), part = b.seen / max * (H - 2 * pad);
        var g = document.createElementNS(SVGNS, "g");
        var back = rect("bar out", x, H - pad - full, Math.max(1, bw - 1), full);
        g.appendChild(title(U.label(b.start) + ": " + plural(b.total, "incident") + (inView ? " (" + b.seen + " in view)" : "")));
        g.appendChild(back);
        if (inView) { g.appendChild(rect("bar", x, H - pad - part, Math.max(1, bw - 1), part)); }
        else { back.setAttribute("class", "bar"); }
        var hit = rect("", x, 0, Math.max(1, bw), H);
        hit.setAttribute("fill", "transparent");
        g.appendChild(hit);
        g.setAttribute("tabindex", b.total ? "0" : "-1");
        g.setAttribute("role", "button");
        g.setAttribute("class", "bin");
        g.setAttribute("aria-label", U.label(b.start) + ": " + b.total + " incidents" + (inView ? ", " + b.seen + " in view" : ""));
        g.addEventListener("keydown", function (e) {
          if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick(n, n); }
        });
        frag.appendChild(g);
      });
      frag.appendChild(text(pad, H - 3, "start", U.label(bins[0].start).replace("week of ", "")));
      frag.appendChild(text(W - pad, H - 3, "end", U.label(bins[bins.length - 1].start).replace("week of ", "")));
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
      opts.onRange(isoDay(bins[lo].start), isoDay(bins[hi].end));
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
