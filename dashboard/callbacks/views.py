"""One callback: any filter event updates the URL, the controls and every view in one round trip."""

from __future__ import annotations

from dash import Dash, Input, Output, ctx, no_update
from dash.exceptions import PreventUpdate

from dashboard import figures, filters, views
from dashboard.data import Dataset
from dashboard.ids import ids
from dashboard.layouts.details import city_details
from dashboard.layouts.page import headlines


def _notice(ignored: list[str]) -> str:
    if not ignored:
        return ""
    return "Ignored from the link (no such value in the data): " + ", ".join(ignored) + "."


def outputs_for(dataset: Dataset, rendered: views.Rendered, ignored: list[str], search: str | None) -> tuple:
    """The callback's return value for one rendered state (pure; tested without a browser)."""
    s = rendered.state
    query = filters.to_query(s)
    details = city_details(dataset, s.city, rendered.view)
    return (
        list(s.sectors), list(s.countries), list(s.agencies), list(s.statuses), s.city,
        query if query != (search or "") else no_update,
        _notice(ignored),
        headlines(rendered.headlines),
        rendered.map, rendered.map_caption,
        details, not details,
        rendered.sectors, rendered.countries, rendered.agencies, rendered.timeline,
        rendered.table, rendered.table_caption,
        not rendered.view.projects.empty,
    )


def register(app: Dash, source) -> None:
    """The filter callback, reading the data source's current dataset on every call."""
    @app.callback(
        Output(ids.SECTOR, "value"), Output(ids.COUNTRY, "value"), Output(ids.AGENCY, "value"),
        Output(ids.STATUS, "value"), Output(ids.CITY, "value"),
        Output(ids.URL, "search"), Output(ids.NOTICE, "children"), Output(ids.HEADLINES, "children"),
        Output(ids.MAP, "figure"), Output(ids.MAP_CAPTION, "children"),
        Output(ids.DETAILS, "children"), Output("details-panel", "hidden"),
        Output(ids.SECTORS_CHART, "figure"), Output(ids.COUNTRIES_CHART, "figure"),
        Output(ids.AGENCIES_CHART, "figure"), Output(ids.TIMELINE_CHART, "figure"),
        Output(ids.TABLE, "data"), Output(ids.TABLE_CAPTION, "children"), Output(ids.EMPTY, "hidden"),
        Input(ids.URL, "search"), Input(ids.SECTOR, "value"), Input(ids.COUNTRY, "value"),
        Input(ids.AGENCY, "value"), Input(ids.STATUS, "value"), Input(ids.CITY, "value"),
        Input(ids.MAP, "clickData"), Input(ids.RESET, "n_clicks"), Input(ids.DETAILS_CLOSE, "n_clicks"),
        prevent_initial_call=True,
    )
    def update(search, sectors, countries, agencies, statuses, city, click, _reset, _close):
        dataset = views.live(source)
        allowed = filters.choices(dataset)
        current = filters.from_controls(sectors, countries, agencies, statuses, city, allowed)
        from_url, ignored = filters.parse_query(search, allowed) if ctx.triggered_id == ids.URL else (current, [])
        state = views.resolve_state(ctx.triggered_id, current, from_url, figures.city_at(dataset.cities, click), allowed)
        if ctx.triggered_id == ids.URL and state == current and not ignored:
            raise PreventUpdate  # the page already shows this state (e.g. the first load of a plain link)
        return outputs_for(dataset, views.render_cached(dataset, state), ignored, search)
