/* Figures reach the page's graphs through the browser (one clientside callback, `showFigures`, for every chart
   of dashboard/charts.py): each graph's frame names the function that hands its figure on (`Chart.adapt`).
   - figureForSize (assets/map_labels.js): the map, with the set of city names that fits its size;
   - figureWhenSeen (here): the charts below the map, drawn when they scroll into view. A filter change then
     redraws the map first, and a phone draws only what it shows; a chart out of view keeps only its newest
     figure. One callback rather than one per chart: each callback costs Dash's renderer a round of work. */
(function () {
  'use strict';

  var pending = {};
  var observer = null;

  function draw(frame) {
    var id = frame.getAttribute('data-graph');
    observer.unobserve(frame);
    if (!(id in pending)) { return; }
    var figure = pending[id];
    delete pending[id];
    window.dash_clientside.set_props(id, {figure: figure});
  }

  // `frame` is the graph's frame, not the graph: dcc.Graph replaces its element once its code has loaded
  function figureWhenSeen(figure, id, frame) {
    if (!window.IntersectionObserver || !window.dash_clientside.set_props) { return figure; }
    if (!observer) {
      // a margin below the screen: a chart just under the fold is ready when it scrolls in
      observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) { if (entry.isIntersecting) { draw(entry.target); } });
      }, {rootMargin: '0px 0px 200px 0px'});
    }
    pending[id] = figure;
    frame.setAttribute('data-graph', id);
    // observing reports the current state asynchronously, after this render: the map is drawn first
    observer.unobserve(frame);
    observer.observe(frame);
    return window.dash_clientside.no_update;
  }

  function showFigures() {
    var figures = arguments;
    var dc = window.dash_clientside;
    var context = dc.callback_context || {};
    var stores = context.inputs_list || [];
    var changed = {};
    (context.triggered || []).forEach(function (t) { if (t && t.prop_id) { changed[t.prop_id] = true; } });
    var first = !Object.keys(changed).some(function (key) { return key !== '.'; });
    return (context.outputs_list || []).map(function (output, i) {
      var store = stores[i];
      if (!first && !(store && changed[store.id + '.' + store.property])) { return dc.no_update; }
      var el = document.getElementById(output.id);
      var frame = el && el.closest ? el.closest('.graph-frame') : null;
      var adapt = frame && dc.usascp[frame.getAttribute('data-adapt')];
      return adapt ? adapt(figures[i], output.id, frame) : figures[i];
    });
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.usascp = Object.assign({}, window.dash_clientside.usascp,
                                                {figureWhenSeen: figureWhenSeen, showFigures: showFigures});
})();
