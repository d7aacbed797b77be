"""HTML pages for a chart: a self-contained file that opens from a USB stick, and the page an ``<iframe>`` embeds.

Both put the figure in a ``<script type="application/json">`` block (every ``<``, ``>``
and ``&`` escaped) and escape every word of data in the markup, so a title holding
``<script>`` stays text. The offline file inlines plotly.js and the map outlines
(``window.PlotlyGeoAssets``, which plotly.js reads before it would fetch a topojson
file): it asks no host for anything. The embed page loads plotly.js and a small script
from the app itself and carries no inline script or event handler.
"""

from __future__ import annotations

import datetime as _dt
from html import escape

from plotly.offline import get_plotlyjs, get_plotlyjs_version

from dashboard import PACKAGE_DIR

from dashboard.charts import CHARTS
from dashboard.exports.common import PRODUCT, file_stem, script_json, source_line
from dashboard.exports.images import decorate, geo_assets_js, subtitle
from dashboard.model.dataset import Dataset
from dashboard.model.render import Rendered
from dashboard.server.plotlyjs import BundleError, load_bundle
from dashboard.exports.stills import PHONE_MEDIA

#: `usascpDraw()` renders the JSON block into #chart (in place of its still image, if it has one), then shows the
#: map's names for its size (the page's own script); shared by the offline file and the embed page
DRAW_JS = """window.usascpDraw = function () {
  var spec = JSON.parse(document.getElementById('figure-data').textContent);
  var el = document.getElementById('chart');
  return Plotly.newPlot(el, spec.data, spec.layout, spec.config).then(function () {
    var still = el.querySelector('.still');
    if (still) { still.remove(); }
    if (window.usascpPickLabels) { window.usascpPickLabels(el); }  // the map's names for this size
  });
};
""" + (PACKAGE_DIR / "assets" / "map_labels.js").read_text(encoding="utf-8")

#: the offline file draws at once: plotly.js is in the file
RENDER_JS = DRAW_JS + "window.usascpDraw();\n"

#: the embed page shows its chart's still image (exports/stills.py) and starts plotly.js on the reader's first
#: pointer move, touch, scroll or key in the frame, as the dashboard does (assets/hydrate.js)
EMBED_START_JS = """(function () {
  'use strict';
  var EVENTS = ['pointerdown', 'pointermove', 'touchstart', 'keydown', 'wheel', 'scroll', 'focusin'];
  var OPTIONS = {capture: true, passive: true};
  var started = false;
  function start() {
    if (started) { return; }
    started = true;
    EVENTS.forEach(function (name) { window.removeEventListener(name, start, OPTIONS); });
    var deferred = document.querySelector('script[type="text/x-deferred"][src]');
    var script = document.createElement('script');
    script.src = deferred.src;
    script.addEventListener('load', function () {
      window.usascpDraw().then(function () {
        var chart = document.getElementById('chart');
        if (window.usascpEmbedHeight && chart.on) { chart.on('plotly_afterplot', window.usascpEmbedHeight); }
      });
    });
    document.body.appendChild(script);
  }
  EVENTS.forEach(function (name) { window.addEventListener(name, start, OPTIONS); });
  window.usascpStart = start;
})();
"""

#: the embed page's own addition: tell the page that frames it how tall the content is, on load and whenever it
#: changes, so that the snippet's `RESIZE_JS` can fit the iframe to it (a message with no secret in it: any
#: parent may read it)
EMBED_HEIGHT_JS = """(function () {
  'use strict';
  if (window.parent === window) { return; }  // not framed: nothing to tell
  var chart = document.getElementById('chart');
  var id = (chart && chart.getAttribute('data-chart')) || '';
  var sent = 0, queued = false;
  function contentHeight() {  // the bottom of the last block (the footer), not the frame's own height
    var last = document.querySelector('footer') || document.body;
    var margin = parseFloat(window.getComputedStyle(last).marginBottom) || 0;
    return Math.ceil(last.getBoundingClientRect().bottom + window.pageYOffset + margin);
  }
  function post() {
    queued = false;
    var height = contentHeight();
    if (height > 0 && Math.abs(height - sent) >= 1) {
      sent = height;
      window.parent.postMessage({type: 'usascp-embed-height', id: id, height: height}, '*');
    }
  }
  function later() {
    if (!queued) { queued = true; window.requestAnimationFrame(post); }
  }
  // the framing page runs resize.js and will follow the height: size the chart from its width, not the frame's height
  window.addEventListener('message', function (event) {
    var data = event.data;
    if (event.source !== window.parent || !data || data.type !== 'usascp-embed-fit') { return; }
    var root = document.documentElement;
    if (root.classList.contains('fit')) { return; }
    root.classList.add('fit');
    if (chart && window.Plotly && window.Plotly.Plots && chart.classList.contains('js-plotly-plot')) {
      window.Plotly.Plots.resize(chart).then(later, later);
    }
    later();
  });
  window.addEventListener('load', later);
  window.addEventListener('resize', later);
  if (window.ResizeObserver) {
    var watcher = new ResizeObserver(later);
    ['header', '#chart', 'footer'].forEach(function (sel) {
      var el = document.querySelector(sel);
      if (el) { watcher.observe(el); }
    });
  }
  window.usascpEmbedHeight = later;  // the chart's own redraws, once plotly.js has drawn it (EMBED_START_JS)
  later();
})();
"""

