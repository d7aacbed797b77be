"""`create_app(dataset) -> Dash`, and a lazily built module-level `server` for gunicorn."""

from __future__ import annotations

import os

from dash import Dash

from dashboard import PACKAGE_DIR, callbacks, compress, plotlyjs
from dashboard.callbacks import exports as export_callbacks
from dashboard.data import Dataset, load_dataset
from dashboard.exports import routes as export_routes
from dashboard.filters import FilterState, choices
from dashboard.layouts import page
from dashboard.views import render

TITLE = "U.S.-ASEAN Smart Cities Partnership"


def create_app(dataset: Dataset) -> Dash:
    """A Dash app serving ``dataset``; every script, style, font and map outline comes from the app itself."""
    app = Dash(
        __name__, title=TITLE, assets_folder=str(PACKAGE_DIR / "assets"), serve_locally=True,
        update_title=None, meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    plotlyjs.install(app)  # the small plotly.js build in dashboard/vendor, not the full 4.8 MB one
    allowed = choices(dataset)
    initial = render(dataset, FilterState())
    app.layout = page(dataset, allowed, initial, topojson_url=app.get_asset_url("topojson/"))
    callbacks.views.register(app, dataset, allowed)
    export_callbacks.register(app, dataset, allowed)  # export links, share panel, graphs' download names
    export_routes.register(app, dataset)  # /export/..., /embed/... and the framing headers
    compress.install(app.server)  # static files compressed once and kept; callback JSON per response
    return app


def __getattr__(name: str):
    """`dashboard.app:server` for gunicorn: built on first use from $USASCP_DATA_DIR (default: the shipped data)."""
    if name == "server":
        global server
        server = create_app(load_dataset(os.environ.get("USASCP_DATA_DIR") or None)).server
        return server
    raise AttributeError(name)
