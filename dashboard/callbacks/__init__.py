"""Callback wiring, one module per concern; each `register(app, ...)` registers on the app it is given."""

from __future__ import annotations

from dash import Dash

from dashboard.callbacks import banner, city_search, filtering, menus, table
from dashboard.data.source import DataSource
from dashboard.model.render import RenderCache


def register_all(app: Dash, source: DataSource, cache: RenderCache, staff: bool = False) -> None:
    """Every callback of the page, for the data source's current dataset (data-file details in the banner if ``staff``)."""
    filtering.register(app, source, cache)
    table.register(app, source, cache)
    city_search.register(app, source)
    menus.register(app, source)
    banner.register(app, source, staff)
