"""The projects table: header buttons re-sort the rows of the state in the address bar; the browser draws them."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State, ctx

from dashboard.data.source import DataSource
from dashboard.ids import ids
from dashboard.layouts.table import sort_label
from dashboard.model.filters import parse_query
from dashboard.model.render import SORTABLE, RenderCache, sorted_rows


def next_sort(clicked: str | None, current: object) -> dict | None:
    """Clicking a column sorts ascending, again descending, a third time back to the data's order."""
    if not isinstance(current, dict) or not isinstance(current.get("col"), str):
        current = None
    if clicked not in SORTABLE:
        return current
    if isinstance(current, dict) and current.get("col") == clicked:
        return {"col": clicked, "dir": "desc"} if current.get("dir") == "asc" else None
    return {"col": clicked, "dir": "asc"}


def register(app: Dash, source: DataSource, cache: RenderCache) -> None:
    """The sort callback, and the clientside one that draws the rows (assets/table.js)."""
    columns = list(SORTABLE)
    app.clientside_callback(ClientsideFunction("usascp", "drawTable"),
                            Output(ids.TABLE_BODY, "data-rows"), Input(ids.TABLE_DATA, "data"))

    @app.callback(
        output={"rows": Output(ids.TABLE_DATA, "data", allow_duplicate=True), "sort": Output(ids.TABLE_SORT, "data"),
                "labels": {c: Output(ids.sort_button(c), "children") for c in columns}},
        inputs={"clicks": {c: Input(ids.sort_button(c), "n_clicks") for c in columns}},
        state={"search": State(ids.URL, "search"), "current": State(ids.TABLE_SORT, "data")},
        prevent_initial_call=True,
    )
    def sort_table(clicks, search, current):
        clicked = next((c for c in columns if ids.sort_button(c) == ctx.triggered_id), None)
        sort = next_sort(clicked, current)
        dataset = source.dataset
        rendered = cache.render(dataset, parse_query(search, dataset.index)[0])
        rows = sorted_rows(dataset, rendered.selection, sort)
        return {"rows": rendered.body(rows), "sort": sort,
                "labels": {c: sort_label(c, sort) for c in columns}}
