// Test-only: runs the pan-and-zoom script a call graph SVG embeds, under
// node, on a stub of the DOM it touches (the svg, 1000x600 px on screen,
// and the viewport group, as big as the graph's background polygon), and
// prints the viewport's transform after each user action:
//   fit, wheel (one notch up at 300,200), the graph point under the
//   pointer before and after the wheel, drag (+50,+30), key +, key 0,
//   key ArrowLeft
"use strict";
const fs = require("fs");
const vm = require("vm");
const svgText = fs.readFileSync(process.argv[2], "utf8");
const code = svgText.match(/<script type="text\/ecmascript"><!\[CDATA\[\n([\s\S]*?)\]\]><\/script>/)[1];
// the graph's extent: its background polygon, moved by graph0's translate
const tr = svgText.match(/<g id="graph0" class="graph" transform="[^"]*translate\(([-\d.]+) ([-\d.]+)\)"/);
const pts = svgText.match(/<g id="graph0"[\s\S]*?<polygon fill="white" stroke="transparent" points="([^"]*)"/)[1]
  .split(" ").map((p) => p.split(",").map(Number));
const xs = pts.map((p) => p[0] + +tr[1]), ys = pts.map((p) => p[1] + +tr[2]);
const bbox = { x: Math.min(...xs), y: Math.min(...ys) };
bbox.width = Math.max(...xs) - bbox.x;
bbox.height = Math.max(...ys) - bbox.y;
const handlers = {}, docHandlers = {};
const view = {
  attrs: {},
  setAttribute(k, v) { this.attrs[k] = String(v); },
  getAttribute(k) { return this.attrs[k]; },
  removeAttribute(k) { delete this.attrs[k]; },
  getBBox() { return bbox; }
};
const doc = { addEventListener(t, f) { docHandlers[t] = f; } };
const svg = {
  ownerDocument: doc,
  querySelector(sel) { return sel === "#viewport" ? view : null; },
  getBoundingClientRect() { return { left: 0, top: 0, width: 1000, height: 600 }; },
  addEventListener(t, f) { handlers[t] = f; }
};
const ctx = { document: doc };
vm.createContext(ctx);
vm.runInContext(code.replace(/^allocprofPan\(document\.documentElement\);$/m, ""), ctx);
ctx.svg = svg;
vm.runInContext("allocprofPan(svg);", ctx);
const ev = (o) => Object.assign({ preventDefault() {}, button: 0, deltaMode: 0 }, o);
const m = () => view.attrs.transform.match(/matrix\(([^)]*)\)/)[1].split(",").map(Number);
const graphPoint = (sx, sy) => { const [s, , , , tx, ty] = m(); return [(sx - tx) / s, (sy - ty) / s].map((v) => v.toFixed(2)); };
const out = [];
out.push("fit=" + view.attrs.transform);
// the whole graph in the 1000x600 window, centred
const fs0 = Math.min(1000 / bbox.width, 600 / bbox.height, 1);
out.push("fit_scale=" + (m()[0] / fs0).toFixed(4) + " centred=" +
  ((1000 - (bbox.x * m()[0] + m()[4]) - (bbox.x + bbox.width) * m()[0] - m()[4]) < 0.01 &&
   Math.abs(600 - (bbox.y * m()[0] + m()[5]) - ((bbox.y + bbox.height) * m()[0] + m()[5])) < 0.01));
const before = graphPoint(300, 200);
handlers.wheel(ev({ deltaY: -100, clientX: 300, clientY: 200 }));
out.push("wheel=" + view.attrs.transform);
out.push("under_pointer=" + before.join(",") + "->" + graphPoint(300, 200).join(","));
const t0 = m();
handlers.mousedown(ev({ clientX: 100, clientY: 100 }));
handlers.mousemove(ev({ clientX: 150, clientY: 130 }));
handlers.mouseup(ev({}));
handlers.mousemove(ev({ clientX: 500, clientY: 500 }));
const t1 = m();
out.push("drag=" + (t1[4] - t0[4]).toFixed(2) + "," + (t1[5] - t0[5]).toFixed(2));
docHandlers.keydown(ev({ key: "+" }));
out.push("plus=" + (m()[0] / t1[0]).toFixed(4));
docHandlers.keydown(ev({ key: "0" }));
out.push("zero=" + view.attrs.transform);
const t2 = m();
docHandlers.keydown(ev({ key: "ArrowLeft" }));
out.push("left=" + (m()[4] - t2[4]).toFixed(2) + "," + (m()[5] - t2[5]).toFixed(2));
console.log(out.join("\n"));
