/* mlcore explorers: the runtime shared by the static page and the live widget.
 *
 * mlxMount(root, spec, draw, source) builds an explorer inside the element root:
 * its title, one labelled control per entry of spec.controls (a range input for
 * numbers, a select for categories), the SVG and a status line. The state is
 * each control's grid index. On every change it asks source for the frame (the
 * data compute returned) and calls draw(ctx) with
 *
 *   ctx.data    the frame for the current values (numbers rounded to 4 significant digits),
 *   ctx.values  each control's current value, ctx.index its grid index,
 *   ctx.grid(name)  a control's list of values,
 *   ctx.K       the plotting kit of kit.js, K.W x K.H pixels.
 *
 * A draw function uses nothing else, so the page and the widget draw the same
 * picture from the same data. source is {frame(key), changed(state)}: the static
 * form looks frames up in its embedded JSON (mlxStatic below); the live widget
 * (widget.js) asks the kernel and gets them back.
 */
/* global makeKit */
/* exported mlxMount, mlxStatic */
function mlxMount(root, spec, draw, source) {
  "use strict";
  var UID = root.id, controls = spec.controls, state = {}, inputs = {}, boxes = {}, outputs = {};
  var doc = root.ownerDocument, alive = true, pending = false, lastWidth = null, shownKey = null;
  function make(tag, attrs, text) {
    var e = doc.createElement(tag);
    for (var k in attrs) { e.setAttribute(k, attrs[k]); }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  controls.forEach(function (c) { state[c.name] = c.def; });
  if (source.initial) { for (var n in source.initial) { if (n in state) { state[n] = source.initial[n]; } } }

  var title = make("div", {"class": "mlx-title", id: UID + "-title"}, spec.title);
  var desc = make("div", {"class": "mlx-desc", id: UID + "-desc"}, spec.description);
  var row = make("div", {"class": "mlx-ctls", role: "group", "aria-labelledby": UID + "-title"});
  controls.forEach(function (c) {
    var cid = UID + "-c-" + c.name, box = make("div", {"class": "mlx-ctl", id: UID + "-box-" + c.name}), input;
    box.appendChild(make("label", {"for": cid}, c.label));
    if (c.kind === "range") {
      input = make("input", {type: "range", id: cid, min: "0", max: String(c.values.length - 1), step: "1"});
      box.appendChild(input);
      outputs[c.name] = box.appendChild(make("output", {id: UID + "-v-" + c.name, "for": cid, "aria-hidden": "true"}));
    } else {
      input = make("select", {id: cid});
      c.labels.forEach(function (label, i) { input.appendChild(make("option", {value: String(i)}, label)); });
      box.appendChild(input);
    }
    input.value = String(state[c.name]);
    var onChange = function () {
      var v = parseInt(input.value, 10);
      if (v === state[c.name]) { return; }
      state[c.name] = v;
      if (source.changed) { source.changed(copy(state)); }
      schedule();
    };
    input.addEventListener("input", onChange);
    input.addEventListener("change", onChange);
    inputs[c.name] = input;
    boxes[c.name] = box;
    row.appendChild(box);
  });
  var NS = "http://www.w3.org/2000/svg", svg = doc.createElementNS(NS, "svg");
  svg.setAttribute("id", UID + "-svg");
  svg.setAttribute("class", "mlx-svg");
  svg.setAttribute("role", "img");
  svg.setAttribute("viewBox", "0 0 " + spec.width + " " + spec.height);
  svg.setAttribute("aria-label", spec.title);
  var note = make("div", {"class": "mlx-note", id: UID + "-note", role: "status"});
  [title, desc, row, svg, note].forEach(function (e) { root.appendChild(e); });

  function copy(st) { var o = {}; for (var k in st) { o[k] = st[k]; } return o; }
  function active(c, st) {
    for (var other in c.when) { if (c.when[other].indexOf(st[other]) < 0) { return false; } }
    return true;
  }
  /* The frame's key: the grid indices of the controls compute needs (inactive ones at their default). */
  function keyOf(st) {
    var parts = [];
    controls.forEach(function (c) { if (!c.client) { parts.push(active(c, st) ? st[c.name] : c.def); } });
    return parts.join(",");
  }
  /* The state a frame key stands for: its grid indices, the client-side controls as they are now. */
  function stateOf(key) {
    var st = copy(state), parts = key === "" ? [] : key.split(","), j = 0;
    controls.forEach(function (c) { if (!c.client) { st[c.name] = parseInt(parts[j++], 10); } });
    return st;
  }
  /* Draw at the SVG's on-screen width (so text keeps its size), between 520 px and the design width. */
  function currentWidth() {
    var w = Math.floor(svg.getBoundingClientRect().width || spec.width);
    return Math.max(520, Math.min(spec.width, w));
  }
  function syncControls() {
    controls.forEach(function (c) {
      var on = active(c, state), input = inputs[c.name];
      boxes[c.name].className = on ? "mlx-ctl" : "mlx-ctl mlx-off";
      input.disabled = !on;
      if (input.value !== String(state[c.name])) { input.value = String(state[c.name]); }
      if (c.kind === "range") {
        input.setAttribute("aria-valuetext", c.labels[state[c.name]] + (on ? "" : " (not used for these settings)"));
        outputs[c.name].textContent = c.labels[state[c.name]];
      }
      if (on) { input.removeAttribute("title"); } else { input.setAttribute("title", "not used for these settings"); }
    });
  }
  function redraw() {
    pending = false;
    if (!alive) { return; }
    syncControls();
    var key = keyOf(state), data, at = state;
    try { data = source.frame(key); } catch (err) { note.textContent = "explorer error: " + err.message; return; }
    if (data) {
      root.removeAttribute("aria-busy");
    } else {
      /* live: the kernel has not answered for these values yet. Meanwhile show the newest frame it sent,
         drawn at the values it was computed for, so a dragged slider keeps moving the picture. */
      root.setAttribute("aria-busy", "true");
      var last = source.latest ? source.latest() : null;
      if (!last || last.key === shownKey) { return; }
      key = last.key;
      data = last.data;
      at = stateOf(key);
    }
    var W = currentWidth(), K = null, t0 = (window.performance || Date).now();
    try {
      var values = {};
      controls.forEach(function (c) { values[c.name] = c.values[at[c.name]]; });
      K = makeKit(UID, W, spec.height);
      draw({data: data, values: values, index: copy(at), K: K, W: W, H: spec.height,
            grid: function (name) { for (var i = 0; i < controls.length; i++) { if (controls[i].name === name) { return controls[i].values; } } return null; }});
      svg.setAttribute("viewBox", "0 0 " + W + " " + spec.height);
      svg.innerHTML = K.flush();
      svg.setAttribute("aria-label", spec.title + (K.description() ? ". " + K.description() : ""));
      if (!source.error || !source.error()) { note.textContent = ""; }
      shownKey = key;
    } catch (err) {
      if (K) { K.flush(); }
      note.textContent = "explorer error: " + err.message;
    }
    var ms = (window.performance || Date).now() - t0;
    root.setAttribute("data-mlx-draw-ms", ms.toFixed(2));
    root.setAttribute("data-mlx-key", key);
  }
  function schedule() {
    if (pending || !alive) { return; }
    pending = true;
    (window.requestAnimationFrame || function (f) { return setTimeout(f, 16); })(redraw);
  }
  function onResize() {
    var w = currentWidth();
    if (w !== lastWidth) { lastWidth = w; schedule(); }
  }
  var observer = null;
  if (window.ResizeObserver) { observer = new ResizeObserver(onResize); observer.observe(root); }
  else { window.addEventListener("resize", onResize); }
  redraw();
  lastWidth = currentWidth();

  var api = {
    /* Redraw now (synchronously) and return the milliseconds it took: for tests and benchmarks. */
    redraw: function () { redraw(); return parseFloat(root.getAttribute("data-mlx-draw-ms")); },
    refresh: schedule,
    state: function () { return copy(state); },
    key: function () { return keyOf(state); },
    shownKey: function () { return shownKey; },
    /* Set control indices from outside (the kernel); does not call source.changed. */
    setState: function (st) {
      var changed = false;
      for (var k in st) { if (k in state && st[k] !== state[k]) { state[k] = st[k]; changed = true; } }
      if (changed) { schedule(); }
    },
    setNote: function (text) { note.textContent = text; },
    destroy: function () {
      alive = false;
      if (observer) { observer.disconnect(); } else { window.removeEventListener("resize", onResize); }
    }
  };
  root.mlx = api;
  return api;
}

/* The static form: every frame precomputed, stored as indices into a pool of unique JSON values
   (see Explorer.static_data): frames is a flat list over the grids of the controls that are not
   client-side, the first varying slowest, as the key lists them. */
function mlxStatic(root, spec, draw) {
  "use strict";
  var cache = {};
  return mlxMount(root, spec, draw, {
    frame: function (key) {
      if (!(key in cache)) {
        var parts = key === "" ? [] : key.split(","), k = 0;
        for (var j = 0; j < parts.length; j++) { k = k * spec.dims[j] + parseInt(parts[j], 10); }
        var refs = spec.frames[k];
        if (!refs || !refs.length) { throw new Error("no precomputed frame for " + key); }
        var f = {};
        for (var c in spec["const"]) { f[c] = spec.pool[spec["const"][c]]; }
        for (var i = 0; i < refs.length; i++) { if (refs[i] >= 0) { f[spec.fields[i]] = spec.pool[refs[i]]; } }
        cache[key] = f;
      }
      return cache[key];
    }
  });
}
