/* mlcore explorers: the live widget's glue (an anywidget front end).
 *
 * The kernel side is mlcore.explore.base.ExplorerWidget. Its traits:
 *   spec    the controls, title and size (JSON, set once);
 *   values  each control's grid index; the front end sets it when a control moves;
 *   key, data  the kernel's answer: the frame key of the values it computed and
 *           compute's result as JSON (the encoder of the static form, 4 significant digits);
 *   error   a message when compute failed.
 * Frames already received are kept (up to 256), so going back to earlier values
 * redraws at once; while an answer is on its way the newest frame received is shown.
 * Everything else is the runtime and kit the static page uses.
 */
/* global mlxMount, draw */
var mlxCount = 0;

function mlxLive(model, el) {
  "use strict";
  var spec = JSON.parse(model.get("spec")), frames = {}, order = [], newest = null;
  mlxCount += 1;
  var root = document.createElement("div");
  root.className = "mlx mlx-live";
  root.id = "mlx-" + spec.name + "-live-" + mlxCount + "-" + Math.random().toString(36).slice(2, 8);
  root.setAttribute("data-explorer", spec.name);
  /* Keys pressed on the explorer's controls are theirs: JupyterLab must not take them as notebook
     shortcuts (it would swallow the arrow keys of a slider). */
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  var keep = function (e) { e.stopPropagation(); };
  root.addEventListener("keydown", keep);
  el.appendChild(root);
  function remember() {
    var key = model.get("key"), text = model.get("data");
    if (!key || !text) { return; }
    if (!frames[key]) { frames[key] = JSON.parse(text); }
    newest = {key: key, data: frames[key]};
    if (order.indexOf(key) >= 0) { return; }
    order.push(key);
    if (order.length > 256) { delete frames[order.shift()]; }
  }
  remember();
  var app = mlxMount(root, spec, draw, {
    initial: model.get("values"),
    frame: function (key) { return frames[key] || null; },
    latest: function () { return newest; },
    changed: function (state) { model.set("values", state); model.save_changes(); },
    error: function () { return model.get("error"); }
  });
  function onData() { remember(); app.refresh(); }
  function onValues() { app.setState(model.get("values") || {}); }
  function onError() { app.setNote(model.get("error") ? "explorer error: " + model.get("error") : ""); }
  model.on("change:data", onData);
  model.on("change:key", onData);
  model.on("change:values", onValues);
  model.on("change:error", onError);
  onError();
  return function () {
    root.removeEventListener("keydown", keep);
    model.off("change:data", onData);
    model.off("change:key", onData);
    model.off("change:values", onValues);
    model.off("change:error", onError);
    app.destroy();
  };
}

export default { render: function (ctx) { return mlxLive(ctx.model, ctx.el); } };
