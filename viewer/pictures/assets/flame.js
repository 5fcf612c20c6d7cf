// allocprof flame graph behaviour: click a frame to zoom into it (its
// callers stay below it, dimmed), search frames by regular expression,
// see a frame's name and value at the bottom while hovering. Works in a
// standalone SVG document and on SVG elements inline in an HTML page.
//
// The drawing is the static picture; the tree's values travel with it in
// the metadata element of class fdata (see fdata.h), and search and zoom
// work from those: a search adds up values, not pixels, and zooming draws
// the zoomed part afresh from the tree, so what was merged into a grey
// frame because it was too narrow is drawn once there is room for it.

// The pure part, no DOM: reading the data, searching, laying out.
var allocprofFlameData = (function () {
  "use strict";

  function parse(text) {
    var d = JSON.parse(text);
    var s = d.tree, n = 0, i;
    for (i = 0; i < s.length; i++) if (s.charCodeAt(i) === 44) n++; // ','
    var name = new Int32Array(n), parent = new Int32Array(n), depth = new Int32Array(n);
    var size = new Int32Array(n), value = new Float64Array(n), base = new Float64Array(n);
    var stack = [], k = 0, pos = 0;
    while (pos < s.length) {
      if (s[pos] === ")") { stack.pop(); pos++; continue; }
      var end = s.indexOf(",", pos);
      var tok = s.slice(pos, end), semi = tok.indexOf(";"), colon = tok.indexOf(":");
      var head = semi < 0 ? tok : tok.slice(0, semi);
      if (semi >= 0) base[k] = parseInt(tok.slice(semi + 1), 36);
      if (colon >= 0) { value[k] = parseInt(head.slice(colon + 1), 36); head = head.slice(0, colon); }
      name[k] = parseInt(head, 36);
      parent[k] = stack.length ? stack[stack.length - 1] : -1;
      depth[k] = stack.length;
      size[k] = 1;
      stack.push(k++);
      pos = end + 1;
    }
    // preorder: children come after their parent, so one backward pass sums
    for (i = n - 1; i > 0; i--) {
      value[parent[i]] += value[i];
      base[parent[i]] += base[i];
      size[parent[i]] += size[i];
    }
    var kids = new Array(n);
    for (i = 0; i < n; i++) kids[i] = [];
    for (i = 1; i < n; i++) kids[parent[i]].push(i);
    var maxdepth = 0;
    for (i = 0; i < n; i++) if (depth[i] > maxdepth) maxdepth = depth[i];
    return {
      n: n, name: name, parent: parent, depth: depth, size: size, value: value, base: base,
      kids: kids, maxdepth: maxdepth, names: d.names,
      labels: d.labels.map(function (l, j) { return l === null ? d.names[j] : l; }),
      total: d.total, unit: d.unit, diff: d.diff === 1, maxdelta: d.maxdelta, minw: d.minw
    };
  }

  // Which names match: one test per distinct name.
  function matcher(t, re) {
    var hit = new Uint8Array(t.names.length);
    for (var j = 0; j < t.names.length; j++) hit[j] = re.test(t.names[j]) ? 1 : 0;
    return hit;
  }

  // The samples whose stack holds a matching frame: the value of every
  // matching node that has no matching caller (a stack counts once however
  // many of its frames match). frames: how many nodes match.
  function search(t, re) {
    var hit = matcher(t, re), sum = 0, frames = 0, skip = 0;
    for (var i = 1; i < t.n; i++) {
      if (!hit[t.name[i]]) continue;
      frames++;
      if (i >= skip) { sum += t.value[i]; skip = i + t.size[i]; }
    }
    return { value: sum, frames: frames, hit: hit };
  }

  // pprof's percentage: two decimals from 1%, two significant digits below.
  function percent(value, total) {
    var r = total ? Math.abs(value / total) * 100 : 0;
    if (r >= 99.95 && r <= 100.05) return "100%";
    if (r >= 1) return r.toFixed(2) + "%";
    return String(Number(r.toPrecision(2))) + "%";
  }

  var byteUnits = [[1, "B"], [1024, "kB"], [1048576, "MB"], [1073741824, "GB"],
                   [1099511627776, "TB"], [1125899906842624, "PB"]];
  function label(v, unit) {
    var u = (unit || "").toLowerCase().replace(/^(.{2,})s$/, "$1");
    var a = Math.abs(v), name = "", f = 1;
    if (u === "byte" || u === "b") {
      byteUnits.forEach(function (p) { if (a / p[0] >= 1) { f = p[0]; name = p[1]; } });
      if (!name) name = "B";
    }
    var s = (v / f).toFixed(2).replace(/\.00$/, "");
    return s === "0" || s === "-0" ? "0" : s + name;
  }

  // The frames of one view. items: [{node, x}] side by side at one depth,
  // scale: px per unit of value. A frame is {node, x, w, depth}; children
  // narrower than minw are merged into one {parent, members, ...} frame.
  // members: when given, these siblings are drawn whatever their width
  // (the content of a merged frame that was zoomed into).
  function layout(t, items, scale, minw, out) {
    var todo = items.slice().reverse();
    while (todo.length) {
      var cur = todo.pop(), i = cur.node;
      out.push({ node: i, x: cur.x, w: t.value[i] * scale, depth: t.depth[i] });
      var x = cur.x, push = [], merged = [], mval = 0;
      t.kids[i].forEach(function (k) {
        var w = t.value[k] * scale;
        if (w < minw) { merged.push(k); mval += t.value[k]; return; }
        push.push({ node: k, x: x });
        x += w;
      });
      for (var j = push.length - 1; j >= 0; j--) todo.push(push[j]);
      if (merged.length && mval * scale >= 0.05)
        out.push(group(t, i, merged, x, mval * scale));
    }
    return out;
  }

  function group(t, parent, members, x, w) {
    var v = 0, b = 0, count = 0;
    members.forEach(function (k) { v += t.value[k]; b += t.base[k]; count += t.size[k]; });
    return { node: -1, parent: parent, members: members, x: x, w: w, depth: t.depth[parent] + 1,
             value: v, base: b, count: count };
  }

  // The members of a merged frame of the static drawing, found as the C
  // side found them: children of parent narrower than minw at full scale.
  function staticMembers(t, parent, full) {
    var scale = t.value[0] > 0 ? full / t.value[0] : 0;
    return t.kids[parent].filter(function (k) { return t.value[k] * scale < t.minw; });
  }

  // A zoomed view: the target's callers full width, then the target full
  // width and its subtree. target: {node} or a merged frame {parent, members}.
  function zoomed(t, target, pad, full) {
    var out = [], a = target.node >= 0 ? t.parent[target.node] : target.parent;
    for (; a >= 0; a = t.parent[a]) out.push({ node: a, x: pad, w: full, depth: t.depth[a], anc: true });
    if (target.node >= 0) {
      var v = t.value[target.node];
      return layout(t, [{ node: target.node, x: pad }], v > 0 ? full / v : 0, t.minw, out);
    }
    var g = group(t, target.parent, target.members, pad, full);
    out.push(g);
    var scale = g.value > 0 ? full / g.value : 0, x = pad, items = [];
    target.members.forEach(function (k) { items.push({ node: k, x: x }); x += t.value[k] * scale; });
    return layout(t, items, scale, t.minw, out);
  }

  function mergedName(t, g) {
    return "[" + g.count + " frame" + (g.count === 1 ? "" : "s") + " narrower than " + t.minw + "px]";
  }

  return { parse: parse, search: search, percent: percent, label: label, layout: layout,
           staticMembers: staticMembers, zoomed: zoomed, mergedName: mergedName };
})();

