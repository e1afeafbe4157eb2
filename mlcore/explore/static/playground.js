/* mlcore explorers: the playground's drawing (data: PlaygroundExplorer.compute).
 * "epoch" is client-side: every checkpoint's probability grid, first-layer weights and accuracies are in
 * the data; ctx.index.epoch picks one. The probability grid is one character a cell (d.alphabet[level],
 * 64 levels, rows from the bottom, x fastest). */
/* exported draw */
function draw(ctx) {
  "use strict";
  var K = ctx.K, d = ctx.data, k = ctx.index.epoch, epoch = d.checkpoints[k];
  var C0 = "#c2570c", C1 = "#1f5fa8", LINE = "#222";        /* class 0 orange, class 1 blue (text contrast >= 4.5) */
  var n = d.grid_n, lo = d.view[0], hi = d.view[1], cell = (hi - lo) / n, s = d.prob[k];
  var W1 = d.W1[k], b1 = d.b1[k], units = W1.length;
  var arch = d.sizes.join(" \u2192 ") + " (" + d.activation + ")";
  var reg = "\u03bb = " + K.fmt(d.lam) + ", dropout p = " + K.fmt(d.dropout);
  var trl = d.train_loss[epoch - 1], tel = d.test_loss[epoch - 1];
  var head = "Epoch " + epoch + " of " + d.checkpoints[d.checkpoints.length - 1] + ":  train loss " + K.fmt(trl, 3) +
             ", test loss " + K.fmt(tel, 3) + ";  accuracy train " + Math.round(100 * d.train_acc[k]) + "%, test " +
             Math.round(100 * d.test_acc[k]) + "%";
  var y = K.wrap(12, 20, head, K.W - 24, {bold: true});
  y = K.wrap(12, y, "network " + arch + ",  " + reg + ",  full-batch Adam;  \u03a3w\u00b2 + \u03a3b\u00b2 = " +
             K.fmt(d.sum_sq[k], 3), K.W - 24, {size: 12});
  var top = y + 22, side = Math.min(K.H - top - 46, K.W * 0.47);

  /* left: p(class 1 | x) as a heat map, the first layer's lines, the points */
  var p = K.panel({x: 52, y: top, w: side, h: side, xlim: [lo, hi], ylim: [lo, hi], grid: false, frameLast: true,
                   xlabel: "x\u2081 (standardised)", ylabel: "x\u2082 (standardised)", ylabelGap: 34,
                   title: "p(class 1 | x) and the first layer's lines", xticks: [-2, -1, 0, 1, 2], yticks: [-2, -1, 0, 1, 2]});
  function colour(q) {          /* q in [0, 1]: orange (0) through white (0.5) to blue (1), pale */
    var t = Math.abs(q - 0.5) * 2, a = q < 0.5 ? [245, 170, 110] : [120, 165, 225];
    function mix(c) { return Math.round(255 + (c - 255) * t); }
    return "rgb(" + mix(a[0]) + "," + mix(a[1]) + "," + mix(a[2]) + ")";
  }
  var px = side / n, cells = [];
  for (var r = 0; r < n; r++) {
    var Y = p.Y(lo + (r + 1) * cell);
    for (var c = 0; c < n;) {                      /* runs of one level become one rect */
      var ch = s.charAt(r * n + c), c2 = c + 1;
      while (c2 < n && s.charAt(r * n + c2) === ch) { c2++; }
      cells.push('<rect x="' + (p.X(lo + c * cell)).toFixed(1) + '" y="' + Y.toFixed(1) + '" width="' +
                 ((c2 - c) * px + 0.6).toFixed(1) + '" height="' + (px + 0.6).toFixed(1) + '" fill="' +
                 colour(d.alphabet.indexOf(ch) / (d.alphabet.length - 1)) + '"/>');
      c = c2;
    }
  }
  K.raw('<g shape-rendering="crispEdges">' + cells.join("") + "</g>");
  /* the decision boundary p = 0.5: cell edges between levels below and above the middle */
  var half = (d.alphabet.length - 1) / 2, bx = [], by = [];
  function above(rr, cc) { return d.alphabet.indexOf(s.charAt(rr * n + cc)) > half; }
  for (r = 0; r < n; r++) {
    for (c = 0; c < n; c++) {
      var xm = lo + (c + 0.5) * cell, ym = lo + (r + 0.5) * cell;
      if (c + 1 < n && above(r, c) !== above(r, c + 1)) { bx.push(xm + cell / 2, xm + cell / 2, null); by.push(ym - cell / 2, ym + cell / 2, null); }
      if (r + 1 < n && above(r, c) !== above(r + 1, c)) { bx.push(xm - cell / 2, xm + cell / 2, null); by.push(ym + cell / 2, ym + cell / 2, null); }
    }
  }
  p.line(bx, by, {color: LINE, width: 2.2});
  /* each first-layer unit j: the line w_j . x + b_j = 0, labelled j at one end */
  var shown = 0;
  for (var j = 0; j < units; j++) {
    var w = W1[j], b = b1[j], pts = [];
    [0, 1].forEach(function (axis) {
      var other = 1 - axis;
      if (Math.abs(w[other]) < 1e-9) { return; }
      [lo, hi].forEach(function (t) {
        var q = [0, 0];
        q[axis] = t; q[other] = -(b + w[axis] * t) / w[other];
        if (q[other] >= lo - 1e-9 && q[other] <= hi + 1e-9) { pts.push(q); }
      });
    });
    if (pts.length < 2) { continue; }
    shown++;
    p.line([pts[0][0], pts[1][0]], [pts[0][1], pts[1][1]], {color: "#555", width: 1.3, dash: "5 3"});
    var e = pts[0][1] > pts[1][1] ? pts[0] : pts[1];   /* the upper end */
    p.text(e[0], e[1], String(j + 1), {dx: 3, dy: 12, color: "#333", bold: true});
  }
  var xs = d.X_train.map(function (q) { return q[0]; }), ys = d.X_train.map(function (q) { return q[1]; });
  var xt = d.X_test.map(function (q) { return q[0]; }), yt = d.X_test.map(function (q) { return q[1]; });
  p.dots(xs, ys, {colors: d.y_train.map(function (v) { return v ? C1 : C0; }), stroke: "#fff", r: 4, strokeWidth: 0.8});
  p.dots(xt, yt, {colors: d.y_test.map(function (v) { return v ? C1 : C0; }), markers: d.y_test.map(function () { return "s"; }),
                  hollow: true, r: 4.2, strokeWidth: 1.8});
  p.frame();

  /* right, top: the loss curves with a marker at the chosen epoch */
  var x1 = 52 + side + 76, w1 = K.W - x1 - 16, hl = Math.round(side * 0.5);
  var ep = d.train_loss.map(function (v, i) { return i + 1; }), all = d.train_loss.concat(d.test_loss);
  var mn = Math.max(1e-4, Math.min.apply(null, all.filter(function (v) { return v > 0; }))), mx = Math.max.apply(null, all);
  var q = K.panel({x: x1, y: top, w: w1, h: hl, xlim: [0, ep.length], ylim: K.decades(mn, mx), ylog: true,
                   xlabel: "epoch", ylabel: "cross-entropy (log scale)", ylabelGap: 40, title: "train and test loss"});
  q.line(ep, d.train_loss, {color: C1, width: 2});
  q.line(ep, d.test_loss, {color: C0, width: 2, dash: "6 3"});
  q.vline(epoch, {color: "#222", width: 1.2, dash: "3 3", label: "epoch " + epoch});
  q.dots([epoch, epoch], [trl, tel], {colors: [C1, C0], r: 4.5, stroke: "#222"});
  var best = 0;
  d.test_loss.forEach(function (v, i) { if (v < d.test_loss[best]) { best = i; } });
  q.legend([{label: "train", color: C1}, {label: "test (lowest at epoch " + (best + 1) + ")", color: C0, dash: "6 3"}],
           ["ll", "lr", "ur"], [[ep, d.train_loss], [ep, d.test_loss]]);

  /* right, bottom: the first layer's units as equations */
  var ty = top + hl + 56;
  function sgn(v, first) { var t = K.fmt(Math.abs(v), 2); return (v < 0 ? (first ? "\u2212" : " \u2212 ") : (first ? "" : " + ")) + t; }
  K.text(x1, ty - 4, "first hidden layer: z\u2c7c = w\u2c7c\u00b7x + b\u2c7c is 0 on dashed line j", {cls: "lb"});
  for (j = 0; j < units; j++) {
    K.text(x1, ty + 16 * (1 + j), "z" + "\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088".charAt(j) + " = " + sgn(W1[j][0], true) +
           " x\u2081" + sgn(W1[j][1]) + " x\u2082" + sgn(b1[j]), {cls: "an"});
  }

  K.describe("Left: the " + d.X_train.length + " training points (filled circles) and " + d.X_test.length +
             " test points (hollow squares), orange class 0 and blue class 1, in standardised coordinates, over a heat " +
             "map of the network's probability of class 1 at epoch " + epoch + ", with the decision boundary p = 0.5 " +
             "as a solid line and " + shown + " of the " + units + " first-layer lines w\u2c7c\u00b7x + b\u2c7c = 0 dashed. " +
             "Right: the train and test cross-entropy against the epoch on a log scale (train " + K.fmt(trl, 3) +
             ", test " + K.fmt(tel, 3) + " at epoch " + epoch + "; the test loss is lowest at epoch " + (best + 1) +
             "), and the first layer's units as equations. Network " + arch + ", " + reg + ".");
}
