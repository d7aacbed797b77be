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
    var chosen = sets[sets.length - 1];
    for (var i = 0; i < sets.length; i++) {
      if (size.w >= sets[i].width - 2) { chosen = sets[i]; break; }
    }
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

  function watch(gd) {
    if (!gd || gd.__usascpLabels || !gd.on) { return; }
    gd.__usascpLabels = true;
    gd.on('plotly_afterplot', function () { pick(gd); });
    pick(gd);
  }

  function scan() {
    document.querySelectorAll('.js-plotly-plot').forEach(function (gd) {
      if (gd.layout && gd.layout.meta && gd.layout.meta.label_sets) { watch(gd); }
    });
  }

  new MutationObserver(scan).observe(document.documentElement, {childList: true, subtree: true});
  document.addEventListener('DOMContentLoaded', scan);
  window.usascpPickLabels = pick;
})();
