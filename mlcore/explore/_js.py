"""The JavaScript of the static explorers, as Python strings (so the package needs no data files).

``RUNTIME`` is the shell every static explorer shares: it reads the embedded
JSON, wires the controls, looks frames up and calls the explorer's draw
function. ``KIT`` is a tiny SVG plotting kit (axes, linear and log ticks,
lines, markers, reference lines, legends) that the draw functions use. Both are
plain ES5, need no library and fetch nothing.

A draw function is ``function (ctx) { ... }`` with

- ``ctx.data``: the precomputed frame for the current control values (the dict
  ``compute`` returned, numbers rounded to 4 significant digits);
- ``ctx.values`` / ``ctx.index``: each control's current value / grid index;
- ``ctx.frame({name: index, ...})``: another frame (the current values with
  some replaced), e.g. to sweep one control;
- ``ctx.grid(name)``: a control's list of values;
- ``ctx.K``: the plotting kit for this drawing: ``K.W`` x ``K.H`` is the drawing
  area in pixels (the width follows the page, between 520 px and the design
  width, so text keeps its size), ``K.columns(n, left, gap, right)`` lays out
  panel boxes, ``K.panel({...})`` returns a panel with ``line``, ``dots``,
  ``vline``, ``hline``, ``text``, ``legend``; ``K.wrap`` writes wrapped text.
"""

