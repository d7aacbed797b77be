"""`create_app(dataset or data source, settings) -> Dash`, and a lazily built module-level `server` for gunicorn."""

from __future__ import annotations

import json
from html import escape
import logging
import re
from urllib.parse import urlsplit

from dash import Dash, html
from flask import Response, has_request_context, request

from dashboard import PACKAGE_DIR
from dashboard.charts import CHARTS
from dashboard.ids import ids
from dashboard.callbacks import register_all
from dashboard.config import Settings
from dashboard.data.source import DataSource, NoValidData
from dashboard.exports import briefing, common, routes, stills
from dashboard.exports.briefing import TemplateError
from dashboard.layouts.banner import NO_DATA_TEXT, banner_area, data_banner, no_data_body
from dashboard.layouts.page import page, without_data
from dashboard.layouts.static import still_controls, to_html
from dashboard.layouts.table import static_rows
from dashboard.model.dataset import Dataset
from dashboard.model.filters import FilterState, control_values, parse_query
from dashboard.model.render import RenderCache
from dashboard.server import auth, compress, paths, plotlyjs, security

TITLE = "U.S.-ASEAN Smart Cities Partnership"
DESCRIPTION = ("Map of the ASEAN Smart Cities Network pilot cities and their U.S. partner cities, the city pairs "
               "between them, and the partnership's activities by sector, country, agency and year, with sources.")
#: the page's HTML around the app: in English, described, and with one footer (the page's own; Dash's template
#: wraps its scripts in a second <footer>, a duplicate landmark). Nothing is painted before the first view is
#: parsed whole (rel=expect, up to the live page's empty root just after it): a browser paints a page it is still
#: parsing, and on a slow phone the first view's filters, first in the document but below the map on a phone's
#: screen, were painted alone at the top, then pushed down by the numbers and the map (a layout shift of 0.3-0.7)
INDEX = """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <title>{%title%}</title>
        <link rel="expect" href="#react-entry-point" blocking="render">
        {%favicon%}
        {%css%}
        {%preloads%}
    </head>
    <body>
        {%app_entry%}
        <div class="dash-scripts">
            {%config%}
            {%scripts%}
            {%renderer%}
        </div>
    </body>
</html>"""

#: the first view's ids are the live page's with this prefix, so that no two elements share an id
FIRST_VIEW_IDS = "first-view-"
#: the file that starts the live page's scripts on the reader's first move; not one of the page's scripts
HYDRATE_JS = "hydrate.js"
#: the type the page's scripts are sent with, so that they wait for hydrate.js
DEFERRED = "text/x-deferred"
#: what a browser without JavaScript shows under the header ({csv} and {xlsx}: the exports' paths)
NOSCRIPT = ('<noscript><p class="noscript">This dashboard needs JavaScript. Its data is available without it: '
            '<a href="{csv}">the activities (CSV)</a>, <a href="{xlsx}">the activities and cities (Excel)</a>.'
            '</p></noscript>')


