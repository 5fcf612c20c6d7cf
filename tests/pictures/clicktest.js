// Test-only: injected into a copy of a report page. Clicks a flame-graph
// frame, types into the search box, sorts the top table and switches the
// sample type, the way a user would (real DOM events), then writes what it
// saw into <pre id="test-result"> for the shell test to read from the DOM.
(function () {
  "use strict";
  var out = [];
  function say(k, v) { out.push(k + "=" + v); }
  // the frames on show: the drawing, or the view a zoom drew from the data
  function frame(svg, name) {
    var gs = svg.querySelectorAll(svg.hasAttribute("data-zoomed") ? "g.zoom g.f" : "g.frames:not(.zoom) g.f");
    for (var i = 0; i < gs.length; i++)
      if (gs[i].querySelector("title").textContent.split("\n")[0] === name) return gs[i];
    return null;
  }
  function click(el) {
    el.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, view: window }));
  }
  try {
    var target = new URLSearchParams(location.search).get("frame") || "site_calloc";
    var box = document.querySelector("#flame .bytype:not([hidden])");
    var svg = box.querySelector("svg.flame");
    var full = +svg.getAttribute("width") - 2 * +svg.getAttribute("data-pad");
    say("full_width", full.toFixed(2));
    var g = frame(svg, target);
    var rect = g.querySelector("rect");
    say("before_width", rect.getAttribute("width"));
    click(rect);
    say("zoomed", svg.getAttribute("data-zoomed"));
    g = frame(svg, target);
    rect = g.querySelector("rect");
    say("zoomed_width", rect.getAttribute("width"));
    say("zoomed_x", rect.getAttribute("x"));
    var main = frame(svg, "main");
    say("caller_dimmed", main.classList.contains("anc"));
    say("caller_width", main.querySelector("rect").getAttribute("width"));
    var other = frame(svg, "site_small");
    say("sibling_hidden", !other && svg.querySelector("g.frames:not(.zoom)").style.display === "none");
    say("label", g.querySelector("text").textContent);
    var input = svg.querySelector("input.search");
    input.focus({ preventScroll: true });
    input.value = "site_";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    say("matched", svg.getAttribute("data-matched"));
    say("matched_text", svg.querySelector("text.matched").textContent);
    say("highlighted", svg.querySelectorAll("g.frames:not(.zoom) g.f.hl").length);
    // the top table: sort by name, then back to pprof's order by flat
    var table = document.querySelector(".toptable table.top");
    var nameHead = table.querySelector('th[data-key="name"]');
    click(nameHead);
    var names = Array.from(table.querySelectorAll("tbody tr td:last-child")).map(function (td) { return td.textContent; });
    say("sorted_first", names[0]);
    // what the first row must be, whatever the profile's names are
    say("sorted_expected", names.reduce(function (m, n) { return n < m ? n : m; }, names[0]));
    say("sorted_ok", names.every(function (n, i) { return i === 0 || names[i - 1] <= n; }) ? "yes" : "no");
    say("rows", table.querySelectorAll("tbody tr").length);
    // switch the sample type
    var sel = document.getElementById("type");
    var types = Array.from(sel.options).map(function (o) { return o.textContent; });
    sel.value = String(types.indexOf("alloc_objects"));
    sel.dispatchEvent(new Event("change", { bubbles: true }));
    say("type_first_row", table.querySelector("tbody tr td").textContent + " " +
        table.querySelector("tbody tr td:last-child").textContent);
    var shown = document.querySelector("#flame .bytype:not([hidden]) svg.flame");
    say("flame_shown", shown ? shown.id : "none");
    // back to the first type for the screenshot, zoomed and searched again
    sel.value = String(types.indexOf("alloc_space"));
    sel.dispatchEvent(new Event("change", { bubbles: true }));
    // the flame graph first on the page, for the screenshot
    var flame = document.getElementById("flame");
    flame.parentNode.insertBefore(flame, flame.parentNode.firstChild);
    window.scrollTo(0, 0);
  } catch (e) {
    say("error", e && e.message ? e.message : e);
  }
  var pre = document.createElement("pre");
  pre.id = "test-result";
  pre.textContent = "\n" + out.join("\n") + "\n";
  document.body.insertBefore(pre, document.body.firstChild);
})();
