"""The city details panel: who the city is and its activities in view."""

from __future__ import annotations

from dash import html

from dashboard.ids import ids
from dashboard.model.dataset import Dataset
from dashboard.model.filters import Selection
from dashboard.model.words import activities
from dashboard.vocab import SECTOR_COLOURS


#: the panel lists at most this many projects (the table and the exports have them all)
DETAILS_LIMIT = 50


def city_details(dataset: Dataset, city_id: str | None, selection: Selection) -> list:
    """Panel content for ``city_id`` (its projects within ``selection``), or [] when no city is chosen."""
    if not city_id or city_id not in dataset.cities.index:
        return []
    c = dataset.cities.loc[city_id]
    names = dataset.index.city_names
    if c["region"] == "US":
        status = "U.S. partner city"
    else:
        status = "ASEAN Smart Cities Network pilot city" if c["ascn_pilot"] else "ASEAN city (not an ASCN pilot)"
    place = ", ".join(x for x in (c["admin1"], c["country"]) if x)
    items = []
    for p in selection.projects.head(DETAILS_LIMIT).itertuples(index=False):
        others = [names[x] for x in (p.us_city_ids if city_id in p.asean_city_ids else p.asean_city_ids)]
        items.append(html.Li(className="project", children=[
            html.Div(p.title, className="project-title"),
            html.Div(className="project-meta", children=[
                html.Span(className="swatch", style={"backgroundColor": SECTOR_COLOURS[p.sector]}),
                html.Span(p.sector), " · ", html.Span(p.lead_agency), " · ", html.Span(p.status),
                " · ", html.Span(p.announced),
            ]),
            html.Div(["Partner city: ", ", ".join(others)], className="project-partner") if others else None,
            html.Div(["Source: ", p.source], className="project-source"),
        ]))
    total = len(selection.projects)
    more = (html.P(f"… and {total - len(items):,} more: see the activities table, or export them as CSV.",
                   className="caption") if total > len(items) else None)
    return [
        html.H2(c["name"], id=ids.DETAILS_TITLE),
        html.P(place, className="city-place"),
        html.P(status, className="city-status"),
        html.H3(f"{activities(total)} in view"),
        html.Ul(items, className="project-list") if items else html.P("No activities in the current filters."),
        more,
    ]
