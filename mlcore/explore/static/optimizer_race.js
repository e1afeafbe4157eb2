/* mlcore explorers: the optimizer race's drawing (data: OptimizerRaceExplorer.compute).
 * "steps" is a client-side control: the data holds the 300-step runs, cut here at ctx.values.steps.
 * Every colour below has a contrast of at least 4.5:1 on white, so it may colour text too. */
/* exported draw */
function draw(ctx) {
  "use strict";
  var K = ctx.K, d = ctx.data, steps = ctx.values.steps, keys = d.optimizers;
  var STYLE = {
    sgd: {color: "#4d4d4d", marker: "o"}, momentum: {color: "#1f5fa0", marker: "s"},
    nesterov: {color: "#00796b", marker: "^"}, adagrad: {color: "#b35900", marker: "^", hollow: true},
    rmsprop: {color: "#6a3d9a", marker: "o", hollow: true}, adam: {color: "#c62828", marker: "s", hollow: true}
  };
  var FLOOR = 1e-16;
  function hyper(k) {
    var s = "\u03b7 = " + K.fmt(d["lr_" + k], 3);
    if (k === "momentum" || k === "nesterov") { s += ", \u03bc = " + ctx.values.momentum; }
    if (k === "rmsprop") { s += ", \u03c1 = " + ctx.values.beta2; }
    if (k === "adam") { s += ", \u03b2\u2082 = " + ctx.values.beta2; }
    return s;
  }
  /* each run cut at the chosen number of steps (or where it blew up) */
  var runs = keys.map(function (k, i) {
    var path = d["path_" + k], gap = d["gap_" + k], n = Math.min(steps, path.length - 1);
    var div = d["diverged_" + k] >= 0 && d["diverged_" + k] <= steps;
    var ks = [];
    for (var j = 0; j <= n; j++) { ks.push(j); }
    return {key: k, name: d.names[i], n: n, diverged: div, at: d["diverged_" + k], ks: ks,
            xs: path.slice(0, n + 1).map(function (r) { return r[0]; }),
            ys: path.slice(0, n + 1).map(function (r) { return r[1]; }),
            gap: gap.slice(0, n + 1).map(function (v) { return v === null ? null : Math.max(v, FLOOR); }),
            last: gap[n], style: STYLE[k]};
  });
  var f0 = runs[0].gap[0];
  function result(r) {
    return r.diverged ? "diverged at step " + r.at : "f \u2212 f* = " + K.fmt(Math.max(r.last, 0), 3);
  }
  /* the best run after these steps, for the headline */
  var best = null;
  runs.forEach(function (r) { if (!r.diverged && (best === null || r.last < best.last)) { best = r; } });
  var nDiv = runs.filter(function (r) { return r.diverged; }).length;
  var head = d.surface + ", " + steps + " steps from (" + K.fmt(d.start[0]) + ", " + K.fmt(d.start[1]) + "): " +
    (best ? "lowest f \u2212 f* " + K.fmt(Math.max(best.last, 0), 3) + " (" + best.name + ")" : "every run diverged") +
    (nDiv ? "; " + nDiv + " diverged" : "") + ".";
  K.text(12, 18, head, {bold: true});

  /* left: contours and paths, equal scales on both axes */
  var top = 54, bottom = 48, boxW = 330, boxH = K.H - top - bottom, left = 52;
  var sx = (d.xlim[1] - d.xlim[0]) / boxW, sy = (d.ylim[1] - d.ylim[0]) / boxH, pw = boxW, ph = boxH;
  if (sx > sy) { ph = (d.ylim[1] - d.ylim[0]) / sx; } else { pw = (d.xlim[1] - d.xlim[0]) / sy; }
  var p = K.panel({x: left + (boxW - pw) / 2, y: top + (boxH - ph) / 2, w: pw, h: ph, xlim: d.xlim, ylim: d.ylim,
                   xlabel: "w\u2081", ylabel: "w\u2082", title: "paths on the contours of f", ylabelGap: 34});
  d.contours.forEach(function (c) {
    p.line(c.map(function (r) { return r[0]; }), c.map(function (r) { return r[1]; }), {color: "#c4c4c4", width: 1});
  });
  runs.forEach(function (r) {
    p.line(r.xs, r.ys, {color: r.style.color, width: 1.6, opacity: 0.9});
    p.dots([r.xs[r.n]], [r.ys[r.n]], {color: r.style.color, marker: r.style.marker, r: 4.5, hollow: r.style.hollow,
                                      strokeWidth: 1.8});
  });
  p.dots([d.start[0]], [d.start[1]], {color: "#000", r: 5, hollow: true, strokeWidth: 1.6});
  p.dots([d.minimum[0]], [d.minimum[1]], {color: "#000", r: 4, marker: "x"});

  /* middle: f - f* against the step on a log axis */
  var gx = 462, gw = 238, lo = f0, hi = f0;
  runs.forEach(function (r) {
    r.gap.forEach(function (v) { if (v !== null && v > 0) { lo = Math.min(lo, v); } });
  });
  var yl = K.decades(Math.max(lo, FLOOR), hi * 10);
  if (yl[1] / yl[0] < 1e3) { yl[0] = yl[1] / 1e3; }
  var q = K.panel({x: gx, y: top, w: gw, h: boxH, xlim: [0, steps], ylim: yl, ylog: true,
                   xlabel: "step k", ylabel: "f(w_k) \u2212 f*", title: "distance to the minimum value", ylabelGap: 44});
  runs.forEach(function (r) {
    q.line(r.ks, r.gap, {color: r.style.color, width: 1.6, opacity: 0.9});
    var yEnd = r.diverged ? yl[1] : r.gap[r.n];
    q.dots([r.n], [Math.min(yEnd, yl[1])], {color: r.style.color, marker: r.diverged ? "x" : r.style.marker, r: 4.5,
                                            hollow: r.style.hollow, strokeWidth: 1.8});
  });

  /* right: the legend, one entry per optimizer with its hyperparameters and where it ended */
  var lx = gx + gw + 20, ly = top + 4, rowH = Math.min(56, (boxH - 20) / runs.length);
  runs.forEach(function (r, i) {
    var yy = ly + i * rowH, c = r.style.color, shape = r.style.marker;
    K.raw('<line x1="' + lx + '" x2="' + (lx + 22) + '" y1="' + (yy - 4) + '" y2="' + (yy - 4) + '" stroke="' + c +
          '" stroke-width="2"/>');
    var mx = lx + 11, my = yy - 4;
    if (shape === "x") {
      K.raw('<path d="M' + (mx - 4) + " " + (my - 4) + "L" + (mx + 4) + " " + (my + 4) + "M" + (mx - 4) + " " + (my + 4) +
            "L" + (mx + 4) + " " + (my - 4) + '" stroke="' + c + '" stroke-width="2" fill="none"/>');
    } else if (shape === "s") {
      K.raw('<rect x="' + (mx - 3.5) + '" y="' + (my - 3.5) + '" width="7" height="7" fill="' + (r.style.hollow ? "#fff" : c) +
            '" stroke="' + c + '" stroke-width="1.8"/>');
    } else if (shape === "^") {
      K.raw('<path d="M' + mx + " " + (my - 5) + "L" + (mx + 4.5) + " " + (my + 3.5) + "L" + (mx - 4.5) + " " + (my + 3.5) +
            'Z" fill="' + (r.style.hollow ? "#fff" : c) + '" stroke="' + c + '" stroke-width="1.8"/>');
    } else {
      K.raw('<circle cx="' + mx + '" cy="' + my + '" r="4" fill="' + (r.style.hollow ? "#fff" : c) + '" stroke="' + c +
            '" stroke-width="1.8"/>');
    }
    K.text(lx + 30, yy, r.name, {color: c, bold: true, cls: "lg"});
    K.text(lx + 30, yy + 15, hyper(r.key), {color: "#222", cls: "lg"});
    K.text(lx + 30, yy + 30, result(r), {color: r.diverged ? "#b00000" : "#222", cls: "lg"});
  });
  K.text(lx, K.H - 22, "\u25cb start   \u00d7 minimum", {color: "#222", cls: "lg"});

  K.describe(d.surface + ": the contour lines of f with the paths of six optimizers over " + steps +
             " steps from (" + K.fmt(d.start[0]) + ", " + K.fmt(d.start[1]) + ") toward the minimum at (" +
             K.fmt(d.minimum[0]) + ", " + K.fmt(d.minimum[1]) + "), and f \u2212 f* against the step on a log axis. " +
             runs.map(function (r) { return r.name + " (" + hyper(r.key) + "): " + result(r); }).join("; ") + ".");
}