KIT = r"""
function makeKit(uid, W, H) {
  var out = [], clipCount = 0;
  var COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#7f7f7f"];
  function esc(s) { return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"); }
  function attrs(a) {
    var s = "";
    for (var k in a) { if (a[k] !== undefined && a[k] !== null) { s += " " + k + '="' + esc(a[k]) + '"'; } }
    return s;
  }
  function el(tag, a, inner) {
    out.push("<" + tag + attrs(a) + (inner === undefined ? "/>" : ">" + inner + "</" + tag + ">"));
  }
  function r2(v) { return Math.round(v * 10) / 10; }
  function clampPx(v) { return v > 1e5 ? 1e5 : (v < -1e5 ? -1e5 : v); }
  var SUP = {"0": "\u2070", "1": "\u00b9", "2": "\u00b2", "3": "\u00b3", "4": "\u2074", "5": "\u2075",
             "6": "\u2076", "7": "\u2077", "8": "\u2078", "9": "\u2079", "-": "\u207b"};
  function pow10(e) { var s = String(e), t = ""; for (var i = 0; i < s.length; i++) { t += SUP[s[i]]; } return "10" + t; }
  function fmt(v, digits) {
    if (v === null || v === undefined || !isFinite(v)) { return String(v); }
    if (v === 0) { return "0"; }
    var a = Math.abs(v);
    if (a >= 1e-3 && a < 1e5) { return String(parseFloat(v.toPrecision(digits || 4))); }
    var e = Math.floor(Math.log10(a)), m = parseFloat((v / Math.pow(10, e)).toPrecision(digits || 3));
    if (Math.abs(m) >= 10) { m = m / 10; e += 1; }
    return (m === 1 ? "" : (m === -1 ? "\u2212" : String(m) + "\u00d7")) + pow10(e);
  }
  function niceStep(span, n) {
    var raw = span / n, mag = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / mag;
    return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
  }
  function linTicks(a, b, n) {
    var st = niceStep(b - a, n || 5), t = [], v = Math.ceil(a / st - 1e-9) * st;
    for (; v <= b + st * 1e-9; v += st) { t.push(Math.abs(v) < st * 1e-9 ? 0 : v); }
    return t;
  }
  function logTicks(a, b) {
    var lo = Math.ceil(Math.log10(a) - 1e-9), hi = Math.floor(Math.log10(b) + 1e-9);
    var every = Math.max(1, Math.ceil((hi - lo + 1) / 7)), t = [];
    for (var e = lo; e <= hi; e++) { if ((e - lo) % every === 0) { t.push(Math.pow(10, e)); } }
    return t;
  }
  function logLabel(v) {
    var e = Math.round(Math.log10(v));
    return (e >= -3 && e <= 4) ? String(parseFloat(v.toPrecision(1))) : pow10(e);
  }
  /* A log range [lo, hi] widened to whole decades (lo, hi > 0). */
  function decades(lo, hi) {
    return [Math.pow(10, Math.floor(Math.log10(lo) + 1e-9)), Math.pow(10, Math.ceil(Math.log10(hi) - 1e-9))];
  }
  function panel(o) {
    var x0 = o.x, y0 = o.y, w = o.w, h = o.h;
    var fx = o.xlog ? Math.log10 : function (v) { return v; };
    var fy = o.ylog ? Math.log10 : function (v) { return v; };
    var ax = fx(o.xlim[0]), bx = fx(o.xlim[1]), ay = fy(o.ylim[0]), by = fy(o.ylim[1]);
    var p = {};
    p.X = function (v) { return clampPx(x0 + (fx(v) - ax) / (bx - ax) * w); };
    p.Y = function (v) { return clampPx(y0 + h - (fy(v) - ay) / (by - ay) * h); };
    p.ok = function (x, y) {
      return x !== null && y !== null && isFinite(x) && isFinite(y) && (!o.xlog || x > 0) && (!o.ylog || y > 0);
    };
    var cid = uid + "-clip" + (clipCount++);
    el("clipPath", {id: cid}, "<rect" + attrs({x: x0, y: y0, width: w, height: h}) + "/>");
    el("rect", {x: x0, y: y0, width: w, height: h, fill: "#fff", stroke: "none"});
    var xt = o.xticks || (o.xlog ? logTicks(o.xlim[0], o.xlim[1]) : linTicks(o.xlim[0], o.xlim[1], o.nx || 6));
    var yt = o.yticks || (o.ylog ? logTicks(o.ylim[0], o.ylim[1]) : linTicks(o.ylim[0], o.ylim[1], o.ny || 5));
    xt.forEach(function (t) {
      var X = r2(p.X(t));
      el("line", {x1: X, x2: X, y1: y0, y2: y0 + h, stroke: "#e6e6e6"});
      el("line", {x1: X, x2: X, y1: y0 + h, y2: y0 + h + 4, stroke: "#444"});
      el("text", {x: X, y: y0 + h + 16, "text-anchor": "middle", "class": "tk"},
         esc(o.xlog ? logLabel(t) : (o.xfmt ? o.xfmt(t) : fmt(t))));
    });
    yt.forEach(function (t) {
      var Y = r2(p.Y(t));
      el("line", {x1: x0, x2: x0 + w, y1: Y, y2: Y, stroke: "#e6e6e6"});
      el("line", {x1: x0 - 4, x2: x0, y1: Y, y2: Y, stroke: "#444"});
      el("text", {x: x0 - 7, y: Y + 4, "text-anchor": "end", "class": "tk"},
         esc(o.ylog ? logLabel(t) : (o.yfmt ? o.yfmt(t) : fmt(t))));
    });
    el("rect", {x: x0, y: y0, width: w, height: h, fill: "none", stroke: "#444"});
    if (o.xlabel) { el("text", {x: x0 + w / 2, y: y0 + h + 34, "text-anchor": "middle", "class": "lb"}, esc(o.xlabel)); }
    if (o.ylabel) {
      el("text", {x: x0 - (o.ylabelGap || 46), y: y0 + h / 2, "text-anchor": "middle", "class": "lb",
                  transform: "rotate(-90 " + (x0 - (o.ylabelGap || 46)) + " " + (y0 + h / 2) + ")"}, esc(o.ylabel));
    }
    if (o.title) { el("text", {x: x0 + w / 2, y: y0 - 8, "text-anchor": "middle", "class": "pt"}, esc(o.title)); }
    function pathD(xs, ys) {
      var d = "", pen = false;
      for (var i = 0; i < xs.length; i++) {
        if (p.ok(xs[i], ys[i])) { d += (pen ? "L" : "M") + r2(p.X(xs[i])) + " " + r2(p.Y(ys[i])); pen = true; }
        else { pen = false; }
      }
      return d;
    }
    p.line = function (xs, ys, s) {
      s = s || {};
      var d = pathD(xs, ys);
      if (d) {
        el("path", {d: d, fill: "none", stroke: s.color || COLORS[0], "stroke-width": s.width || 2,
                    "stroke-dasharray": s.dash, opacity: s.opacity, "stroke-linejoin": "round",
                    "clip-path": "url(#" + cid + ")"});
      }
      return p;
    };
    p.dots = function (xs, ys, s) {
      s = s || {};
      for (var i = 0; i < xs.length; i++) {
        if (!p.ok(xs[i], ys[i])) { continue; }
        var X = r2(p.X(xs[i])), Y = r2(p.Y(ys[i]));
        if (X < x0 - 1 || X > x0 + w + 1 || Y < y0 - 1 || Y > y0 + h + 1) { continue; }
        var c = (s.colors ? s.colors[i] : s.color) || COLORS[0];
        if (s.marker === "x") {
          var r = s.r || 4;
          el("path", {d: "M" + (X - r) + " " + (Y - r) + "L" + (X + r) + " " + (Y + r) + "M" + (X - r) + " " + (Y + r) +
                      "L" + (X + r) + " " + (Y - r), stroke: c, "stroke-width": 2, fill: "none"});
        } else {
          el("circle", {cx: X, cy: Y, r: s.r || 3, fill: s.hollow ? "none" : c, stroke: s.stroke || c,
                        "stroke-width": s.strokeWidth || 1});
        }
      }
      return p;
    };
    p.vline = function (x, s) {
      s = s || {};
      if (!p.ok(x, o.ylog ? o.ylim[0] : 0)) { return p; }
      var X = r2(p.X(x));
      if (X < x0 || X > x0 + w) { return p; }
      el("line", {x1: X, x2: X, y1: y0, y2: y0 + h, stroke: s.color || "#d62728", "stroke-width": s.width || 1.5,
                  "stroke-dasharray": s.dash});
      if (s.label) {
        var right = X < x0 + w * 0.6;
        el("text", {x: right ? X + 4 : X - 4, y: y0 + (s.dy || 14), "text-anchor": right ? "start" : "end",
                    fill: s.color || "#d62728", "class": "an"}, esc(s.label));
      }
      return p;
    };
    p.hline = function (y, s) {
      s = s || {};
      if (!p.ok(o.xlog ? o.xlim[0] : 0, y)) { return p; }
      var Y = r2(p.Y(y));
      if (Y < y0 || Y > y0 + h) { return p; }
      el("line", {x1: x0, x2: x0 + w, y1: Y, y2: Y, stroke: s.color || "#999", "stroke-width": s.width || 1,
                  "stroke-dasharray": s.dash});
      if (s.label) { el("text", {x: x0 + w - 4, y: Y - 4, "text-anchor": "end", fill: s.color || "#666", "class": "an"}, esc(s.label)); }
      return p;
    };
    /* Text at data coordinates (x, y), or at a fraction of the panel with s.frac. */
    p.text = function (x, y, str, s) {
      s = s || {};
      var X = s.frac ? x0 + x * w : p.X(x), Y = s.frac ? y0 + (1 - y) * h : p.Y(y);
      el("text", {x: r2(X), y: r2(Y), "text-anchor": s.anchor || "start", fill: s.color || "#222",
                  "class": s.cls || "an", "font-weight": s.bold ? "bold" : undefined}, esc(str));
      return p;
    };
    /* items: [{label, color, dash, marker}] drawn in a box at a corner ("ul", "uc", "ur", "ll", "lc", "lr").
       With avoid = [[xs, ys], ...] (data points), corner may be a list of candidates: the one covering
       the fewest points wins (ties: the first listed). */
    p.legend = function (items, corner, avoid) {
      var lh = 16, bw = 0;
      items.forEach(function (it) { bw = Math.max(bw, it.label.length * 6.4 + 34); });
      var bh = items.length * lh + 6;
      function place(c) {
        return [c[1] === "r" ? x0 + w - bw - 6 : (c[1] === "c" ? x0 + (w - bw) / 2 : x0 + 6),
                c[0] === "u" ? y0 + 6 : y0 + h - bh - 6];
      }
      var cands = typeof corner === "string" ? [corner] : (corner || ["ur"]), best = cands[0], fewest = Infinity;
      cands.forEach(function (c) {
        var b = place(c), count = 0;
        (avoid || []).forEach(function (xy) {
          for (var i = 0; i < xy[0].length; i++) {
            if (!p.ok(xy[0][i], xy[1][i])) { continue; }
            var X = p.X(xy[0][i]), Y = p.Y(xy[1][i]);
            if (X >= b[0] - 4 && X <= b[0] + bw + 4 && Y >= b[1] - 4 && Y <= b[1] + bh + 4) { count++; }
          }
        });
        if (count < fewest) { fewest = count; best = c; }
      });
      var bxy = place(best), bx = bxy[0], by = bxy[1];
      el("rect", {x: bx, y: by, width: bw, height: bh, fill: "#fff", "fill-opacity": 0.85, stroke: "#ccc", rx: 3});
      items.forEach(function (it, i) {
        var yy = by + 4 + lh * i + lh / 2;
        if (it.marker === "x") {
          el("path", {d: "M" + (bx + 12) + " " + (yy - 4) + "l8 8m0 -8l-8 8", stroke: it.color, "stroke-width": 2});
        } else if (it.marker) {
          el("circle", {cx: bx + 16, cy: yy, r: 3.5, fill: it.hollow ? "none" : it.color, stroke: it.color, "stroke-width": 1.5});
        } else {
          el("line", {x1: bx + 6, x2: bx + 26, y1: yy, y2: yy, stroke: it.color, "stroke-width": it.width || 2,
                      "stroke-dasharray": it.dash});
        }
        el("text", {x: bx + 32, y: yy + 4, "class": "lg"}, esc(it.label));
      });
      return p;
    };
    return p;
  }
  return {
    W: W, H: H, COLORS: COLORS, fmt: fmt, decades: decades, panel: panel, esc: esc,
    text: function (x, y, str, s) {
      s = s || {};
      el("text", {x: x, y: y, "text-anchor": s.anchor || "start", fill: s.color || "#222", "class": s.cls || "st",
                  "font-weight": s.bold ? "bold" : undefined}, esc(str));
    },
    /* Text wrapped at spaces to at most maxW pixels (estimated); returns the baseline after the last line. */
    wrap: function (x, y, str, maxW, s) {
      s = s || {};
      var size = s.size || 13, cw = size * (s.bold ? 0.6 : 0.54), lh = Math.round(size * 1.4), lines = [], line = "";
      String(str).split(" ").forEach(function (word) {
        var t = line ? line + " " + word : word;
        if (t.length * cw > maxW && line) { lines.push(line); line = word; } else { line = t; }
      });
      if (line) { lines.push(line); }
      for (var i = 0; i < lines.length; i++) {
        el("text", {x: x, y: y + i * lh, fill: s.color || "#222", "class": s.cls || "st",
                    "font-weight": s.bold ? "bold" : undefined}, esc(lines[i]));
      }
      return y + lines.length * lh;
    },
    /* n side-by-side panel boxes [{x, w}] across the width: left margin, gap between, right margin. */
    columns: function (n, left, gap, right) {
      var w = (W - left - right - gap * (n - 1)) / n, boxes = [];
      for (var i = 0; i < n; i++) { boxes.push({x: left + i * (w + gap), w: w}); }
      return boxes;
    },
    raw: function (markup) { out.push(markup); },
    flush: function () { var s = out.join(""); out = []; clipCount = 0; return s; }
  };
}
"""

