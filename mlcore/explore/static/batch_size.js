/* mlcore explorers: the batch-size explorer's drawing (data: BatchSizeExplorer.compute).
 * "B" and "epochs" are client-side controls: the data holds every batch size's run over 20 epochs;
 * the drawing highlights run ctx.index.B and cuts every run at ctx.values.epochs epochs.
 * x axes are computed here: epochs = k / (N / B), modelled time = k (c + B) after k updates. */
/* exported draw */
function draw(ctx) {
  "use strict";
  var K = ctx.K, d = ctx.data, sel = ctx.index.B, E = ctx.values.epochs, ie = ctx.index.epochs;
  var COL = ["#1f77b4", "#d95f02", "#2a8a2a", "#c0282d", "#7b4fa6"];
  var c = d.overhead, Bs = d.batches, nB = Bs.length, N = d.N;
  function name(i) {
    return "B = " + Bs[i] + (Bs[i] === 1 ? " (stochastic)" : Bs[i] === N ? " = N (batch)" : "");
  }
  /* each run cut at E epochs: x in epochs and in modelled time, y the excess loss J - J* */
  var runs = [];
  for (var i = 0; i < nB; i++) {
    var upe = d.updates_per_epoch[i], n = E * upe, ex = d.excess[i].slice(0, n + 1), xe = [], xt = [];
    for (var k = 0; k <= n; k++) { xe.push(k / upe); xt.push(k * (c + Bs[i])); }
    runs.push({ex: ex, xe: xe, xt: xt, n: n});
  }
  var B = Bs[sel], r = runs[sel], fin = d.final[sel][ie], rose = d.rises[sel][ie];
  var head = name(sel) + ": " + d.updates_per_epoch[sel] + (d.updates_per_epoch[sel] === 1 ? " update" : " updates") +
             " per epoch, each costing c + B = " + c + " + " + B + " = " + (c + B) + " units of one example\u2019s gradient (modelled time)";
  var y = K.wrap(12, 20, head, K.W - 24, {bold: true});
  var line2 = "After " + E + (E === 1 ? " epoch" : " epochs") + " (" + r.n + (r.n === 1 ? " update" : " updates") +
              ", time \u2248 " + K.fmt(r.xt[r.n]) + "): excess loss J \u2212 J* = " + K.fmt(fin, 3) +
              "  (J* = " + K.fmt(d.optimum, 4) + ", start " + K.fmt(d.start_loss, 4) + ", \u03b7 = " + K.fmt(ctx.values.lr) +
              "). The full loss rose on " + rose + " of " + r.n + " updates (" + Math.round(100 * rose / r.n) + "%).";
  y = K.wrap(12, y, line2, K.W - 24);
  var top = y + 24, h = K.H - top - 50;
  /* a common log range for the excess loss of the visible parts of all runs */
  var lo = Infinity, hi = 0;
  runs.forEach(function (q) {
    q.ex.forEach(function (v) { if (v > 0) { lo = Math.min(lo, v); hi = Math.max(hi, v); } });
  });
  lo = Math.max(lo, hi * 1e-6);
  var yl = K.decades(lo, hi);
  var wn = 150, left = 64, gap = 74, right = 14, wp = (K.W - left - gap * 2 - right - wn) / 2;
  var x1 = left, x2 = left + wp + gap, x3 = x2 + wp + gap;
  /* left: per epoch */
  var p = K.panel({x: x1, y: top, w: wp, h: h, xlim: [0, E], ylim: yl, ylog: true, xlabel: "epochs (passes over the data)",
                   ylabel: "excess loss J \u2212 J*", title: "progress per epoch", ylabelGap: 46});
  /* middle: per modelled time, log axis (k = 0 has time 0 and is left out) */
  var tmax = 0;
  runs.forEach(function (q) { tmax = Math.max(tmax, q.xt[q.n]); });
  var tl = K.decades(c + Bs[0], tmax);
  var q2 = K.panel({x: x2, y: top, w: wp, h: h, xlim: tl, ylim: yl, xlog: true, ylog: true,
                    xlabel: "time \u2248 updates \u00d7 (c + B), c = " + c, ylabel: "excess loss J \u2212 J*",
                    title: "progress per unit of (modelled) time", ylabelGap: 46});
  function curves(pan, key) {
    for (var j = 0; j < nB; j++) {
      if (j !== sel) { pan.line(runs[j][key], runs[j].ex, {color: COL[j], width: 1, opacity: 0.5}); }
    }
    pan.line(runs[sel][key], runs[sel].ex, {color: COL[sel], width: 2.2});
    if (runs[sel].n <= 40) { pan.dots(runs[sel][key], runs[sel].ex, {color: COL[sel], r: 2.4}); }
  }
  curves(p, "xe");
  curves(q2, "xt");
  var items = [];
  for (var j = 0; j < nB; j++) {
    items.push({label: name(j) + (j === sel ? "  \u25c0" : ""), color: COL[j], width: j === sel ? 3 : 1.5});
  }
  var avoid = runs.map(function (q) {            /* every run, thinned, for placing the legend */
    var step = Math.max(1, Math.floor(q.n / 120)), xs = [], ys = [];
    for (var k = 0; k <= q.n; k += step) { xs.push(q.xe[k]); ys.push(q.ex[k]); }
    return [xs, ys];
  });
  p.legend(items, ["ur", "ll", "lr", "ul"], avoid);
  /* right: gradient noise at the start */
  var nmax = Math.max.apply(null, d.noise) * 1.22;
  var pos = Bs.map(function (b, j) { return j; });
  var q3 = K.panel({x: x3, y: top, w: wn, h: h, xlim: [-0.6, nB - 0.4], ylim: [0, nmax], xticks: pos,
                    xlabels: Bs.map(String), xlabel: "batch size B", ylabel: "", title: "gradient noise at start",
                    grid: false});
  q3.bars(pos, d.noise, {width: 18, colors: COL});
  q3.bars([sel], [d.noise[sel]], {width: 22, color: "none", stroke: "#111"});
  d.noise.forEach(function (v, j) {
    q3.text(j, v, K.fmt(v, 2), {anchor: "middle", dy: -5, bold: j === sel});
  });
  q3.text(0.5, 0.93, "\u2016g_B \u2212 g\u2016 / \u2016g\u2016 (RMS)", {frac: true, anchor: "middle"});
  var others = [];
  for (j = 0; j < nB; j++) {
    if (j !== sel) { others.push(name(j) + ": " + K.fmt(d.final[j][ie], 3)); }
  }
  K.describe("Mini-batch gradient descent on logistic regression, step size " + K.fmt(ctx.values.lr) + ", seed " + d.seed +
             ", " + E + " epochs, " + name(sel) + " highlighted. " + line2 +
             " Left: the excess training loss J \u2212 J* on a log scale against epochs for every batch size. Middle: the same runs" +
             " against a modelled time, updates \u00d7 (c + B) with c = " + c + ", on log axes. Excess loss after " + E +
             " epochs for the other batch sizes: " + others.join("; ") + ". Right: the root-mean-square relative gradient" +
             " noise \u2016g_B \u2212 g\u2016/\u2016g\u2016 at the starting weights: " +
             Bs.map(function (b, j) { return "B = " + b + ": " + K.fmt(d.noise[j], 3); }).join(", ") + ".");
}