#: the script the Share panel's snippet loads beside the iframe (served at /embed/static/resize.js): it sets each
#: embed's iframe to the height its page reports, as Datawrapper's responsive embed does, and answers the first
#: report with 'usascp-embed-fit', so that the embed stops filling its frame and takes a height from its width. Messages are accepted
#: only from this app's origin, from an iframe on the page, in the shape EMBED_HEIGHT_JS sends, with a sane height.
RESIZE_JS = """/* U.S.-ASEAN Smart Cities Partnership: fit embedded charts to their content. */
(function () {
  'use strict';
  if (window.usascpEmbedResize) { return; }  // the snippet pasted twice: one listener is enough
  window.usascpEmbedResize = true;
  var script = document.currentScript;
  var origin = null;
  try { origin = script && script.src ? new URL(script.src, window.location.href).origin : null; } catch (e) { origin = null; }
  window.addEventListener('message', function (event) {
    var data = event.data;
    if (!data || typeof data !== 'object' || data.type !== 'usascp-embed-height') { return; }
    if (origin && event.origin !== origin) { return; }
    var height = data.height;
    if (typeof height !== 'number' || !isFinite(height) || height < 40 || height > 20000) { return; }
    var id = typeof data.id === 'string' ? data.id.slice(0, 40) : '';
    var frames = document.getElementsByTagName('iframe');
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow !== event.source) { continue; }
      var expected = frame.getAttribute('data-usascp-embed');
      if (expected && id && expected !== id) { return; }
      if (!frame.usascpFitted) {  // tell the embed that its height is followed: it then sizes to its width
        frame.usascpFitted = true;
        event.source.postMessage({type: 'usascp-embed-fit'}, event.origin);
      }
      frame.style.minHeight = '0';
      frame.style.aspectRatio = 'auto';
      frame.style.height = Math.ceil(height) + 'px';
      return;
    }
  });
})();
"""

STYLE = """
html, body { margin: 0; height: 100%; background: #fff; color: #1b1f24;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "DejaVu Sans", sans-serif; }
body { display: flex; flex-direction: column; }
main { flex: 1 1 auto; display: flex; flex-direction: column; min-height: 0; }
header { padding: 10px 16px 0; }
h1 { font-size: 1.15rem; margin: 0; line-height: 1.25; }
.filters { margin: 2px 0 0; color: #5a6470; font-size: .88rem; }
#chart { flex: 1 1 auto; min-height: 260px; position: relative; }
#chart .still, #chart .still img { position: absolute; inset: 0; display: block; width: 100%; height: 100%; object-fit: contain; }
footer { padding: 2px 16px 8px; color: #5a6470; font-size: .78rem; }
footer a { color: #003f87; }
@media (max-aspect-ratio: 1/1) { html:not(.fit) #chart.chart-map { flex: 0 0 auto; aspect-ratio: 4 / 3; } }
/* an embed whose framing page fits the iframe to it (resize.js): the chart's height follows from its width alone */
html.fit, html.fit body { height: auto; }
html.fit main { flex: none; }
html.fit #chart { flex: none; aspect-ratio: 16 / 9; max-height: 560px; }
@media (max-width: 600px) { html.fit #chart { aspect-ratio: 4 / 5; } html.fit #chart.chart-map { aspect-ratio: 1 / 1; } }
"""


def figure_spec(dataset: Dataset, rendered: Rendered, chart: str, config: dict) -> dict:
    """Figure JSON for a page that shows the title and filters as HTML: the figure fills its box."""
    fig = decorate(rendered.figures[chart], chart, title=None, note=None, source=None)
    fig.update_layout(autosize=True)
    return {"data": fig.to_plotly_json()["data"], "layout": fig.to_plotly_json()["layout"], "config": config}


