"""`create_app(dataset or data source) -> Dash`, and a lazily built module-level `server` for gunicorn."""

from __future__ import annotations

import json
import os

from dash import Dash, Input, Output, State, dcc, html
from flask import Response

from dashboard import PACKAGE_DIR, auth, callbacks, compress, plotlyjs, security
from dashboard.callbacks import exports as export_callbacks
from dashboard.data import Dataset
from dashboard.data.source import DataSource
from dashboard.exports import routes as export_routes
from dashboard.filters import FilterState, choices
from dashboard.ids import ids
from dashboard.layouts import page
from dashboard.layouts.banner import data_banner
from dashboard.views import live, render_cached

TITLE = "U.S.-ASEAN Smart Cities Partnership"


def create_app(data: Dataset | DataSource, settings: security.Settings | None = None) -> Dash:
    """A Dash app serving ``data``; every script, style, font and map outline comes from the app itself.

    Given a `DataSource`, the app follows its files: each request sees the newest valid
    dataset, and a rejected update is shown to staff in a banner and on /healthz.
    """
    source = data if isinstance(data, DataSource) else DataSource.fixed(data)
    app = Dash(
        __name__, title=TITLE, assets_folder=str(PACKAGE_DIR / "assets"), serve_locally=True,
        update_title=None, meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    plotlyjs.install(app)  # the small plotly.js build in dashboard/vendor, not the full 4.8 MB one
    topojson_url = app.get_asset_url("topojson/")
    # fetch the map outlines and the graph and dropdown code while the scripts start, not after the
    # first render asks for them (Dash loads those chunks lazily; eager loading would pull in all of them)
    suites = app.config.requests_pathname_prefix + "_dash-component-suites/dash/dcc/"
    preloads = [f'<link rel="preload" href="{topojson_url}world_110m.json" as="fetch" crossorigin>',
                f'<link rel="preload" href="{suites}async-graph.js" as="script">',
                f'<link rel="preload" href="{suites}async-dropdown.js" as="script">']
    app.index_string = app.index_string.replace("{%css%}", "{%css%}\n        " + "\n        ".join(preloads))

    def layout():
        """The page for the data in force (built once per data version), with the staff banner."""
        dataset = live(source)
        if "page" not in dataset.derived:
            dataset.derived["page"] = page(dataset, choices(dataset), render_cached(dataset, FilterState()),
                                           topojson_url=topojson_url)
        banner, hidden = data_banner(source, source.version)
        return html.Div([_banner(banner, hidden, source.version), dataset.derived["page"]])

    app.layout = layout
    callbacks.views.register(app, source)
    callbacks.views.register_sorting(app, source)
    callbacks.views.register_city_search(app, source)
    export_callbacks.register(app, source)  # export links, share panel, graphs' download names
    export_routes.register(app, source)  # /export/..., /embed/...

    @app.callback(Output(ids.DATA_BANNER, "children"), Output(ids.DATA_BANNER, "hidden"),
                  Input(ids.DATA_POLL, "n_intervals"), State(ids.DATA_VERSION, "data"), prevent_initial_call=True)
    def banner(_n, version):
        return data_banner(source, version if isinstance(version, int) else None)

    @app.server.get("/healthz")
    def healthz():
        status, body = source.health()
        return Response(json.dumps(body), status=status, mimetype="application/json")

    security.install(app, settings)
    security.guard_callbacks(app)  # before sign-in, whose check assumes a well-formed callback body
    auth.install(app)
    compress.install(app.server)  # static files compressed once and kept; callback JSON per response
    return app


def _banner(children, hidden, version):
    return html.Div([
        html.Div(children, id=ids.DATA_BANNER, hidden=hidden, className="data-banner", role="status"),
        dcc.Store(id=ids.DATA_VERSION, data=version),
        dcc.Interval(id=ids.DATA_POLL, interval=60_000),
    ])


def __getattr__(name: str):
    """`dashboard.app:server` for gunicorn: built on first use from $USASCP_DATA_DIR (default: the shipped data),
    following changes to its files."""
    if name == "server":
        global server
        security.configure_logging()
        server = create_app(DataSource(os.environ.get("USASCP_DATA_DIR") or None)).server
        return server
    raise AttributeError(name)
