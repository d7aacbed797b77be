"""The projects table: a plain HTML table (light to load, readable by screen readers), sorted on the server."""

from __future__ import annotations

from dash import dcc, html

from dashboard.ids import ids
from dashboard.model.render import SORTABLE, TABLE_COLUMNS, table_cells

ARROWS = {"asc": " ▲", "desc": " ▼"}


def sort_label(key: str, sort: dict | None) -> str:
    """A column's heading, with an arrow when the table is sorted by it."""
    heading = dict(TABLE_COLUMNS)[key]
    if isinstance(sort, dict) and sort.get("col") == key and isinstance(sort.get("dir"), str):
        return heading + ARROWS.get(sort["dir"], "")
    return heading


def projects_table(rows: list[dict]) -> html.Div:
    head = []
    for key, heading in TABLE_COLUMNS:
        if key in SORTABLE:
            head.append(html.Th(html.Button(heading, id=ids.sort_button(key), className="sort", type="button", n_clicks=0,
                                            title=f"Sort by {heading.lower()}"), scope="col"))
        else:
            head.append(html.Th(heading, scope="col"))
    return html.Div(className="table-scroll", children=[
        dcc.Store(id=ids.TABLE_DATA, data=table_cells(rows)),
        html.Table(id=ids.TABLE, className="projects-table", children=[
            html.Thead(html.Tr(head)),
            html.Tbody(id=ids.TABLE_BODY, **{"data-rows": str(len(rows))}),  # rows drawn by assets/table.js
        ]),
    ])
