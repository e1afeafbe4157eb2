/* mlcore explorers: the activation explorer's drawing (data: ActivationExplorer.compute). */
/* exported draw */
function draw(ctx) {
  "use strict";
  var d = ctx.data, K = ctx.K, z = d.z;
  var lo = Math.min(Math.min.apply(null, d.phi), Math.min.apply(null, d.dphi), -0.1);
  var hi = Math.max(Math.max.apply(null, d.phi), Math.max.apply(null, d.dphi), 1.1);
  var pad = 0.06 * (hi - lo);
  var y = K.wrap(12, 20, d.name + ":   " + d.formula + ",   " + d.dformula, K.W - 24, {bold: true});
  var p = K.panel({x: 68, y: y + 2, w: K.W - 88, h: K.H - y - 56, xlim: [z[0], z[z.length - 1]], ylim: [lo - pad, hi + pad],
                   xlabel: "pre-activation z", ylabel: "value"});
  p.hline(0, {color: "#999"}).vline(0, {color: "#999", width: 1});
  p.line(z, d.phi, {color: "#1f77b4", width: 2.4});
  p.line(z, d.dphi, {color: "#ff7f0e", width: 2.4, dash: "7 4"});
  p.legend([{label: "\u03c6(z)", color: "#1f77b4"}, {label: "\u03c6\u2032(z)", color: "#ff7f0e", dash: "7 4"}], "ul");
  var range = "on this range: max \u03c6\u2032 = " + K.fmt(d.dphi_max) + ", min \u03c6\u2032 = " + K.fmt(d.dphi_min);
  p.text(0.985, 0.04, range, {frac: true, anchor: "end", color: "#8a4500"});
  K.describe("A plot of " + d.name + " (solid) and its derivative (dashed) for z from " + K.fmt(z[0]) + " to " +
             K.fmt(z[z.length - 1]) + "; " + range + ".");
}