RUNTIME = r"""
(function () {
  "use strict";
  var UID = "%%UID%%";
  var root = document.getElementById(UID);
  if (!root || root.getAttribute("data-mlx-ready")) { return; }
  root.setAttribute("data-mlx-ready", "1");
  var spec = JSON.parse(document.getElementById(UID + "-data").textContent);
  var svg = document.getElementById(UID + "-svg");
  var note = document.getElementById(UID + "-note");
  %%KIT%%
  var DRAW = %%DRAW%%;
  var K = null;
  /* Draw at the SVG's on-screen width (so text keeps its size), between 520 px and the design width. */
  function currentWidth() {
    var w = Math.floor(svg.getBoundingClientRect().width || spec.width);
    return Math.max(520, Math.min(spec.width, w));
  }
  var controls = spec.controls, byName = {}, state = {}, cache = {};
  controls.forEach(function (c) { byName[c.name] = c; state[c.name] = c.def; });
  function active(c, st) {
    for (var other in c.when) { if (c.when[other].indexOf(st[other]) < 0) { return false; } }
    return true;
  }
  function keyOf(st) {
    var parts = [];
    controls.forEach(function (c) {
      if (c.client) { return; }
      parts.push(active(c, st) ? st[c.name] : c.def);
    });
    return parts.join(",");
  }
  function frameAt(st) {
    var key = keyOf(st);
    if (!(key in cache)) {
      var refs = spec.frames[key];
      if (!refs) { return null; }
      var f = {};
      for (var k in refs) { f[k] = spec.pool[refs[k]]; }
      cache[key] = f;
    }
    return cache[key];
  }
  function ctxFor() {
    var values = {};
    controls.forEach(function (c) { values[c.name] = c.values[state[c.name]]; });
    return {
      data: frameAt(state), values: values, index: state, K: K, W: K.W, H: K.H,
      frame: function (over) {
        var st = {};
        for (var k in state) { st[k] = state[k]; }
        for (var j in over) { st[j] = over[j]; }
        return frameAt(st);
      },
      grid: function (name) { return byName[name].values; }
    };
  }
  var pending = false;
  function redraw() {
    pending = false;
    controls.forEach(function (c) {
      var box = document.getElementById(UID + "-box-" + c.name);
      var on = active(c, state);
      box.className = on ? "mlx-ctl" : "mlx-ctl mlx-off";
      document.getElementById(UID + "-c-" + c.name).disabled = !on;
      var outEl = document.getElementById(UID + "-v-" + c.name);
      if (outEl) { outEl.textContent = c.labels[state[c.name]]; }
    });
    try {
      var W = currentWidth();
      K = makeKit(UID, W, spec.height);
      svg.setAttribute("viewBox", "0 0 " + W + " " + spec.height);
      var ctx = ctxFor();
      if (!ctx.data) { throw new Error("no precomputed frame for " + keyOf(state)); }
      DRAW(ctx);
      svg.innerHTML = K.flush();
      note.textContent = "";
    } catch (err) {
      if (K) { K.flush(); }
      note.textContent = "explorer error: " + err.message;
    }
  }
  function schedule() {
    if (pending) { return; }
    pending = true;
    (window.requestAnimationFrame || function (f) { return setTimeout(f, 16); })(redraw);
  }
  controls.forEach(function (c) {
    var input = document.getElementById(UID + "-c-" + c.name);
    var onChange = function () { state[c.name] = parseInt(input.value, 10); schedule(); };
    input.addEventListener("input", onChange);
    input.addEventListener("change", onChange);
  });
  var lastWidth = null;
  window.addEventListener("resize", function () {
    var w = currentWidth();
    if (w !== lastWidth) { lastWidth = w; schedule(); }
  });
  redraw();
  lastWidth = currentWidth();
})();
"""
