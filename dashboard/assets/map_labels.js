/* City names on the map: the server lays them out for a few plot sizes (layout.meta.label_sets, widest first)
   and this shows the set for the largest size that fits the map as drawn, so that names never overlap; with
   the ASEAN inset, each set also says where the inset sits (over the Pacific, or below it on a phone). */
(function () {
  'use strict';

  function pick(gd) {
    var meta = gd.layout && gd.layout.meta;
    var sets = meta && meta.label_sets;
    var size = gd._fullLayout && gd._fullLayout._size;
    if (!sets || !sets.length || !size || !window.Plotly) { return; }
    var chosen = chosenSet(sets, size.w);
    var indices = [], visible = [], changed = false;
    sets.forEach(function (set) {
      set.traces.forEach(function (index) {
        var want = set === chosen;
        var trace = gd.data[index];
        if (!trace) { return; }
        if ((trace.visible !== false) !== want) { changed = true; }
        indices.push(index);
        visible.push(want);
      });
    });
    var relayout = {};
    var current = gd._fullLayout;
    Object.keys(chosen.layout || {}).forEach(function (key) {
      var now = key.split(/[.\[\]]+/).filter(Boolean).reduce(function (o, k) { return o == null ? o : o[k]; }, current);
      if (JSON.stringify(now) !== JSON.stringify(chosen.layout[key])) { relayout[key] = chosen.layout[key]; }
    });
    if (changed || Object.keys(relayout).length) {
      window.Plotly.update(gd, {visible: visible}, relayout, indices);
    }
  }

  function chosenSet(sets, width) {
    for (var i = 0; i < sets.length; i++) {
      if (width >= sets[i].width - 2) { return sets[i]; }
    }
    return sets[sets.length - 1];
  }

  function setPath(obj, path, value) {
    var keys = path.split(/[.\[\]]+/).filter(Boolean);
    var last = keys.pop();
    keys.forEach(function (k) { obj = obj[k] = Array.isArray(obj[k]) ? obj[k].slice() : Object.assign({}, obj[k]); });
    obj[last] = value;
  }

  /* The page's map (through showFigures, assets/charts.js): the figure as the server sent it, with the name set and inset
     arrangement for the graph's width, before plotly draws it, so that it is drawn once and right. */
  function figureForSize(figure, id) {
    var meta = figure && figure.layout && figure.layout.meta;
    var sets = meta && meta.label_sets;
    var el = document.getElementById(id);
    if (!sets || !sets.length || !el || !el.clientWidth) { return figure; }
    var chosen = chosenSet(sets, el.clientWidth);
    if (chosen === sets[0]) { return figure; }
    var on = {};
    chosen.traces.forEach(function (i) { on[i] = true; });
    var shown = {};
    sets.forEach(function (set) { set.traces.forEach(function (i) { shown[i] = true; }); });
    var data = figure.data.map(function (trace, i) {
      return shown[i] ? Object.assign({}, trace, {visible: !!on[i]}) : trace;
    });
    var layout = Object.assign({}, figure.layout);
    Object.keys(chosen.layout || {}).forEach(function (key) { setPath(layout, key, chosen.layout[key]); });
    return Object.assign({}, figure, {data: data, layout: layout});
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.usascp = Object.assign({}, window.dash_clientside.usascp, {figureForSize: figureForSize});

  /* A window resized after drawing (a phone turned, a window narrowed): show the set for the new size. */
  var timer = null;
  window.addEventListener('resize', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      document.querySelectorAll('.js-plotly-plot').forEach(function (gd) {
        if (gd.layout && gd.layout.meta && gd.layout.meta.label_sets) { pick(gd); }
      });
    }, 400);
  });
  window.usascpPickLabels = pick;
})();
