/* A click on the map where several cities' markers overlap (Singapore and Johor Bahru, Bangkok and Chonburi at
   the Pacific view) opens a small chooser listing them, instead of plotly's guess of the nearest. Choosing one
   sends the map the click it would have sent for that city, so the server opens its panel as for any click. */
(function () {
  'use strict';
  var SLOP = 5;  // px beyond a marker's edge that still counts as on it

  function plainText(markup) {
    // hover text is escaped on the server; parse it inertly and keep only its text
    var doc = new DOMParser().parseFromString(String(markup || ''), 'text/html');
    doc.querySelectorAll('br').forEach(function (br) { br.replaceWith(', '); });
    return doc.body.textContent;
  }

  function inBox(subplot, x, y) {
    var b = subplot && subplot.projection && subplot.projection.clipExtent && subplot.projection.clipExtent();
    return !b || (x >= b[0][0] && x <= b[1][0] && y >= b[0][1] && y <= b[1][1]);
  }

  function citiesAt(gd, x, y) {
    var full = gd._fullLayout;
    var geos = Object.keys(full).filter(function (k) { return /^geo\d*$/.test(k) && full[k]._subplot; });
    // the topmost subplot under the pointer (the inset lies over the main map)
    var here = geos.filter(function (k) { return inBox(full[k]._subplot, x, y); }).sort().pop();
    var found = {};
    (gd._fullData || []).forEach(function (trace) {
      var marker = trace.marker || {};
      if (trace.visible !== true || (trace.geo || 'geo') !== here || String(trace.mode).indexOf('markers') < 0 ||
          marker.opacity === 0 || !trace.customdata) { return; }
      var projection = full[here]._subplot.projection;
      for (var i = 0; i < trace.lon.length; i++) {
        var p = projection([trace.lon[i], trace.lat[i]]);
        var size = Array.isArray(marker.size) || ArrayBuffer.isView(marker.size) ? marker.size[i] : marker.size;
        if (p && Math.hypot(p[0] - x, p[1] - y) <= (size || 6) / 2 + SLOP) {
          var position = Number(trace.customdata[i][0]);
          found[position] = found[position] || {position: position, name: plainText(trace.text && trace.text[i])};
        }
      }
    });
    return Object.keys(found).map(function (k) { return found[k]; });
  }

  function close(frame) {
    var open = frame.querySelector('.city-chooser');
    if (open) { open.remove(); }
  }

  function choose(graph, position) {
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(graph.id, {clickData: {points: [{customdata: [position]}]}});
    }
  }

  function openChooser(frame, graph, cities, x, y) {
    close(frame);
    var box = document.createElement('div');
    box.className = 'city-chooser';
    box.setAttribute('role', 'dialog');
    box.setAttribute('aria-label', 'Cities at this point');
    var note = document.createElement('p');
    note.textContent = cities.length + ' cities here. Open:';
    box.appendChild(note);
    cities.sort(function (a, b) { return a.name.localeCompare(b.name); }).forEach(function (city) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'chooser-city';
      button.textContent = city.name;
      button.addEventListener('click', function () { close(frame); choose(graph, city.position); });
      box.appendChild(button);
    });
    var cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.className = 'chooser-cancel';
    cancel.textContent = 'Cancel';
    var back = function () { close(frame); var map = graph.parentElement; if (map && map.focus) { map.focus(); } };
    cancel.addEventListener('click', back);
    box.appendChild(cancel);
    box.addEventListener('keydown', function (event) { if (event.key === 'Escape') { back(); } });
    box.style.left = Math.max(4, Math.min(x + 8, frame.clientWidth - 220)) + 'px';
    box.style.top = Math.max(4, y - 10) + 'px';
    frame.appendChild(box);
    box.querySelector('button').focus();
  }

  document.addEventListener('click', function (event) {
    var graph = event.target && event.target.closest ? event.target.closest('.map-graph') : null;
    // the chooser goes in the map's card, outside the graph's frame: the frame is an image to a screen reader
    var frame = graph && (graph.closest('.map-card') || graph.parentElement);
    if (!graph || !frame || (event.target.closest && event.target.closest('.city-chooser, .modebar'))) { return; }
    var gd = graph.querySelector('.js-plotly-plot');
    var svg = gd && gd.querySelector('.main-svg');
    if (!gd || !gd._fullLayout || !svg) { return; }
    var r = svg.getBoundingClientRect();
    var x = event.clientX - r.left, y = event.clientY - r.top;
    var cities = citiesAt(gd, x, y);
    close(frame);
    if (cities.length > 1) {
      event.stopPropagation();  // plotly would open whichever marker it found nearest
      event.preventDefault();
      var f = frame.getBoundingClientRect();
      openChooser(frame, graph, cities, event.clientX - f.left, event.clientY - f.top);
    }
  }, true);
})();

/* The keyboard zooms and pans the map too: with the map focused, + and - zoom, the arrow keys pan, 0 returns to
   the framed view (the mouse and touch do the same with the wheel, a pinch or a drag). */
(function () {
  'use strict';
  var STEP = 0.15;  // of the view's span per arrow press

  document.addEventListener('keydown', function (event) {
    var frame = event.target && event.target.closest ? event.target.closest('.graph-frame[data-keys="map"]') : null;
    var gd = frame && frame.querySelector('.js-plotly-plot');
    if (!gd || !gd._fullLayout || !window.Plotly || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var geo = gd._fullLayout.geo;
    var scale = geo.projection.scale || 1;
    var lon = geo.lonaxis.range, lat = geo.lataxis.range;
    var spanLon = (lon[1] - lon[0]) / scale, spanLat = (lat[1] - lat[0]) / scale;
    var update = null;
    if (event.key === '+' || event.key === '=') { update = {'geo.projection.scale': Math.min(scale * 1.5, 32)}; }
    else if (event.key === '-' || event.key === '_') { update = {'geo.projection.scale': Math.max(scale / 1.5, 1)}; }
    else if (event.key === '0') { update = {'geo.projection.scale': 1, 'geo.center': null}; }
    else if (/^Arrow/.test(event.key)) {
      var c = geo.center;
      var dx = event.key === 'ArrowLeft' ? -1 : event.key === 'ArrowRight' ? 1 : 0;
      var dy = event.key === 'ArrowDown' ? -1 : event.key === 'ArrowUp' ? 1 : 0;
      update = {'geo.center.lon': c.lon + dx * STEP * spanLon, 'geo.center.lat': Math.max(-80, Math.min(80, c.lat + dy * STEP * spanLat))};
    }
    if (update) {
      event.preventDefault();
      window.Plotly.relayout(gd, update);
    }
  });
})();
