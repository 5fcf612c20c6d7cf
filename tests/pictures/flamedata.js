// Test-only: runs the script a flame graph SVG embeds (its DOM-free part,
// allocprofFlameData) on the data the SVG embeds, under node.
//   node flamedata.js SVG search REGEX   frames matched, value, percent
//   node flamedata.js SVG merged K       zooms into the K-th grey frame of
//                                        the drawing: what the view shows
//   node flamedata.js SVG sum            the root's value and the total
"use strict";
const fs = require("fs");
const vm = require("vm");
const [svgPath, cmd, arg] = process.argv.slice(2);
const svg = fs.readFileSync(svgPath, "utf8");
const code = svg.match(/<script type="text\/ecmascript"><!\[CDATA\[\n([\s\S]*?)\]\]><\/script>/)[1];
const ctx = {};
vm.createContext(ctx);
// the script, without its call on the document
vm.runInContext(code.replace(/^allocprofFlame\(document\.documentElement\);$/m, "") +
  "\nthis.D = allocprofFlameData;", ctx);
const D = ctx.D;
const unxml = (s) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"")
  .replace(/&#39;/g, "'").replace(/&amp;/g, "&");
const t = D.parse(unxml(svg.match(/<metadata class="fdata">([\s\S]*?)<\/metadata>/)[1]));
const width = +svg.match(/<svg [^>]*width="(\d+)"/)[1], pad = +svg.match(/data-pad="(\d+)"/)[1];
if (cmd === "search") {
  const r = D.search(t, new RegExp(arg, "i"));
  console.log(r.frames + " " + r.value + " " + D.percent(r.value, t.total));
} else if (cmd === "merged") {
  const ns = [...svg.matchAll(/<g class="f m" data-n="(\d+)"/g)].map((m) => +m[1]);
  const parent = ns[+arg];
  const members = D.staticMembers(t, parent, width - 2 * pad);
  const frames = D.zoomed(t, { parent: parent, members: members }, pad, width - 2 * pad);
  const name = (f) => (f.node >= 0 ? t.names[t.name[f.node]] : D.mergedName(t, f));
  const shown = frames.filter((f) => !f.anc);
  const sites = shown.filter((f) => /^alloc_site_/.test(name(f)));
  console.log("merged=" + ns.length + " members=" + members.length + " callers=" +
    frames.filter((f) => f.anc).map(name).join(">") + " first=" + name(shown[0]) +
    " sites=" + sites.length + " site_px=" + (sites.length ? sites[0].w.toFixed(2) : 0) +
    " grey=" + shown.filter((f) => f.node < 0).length + " frames=" + shown.length);
} else if (cmd === "sum") {
  console.log(t.value[0] + " " + t.total + " " + t.n);
}
