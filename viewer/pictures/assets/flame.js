// allocprof flame graph behaviour: click a frame to zoom into it (its
// callers stay below it, dimmed), search frames by regular expression,
// see a frame's name and value at the bottom while hovering. Works in a
// standalone SVG document and on SVG elements inline in an HTML page.
function allocprofFlame(svg) {
  "use strict";
  var pad = +svg.getAttribute("data-pad");
  var charw = +svg.getAttribute("data-charw");
  var icicle = svg.getAttribute("data-icicle") === "1";
  var width = +svg.getAttribute("width");
  var full = width - 2 * pad;
  var eps = 0.01;
  var frames = [];
  var byElement = new Map();
  var gs = svg.querySelectorAll("g.f");
  for (var i = 0; i < gs.length; i++) {
    var g = gs[i];
    var rect = g.querySelector("rect");
    var title = g.querySelector("title").textContent;
    var nl = title.indexOf("\n");
    var name = nl < 0 ? title : title.slice(0, nl);
    var fr = {
      g: g, rect: rect, text: g.querySelector("text"),
      x: +rect.getAttribute("x"), w: +rect.getAttribute("width"),
      y: +rect.getAttribute("y"), name: name,
      label: g.getAttribute("data-l") || name,
      info: title.replace(/\n/g, " \u2014 ")
    };
    frames.push(fr);
    byElement.set(g, fr);
  }
  var root = frames[0];
  var details = svg.querySelector("text.det");
  var reset = svg.querySelector("text.reset");
  var matched = svg.querySelector("text.matched");
  var input = svg.querySelector("input.search");

  // A frame's callers are further from the top (flame) or bottom (icicle).
  function deeper(a, b) { return icicle ? a.y > b.y : a.y < b.y; }

  function fit(label, w) {
    var n = Math.floor((w - 6) / charw);
    if (n < 3) return "";
    var chars = Array.from(label);
    if (chars.length <= n) return label;
    return chars.slice(0, n - 2).join("") + "..";
  }

  function place(fr, x, w) {
    fr.rect.setAttribute("x", x.toFixed(2));
    fr.rect.setAttribute("width", w.toFixed(2));
    fr.text.setAttribute("x", (x + 3).toFixed(2));
    fr.text.textContent = fit(fr.label, w);
  }

  function zoom(target) {
    if (target === root) { unzoom(); return; }
    var scale = full / target.w;
    frames.forEach(function (fr) {
      fr.g.classList.remove("anc");
      fr.g.style.display = "";
      if (fr === target) {
        place(fr, pad, full);
      } else if (deeper(target, fr) && fr.x <= target.x + eps &&
                 fr.x + fr.w >= target.x + target.w - eps) {
        fr.g.classList.add("anc");
        place(fr, pad, full);
      } else if (deeper(fr, target) && fr.x >= target.x - eps &&
                 fr.x + fr.w <= target.x + target.w + eps) {
        place(fr, pad + (fr.x - target.x) * scale, fr.w * scale);
      } else {
        fr.g.style.display = "none";
      }
    });
    reset.setAttribute("visibility", "visible");
    svg.setAttribute("data-zoomed", target.name);
  }

  function unzoom() {
    frames.forEach(function (fr) {
      fr.g.classList.remove("anc");
      fr.g.style.display = "";
      place(fr, fr.x, fr.w);
    });
    reset.setAttribute("visibility", "hidden");
    svg.removeAttribute("data-zoomed");
  }

  function pattern(term) {
    try {
      return new RegExp(term, "i");
    } catch (e) {
      return new RegExp(term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i");
    }
  }

  function search(term) {
    var spans = [];
    var re = term ? pattern(term) : null;
    frames.forEach(function (fr) {
      var hit = re !== null && fr !== root && re.test(fr.name);
      fr.g.classList.toggle("hl", hit);
      if (hit) spans.push([fr.x, fr.x + fr.w]);
    });
    if (!re) {
      matched.textContent = "";
      svg.removeAttribute("data-matched");
      return;
    }
    // nested matches count once: add up the union of their spans
    spans.sort(function (a, b) { return a[0] - b[0]; });
    var sum = 0, end = -1;
    spans.forEach(function (s) {
      if (s[0] >= end) { sum += s[1] - s[0]; end = s[1]; }
      else if (s[1] > end) { sum += s[1] - end; end = s[1]; }
    });
    var pct = root.w > 0 ? sum / root.w * 100 : 0;
    var n = spans.length;
    matched.textContent = n + " frame" + (n === 1 ? "" : "s") + " matched, " +
      (pct >= 99.995 ? "100" : pct.toFixed(2)) + "% of the graph";
    svg.setAttribute("data-matched", n);
  }

  svg.addEventListener("click", function (ev) {
    var g = ev.target.closest ? ev.target.closest("g.f") : null;
    if (g && byElement.has(g)) zoom(byElement.get(g));
  });
  svg.addEventListener("mouseover", function (ev) {
    var g = ev.target.closest ? ev.target.closest("g.f") : null;
    if (g && byElement.has(g)) details.textContent = byElement.get(g).info;
  });
  svg.addEventListener("mouseout", function () { details.textContent = " "; });
  reset.addEventListener("click", function (ev) { ev.stopPropagation(); unzoom(); });
  if (input) {
    input.addEventListener("input", function () { search(input.value); });
    input.addEventListener("click", function (ev) { ev.stopPropagation(); });
  }
}
