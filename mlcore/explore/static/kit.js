/* mlcore explorers: the SVG plotting kit shared by every draw function.
 *
 * makeKit(uid, W, H) returns a kit K that collects SVG markup for a drawing of
 * W x H pixels; K.flush() returns it. Plain ES5, no library, nothing fetched.
 * A draw function uses: K.W, K.H, K.COLORS, K.fmt(v, digits), K.decades(lo, hi),
 * K.columns(n, left, gap, right), K.panel({...}), K.text, K.wrap, K.describe.
 * A panel (axes with ticks, grid and labels) has line, dots, polygon, arrow, bars,
 * vline, hline, text and legend, each returning the panel.
 */
/* exported makeKit */
function makeKit(uid, W, H) {
  var out = [], clipCount = 0, description = "";
  var COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#7f7f7f"];
  function esc(s) { return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;"); }
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
  /* One marker at pixel (X, Y): "o" circle (default), "s" square, "^" triangle, "x" cross. */
  function marker(X, Y, shape, r, fill, stroke, sw) {
    if (shape === "x") {
      el("path", {d: "M" + (X - r) + " " + (Y - r) + "L" + (X + r) + " " + (Y + r) + "M" + (X - r) + " " + (Y + r) +
                  "L" + (X + r) + " " + (Y - r), stroke: stroke, "stroke-width": 2, fill: "none"});
    } else if (shape === "s") {
      var q = r2(r * 0.9);
      el("rect", {x: r2(X - q), y: r2(Y - q), width: r2(2 * q), height: r2(2 * q), fill: fill, stroke: stroke, "stroke-width": sw});
    } else if (shape === "^") {
      var t = r * 1.2;
      el("path", {d: "M" + r2(X) + " " + r2(Y - t) + "L" + r2(X + t * 0.95) + " " + r2(Y + t * 0.7) + "L" + r2(X - t * 0.95) +
                  " " + r2(Y + t * 0.7) + "Z", fill: fill, stroke: stroke, "stroke-width": sw});
    } else {
      el("circle", {cx: X, cy: Y, r: r, fill: fill, stroke: stroke, "stroke-width": sw});
    }
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
    var cid = uid + "-clip" + (clipCount++), clip = "url(#" + cid + ")";
    el("clipPath", {id: cid}, "<rect" + attrs({x: x0, y: y0, width: w, height: h}) + "/>");
    el("rect", {x: x0, y: y0, width: w, height: h, fill: "#fff", stroke: "none"});
    var xt = o.xticks || (o.xlog ? logTicks(o.xlim[0], o.xlim[1]) : linTicks(o.xlim[0], o.xlim[1], o.nx || 6));
    var yt = o.yticks || (o.ylog ? logTicks(o.ylim[0], o.ylim[1]) : linTicks(o.ylim[0], o.ylim[1], o.ny || 5));
    var grid = o.grid === false ? "none" : "#e6e6e6";
    xt.forEach(function (t, i) {
      var X = r2(p.X(t));
      el("line", {x1: X, x2: X, y1: y0, y2: y0 + h, stroke: grid});
      el("line", {x1: X, x2: X, y1: y0 + h, y2: y0 + h + 4, stroke: "#444"});
      el("text", {x: X, y: y0 + h + 16, "text-anchor": "middle", "class": "tk"},
         esc(o.xlabels ? o.xlabels[i] : o.xlog ? logLabel(t) : (o.xfmt ? o.xfmt(t) : fmt(t))));
    });
    yt.forEach(function (t) {
      var Y = r2(p.Y(t));
      el("line", {x1: x0, x2: x0 + w, y1: Y, y2: Y, stroke: grid});
      el("line", {x1: x0 - 4, x2: x0, y1: Y, y2: Y, stroke: "#444"});
      el("text", {x: x0 - 7, y: Y + 4, "text-anchor": "end", "class": "tk"},
         esc(o.ylog ? logLabel(t) : (o.yfmt ? o.yfmt(t) : fmt(t))));
    });
    if (o.xlabel) { el("text", {x: x0 + w / 2, y: y0 + h + 34, "text-anchor": "middle", "class": "lb"}, esc(o.xlabel)); }
    if (o.ylabel) {
      el("text", {x: x0 - (o.ylabelGap || 46), y: y0 + h / 2, "text-anchor": "middle", "class": "lb",
                  transform: "rotate(-90 " + (x0 - (o.ylabelGap || 46)) + " " + (y0 + h / 2) + ")"}, esc(o.ylabel));
    }
    if (o.title) { el("text", {x: x0 + w / 2, y: y0 - 8, "text-anchor": "middle", "class": "pt"}, esc(o.title)); }
    /* The frame is drawn last (p.frame), so that filled regions do not cover it. */
    p.frame = function () { el("rect", {x: x0, y: y0, width: w, height: h, fill: "none", stroke: "#444"}); return p; };
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
                    "clip-path": clip});
      }
      return p;
    };
    /* A filled polygon, points [[x, y], ...] in data coordinates (fewer than 3: nothing). */
    p.polygon = function (pts, s) {
      s = s || {};
      if (!pts || pts.length < 3) { return p; }
      var d = "";
      for (var i = 0; i < pts.length; i++) { d += (i ? "L" : "M") + r2(p.X(pts[i][0])) + " " + r2(p.Y(pts[i][1])); }
      el("path", {d: d + "Z", fill: s.fill || COLORS[0], "fill-opacity": s.opacity, stroke: s.stroke || "none",
                  "clip-path": clip});
      return p;
    };
    /* An arrow from (x1, y1) to (x2, y2) in data coordinates, head of s.head pixels. */
    p.arrow = function (x1, y1, x2, y2, s) {
      s = s || {};
      if (!p.ok(x1, y1) || !p.ok(x2, y2)) { return p; }
      var X1 = p.X(x1), Y1 = p.Y(y1), X2 = p.X(x2), Y2 = p.Y(y2), L = Math.sqrt((X2 - X1) * (X2 - X1) + (Y2 - Y1) * (Y2 - Y1));
      if (L < 1) { return p; }
      var ux = (X2 - X1) / L, uy = (Y2 - Y1) / L, hd = s.head || 9, c = s.color || "#222";
      el("path", {d: "M" + r2(X1) + " " + r2(Y1) + "L" + r2(X2 - ux * hd * 0.8) + " " + r2(Y2 - uy * hd * 0.8), stroke: c,
                  "stroke-width": s.width || 2, fill: "none", "clip-path": clip});
      el("path", {d: "M" + r2(X2) + " " + r2(Y2) + "L" + r2(X2 - ux * hd - uy * hd * 0.45) + " " + r2(Y2 - uy * hd + ux * hd * 0.45) +
                  "L" + r2(X2 - ux * hd + uy * hd * 0.45) + " " + r2(Y2 - uy * hd - ux * hd * 0.45) + "Z", fill: c, stroke: "none",
                  "clip-path": clip});
      return p;
    };
    /* Vertical bars from 0 to ys[i] at xs[i], s.width pixels wide, colours s.colors[i] or s.color. */
    p.bars = function (xs, ys, s) {
      s = s || {};
      var bw = s.width || 16, Y0 = p.Y(0);
      for (var i = 0; i < xs.length; i++) {
        if (!p.ok(xs[i], ys[i])) { continue; }
        var X = p.X(xs[i]), Y = p.Y(ys[i]);
        el("rect", {x: r2(X - bw / 2), y: r2(Math.min(Y, Y0)), width: bw, height: r2(Math.max(Math.abs(Y0 - Y), 0.6)),
                    fill: (s.colors ? s.colors[i] : s.color) || COLORS[0], stroke: s.stroke, "stroke-width": s.stroke ? 1 : undefined});
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
        var shape = s.markers ? s.markers[i] : s.marker;
        marker(X, Y, shape, s.r || (shape === "x" ? 4 : 3), s.hollow ? "none" : c, s.stroke || c, s.strokeWidth || 1);
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
                    fill: s.textColor || "#222", "class": "an"}, esc(s.label));
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
      if (s.label) { el("text", {x: x0 + w - 4, y: Y - 4, "text-anchor": "end", fill: s.textColor || "#555", "class": "an"}, esc(s.label)); }
      return p;
    };
    /* Text at data coordinates (x, y), or at a fraction of the panel with s.frac. */
    p.text = function (x, y, str, s) {
      s = s || {};
      var X = s.frac ? x0 + x * w : p.X(x), Y = s.frac ? y0 + (1 - y) * h : p.Y(y);
      el("text", {x: r2(X + (s.dx || 0)), y: r2(Y + (s.dy || 0)), "text-anchor": s.anchor || "start", fill: s.color || "#222",
                  "class": s.cls || "an", "font-weight": s.bold ? "bold" : undefined}, esc(str));
      return p;
    };
    /* items: [{label, color, dash, marker, hollow}] drawn in a box at a corner ("ul", "uc", "ur", "ll", "lc", "lr").
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
      el("rect", {x: bx, y: by, width: bw, height: bh, fill: "#fff", stroke: "#bbb", rx: 3});
      items.forEach(function (it, i) {
        var yy = by + 4 + lh * i + lh / 2;
        if (it.marker) {
          var shape = it.marker === true ? "o" : it.marker;
          marker(bx + 16, yy, shape, shape === "x" ? 4 : 3.5, it.hollow ? "none" : it.color, it.color, 1.5);
        } else {
          el("line", {x1: bx + 6, x2: bx + 26, y1: yy, y2: yy, stroke: it.color, "stroke-width": it.width || 2,
                      "stroke-dasharray": it.dash});
        }
        el("text", {x: bx + 32, y: yy + 4, "class": "lg"}, esc(it.label));
      });
      return p;
    };
    if (!o.frameLast) { p.frame(); }
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
    /* What the drawing shows, in words: the SVG's accessible name (after the explorer's title). */
    describe: function (text) { description = String(text); },
    description: function () { return description; },
    raw: function (markup) { out.push(markup); },
    flush: function () { var s = out.join(""); out = []; clipCount = 0; return s; }
  };
}
