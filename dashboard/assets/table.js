/* The projects table's body, drawn from its rows (one JSON array of cells) with textContent:
   a hundred rows as Dash components cost the browser over a second to render; as plain DOM, a few
   milliseconds. Every cell is text, never markup: a cell is its text, or [text, [[start, end], ...]] with the
   ranges the project search matched, drawn as <mark> elements holding text. */
(function () {
  'use strict';

function marked(td, text, ranges) {
  var at = 0;
  ranges.forEach(function (range) {
    var start = Math.max(at, Number(range[0]) || 0), end = Math.min(text.length, Number(range[1]) || 0);
    if (end <= start) { return; }
    td.appendChild(document.createTextNode(text.slice(at, start)));
    var mark = document.createElement('mark');
    mark.textContent = text.slice(start, end);
    td.appendChild(mark);
    at = end;
  });
  td.appendChild(document.createTextNode(text.slice(at)));
}

window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.usascp = Object.assign({}, window.dash_clientside.usascp, {
  drawTable: function (rows) {
    var context = window.dash_clientside.callback_context || {};
    var output = context.outputs_list || {};
    var body = output.id ? document.getElementById(output.id) : null;
    if (!body) { return window.dash_clientside.no_update; }
    var fragment = document.createDocumentFragment();
    // each cell names its column: a phone shows a row as a card of "column: value" lines (style.css)
    var table = body.closest('table');
    var headings = table ? Array.prototype.map.call(table.querySelectorAll('thead th'), function (th) {
      return th.textContent.replace(/[\u25b2\u25bc]/g, '').trim();
    }) : [];
    (Array.isArray(rows) ? rows : []).forEach(function (row) {
      var tr = document.createElement('tr');
      (Array.isArray(row) ? row : []).forEach(function (cell, i) {
        var td = document.createElement('td');
        if (headings[i]) { td.setAttribute('data-label', headings[i]); }
        if (Array.isArray(cell)) {
          marked(td, String(cell[0]), Array.isArray(cell[1]) ? cell[1] : []);
        } else {
          td.textContent = cell === null || cell === undefined ? '' : String(cell);
        }
        tr.appendChild(td);
      });
      fragment.appendChild(tr);
    });
    body.replaceChildren(fragment);
    return String(Array.isArray(rows) ? rows.length : 0);
  }
});
})();