function allocprofFlame(svg) {
  "use strict";
  var D = allocprofFlameData;
  var NS = "http://www.w3.org/2000/svg";
  var pad = +svg.getAttribute("data-pad");
  var charw = +svg.getAttribute("data-charw");
  var icicle = svg.getAttribute("data-icicle") === "1";
  var top = +svg.getAttribute("data-top"), fh = +svg.getAttribute("data-fh");
  var bottom = +svg.getAttribute("data-bottom"), baseline = +svg.getAttribute("data-baseline");
  var width = +svg.getAttribute("width"), height = +svg.getAttribute("height");
  var full = width - 2 * pad;
  var t = D.parse(svg.querySelector("metadata.fdata").textContent);
  var drawing = svg.querySelector("g.frames");
  var view = document.createElementNS(NS, "g");
  view.setAttribute("class", "frames zoom");
  drawing.parentNode.insertBefore(view, drawing.nextSibling);
  var details = svg.querySelector("text.det");
  var reset = svg.querySelector("text.reset");
  var matched = svg.querySelector("text.matched");
  var input = svg.querySelector("input.search");
  var staticMax = 0, shown = [], byElement = new Map(), term = "", hits = null;

  // the static frames, tied to the tree by their data-n
  var gs = drawing.querySelectorAll("g.f");
  for (var i = 0; i < gs.length; i++) {
    var g = gs[i], n = +g.getAttribute("data-n");
    var fr = g.classList.contains("m") ? { node: -1, parent: n } : { node: n };
    fr.g = g;
    fr.depth = fr.node >= 0 ? t.depth[n] : t.depth[n] + 1;
    if (fr.depth > staticMax) staticMax = fr.depth;
    byElement.set(g, fr);
    shown.push(fr);
  }
  var statics = shown;

  function nameOf(fr) { return fr.node >= 0 ? t.names[t.name[fr.node]] : D.mergedName(t, fr); }
  function labelOf(fr) { return fr.node >= 0 ? t.labels[t.name[fr.node]] : D.mergedName(t, fr); }
  function valueOf(fr) { return fr.node >= 0 ? t.value[fr.node] : fr.value; }
  function baseOf(fr) { return fr.node >= 0 ? t.base[fr.node] : fr.base; }

  function fit(label, w) {
    var n = Math.floor((w - 6) / charw);
    if (n < 3) return "";
    var chars = Array.from(label);
    if (chars.length <= n) return label;
    return chars.slice(0, n - 2).join("") + "..";
  }

  function fnv(s) {
    var bytes = new TextEncoder().encode(s), h = 2166136261;
    for (var i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 16777619) >>> 0;
    return h;
  }

  // the colours flame.c gives: hot by name, or red/blue by change
  function fill(fr) {
    if (t.diff) {
      var d = valueOf(fr) - baseOf(fr);
      if (d === 0 || !t.maxdelta) return ["rgb(236,236,236)", false];
      var r = Math.min(1, Math.abs(d) / t.maxdelta), c = Math.round(220 * (1 - Math.sqrt(r)));
      return [d > 0 ? "rgb(255," + c + "," + c + ")" : "rgb(" + c + "," + c + ",255)", c < 110];
    }
    if (fr.node < 0) return ["rgb(190,190,190)", false];
    if (fr.node === 0) return ["rgb(215,215,215)", false];
    var h = fnv(nameOf(fr));
    var v1 = (h & 0xff) / 255, v2 = ((h >>> 8) & 0xff) / 255, v3 = ((h >>> 16) & 0xff) / 255;
    return ["rgb(" + (205 + Math.trunc(50 * v3)) + "," + Math.trunc(230 * v1) + "," + Math.trunc(55 * v2) + ")", false];
  }

  function valueText(fr) {
    var v = valueOf(fr), s = D.label(v, t.unit) + " (" + D.percent(v, t.total) + ")";
    if (!t.diff) return s;
    var b = baseOf(fr), d = v - b;
    s += "\nbase " + D.label(b, t.unit) + ", " + (d > 0 ? "+" : "") + D.label(d, t.unit);
    if (b !== 0) s += " (" + (d / b * 100 >= 0 ? "+" : "") + (d / b * 100).toFixed(1) + "%)";
    else if (d !== 0) s += " (new)";
    return s;
  }

  function yOf(depth, maxdepth) { return icicle ? top + depth * fh : top + (maxdepth - depth) * fh; }

  function draw(fr, maxdepth) {
    var g = document.createElementNS(NS, "g"), f = fill(fr);
    g.setAttribute("class", "f" + (fr.node < 0 ? " m" : "") + (fr.anc ? " anc" : ""));
    var title = document.createElementNS(NS, "title");
    title.textContent = nameOf(fr) + "\n" + valueText(fr);
    var rect = document.createElementNS(NS, "rect"), y = yOf(fr.depth, maxdepth);
    rect.setAttribute("x", fr.x.toFixed(2));
    rect.setAttribute("y", y.toFixed(0));
    rect.setAttribute("width", fr.w.toFixed(2));
    rect.setAttribute("height", fh - 1);
    rect.setAttribute("fill", f[0]);
    var text = document.createElementNS(NS, "text");
    text.setAttribute("x", (fr.x + 3).toFixed(2));
    text.setAttribute("y", (y + baseline).toFixed(0));
    if (f[1]) text.setAttribute("class", "w");
    text.textContent = fit(labelOf(fr), fr.w);
    g.appendChild(title);
    g.appendChild(rect);
    g.appendChild(text);
    fr.g = g;
    byElement.set(g, fr);
    return g;
  }

  function resize(maxdepth) {
    var h = top + (maxdepth + 1) * fh + bottom;
    svg.setAttribute("height", h);
    svg.setAttribute("viewBox", "0 0 " + width + " " + h);
    details.setAttribute("y", h - 10);
  }

  function zoom(fr) {
    if (fr.node === 0) { unzoom(); return; }
    var target = fr.node >= 0 ? { node: fr.node }
      : { parent: fr.parent, members: fr.members || D.staticMembers(t, fr.parent, full) };
    var frames = D.zoomed(t, target, pad, full), maxdepth = staticMax;
    frames.forEach(function (f) { if (f.depth > maxdepth) maxdepth = f.depth; });
    shown.forEach(function (f) { if (f.g.parentNode === view) byElement.delete(f.g); });
    while (view.firstChild) view.removeChild(view.firstChild);
    frames.forEach(function (f) { view.appendChild(draw(f, maxdepth)); });
    drawing.style.display = "none";
    shown = frames;
    resize(maxdepth);
    reset.setAttribute("visibility", "visible");
    svg.setAttribute("data-zoomed", nameOf(frames.find(function (f) { return !f.anc; })));
    highlight();
  }

  function unzoom() {
    shown.forEach(function (f) { if (f.g.parentNode === view) byElement.delete(f.g); });
    while (view.firstChild) view.removeChild(view.firstChild);
    drawing.style.display = "";
    shown = statics;
    svg.setAttribute("height", height);
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    details.setAttribute("y", height - 10);
    reset.setAttribute("visibility", "hidden");
    svg.removeAttribute("data-zoomed");
    highlight();
  }

  function pattern(s) {
    try {
      return new RegExp(s, "i");
    } catch (e) {
      return new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i");
    }
  }

  // Purple for the frames that match, and for merged frames holding one.
  function highlight() {
    (shown === statics ? statics : statics.concat(shown)).forEach(function (fr) {
      var on = false;
      if (hits && fr.node > 0) on = hits[t.name[fr.node]] === 1;
      else if (hits && fr.node < 0) {
        var members = fr.members || D.staticMembers(t, fr.parent, full);
        on = members.some(function (k) {
          for (var i = k; i < k + t.size[k]; i++) if (hits[t.name[i]]) return true;
          return false;
        });
      }
      fr.g.classList.toggle("hl", on);
    });
  }

  function search(s) {
    term = s;
    if (!term) {
      hits = null;
      matched.textContent = "";
      svg.removeAttribute("data-matched");
      svg.removeAttribute("data-matched-value");
      highlight();
      return;
    }
    var r = D.search(t, pattern(term));
    hits = r.hit;
    highlight();
    matched.textContent = r.frames + " frame" + (r.frames === 1 ? "" : "s") + " matched, " +
      D.label(r.value, t.unit) + ", " + D.percent(r.value, t.total) + " of the total";
    svg.setAttribute("data-matched", r.frames);
    svg.setAttribute("data-matched-value", r.value);
  }

  function frameOf(ev) {
    var g = ev.target.closest ? ev.target.closest("g.f") : null;
    return g && byElement.has(g) ? byElement.get(g) : null;
  }
  svg.addEventListener("click", function (ev) {
    var fr = frameOf(ev);
    if (fr) zoom(fr);
  });
  svg.addEventListener("mouseover", function (ev) {
    var fr = frameOf(ev);
    if (fr) details.textContent = fr.g.querySelector("title").textContent.replace(/\n/g, " \u2014 ");
  });
  svg.addEventListener("mouseout", function () { details.textContent = " "; });
  reset.addEventListener("click", function (ev) { ev.stopPropagation(); unzoom(); });
  if (input) {
    input.addEventListener("input", function () { search(input.value); });
    input.addEventListener("click", function (ev) { ev.stopPropagation(); });
  }
}
