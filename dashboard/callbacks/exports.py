"""The export links, the Share panel and the graphs' download names follow the address bar's filters."""

from __future__ import annotations

import datetime as _dt
from html import escape
from urllib.parse import urljoin, urlsplit

from dash import ClientsideFunction, Dash, Input, Output, State, no_update

from dashboard import filters
from dashboard.exports import common
from dashboard.exports.common import CHART_TITLES, PRODUCT, file_stem
from dashboard.ids import ids
from dashboard.layouts.exports import export_links

#: each graph of the page and the chart it shows
GRAPHS: dict[str, str] = {ids.MAP: "map", ids.SECTORS_CHART: "sectors", ids.COUNTRIES_CHART: "countries",
                          ids.AGENCIES_CHART: "agencies", ids.TIMELINE_CHART: "timeline"}


def canonical(search: str | None, allowed: filters.Choices) -> filters.FilterState:
    return filters.parse_query(search, allowed)[0]


def share_values(search: str | None, href: str | None, chart: str | None, allowed: filters.Choices) -> tuple:
    """(link, iframe snippet, embed URL) for the page at ``href`` showing the filters in ``search``."""
    query = filters.to_query(canonical(search, allowed))
    chart = chart if isinstance(chart, str) and chart in CHART_TITLES else "map"
    base = ""
    try:
        if isinstance(href, str) and urlsplit(href).scheme in ("http", "https"):
            base = urljoin(href, "./")  # the page's own folder: the dashboard's URL prefix
    except ValueError:  # a forged href such as "http://["
        base = ""
    link = (base or "./") + query
    embed = f"{base}embed/{chart}{query}"
    snippet = (f'<iframe src="{escape(embed)}" width="960" height="{620 if chart == "map" else 480}" '
               f'style="border:0;max-width:100%" loading="lazy" '
               f'title="{escape(CHART_TITLES[chart])} — {escape(PRODUCT)}"></iframe>')
    return link, snippet, embed


def graph_configs(search: str | None, configs: list, allowed: filters.Choices, date: _dt.date | None = None) -> list:
    """Each graph's config with the download name for these filters; no_update where it is already right.

    Changing a graph's config redraws it, so an unchanged name is left alone.
    """
    state = canonical(search, allowed)
    out = []
    for chart, config in zip(GRAPHS.values(), configs):
        config = dict(config) if isinstance(config, dict) else {}  # anything else came from a forged request
        name = file_stem(chart, state, date or common.today())  # looked up per call: tests pin the day
        options = config.get("toImageButtonOptions")
        options = dict(options) if isinstance(options, dict) else {}
        if options.get("filename") == name:
            out.append(no_update)
            continue
        options.update({"format": "png", "filename": name, "scale": 2})
        config["toImageButtonOptions"] = options
        out.append(config)
    return out


def register(app: Dash, source) -> None:
    """Export links, share panel and download names, for the data source's current dataset."""

    def allowed() -> filters.Choices:
        from dashboard.views import live

        return filters.choices(live(source))

    @app.callback(
        Output(ids.EXPORT_LINKS, "children"),
        Input(ids.URL, "search"),
    )
    def links(search):
        return export_links(filters.to_query(canonical(search, allowed())))

    @app.callback(
        Output(ids.SHARE_LINK, "value"), Output(ids.SHARE_SNIPPET, "value"), Output(ids.SHARE_PREVIEW, "href"),
        Input(ids.URL, "search"), Input(ids.SHARE_CHART, "value"), State(ids.URL, "href"),
    )
    def share(search, chart, href):
        return share_values(search, href, chart, allowed())

    @app.callback(
        *[Output(g, "config") for g in GRAPHS],
        Input(ids.URL, "search"),
        *[State(g, "config") for g in GRAPHS],
    )
    def download_names(search, *configs):
        return graph_configs(search, list(configs), allowed())

    # and onto the plots already drawn (assets/exports.js): dcc.Graph applies a new config only with a new figure
    app.clientside_callback(ClientsideFunction("usascp", "applyDownloadNames"), *[Input(g, "config") for g in GRAPHS])
