// Test-only: appended to a standalone flame graph SVG. Clicks the frame
// named in the svg's data-test-click (or, for "merged", the first grey
// frame), then searches data-test-search, with real DOM events, and writes
// what the view shows into the svg's data-test attribute.
(function () {
  var svg = document.documentElement, out = [];
  function frames(sel) { return Array.prototype.slice.call(svg.querySelectorAll(sel)); }
  function name(g) { return g.querySelector("title").textContent.split("\n")[0]; }
  try {
    var what = svg.getAttribute("data-test-click"), g;
    if (what === "merged") g = frames("g.frames:not(.zoom) g.f.m")[0];
    else g = frames("g.frames:not(.zoom) g.f").filter(function (x) { return name(x) === what; })[0];
    g.querySelector("rect").dispatchEvent(new MouseEvent("click", { bubbles: true }));
    var view = frames("g.zoom g.f").filter(function (x) { return !x.classList.contains("anc"); });
    out.push("zoomed=" + svg.getAttribute("data-zoomed").replace(/ /g, "_"),
      "width=" + view[0].querySelector("rect").getAttribute("width"),
      "callers=" + frames("g.zoom g.f.anc").length,
      "frames=" + view.length,
      "sites=" + view.filter(function (x) { return /^alloc_site_/.test(name(x)); }).length,
      "grey=" + view.filter(function (x) { return x.classList.contains("m"); }).length,
      "labelled=" + view.filter(function (x) { return x.querySelector("text").textContent !== ""; }).length,
      "drawing_hidden=" + (svg.querySelector("g.frames:not(.zoom)").style.display === "none"));
    var input = svg.querySelector("input.search");
    input.value = svg.getAttribute("data-test-search");
    input.dispatchEvent(new Event("input", { bubbles: true }));
    out.push("matched=" + svg.getAttribute("data-matched"),
      "text=" + svg.querySelector("text.matched").textContent.replace(/ /g, "_"),
      "purple=" + frames("g.zoom g.f.hl").length);
    svg.querySelector("text.reset").dispatchEvent(new MouseEvent("click", { bubbles: true }));
    out.push("reset=" + (svg.hasAttribute("data-zoomed") ? "no" : "yes") + "," + frames("g.zoom g.f").length);
  } catch (e) {
    out.push("error=" + e.message);
  }
  svg.setAttribute("data-test", out.join(" "));
})();
