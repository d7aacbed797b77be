"""The filter callback: any filter event (a link, a control, a map click, reset, close) updates the URL, the
controls and every part of the page in one round trip, as named outputs."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from dashboard.charts import CHARTS
from dashboard.data.source import DataSource
from dashboard.figures import city_at, first_point
from dashboard.ids import ids
from dashboard.layouts.details import city_details
from dashboard.layouts.page import headlines
from dashboard.model.dataset import Dataset, Index
from dashboard.model.filters import (FILTERS, FilterState, Ignored, clicked, control_values, from_controls,
                                     parse_query, to_query)
from dashboard.model.render import Rendered, RenderCache, sorted_rows


def notice(ignored: list[Ignored]) -> str:
    """The notice for link values that matched nothing ('' when there are none)."""
    if not ignored:
        return ""
    return "Ignored from the link (no such value in the data): " + ", ".join(map(str, ignored)) + "."


#: graph id -> the filter a click on its bars sets (`dashboard.charts.Chart.click`)
CLICKABLE: dict[str, str] = {chart.graph_id: chart.click for chart in CHARTS.values() if chart.click}


def bar_value(click: object) -> object:
    """The filter value a click on a chart's bar names: its customdata, or its x (the timeline's year)."""
    point = first_point(click)
    return None if point is None else point.get("customdata", point.get("x"))


def resolve_state(trigger: str | None, current: FilterState, from_url: FilterState, clicked_city: str | None,
                  index: Index, bar: object = None) -> FilterState:
    """The state after an event: a link opened, a control changed, a city or a chart's bar (``bar``: the value it
    stands for) clicked, reset, or the panel closed."""
    if trigger in CLICKABLE:
        return clicked(current, CLICKABLE[trigger], bar, index)
    if trigger == ids.URL:
        return from_url
    if trigger == ids.RESET:
        return FilterState()
    if trigger == ids.DETAILS_CLOSE:
        return current.without_city()
    if trigger == ids.MAP:
        if clicked_city is None or clicked_city not in index.choices.cities:
            return current
        return current.with_city(None if clicked_city == current.city else clicked_city)
    return current


def _changed(new, old):
    """``new``, or no_update when the control already shows it (a re-render of a long dropdown is not free)."""
    return no_update if new == old else new


def outputs_for(dataset: Dataset, rendered: Rendered, ignored: list[Ignored], search: str | None,
                sort: object = None, controls: dict[str, object] | None = None) -> dict:
    """The callback's named outputs for one rendered state (pure; tested without a browser).

    ``controls`` are the values the page's controls sent (keyed by URL parameter), if any: a
    control that already shows its value is left alone.
    """
    s = rendered.state
    rows = sorted_rows(dataset, rendered.selection, sort)
    query = to_query(s)
    details = city_details(dataset, s.city, rendered.selection)
    values = control_values(s)
    if controls is not None:
        values = {param: _changed(new, controls.get(param)) for param, new in values.items()}
    return {
        "controls": values,
        "search": query if query != (search or "") else no_update,
        "notice": notice(ignored),
        "headlines": headlines(rendered.headlines),
        "figures": dict(rendered.wire),
        "map_caption": rendered.map_caption,
        "details": details,
        "details_hidden": not details,
        "table": rendered.body(rows),
        "table_caption": rendered.table_caption,
        "empty_hidden": not rendered.selection.projects.empty,
    }


def register(app: Dash, source: DataSource, cache: RenderCache) -> None:
    """The filter callback, reading the data source's current dataset on every call. Figures reach their graphs
    through the browser (`Chart.adapt`): the map with the city names that fit its size, the other charts once
    they are in view, so that a filter change redraws the map first."""
    app.clientside_callback(ClientsideFunction("usascp", "showFigures"),
                            [Output(chart.graph_id, "figure") for chart in CHARTS.values()],
                            [Input(*chart.target) for chart in CHARTS.values()])

    @app.callback(
        output={
            "controls": {f.param: Output(ids.CONTROLS[f.param], "value") for f in FILTERS},
            "search": Output(ids.URL, "search"),
            "notice": Output(ids.NOTICE, "children"),
            "headlines": Output(ids.HEADLINES, "children"),
            "figures": {name: Output(*chart.target) for name, chart in CHARTS.items()},
            "map_caption": Output(ids.MAP_CAPTION, "children"),
            "details": Output(ids.DETAILS, "children"),
            "details_hidden": Output(ids.DETAILS_PANEL, "hidden"),
            "table": Output(ids.TABLE_DATA, "data"),
            "table_caption": Output(ids.TABLE_CAPTION, "children"),
            "empty_hidden": Output(ids.EMPTY, "hidden"),
        },
        inputs={
            "search": Input(ids.URL, "search"),
            "controls": {f.param: Input(ids.CONTROLS[f.param], "value") for f in FILTERS},
            "click": Input(ids.MAP, "clickData"),
            "bars": {graph: Input(graph, "clickData") for graph in CLICKABLE},
            "reset": Input(ids.RESET, "n_clicks"),
            "close": Input(ids.DETAILS_CLOSE, "n_clicks"),
        },
        state={"sort": State(ids.TABLE_SORT, "data")},
        prevent_initial_call=True,
    )
    def update(search, controls, click, bars, reset, close, sort):
        dataset = source.dataset
        index = dataset.index
        controls = controls if isinstance(controls, dict) else {}
        current = from_controls(controls, index)
        from_url, ignored = parse_query(search, index) if ctx.triggered_id == ids.URL else (current, [])
        trigger = ctx.triggered_id
        bar = bar_value(bars.get(trigger)) if isinstance(bars, dict) and trigger in CLICKABLE else None
        state = resolve_state(trigger, current, from_url, city_at(dataset.cities, click), index, bar)
        if ctx.triggered_id == ids.URL and state == current and not ignored:
            raise PreventUpdate  # the page already shows this state (e.g. the first load of a plain link)
        return outputs_for(dataset, cache.render(dataset, state), ignored, search, sort, controls)
