"""The Export menu's links (and slides ticked), the Share panel and the graphs' download names follow the address bar's filters."""

from __future__ import annotations

import datetime as _dt
from html import escape
from urllib.parse import urljoin, urlsplit

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, no_update

from dashboard.charts import CHARTS
from dashboard.data.source import DataSource
from dashboard.exports import common
from dashboard.exports.common import PRODUCT, file_stem
from dashboard.ids import ids
from dashboard.layouts.menus import export_links
from dashboard.model.dataset import Index
from dashboard.model.filters import parse_query, to_query


#: the snippet iframe's style: the full width of its column up to 960 px, and (when resize.js cannot run) a
#: height from its width
EMBED_STYLE = "border:0;width:100%;max-width:960px;min-height:420px;aspect-ratio:16/10"


def share_values(search: str | None, href: str | None, chart: str | None, index: Index) -> dict:
    """The link, iframe snippet and embed URL for the page at ``href`` showing the filters in ``search``."""
    query = to_query(parse_query(search, index)[0])
    chart = chart if isinstance(chart, str) and chart in CHARTS else "map"
    base = ""
    try:
        if isinstance(href, str) and urlsplit(href).scheme in ("http", "https"):
            base = urljoin(href, "./")  # the page's own folder: the dashboard's URL prefix
    except ValueError:  # a forged href such as "http://["
        base = ""
    link = (base or "./") + query
    embed = f"{base}embed/{chart}{query}"
    # the iframe takes the height its page reports (resize.js, listening for the embed's height message); without
    # the script, CSS aspect-ratio (never less than a phone's worth) keeps it roughly the right shape
    snippet = (f'<iframe src="{escape(embed)}" data-usascp-embed="{chart}" '
               f'style="{EMBED_STYLE}" loading="lazy" '
               f'title="{escape(CHARTS[chart].title)} — {escape(PRODUCT)}"></iframe>\n'
               f'<script src="{escape(base)}embed/static/resize.js" async></script>')
    return {"link": link, "snippet": snippet, "embed": embed}


def graph_configs(search: str | None, configs: dict[str, object], index: Index,
                  date: _dt.date | None = None) -> dict[str, object]:
    """Each chart's graph config (keyed by chart name) with the download name for these filters; no_update where
    it is already right (changing a graph's config redraws it)."""
    state = parse_query(search, index)[0]
    out: dict[str, object] = {}
    for chart, config in configs.items():
        config = dict(config) if isinstance(config, dict) else {}  # anything else came from a forged request
        name = file_stem(chart, state, date or common.today())  # looked up per call: tests pin the day
        options = config.get("toImageButtonOptions")
        options = dict(options) if isinstance(options, dict) else {}
        if options.get("filename") == name:
            out[chart] = no_update
            continue
        options.update({"format": "png", "filename": name, "scale": 2})
        config["toImageButtonOptions"] = options
        out[chart] = config
    return out


def register(app: Dash, source: DataSource) -> None:
    """Export links, share panel and download names, for the data source's current dataset: one callback, so
    that a filter change costs the browser one request for all three."""

    @app.callback(
        output={"links": Output(ids.EXPORT_LINKS, "children"),
                "share": {"link": Output(ids.SHARE_LINK, "value"), "snippet": Output(ids.SHARE_SNIPPET, "value"),
                          "embed": Output(ids.SHARE_PREVIEW, "href")},
                "configs": {name: Output(chart.graph_id, "config") for name, chart in CHARTS.items()}},
        inputs={"search": Input(ids.URL, "search"), "chart": Input(ids.SHARE_CHART, "value"),
                "slides": Input(ids.EXPORT_SLIDES, "value")},
        state={"href": State(ids.URL, "href"),
               "configs": {name: State(chart.graph_id, "config") for name, chart in CHARTS.items()}},
    )
    def menus(search, chart, slides, href, configs):
        index = source.dataset.index
        slides = [s for s in slides if isinstance(s, str)] if isinstance(slides, list) else None
        links = export_links(to_query(parse_query(search, index)[0]), slides)
        if ctx.triggered_id == ids.EXPORT_SLIDES:  # only the slides ticked changed
            # a grouped output takes no_update per member: a bare no_update for the group is a 500 in Dash
            return {"links": links, "share": {"link": no_update, "snippet": no_update, "embed": no_update},
                    "configs": {name: no_update for name in CHARTS}}
        share = share_values(search, href, chart, index)
        if ctx.triggered_id == ids.SHARE_CHART:  # only the shared chart changed
            return {"links": no_update, "share": share, "configs": {name: no_update for name in CHARTS}}
        return {"links": links, "share": share,
                "configs": graph_configs(search, configs if isinstance(configs, dict) else {}, index)}

    # and onto the plots already drawn (assets/exports.js): dcc.Graph applies a new config only with a new figure
    app.clientside_callback(ClientsideFunction("usascp", "applyDownloadNames"),
                            *[Input(chart.graph_id, "config") for chart in CHARTS.values()])
