"""`create_app(dataset or data source, settings) -> Dash`, and a lazily built module-level `server` for gunicorn."""

from __future__ import annotations

import json
import logging

from dash import Dash, html
from flask import Response

from dashboard import PACKAGE_DIR
from dashboard.callbacks import register_all
from dashboard.config import Settings
from dashboard.data.source import DataSource, NoValidData
from dashboard.exports import briefing, common, routes
from dashboard.exports.briefing import TemplateError
from dashboard.layouts.banner import NO_DATA_TEXT, banner_area, data_banner, no_data_body
from dashboard.layouts.page import header, page, without_data
from dashboard.layouts.static import to_html
from dashboard.model.dataset import Dataset
from dashboard.model.filters import FilterState
from dashboard.model.render import RenderCache
from dashboard.server import auth, compress, paths, plotlyjs, security

TITLE = "U.S.-ASEAN Smart Cities Partnership"
DESCRIPTION = ("Map of the ASEAN Smart Cities Network pilot cities and their U.S. partner cities, the city pairs "
               "between them, and the partnership's activities by sector, country, agency and year, with sources.")
#: the page's HTML around the app: in English, described, and with one footer (the page's own; Dash's template
#: wraps its scripts in a second <footer>, a duplicate landmark)
INDEX = """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <title>{%title%}</title>
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
        update_title=None, meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"},
                                       {"name": "description", "content": DESCRIPTION}],
    )
    plotlyjs.install(app)  # the small plotly.js build in dashboard/vendor, not the full 4.8 MB one
    topojson_url = app.get_asset_url("topojson/")
    # fetch the map outlines and the graph and dropdown code while the scripts start, not after the
    # first render asks for them (Dash loads those chunks lazily; eager loading would pull in all of them)
    suites = app.config.requests_pathname_prefix + "_dash-component-suites/dash/dcc/"
    preloads = [f'<link rel="preload" href="{topojson_url}world_110m.json" as="fetch" crossorigin>',
                f'<link rel="preload" href="{suites}async-graph.js" as="script">',
                f'<link rel="preload" href="{suites}async-dropdown.js" as="script">']
    app.index_string = INDEX.replace("{%preloads%}", "\n        ".join(preloads))

    def layout():
        """The page for the data in force (built once per data version and day) with the data banner,
        or only a plain message when there is no valid data."""
        dataset = source.current
        banner, hidden = data_banner(source, source.version, staff)
        if dataset is None:
            return html.Div([banner_area(banner, hidden, source.version), no_data_body()])
        date = common.today()
        body = cache.value(dataset, f"page-{date.isoformat()}",
                           lambda: page(dataset, cache.render(dataset, FilterState()), topojson_url, date))
        return html.Div([banner_area(banner, hidden, source.version), body])

    # what the browser checks the callbacks' ids against: the page's components without their figures and
    # stored data (Dash would otherwise put the whole first page, ~100 KB, into every page's HTML a second time)
    app.validation_layout = without_data(layout())
    app.layout = layout

    def first_view() -> str:
        """The top of the page as HTML (the data banner, the header), painted before the scripts have run; the
        style sheet hides it once the scripts have drawn the live page (assets/style.css, .first-view)."""
        dataset = source.current
        banner, hidden = data_banner(source, source.version, staff)
        top = to_html(banner_area(banner, hidden, source.version), FIRST_VIEW_IDS)
        if dataset is None:
            body = to_html(no_data_body())
        else:
            body = cache.value(dataset, "first-view", lambda: to_html(header(dataset, about=False), FIRST_VIEW_IDS))
        noscript = NOSCRIPT.format(csv=app.get_relative_path("/export/projects.csv"),
                                   xlsx=app.get_relative_path("/export/projects.xlsx"))
        return f'<div class="first-view">{top}{body}</div>{noscript}'

    plain_index = app.interpolate_index

    def interpolate_index(**parts: str) -> str:
        return plain_index(**{**parts, "app_entry": first_view() + parts["app_entry"]})

    app.interpolate_index = interpolate_index
    register_all(app, source, cache, staff)
    routes.register(app, source, cache, settings.pptx_template)  # /export/..., /embed/...

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