def _config(chart: str, filename: str, **extra: object) -> dict:
    return {"displaylogo": False, "responsive": True,
            "modeBarButtonsToRemove": ["select2d", "lasso2d", "sendDataToCloud"],
            "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2}, **extra}


def plotly_js_for(trace_types: set[str]) -> str:
    """The plotly.js to inline: the dashboard's own small build when it draws these traces, else the full one."""
    try:
        bundle = load_bundle()
        if bundle.plotly_js_version == get_plotlyjs_version() and trace_types <= set(bundle.traces):
            return bundle.bodies[""].decode("utf-8")
    except (BundleError, UnicodeDecodeError):
        pass
    return get_plotlyjs()


def chart_html(dataset: Dataset, rendered: Rendered, chart: str, date: _dt.date | None = None) -> bytes:
    """One self-contained HTML file: plotly.js, the map outlines and the figure inline; no request to any host."""
    # the outlines are preloaded, so this URL is never used; it points at the file's own folder, never a CDN
    config = _config(chart, file_stem(chart, rendered.state, date), topojsonURL="./")
    spec = figure_spec(dataset, rendered, chart, config)
    title = f"{CHARTS[chart].title} — {PRODUCT}"
    geo = geo_assets_js(("world_110m",)) if chart == "map" else ""
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<header><h1>{escape(title)}</h1><p class="filters">{escape(subtitle(dataset, rendered))}</p></header>
<div id="chart" class="chart-{chart}" role="img" aria-label="{escape(CHARTS[chart].title)}: {escape(rendered.state.describe(dataset.index))}"></div>
</main>
<footer>{escape(source_line(date, dataset))}.</footer>
<script>{geo}</script>
<script>{plotly_js_for({t.get("type", "scatter") for t in spec["data"]})}</script>
<script type="application/json" id="figure-data">{script_json(spec)}</script>
<script>{RENDER_JS}</script>
</body>
</html>
"""
    return page.encode("utf-8")


def embed_html(dataset: Dataset, rendered: Rendered, chart: str, *, plotly_src: str, static_url: str,
               topojson_url: str, dashboard_url: str, still_src: dict[str, str]) -> str:
    """The page /embed/<chart> serves: the chart full-size with no controls, as a still image until the reader's
    first move starts plotly.js.

    ``plotly_src`` is the plotly.js the dashboard itself loads; ``static_url`` where the app serves
    embed.js and embed.css (DRAW_JS + EMBED_HEIGHT_JS + EMBED_START_JS, and STYLE above); ``topojson_url`` the
    app's outlines; ``dashboard_url`` the same view in the dashboard, linked from the footer; ``still_src`` the
    chart's still image by variant (`stills.EMBED_VARIANTS`).
    """
    config = _config(chart, f"usascp-{chart}", topojsonURL=topojson_url, displayModeBar=False)
    spec = figure_spec(dataset, rendered, chart, config)
    title = f"{CHARTS[chart].title} — {PRODUCT}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="description" content="{escape(CHARTS[chart].description)} ({escape(rendered.state.describe(dataset.index))}), \
from the {escape(PRODUCT)} dashboard.">
<title>{escape(title)}</title>
<link rel="stylesheet" href="{escape(static_url)}embed.css">
</head>
<body>
<main>
<header><h1>{escape(CHARTS[chart].title)}</h1><p class="filters">{escape(PRODUCT)} · {escape(subtitle(dataset, rendered))}</p></header>
<div id="chart" class="chart-{chart}" data-chart="{chart}" role="img" aria-label="{escape(CHARTS[chart].title)}: {escape(rendered.state.describe(dataset.index))}">\
<picture class="still"><source media="{PHONE_MEDIA}" srcset="{escape(still_src['embed-phone'])}">\
<img src="{escape(still_src['embed-wide'])}" alt="" fetchpriority="high"></picture></div>
</main>
<footer>{escape(source_line(None, dataset))}. <a href="{escape(dashboard_url)}" target="_blank" rel="noopener">Open in the dashboard</a></footer>
<script type="application/json" id="figure-data">{script_json(spec)}</script>
<script type="text/x-deferred" src="{escape(plotly_src)}"></script>
<script src="{escape(static_url)}embed.js"></script>
</body>
</html>
"""
