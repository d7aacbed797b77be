"""The projects table: a plain HTML table (light to load, readable by screen readers), sorted on the server."""

from __future__ import annotations

from dash import dcc, html

from dashboard.ids import ids

#: (row key, heading); the sortable ones name the project column they sort by
TABLE_COLUMNS = [
    ("title", "Project"), ("sector", "Sector"), ("asean_cities", "ASEAN cities"), ("us_cities", "U.S. cities"),
    ("countries", "Countries"), ("lead_agency", "Lead agency"), ("status", "Status"), ("announced", "Announced"),
    ("source", "Source"),
]
SORTABLE = {"title": "title", "sector": "sector", "lead_agency": "lead_agency", "status": "status",
            "announced": "announced_date", "source": "source"}
ARROWS = {"asc": " ▲", "desc": " ▼"}


def sort_label(key: str, sort: dict | None) -> str:
    heading = dict(TABLE_COLUMNS)[key]
    if isinstance(sort, dict) and sort.get("col") == key and isinstance(sort.get("dir"), str):
        return heading + ARROWS.get(sort["dir"], "")
    return heading


def table_rows(rows: list[dict]) -> list[list[str]]:
    """The body as cell texts, row by row, in column order: drawn by assets/table.js with textContent
    (as Dash components, 100 rows took the browser over a second to render)."""
    return [[str(r[key]) for key, _ in TABLE_COLUMNS] for r in rows]



def projects_table(rows: list[dict]) -> html.Div:
    head = []
    for key, heading in TABLE_COLUMNS:
        if key in SORTABLE:
            head.append(html.Th(html.Button(heading, id=ids.sort_button(key), className="sort", type="button", n_clicks=0,
                                            title=f"Sort by {heading.lower()}"), scope="col"))
        else:
            head.append(html.Th(heading, scope="col"))
    return html.Div(className="table-scroll", children=[
        dcc.Store(id=ids.TABLE_DATA, data=table_rows(rows)),
        html.Table(id=ids.TABLE, className="projects-table", children=[
            html.Thead(html.Tr(head)),
            html.Tbody(id=ids.TABLE_BODY, **{"data-rows": str(len(rows))}),  # rows drawn by assets/table.js
        ]),
    ])
