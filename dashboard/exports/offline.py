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

#: renders the JSON block into #chart, then shows the map's names for its size (the page's own script);
#: shared by the offline file (inlined) and the embed page (served)
RENDER_JS = """(function () {
  var spec = JSON.parse(document.getElementById('figure-data').textContent);
  var el = document.getElementById('chart');
  Plotly.newPlot(el, spec.data, spec.layout, spec.config).then(function () {
    if (window.usascpPickLabels) { window.usascpPickLabels(el); }  // the map's names for this size
  });
})();
""" + (PACKAGE_DIR / "assets" / "map_labels.js").read_text(encoding="utf-8")

STYLE = """
html, body { margin: 0; height: 100%; background: #fff; color: #1b1f24;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "DejaVu Sans", sans-serif; }
body { display: flex; flex-direction: column; }
header { padding: 10px 16px 0; }
h1 { font-size: 1.15rem; margin: 0; line-height: 1.25; }
.filters { margin: 2px 0 0; color: #5a6470; font-size: .88rem; }
#chart { flex: 1 1 auto; min-height: 260px; }
footer { padding: 2px 16px 8px; color: #5a6470; font-size: .78rem; }
footer a { color: #003f87; }
@media (max-aspect-ratio: 1/1) { #chart.chart-map { flex: 0 0 auto; aspect-ratio: 4 / 3; } }
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
               topojson_url: str, dashboard_url: str) -> str:
    """The page /embed/<chart> serves: the chart full-size with no controls.

    ``plotly_src`` is the plotly.js the dashboard itself loads; ``static_url`` where the app serves
    embed.js and embed.css (RENDER_JS and STYLE above); ``topojson_url`` the app's outlines;
    ``dashboard_url`` the same view in the dashboard, linked from the footer.
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
<title>{escape(title)}</title>
<link rel="stylesheet" href="{escape(static_url)}embed.css">
</head>
<body>
<main>
<header><h1>{escape(CHARTS[chart].title)}</h1><p class="filters">{escape(PRODUCT)} · {escape(subtitle(dataset, rendered))}</p></header>
<div id="chart" class="chart-{chart}" role="img" aria-label="{escape(CHARTS[chart].title)}: {escape(rendered.state.describe(dataset.index))}"></div>
</main>
<footer>{escape(source_line(None, dataset))}. <a href="{escape(dashboard_url)}" target="_blank" rel="noopener">Open in the dashboard</a></footer>
<script type="application/json" id="figure-data">{script_json(spec)}</script>
<script src="{escape(plotly_src)}"></script>
<script src="{escape(static_url)}embed.js"></script>
</body>
</html>
"""
