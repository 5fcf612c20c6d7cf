// allocprof call graph behaviour, as pprof's -svg does with svgpan: the
// graph sits in <g id="viewport">, the mouse wheel zooms about the
// pointer, dragging pans, and keys do both: + and - zoom about the middle,
// the arrow keys pan, 0 fits the whole graph in the window again.
function allocprofPan(svg) {
  "use strict";
  var view = svg.querySelector("#viewport");
  var s = 1, tx = 0, ty = 0, drag = null;
  var STEP = 1.25, MIN = 0.02, MAX = 50;

  function apply() {
    view.setAttribute("transform", "matrix(" + [s, 0, 0, s, tx, ty].map(function (v) {
      return +v.toFixed(6);
    }).join(",") + ")");
  }

  // The pointer's position in the svg's own pixels.
  function at(ev) {
    var r = svg.getBoundingClientRect();
    return [ev.clientX - r.left, ev.clientY - r.top];
  }

  // Scales by k keeping the point p where it is on screen.
  function zoom(k, p) {
    var n = Math.min(MAX, Math.max(MIN, s * k));
    k = n / s;
    tx = p[0] - (p[0] - tx) * k;
    ty = p[1] - (p[1] - ty) * k;
    s = n;
    apply();
  }

  function fit() {
    var r = svg.getBoundingClientRect();
    view.removeAttribute("transform");
    var b = view.getBBox();
    s = b.width > 0 && b.height > 0 ? Math.min(r.width / b.width, r.height / b.height, 1) : 1;
    tx = (r.width - b.width * s) / 2 - b.x * s;
    ty = (r.height - b.height * s) / 2 - b.y * s;
    apply();
  }

  function middle() {
    var r = svg.getBoundingClientRect();
    return [r.width / 2, r.height / 2];
  }

  svg.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    // a line of scrolling is about 40 px; one notch zooms by STEP
    var d = ev.deltaY * (ev.deltaMode === 1 ? 40 : ev.deltaMode === 2 ? 400 : 1);
    zoom(Math.pow(STEP, -d / 100), at(ev));
  }, { passive: false });
  svg.addEventListener("mousedown", function (ev) {
    if (ev.button !== 0) return;
    ev.preventDefault();
    drag = { p: at(ev), tx: tx, ty: ty };
  });
  svg.addEventListener("mousemove", function (ev) {
    if (!drag) return;
    var p = at(ev);
    tx = drag.tx + p[0] - drag.p[0];
    ty = drag.ty + p[1] - drag.p[1];
    apply();
  });
  svg.addEventListener("mouseup", function () { drag = null; });
  svg.addEventListener("mouseleave", function () { drag = null; });
  svg.addEventListener("dblclick", function (ev) { zoom(ev.shiftKey ? 1 / STEP : STEP, at(ev)); });
  var keys = {
    "+": function () { zoom(STEP, middle()); },
    "=": function () { zoom(STEP, middle()); },
    "-": function () { zoom(1 / STEP, middle()); },
    "0": fit,
    "ArrowLeft": function () { tx += 50; apply(); },
    "ArrowRight": function () { tx -= 50; apply(); },
    "ArrowUp": function () { ty += 50; apply(); },
    "ArrowDown": function () { ty -= 50; apply(); }
  };
  (svg.ownerDocument || document).addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || !keys[ev.key]) return;
    ev.preventDefault();
    keys[ev.key]();
  });
  fit();
  return { zoom: zoom, fit: fit, state: function () { return [s, tx, ty]; } };
}
