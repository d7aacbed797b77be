/* The projects table's body, drawn from its rows (one JSON array of cell texts) with textContent:
   a hundred rows as Dash components cost the browser over a second to render; as plain DOM, a few
   milliseconds. Every cell is text, never markup. */
window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.usascp = Object.assign({}, window.dash_clientside.usascp, {
  drawTable: function (rows) {
    var context = window.dash_clientside.callback_context || {};
    var output = context.outputs_list || {};
    var body = output.id ? document.getElementById(output.id) : null;
    if (!body) { return window.dash_clientside.no_update; }
    var fragment = document.createDocumentFragment();
    (Array.isArray(rows) ? rows : []).forEach(function (row) {
      var tr = document.createElement('tr');
      (Array.isArray(row) ? row : []).forEach(function (cell) {
        var td = document.createElement('td');
        td.textContent = cell === null || cell === undefined ? '' : String(cell);
        tr.appendChild(td);
      });
      fragment.appendChild(tr);
    });
    body.replaceChildren(fragment);
    return String(Array.isArray(rows) ? rows.length : 0);
  }
});
