/* Offline stand-in for bootstrap-table (not shipped by any Python package): renders the rows
   GE's Data Docs index passes in `data` under the titles in `columns`, sorted as asked, and
   fires `click-row.bs.table` so GE's own row links work. No search, filters or paging. */
(function ($) {
  "use strict";
  function lookup(name) {
    return typeof name === "function" ? name : (typeof name === "string" ? window[name] : null);
  }
  function sortKey(columns, sortName) {
    var column = columns.filter(function (c) { return c.field === sortName; })[0];
    return column && column.sortName ? column.sortName : sortName;
  }
  function render($table, options) {
    var columns = options.columns || [], rows = (options.data || []).slice();
    if (options.sortName) {
      var key = sortKey(columns, options.sortName), sign = options.sortOrder === "desc" ? -1 : 1;
      rows.sort(function (a, b) { return a[key] < b[key] ? -sign : (a[key] > b[key] ? sign : 0); });
    }
    var rowAttributes = lookup(options.rowAttributes), rowStyle = lookup(options.rowStyle);
    var $head = $("<tr>");
    columns.forEach(function (c) { $head.append($("<th>").text(c.title || "")); });
    var $body = $("<tbody>");
    rows.forEach(function (row, index) {
      var $tr = $("<tr>");
      if (rowAttributes) { $tr.attr(rowAttributes(row, index)); }
      if (rowStyle) { $tr.css((rowStyle(row, index) || {}).css || {}); }
      columns.forEach(function (c) { $tr.append($("<td>").html(row[c.field] === undefined ? "" : row[c.field])); });
      $tr.on("click", function () { $table.trigger("click-row.bs.table", [row, $tr]); });
      $body.append($tr);
    });
    $table.addClass("table table-hover").empty().append($("<thead>").append($head), $body);
  }
  $.fn.bootstrapTable = function (options) {
    if (typeof options === "string") { return this; }  /* methods such as clearFilterControl */
    return this.each(function () { render($(this), options || {}); });
  };
})(jQuery);
