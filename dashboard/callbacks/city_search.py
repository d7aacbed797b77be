"""The city box of a large dataset: matches are fetched from the server as one types."""

from __future__ import annotations

from dash import Dash, Input, Output
from dash.exceptions import PreventUpdate

from dashboard.data.source import DataSource
from dashboard.ids import ids
from dashboard.layouts.page import CITY_OPTIONS_LIMIT, matching_cities


def register(app: Dash, source: DataSource) -> None:
    """For datasets with thousands of cities, the city box asks for matches as one types."""
    @app.callback(Output(ids.CITY, "options"), Input(ids.CITY, "search_value"), Input(ids.CITY, "value"),
                  prevent_initial_call=True)
    def city_search(text, selected):
        dataset = source.dataset
        if len(dataset.cities) <= CITY_OPTIONS_LIMIT:
            raise PreventUpdate  # the page already lists every city
        return matching_cities(dataset, text, selected)
