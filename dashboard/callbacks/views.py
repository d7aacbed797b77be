"""One callback: any filter event updates the URL, the controls and every view in one round trip."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from dashboard import figures, filters, views
from dashboard.data import Dataset
from dashboard.ids import ids
from dashboard.layouts.details import city_details
from dashboard.layouts.page import headlines
from dashboard.layouts.table import SORTABLE, sort_label, table_rows


def _notice(ignored: list[str]) -> str:
    if not ignored:
        return ""
    return "Ignored from the link (no such value in the data): " + ", ".join(ignored) + "."


def _changed(new, old):
    """``new``, or no_update when the control already shows it (a re-render of a long dropdown is not free)."""
    return no_update if new == old else new


def outputs_for(dataset: Dataset, rendered: views.Rendered, ignored: list[str], search: str | None,
                sort: object = None, controls: tuple | None = None) -> tuple:
    """The callback's return value for one rendered state (pure; tested without a browser).

    ``controls`` are the (sector, country, agency, status, city) values the page sent, if any.
    """
    s = rendered.state
    rows = views.sorted_rows(dataset, rendered.view, sort)
    query = filters.to_query(s)
    details = city_details(dataset, s.city, rendered.view)
    values = (list(s.sectors), list(s.countries), list(s.agencies), list(s.statuses), s.city)
    if controls is not None:
        values = tuple(_changed(new, old) for new, old in zip(values, controls))
    return (
        *values,
        query if query != (search or "") else no_update,
        _notice(ignored),
        headlines(rendered.headlines),
        rendered.wire["map"], rendered.map_caption,
        details, not details,
        rendered.wire["sectors"], rendered.wire["countries"], rendered.wire["agencies"], rendered.wire["timeline"],
        rendered.table_body if rows is None else table_rows(rows), rendered.table_caption,
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
        Output(ids.TABLE_DATA, "data"), Output(ids.TABLE_CAPTION, "children"), Output(ids.EMPTY, "hidden"),
        Input(ids.URL, "search"), Input(ids.SECTOR, "value"), Input(ids.COUNTRY, "value"),
        Input(ids.AGENCY, "value"), Input(ids.STATUS, "value"), Input(ids.CITY, "value"),
        Input(ids.MAP, "clickData"), Input(ids.RESET, "n_clicks"), Input(ids.DETAILS_CLOSE, "n_clicks"),
        State(ids.TABLE_SORT, "data"),
        prevent_initial_call=True,
    )
    def update(search, sectors, countries, agencies, statuses, city, click, _reset, _close, sort):
        dataset = views.live(source)
        allowed = filters.choices(dataset)
        current = filters.from_controls(sectors, countries, agencies, statuses, city, allowed)
        from_url, ignored = filters.parse_query(search, allowed) if ctx.triggered_id == ids.URL else (current, [])
        state = views.resolve_state(ctx.triggered_id, current, from_url, figures.city_at(dataset.cities, click), allowed)
        if ctx.triggered_id == ids.URL and state == current and not ignored:
            raise PreventUpdate  # the page already shows this state (e.g. the first load of a plain link)
        return outputs_for(dataset, views.render_cached(dataset, state), ignored, search, sort,
                           (sectors, countries, agencies, statuses, city))


def next_sort(clicked: str | None, current: object) -> dict | None:
    """Clicking a column sorts ascending, again descending, a third time back to the data's order."""
    if not isinstance(current, dict) or not isinstance(current.get("col"), str):
        current = None
    if clicked not in SORTABLE:
        return current
    if isinstance(current, dict) and current.get("col") == clicked:
        return {"col": clicked, "dir": "desc"} if current.get("dir") == "asc" else None
    return {"col": clicked, "dir": "asc"}


def register_sorting(app: Dash, source) -> None:
    """Header buttons re-sort the table of the state in the address bar; the rows are drawn in the browser."""
    columns = list(SORTABLE)
    app.clientside_callback(ClientsideFunction("usascp", "drawTable"),
                            Output(ids.TABLE_BODY, "data-rows"), Input(ids.TABLE_DATA, "data"))

    @app.callback(
        Output(ids.TABLE_DATA, "data", allow_duplicate=True), Output(ids.TABLE_SORT, "data"),
        *[Output(ids.sort_button(c), "children") for c in columns],
        *[Input(ids.sort_button(c), "n_clicks") for c in columns],
        State(ids.URL, "search"), State(ids.TABLE_SORT, "data"),
        prevent_initial_call=True,
    )
    def sort_table(*args):
        search, current = args[-2], args[-1]
        trigger = ctx.triggered_id
        clicked = next((c for c in columns if ids.sort_button(c) == trigger), None)
        sort = next_sort(clicked, current)
        dataset = views.live(source)
        state = filters.parse_query(search, filters.choices(dataset))[0]
        rendered = views.render_cached(dataset, state)
        rows = views.sorted_rows(dataset, rendered.view, sort)
        return (rendered.table_body if rows is None else table_rows(rows), sort, *[sort_label(c, sort) for c in columns])


def register_city_search(app: Dash, source) -> None:
    """For datasets with thousands of cities, the city box fetches matches as one types."""
    from dashboard.layouts.page import CITY_OPTIONS_LIMIT, matching_cities

    @app.callback(Output(ids.CITY, "options"), Input(ids.CITY, "search_value"), Input(ids.CITY, "value"),
                  prevent_initial_call=True)
    def city_search(text, selected):
        dataset = views.live(source)
        if len(dataset.cities) <= CITY_OPTIONS_LIMIT:
            raise PreventUpdate  # the page already lists every city
        return matching_cities(dataset, text, selected)
