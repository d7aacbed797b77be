/* The live page's scripts, started by the reader's first move rather than by the page load.

   The server sends the whole page as HTML for the link's state, its map and charts as still images
   (dashboard/app.py first_view), so the page is read with no script run. Dash, React and plotly.js
   (about 2 MB to parse and run: seconds of a phone's main thread, a virtual desktop's with no GPU)
   start when the reader first points, touches, scrolls, types or tabs: then the live page is drawn
   under the still one and replaces it once its map is drawn (assets/style.css, .first-view).
   After the load, the scripts are fetched at low priority, so that starting them costs no download.
   The page sends Dash's scripts, and its start-up line (`new DashRenderer()`), with a type that is not
   JavaScript (app.py DEFERRED): the browser neither fetches nor runs them until this file adds them again.

   This file is not among the page's scripts (app.py's assets_ignore); the page loads it with `defer`. */
(function () {
  'use strict';

  var EVENTS = ['pointerdown', 'pointermove', 'touchstart', 'keydown', 'wheel', 'scroll', 'focusin'];
  var OPTIONS = {capture: true, passive: true};
  var started = false;

  var DEFERRED = 'script[type="text/x-deferred"][src]';

  function sources() {
    return Array.prototype.map.call(document.querySelectorAll(DEFERRED), function (s) { return s.src; });
  }

  // what the scripts fetch once running (graph and dropdown code, the map outlines): fetched after the load too
  function later() {
    var list = document.getElementById('prefetch-later');
    return list ? JSON.parse(list.textContent) : [];
  }

  function start() {
    if (started) { return; }
    started = true;
    EVENTS.forEach(function (name) { window.removeEventListener(name, start, OPTIONS); });
    document.documentElement.classList.add('starting');
    var last = null;
    sources().forEach(function (src) {
      var script = document.createElement('script');
      script.src = src;
      script.async = false;  // run in the page's order, each after the one before
      document.body.appendChild(script);
      last = script;
    });
    function run() {
      window.dashRenderer = new window.DashRenderer();
      handOver();
    }
    if (last) { last.addEventListener('load', run); } else { run(); }
  }

  // once the live page has taken the first view's place: the reader's focus moves to the same control in it
  // (the first view's ids are the live page's with a prefix), the page is marked live for style sheets without
  // :has(), and the first view is removed
  var PREFIX = 'first-view-';
  function handOver() {
    var first = document.querySelector('.first-view');
    var live = document.getElementById('react-entry-point');
    if (!first || !live) { return; }
    var ready = first.classList.contains('until-header')
      ? function () { return live.firstElementChild && live.firstElementChild.firstElementChild; }
      : function () {  // the map drawn and every dropdown in place (their code arrives apart, at times after the map)
        return live.querySelector('.error-page') || (live.querySelector('.map-graph .geo') &&
          live.querySelectorAll('.dash-dropdown').length >= first.querySelectorAll('.static-select').length);
      };
    (function wait() {
      if (!ready()) { window.requestAnimationFrame(wait); return; }
      var focused = document.activeElement;
      var inside = focused && first.contains(focused);
      document.documentElement.classList.add('live');
      if (inside && focused.id && focused.id.indexOf(PREFIX) === 0) {
        var twin = document.getElementById(focused.id.slice(PREFIX.length));
        if (twin) { twin.focus(); }
      }
      first.remove();  // hidden already; gone, so that nothing on the page is there twice
    }());
  }

  // one file a task, when the browser is idle: each prefetch costs the main thread a little
  function prefetch() {
    var files = sources().concat(later());
    var idle = window.requestIdleCallback || function (f) { return window.setTimeout(f, 50); };
    (function next() {
      if (started || !files.length) { return; }
      var link = document.createElement('link');
      link.rel = 'prefetch';
      link.href = files.shift();
      document.head.appendChild(link);
      idle(next);
    }());
  }

  EVENTS.forEach(function (name) { window.addEventListener(name, start, OPTIONS); });
  if (document.readyState === 'complete') { prefetch(); } else { window.addEventListener('load', prefetch); }
  window.usascpStart = start;  // what a test or an embedding page calls to start the live page at once
}());