def create_app(data: Dataset | DataSource, settings: Settings | None = None) -> Dash:
    """A Dash app serving ``data``; every script, style, font and map outline comes from the app itself.

    Given a `DataSource`, the app follows its files: each request sees the newest valid
    dataset; a rejected update is counted on /healthz, detailed in the log and, with sign-in
    on, in a banner for staff (visitors only ever see a neutral "may be out of date" note).
    With no valid data at all, callbacks and exports answer 503. The app owns its render
    cache, so two apps never share state.
    """
    source = data if isinstance(data, DataSource) else DataSource.fixed(data)
    settings = settings or Settings.from_env()
    if settings.pptx_template is not None:  # say so at start-up; each deck export then refuses it with a 400
        try:
            briefing.open_template(settings.pptx_template)
        except TemplateError as exc:
            logging.getLogger(__name__).warning("USASCP_PPTX_TEMPLATE: %s", exc)
    staff = auth.configured() != "none"  # with sign-in on, everyone who sees the page has signed in
    cache = RenderCache()
    app = Dash(
        __name__, title=TITLE, assets_folder=str(PACKAGE_DIR / "assets"), serve_locally=True,
        assets_ignore=re.escape(HYDRATE_JS),
        update_title=None, meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"},
                                       {"name": "description", "content": DESCRIPTION}],
    )
    plotlyjs.install(app)  # the small plotly.js build in dashboard/vendor, not the full 4.8 MB one
    topojson_url = app.get_asset_url("topojson/")
    # what the scripts fetch once running (the map outlines, the graph and dropdown code: Dash loads those chunks
    # lazily), prefetched after the page's load with the scripts themselves (assets/hydrate.js)
    suites = app.config.requests_pathname_prefix + "_dash-component-suites/dash/dcc/"
    prefetched = [f"{topojson_url}world_110m.json", f"{suites}async-graph.js", f"{suites}async-dropdown.js"]
    app.index_string = INDEX.replace("{%preloads%}", "")

    def linked_state(dataset: Dataset) -> FilterState:
        """The filter state of the page's link: the page request's query string, or, for Dash's request of the
        layout (made by that page), its Referer's; so that the live page starts where the first view is."""
        if not has_request_context():
            return FilterState()
        search = request.query_string.decode("utf-8", errors="replace")
        if request.path.endswith("_dash-layout"):
            search = urlsplit(request.referrer or "").query
        return parse_query(search, dataset.index)[0]

    def layout():
        """The page for the data in force and the link's filters (built once per data version, day and state)
        with the data banner, or only a plain message when there is no valid data."""
        dataset = source.current
        banner, hidden = data_banner(source, source.version, staff)
        if dataset is None:
            return html.Div([banner_area(banner, hidden, source.version), no_data_body()])
        date = common.today()
        state = linked_state(dataset)
        body = cache.for_state(dataset, state, f"page-{date.isoformat()}",
                               lambda: page(dataset, cache.render(dataset, state), topojson_url, date))
        return html.Div([banner_area(banner, hidden, source.version), body])

    # what the browser checks the callbacks' ids against: the page's components without their figures and
    # stored data (Dash would otherwise put the whole first page, ~100 KB, into every page's HTML a second time)
    app.validation_layout = without_data(layout())
    app.layout = layout

    still_store = stills.Stills()

    def still_image(rendered, version: str, graph_id: str, panel_open: bool) -> str:
        """A graph's still (exports/stills.py): the phone's or the wide screen's, in a box of the graph's size."""
        chart = next(c for c in CHARTS.values() if c.graph_id == graph_id)
        query = stills.query(rendered.state, version)
        # the map is narrower beside a city's panel (drawn for its own size, so that its names keep their size)
        wide = "wide-city" if chart.name == "map" and panel_open else "wide"
        src = {v: escape(app.get_relative_path(f"/still/{v}/{chart.name}.svg") + "?" + query) for v in (wide, "phone")}
        if chart.name == "map":  # the first thing on screen: fetched first; the charts when they near the screen
            box, fetch = 'class="map-graph still"', ' fetchpriority="high"'
        else:
            box, fetch = f'class="still" style="height:{stills.size_of(rendered, chart.name, "wide").height}px"', \
                ' loading="lazy"'
        return (f'<div {box}><picture><source media="{stills.PHONE_MEDIA}" srcset="{src["phone"]}">'
                f'<img src="{src[wide]}" alt=""{fetch}></picture></div>')

    def first_view() -> str:
        """The page for the link's state as HTML, its map and charts as still images, painted before any script
        has run; the style sheet hides it once the scripts have drawn the live page over it (assets/style.css,
        .first-view)."""
        dataset = source.current
        banner, hidden = data_banner(source, source.version, staff)
        top = to_html(banner_area(banner, hidden, source.version), FIRST_VIEW_IDS)
        noscript = NOSCRIPT.format(csv=app.get_relative_path("/export/projects.csv"),
                                   xlsx=app.get_relative_path("/export/projects.xlsx"))
        if dataset is None:
            return f'<div class="first-view until-header">{top}{to_html(no_data_body())}</div>{noscript}'
        state = linked_state(dataset)
        version, date = source.version, common.today()

        def build() -> str:
            rendered = cache.render(dataset, state)
            values = {ids.CONTROLS[param]: value for param, value in control_values(state).items()}
            tree = page(dataset, rendered, topojson_url, date)
            tree[ids.TABLE_BODY].children = static_rows(tree[ids.TABLE_DATA].data)  # drawn by table.js when live
            panel_open = not tree[ids.DETAILS_PANEL].hidden
            others = still_controls(values, lambda graph_id: still_image(rendered, version, graph_id, panel_open))
            return to_html(tree, FIRST_VIEW_IDS, others)

        body = cache.for_state(dataset, state, f"first-view-{date.isoformat()}", build)
        return f'<div class="first-view">{top}{body}</div>{noscript}'

    plain_index = app.interpolate_index
    hydrate_src = app.get_asset_url(HYDRATE_JS)

    def interpolate_index(**parts: str) -> str:
        """Dash's page with the first view, its scripts marked for assets/hydrate.js to start rather than run: a
        script of a type that is not JavaScript is neither fetched nor run (Dash's inline clientside functions
        cost nothing and run as they are)."""
        scripts = parts["scripts"].replace("<script src=", f'<script type="{DEFERRED}" src=')
        renderer = parts["renderer"].replace('type="application/javascript"', f'type="{DEFERRED}"')
        later = f'<script id="prefetch-later" type="application/json">{json.dumps(prefetched)}</script>'
        return plain_index(**{**parts, "app_entry": first_view() + parts["app_entry"],
                              "scripts": f'{scripts}{later}<script src="{hydrate_src}" defer></script>',
                              "renderer": renderer})

    app.interpolate_index = interpolate_index
    register_all(app, source, cache, staff)
    routes.register(app, source, cache, settings.pptx_template)  # /export/..., /embed/...
    routes.register_stills(app, source, cache, still_store)  # /still/<variant>/<chart>.svg

    @app.server.errorhandler(NoValidData)
    def no_data(_exc: NoValidData):
        """Callbacks, exports and embeds without valid data: 503 and a plain message, never an empty dashboard."""
        return Response(NO_DATA_TEXT + "\n", status=503, mimetype="text/plain", headers={"Retry-After": "30"})

    @app.server.get("/healthz")
    def healthz():
        status, body = source.health()
        served = source.current
        if served is not None:
            body["data_as_of"] = served.changed_on
            body["newest_source"] = served.index.newest_source
        return Response(json.dumps(body), status=status, mimetype="application/json")

    paths.install(app)  # robots.txt, real 404s, cache lifetimes
    settings = security.install(app, settings)
    security.guard_callbacks(app, settings)  # before sign-in, whose check assumes a well-formed callback body
    auth.install(app)
    compress.install(app.server)  # static files compressed once and kept; callback JSON per response
    return app


def __getattr__(name: str):
    """`dashboard.app:server` for gunicorn: built on first use from $USASCP_DATA_DIR (default: the shipped data),
    following changes to its files."""
    if name == "server":
        global server
        security.configure_logging()
        settings = Settings.from_env()
        source = DataSource(settings.data_dir, quiet_seconds=settings.quiet_seconds,
                            snapshot_dir=settings.snapshot_folder)
        server = create_app(source, settings).server
        return server
    raise AttributeError(name)
