/* mlcore explorers: the step-size explorer's drawing (data: StepSizeExplorer.compute).
 * "steps" is a client-side control: the data holds the longest run, cut here at ctx.values.steps,
 * and the sweep panel reads row ctx.index.steps of sweep_by_steps. */
/* exported draw */
function draw(ctx) {
  "use strict";
  var K = ctx.K, d = ctx.data, steps = ctx.values.steps, lrs = d.sweep_lr, lr = ctx.values.lr;
  var n = Math.min(steps, d.loss.length - 1), loss = d.loss.slice(0, n + 1);
  var outcome = (d.outcome !== "running" && d.stopped_at <= steps) ? d.outcome : "running";
  var y = K.wrap(12, 20, d.regime, K.W - 24, {bold: true});
  var summary = outcome === "diverged" ? "diverged at step " + d.stopped_at + ": the loss exceeded 10\u2074 \u00d7 its start value (run stopped)"
    : outcome === "converged" ? "converged at step " + d.stopped_at + ": the loss fell below 10\u207b\u00b9\u2076 \u00d7 its start value"
    : "loss after " + n + " steps: " + K.fmt(loss[n]) + "   (start: " + K.fmt(loss[0]) + ")";
  y = K.wrap(12, y, summary, K.W - 24, {color: outcome === "diverged" ? "#c00000" : outcome === "converged" ? "#207020" : "#222"});
  var top = y + 26, h = K.H - top - 52, p, cols = K.columns(2, 62, 104, 16), c0 = cols[0], c1 = cols[1];
  var left;
  if (d.kind === "1d") {
    p = K.panel({x: c0.x, y: top, w: c0.w, h: h, xlim: d.xlim, ylim: d.ylim, xlabel: "x", ylabel: "f(x)", title: "the iterates", ylabelGap: 40});
    p.line(d.curve_x, d.curve_f, {color: "#8c8c8c", width: 1.5});
    var xs = d.path.slice(0, n + 1).map(function (r) { return r[0]; });
    p.line(xs, loss, {color: "#1f77b4", width: 1.3}).dots(xs, loss, {color: "#1f77b4", r: 2.6});
    p.dots([xs[0]], [loss[0]], {color: "#2ca02c", r: 5});
    p.legend([{label: "f(x) = 2x\u00b2", color: "#8c8c8c"}, {label: "iterates x_k", color: "#1f77b4", marker: true},
              {label: "start", color: "#2ca02c", marker: true}], "uc");
    left = "Left: the iterates x_k on the parabola f(x) = 2x\u00b2, from x\u2080 = " + K.fmt(xs[0]) + " to " + K.fmt(xs[n]) + ".";
  } else if (d.kind === "2d") {
    var pw = c0.w, ph = h, sx = (d.xlim[1] - d.xlim[0]) / pw, sy = (d.ylim[1] - d.ylim[0]) / ph;
    if (sx > sy) { ph = (d.ylim[1] - d.ylim[0]) / sx; } else { pw = (d.xlim[1] - d.xlim[0]) / sy; }
    p = K.panel({x: c0.x + (c0.w - pw) / 2, y: top + (h - ph) / 2, w: pw, h: ph, xlim: d.xlim, ylim: d.ylim,
                 xlabel: "w\u2081", ylabel: "w\u2082", title: "the iterates", ylabelGap: 34});
    d.contours.forEach(function (c) {
      p.line(c.map(function (r) { return r[0]; }), c.map(function (r) { return r[1]; }), {color: "#c8c8c8", width: 1});
    });
    var px = d.path.slice(0, n + 1).map(function (r) { return r[0]; }), py = d.path.slice(0, n + 1).map(function (r) { return r[1]; });
    p.line(px, py, {color: "#1f77b4", width: 1.3}).dots(px, py, {color: "#1f77b4", r: 2.4});
    p.dots([px[0]], [py[0]], {color: "#2ca02c", r: 5}).dots([0], [0], {color: "#000", r: 4});
    p.legend([{label: "iterates w_k", color: "#1f77b4", marker: true}, {label: "start", color: "#2ca02c", marker: true},
              {label: "minimum", color: "#000", marker: true}], ["lr", "ur", "ll", "ul"], [[px, py]]);
    left = "Left: the iterates w_k on the contours of the 2-D quadratic, " + n + " steps from (" + K.fmt(px[0]) + ", " + K.fmt(py[0]) + ").";
  } else {
    var lmin = Infinity, lmax = 0;
    loss.forEach(function (v) { if (v > 0) { lmin = Math.min(lmin, v); lmax = Math.max(lmax, v); } });
    var yl = K.decades(Math.min(lmin, loss[0] / 10), Math.max(lmax, loss[0] * 10));
    p = K.panel({x: c0.x, y: top, w: c0.w, h: h, xlim: [0, Math.max(n, 1)], ylim: yl, ylog: true,
                 xlabel: "step k", ylabel: "MSE loss J(w_k)", title: "the run", ylabelGap: 44});
    p.hline(loss[0], {color: "#999", dash: "2 3"});
    p.line(d.step.slice(0, n + 1), loss, {color: "#1f77b4", width: 1.8});
    if (n <= 30) { p.dots(d.step.slice(0, n + 1), loss, {color: "#1f77b4", r: 2.4}); }
    p.legend([{label: "training loss", color: "#1f77b4"}, {label: "start", color: "#999", dash: "2 3"}],
             ["ur", "lr", "ul", "ll"], [[d.step.slice(0, n + 1), loss]]);
    left = "Left: the network's training loss on a log scale over " + n + " steps.";
  }
  /* the sweep: the loss after the same number of steps for every step size (null: diverged by then) */
  var row = d.sweep_by_steps[ctx.index.steps], fx = [], fy = [], dxs = [], loss0 = loss[0], floor = loss0 * 1e-16;
  var cur = null, curDiv = false;
  for (var i = 0; i < lrs.length; i++) {
    var div = row[i] === null;
    if (div) { dxs.push(lrs[i]); } else { fx.push(lrs[i]); fy.push(Math.max(row[i], floor)); }
    if (i === ctx.index.lr) { cur = div ? null : Math.max(row[i], floor); curDiv = div; }
  }
  var lo = Math.min.apply(null, fy.concat([loss0])), hi = Math.max.apply(null, fy.concat([loss0])) * 10;
  var yr = K.decades(lo / 3, hi);   /* room under the lowest point */
  var q = K.panel({x: c1.x, y: top, w: c1.w, h: h, xlim: [lrs[0] / 1.3, lrs[lrs.length - 1] * 1.3], ylim: yr,
                   xlog: true, ylog: true, xlabel: "step size \u03b7", ylabel: "loss",
                   title: "final loss for every \u03b7", ylabelGap: 44});
  q.hline(loss0, {color: "#999", dash: "2 3"});
  var tlabel = d.exact ? "2/\u03bbmax = " + K.fmt(d.threshold, 3) : "2/\u03bb\u0302max \u2248 " + K.fmt(d.threshold, 3);
  q.vline(d.threshold, {color: "#d62728", dash: "6 4"});
  if (d.exact) { q.vline(1 / d.lam_max, {color: "#777", dash: "2 3"}); }
  q.line(fx, fy, {color: "#1f77b4", width: 1}).dots(fx, fy, {color: "#1f77b4", r: 3});
  var ytop = yr[1] / 3;
  q.dots(dxs, dxs.map(function () { return ytop; }), {color: "#d62728", marker: "x", r: 4});
  q.dots([lr], [curDiv ? ytop : cur], {hollow: true, color: "#000", r: 7, strokeWidth: 1.6});
  var items = [{label: "loss after " + steps + " steps", color: "#1f77b4", marker: true}];
  if (dxs.length) { items.push({label: "diverged", color: "#d62728", marker: "x"}); }
  items.push({label: "current \u03b7", color: "#000", marker: true, hollow: true});
  items.push({label: tlabel, color: "#d62728", dash: "6 4"});
  if (d.exact) { items.push({label: "1/\u03bbmax = " + K.fmt(1 / d.lam_max, 3), color: "#777", dash: "2 3"}); }
  q.legend(items, ["ll", "lr", "ul", "ur"], [[fx, fy], [dxs, dxs.map(function () { return ytop; })]]);
  K.describe(d.setting + ", step size \u03b7 = " + K.fmt(lr) + ". " + d.regime + ". " + summary + ". " + left +
             " Right: the loss after " + steps + " steps for each of the " + lrs.length + " step sizes on log axes, " +
             dxs.length + " of them diverged, with " + tlabel + " marked.");
}
