// allocprof report behaviour: the sample-type selector, the sortable and
// filterable top tables (rows come from the JSON island #data), the
// biggest-sites table, and the flame graphs (flame.js).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data").textContent);
  var select = document.getElementById("type");

  // pprof's percentages: two decimals, two significant digits below 1%.
  function pct(v, total) {
    var r = total !== 0 ? Math.abs(v / total) * 100 : 0;
    if (r >= 99.95 && r <= 100.05) return "100%";
    if (r >= 1) return r.toFixed(2) + "%";
    if (r === 0) return "0%";
    return String(+r.toPrecision(2)) + "%";
  }

  function cell(tr, text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
  }

  // A top table: rows [name, flat, cum, flatLabel, cumLabel] in pprof's
  // order; clicking a column sorts, the filter hides rows not matching.
  function TopTable(box) {
    this.box = box;
    this.table = box.querySelector("table.top");
    this.body = this.table.querySelector("tbody");
    this.caption = box.querySelector(".caption");
    this.more = box.querySelector(".more");
    this.filter = box.querySelector("input.filter");
    this.key = null;
    this.asc = false;
    var self = this;
    this.table.querySelectorAll("th[data-key]").forEach(function (th) {
      th.addEventListener("click", function () { self.sortBy(th.getAttribute("data-key"), th); });
    });
    this.filter.addEventListener("input", function () { self.applyFilter(); });
  }

  TopTable.prototype.show = function (type) {
    this.type = type;
    this.order = type.rows.map(function (r, i) { return i; });
    this.key = null;
    this.table.querySelectorAll("th").forEach(function (th) { th.classList.remove("sorted", "asc"); });
    this.caption.textContent = type.caption;
    this.more.textContent = type.more > 0 ? type.more + " more rows left out (allocprof top shows them all)" : "";
    this.render();
  };

  TopTable.prototype.sortBy = function (key, th) {
    if (!this.type) return;
    this.asc = this.key === key ? !this.asc : key === "name";
    this.key = key;
    var rows = this.type.rows, asc = this.asc;
    var col = key === "name" ? 0 : key === "flat" ? 1 : 2;
    this.order.sort(function (a, b) {
      var x = rows[a][col], y = rows[b][col], c;
      if (col === 0) c = x < y ? -1 : x > y ? 1 : 0;
      else c = Math.abs(x) - Math.abs(y);
      if (c === 0) return a - b;
      return asc ? c : -c;
    });
    this.table.querySelectorAll("th").forEach(function (h) { h.classList.remove("sorted", "asc"); });
    this.table.querySelectorAll('th[data-key="' + key + '"]').forEach(function (h) {
      h.classList.add("sorted");
      if (asc) h.classList.add("asc");
    });
    this.render();
  };

  TopTable.prototype.render = function () {
    var t = this.type, body = this.body, sum = 0;
    body.textContent = "";
    this.order.forEach(function (i) {
      var r = t.rows[i];
      sum += r[1];
      var tr = document.createElement("tr");
      cell(tr, r[3], "num");
      cell(tr, pct(r[1], t.total), "num");
      cell(tr, pct(sum, t.total), "num");
      cell(tr, r[4], "num");
      cell(tr, pct(r[2], t.total), "num");
      cell(tr, r[0]);
      body.appendChild(tr);
    });
    this.applyFilter();
  };

  TopTable.prototype.applyFilter = function () {
    var term = this.filter.value, re = null;
    if (term) {
      try { re = new RegExp(term, "i"); } catch (e) { re = null; }
    }
    var rows = this.body.rows;
    for (var i = 0; i < rows.length; i++) {
      var name = rows[i].cells[5].textContent;
      rows[i].classList.toggle("hidden", re !== null && !re.test(name));
    }
  };

  function showSites(type) {
    var body = document.querySelector("#sites tbody");
    body.textContent = "";
    var total = type.total;
    type.sites.forEach(function (s) {
      var tr = document.createElement("tr");
      cell(tr, s[2], "num");
      cell(tr, pct(s[1], total), "num");
      cell(tr, s[0]);
      body.appendChild(tr);
    });
    if (!type.sites.length) {
      var tr = document.createElement("tr");
      cell(tr, "none");
      body.appendChild(tr);
    }
  }

  var top = new TopTable(document.querySelector(".toptable"));
  var diffBox = document.querySelector(".difftable");
  var diff = diffBox ? new TopTable(diffBox) : null;

  function selectType(index) {
    var i = +index;
    top.show(data.types[i]);
    showSites(data.types[i]);
    if (diff && data.diff) diff.show(data.diff[i]);
    document.querySelectorAll(".bytype").forEach(function (box) {
      box.hidden = +box.getAttribute("data-type") !== i;
    });
  }

  document.querySelectorAll("svg.flame").forEach(function (svg) { allocprofFlame(svg); });
  select.addEventListener("change", function () { selectType(select.value); });
  selectType(data.selected);
})();
