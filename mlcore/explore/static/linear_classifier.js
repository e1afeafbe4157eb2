/* mlcore explorers: the linear-classifier explorer's drawing (data: LinearClassifierExplorer.compute).
 * "lam" is a client-side control: the totals for every lambda are in the data, picked by ctx.index.lam. */
/* exported draw */
function draw(ctx) {
  "use strict";
  var K = ctx.K, d = ctx.data, il = ctx.index.lam, lam = ctx.values.lam;
  var COL = ["#1f6fb4", "#c2570c", "#2a8a2a"], FILL = ["#1f77b4", "#ff7f0e", "#2ca02c"], SHAPE = ["o", "s", "^"];
  var SUB = ["\u2080", "\u2081", "\u2082"], N = d.y.length, hinge = d.loss === "hinge";
  var name = hinge ? "multiclass hinge loss" : "softmax cross-entropy";
  var penalty = d.penalty_by_lambda[il], total = d.total_by_lambda[il];
  var head = name + ", \u03bb = " + K.fmt(lam) + ":   J = data loss " + K.fmt(d.data_loss, 3) + " + \u03bb\u2016W\u2016\u00b2 " +
             K.fmt(penalty, 3) + " = " + K.fmt(total, 3);
  var y = K.wrap(12, 20, head, K.W - 24, {bold: true});
  var zero = 0, smallest = Infinity;
  d.per_example.forEach(function (v) { if (v === 0) { zero++; } smallest = Math.min(smallest, v); });
  var second = d.correct + " of " + N + " points classified correctly; " + (hinge
    ? zero + " of " + N + " examples have zero hinge loss (every margin at least 1)"
    : "the cross-entropy is never 0: the smallest example loss is " + K.fmt(smallest, 3));
  y = K.wrap(12, y, second, K.W - 24);
  var wtext = "W = [" + d.W.map(function (r) { return "(" + K.fmt(r[0], 3) + ", " + K.fmt(r[1], 3) + ")"; }).join(", ") + "],   b = (" +
              d.b.map(function (v) { return K.fmt(v, 3); }).join(", ") + "),   ‖W‖² = " + K.fmt(d.reg, 3);
  y = K.wrap(12, y, wtext, K.W - 24, {size: 12});
  var top = y + 22, h = K.H - top - 48;

  /* left: the plane, square */
  var side = Math.min(h, K.W * 0.42), lo = -1.6, hi = 1.6;
  var p = K.panel({x: 56, y: top, w: side, h: side, xlim: [lo, hi], ylim: [lo, hi], xlabel: "x\u2081", ylabel: "x\u2082",
                   ylabelGap: 36, title: "score lines and decision regions", frameLast: true, grid: false,
                   xticks: [-1, 0, 1], yticks: [-1, 0, 1]});
  d.regions.forEach(function (poly, k) { p.polygon(poly, {fill: FILL[k], opacity: 0.14}); });
  d.lines.forEach(function (seg, k) {
    p.line([seg[0][0], seg[1][0]], [seg[0][1], seg[1][1]], {color: COL[k], width: 2, dash: "7 4"});
  });
  d.arrows.forEach(function (a, k) { p.arrow(a[0][0], a[0][1], a[1][0], a[1][1], {color: COL[k], width: 2, head: 9}); });
  var xs = d.X.map(function (r) { return r[0]; }), ys = d.X.map(function (r) { return r[1]; }), wrong = [];
  for (var i = 0; i < N; i++) {
    if (d.pred[i] !== d.y[i]) { wrong.push(i); }
  }
  p.dots(wrong.map(function (i) { return xs[i]; }), wrong.map(function (i) { return ys[i]; }),
         {hollow: true, color: "#b00000", r: 11, strokeWidth: 2});
  p.dots(xs, ys, {colors: d.y.map(function (c) { return COL[c]; }), markers: d.y.map(function (c) { return SHAPE[c]; }),
                  stroke: "#222", r: 6, strokeWidth: 1.2});
  for (i = 0; i < N; i++) { p.text(xs[i], ys[i], String(i + 1), {dx: 9, dy: -7, color: "#222", cls: "an", bold: true}); }
  p.frame();
  var legend = [0, 1, 2].map(function (k) { return {label: "class " + k, color: COL[k], marker: SHAPE[k]}; });
  if (wrong.length) { legend.push({label: "misclassified", color: "#b00000", marker: "o", hollow: true}); }
  p.legend(legend, ["ul", "ur", "ll", "lr"], [[xs, ys]]);

  /* right: one bar per example, the mean, and the objective */
  var x1 = 56 + side + 78, w1 = K.W - x1 - 16, idx = d.y.map(function (c, n) { return n + 1; });
  var ymax = Math.max(1, Math.max.apply(null, d.per_example)) * 1.18;
  var q = K.panel({x: x1, y: top, w: w1, h: side, xlim: [0.4, N + 0.6], ylim: [0, ymax], xticks: idx, grid: true,
                   xlabel: "example i (the numbers next to the points)", ylabel: hinge ? "hinge loss L\u1d62" : "cross-entropy L\u1d62",
                   title: "loss of each example", ylabelGap: 40});
  q.bars(idx, d.per_example, {colors: d.y.map(function (c) { return COL[c]; }), width: Math.min(28, w1 / N * 0.6)});
  for (i = 0; i < N; i++) { q.text(idx[i], d.per_example[i], K.fmt(d.per_example[i], 2), {anchor: "middle", dy: -4, cls: "an"}); }
  q.hline(d.data_loss, {color: "#222", dash: "5 3", width: 1.3});
  q.legend([{label: "mean: data loss " + K.fmt(d.data_loss, 3), color: "#222", dash: "5 3"}], ["ur", "ul", "uc"],
           [[idx, d.per_example.map(function (v) { return v + 0.08 * ymax; })]]);

  var lines = [0, 1, 2].map(function (k) { return "w" + SUB[k]; }).join(", ");
  K.describe("Left: nine points of three classes in the plane, the score-zero lines of " + lines +
             " with arrows toward increasing score, and the decision regions; " + (wrong.length
             ? "misclassified: example " + wrong.map(function (i) { return i + 1; }).join(", ") : "every point is classified correctly") +
             ". Right: bars of each example's " + name + ": " + d.per_example.map(function (v, n) { return (n + 1) + ": " + K.fmt(v, 3); }).join(", ") +
             ". " + head + ".");
}
