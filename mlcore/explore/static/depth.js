/* mlcore explorers: the depth explorer's drawing (data: DepthExplorer.compute). */
/* exported draw */
function draw(ctx) {
  "use strict";
  var K = ctx.K, d = ctx.data, L = d.layer.length;
  var y = K.wrap(12, 20, d.setting, K.W - 24, {bold: true});
  y = K.wrap(12, y, d.verdict, K.W - 24);
  /* a log range in whole decades covering the values and at least span (a ratio) below the largest and 10
     above the smallest, so a flat curve looks flat and a steep one fills the panel */
  function win(v, span) {
    var lo = Math.min.apply(null, v), hi = Math.max.apply(null, v);
    return K.decades(Math.min(lo, hi / span), Math.max(hi, lo * 10));
  }
  function whole(t) { return String(Math.round(t)); }
  var top = y + 24, h = K.H - top - 52, cols = K.columns(2, 70, 92, 16);
  var p = K.panel({x: cols[0].x, y: top, w: cols[0].w, h: h, xlim: [0.5, Math.max(L, 2) + 0.5], ylim: win(d.grad_norm, 1e6),
                   ylog: true, xlabel: "layer \u2113 (1 = next to the input)", ylabel: "\u2016\u2202J/\u2202W\u207d\u2113\u207e\u2016",
                   title: "gradient norm per layer (backward)", ylabelGap: 52, xfmt: whole,
                   xticks: L <= 12 ? d.layer : undefined});
  p.line(d.layer, d.grad_norm, {color: "#d62728", width: 1.8}).dots(d.layer, d.grad_norm, {color: "#d62728", r: 3});
  var ell = d.layer.map(function (l) { return l - 1; });
  var q = K.panel({x: cols[1].x, y: top, w: cols[1].w, h: h, xlim: [-0.5, Math.max(L - 1, 1) + 0.5], ylim: win(d.signal_rms, 1e3),
                   ylog: true, xlabel: "\u2113 (a\u207d\u2070\u207e = the input x)", ylabel: "RMS of a\u207d\u2113\u207e",
                   title: "forward signal per layer", ylabelGap: 52, xfmt: whole,
                   xticks: L <= 12 ? ell : undefined});
  q.line(ell, d.signal_rms, {color: "#1f77b4", width: 1.8}).dots(ell, d.signal_rms, {color: "#1f77b4", r: 3});
  K.describe("Two log-scale plots for " + d.setting + ". Left: the gradient norm of each of the " + L +
             " weight layers, from " + K.fmt(d.grad_norm[0], 3) + " at layer 1 to " + K.fmt(d.grad_norm[L - 1], 3) +
             " at layer " + L + ". Right: the RMS of the signal entering each layer. " + d.verdict + ".");
}
