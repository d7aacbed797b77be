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


def static_rows(cells: list[list]) -> list[html.Tr]:
    """The table body as components, as assets/table.js draws it from ``cells`` (`render.table_cells`): each cell
    named by its column (a phone's cards), the search's matches in <mark>. For the first view, before the scripts."""
    headings = [heading for _, heading in TABLE_COLUMNS]
    rows = []
    for row in cells:
        tds = []
        for heading, cell in zip(headings, row):
            text, ranges = (cell[0], cell[1]) if isinstance(cell, list) else (cell, [])
            parts, at = [], 0
            for start, end in ranges:
                start, end = max(at, start), min(len(text), end)
                if end > start:
                    parts += [text[at:start], html.Mark(text[start:end])]
                    at = end
            parts.append(text[at:])
            tds.append(html.Td([p for p in parts if p != ""], **{"data-label": heading}))
        rows.append(html.Tr(tds))
    return rows


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
