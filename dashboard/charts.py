"""The chart registry: each chart's name, graph id, title, description, builder and export formats, defined once.

The page, the callbacks, the exports, the briefing pack, the embeds and the command line all
loop over `CHARTS`; adding a chart is one entry here and its builder in `figures.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import plotly.graph_objects as go

from dashboard import figures
from dashboard.ids import ids
from dashboard.model.dataset import Dataset
from dashboard.model.filters import FILTER, Scope

#: image formats a chart can be exported as (rendered by kaleido)
IMAGE_FORMATS: tuple[str, ...] = ("png", "svg", "pdf")


@dataclass(frozen=True)
class Chart:
    """One chart of the page."""

    #: the name in URLs (/export/<name>.png, /embed/<name>), file names and the CLI's --chart
    name: str
    #: the heading on the page and the title of every export
    title: str
    #: alt text: what the chart shows, for a screen reader and in files
    description: str
    #: (dataset, scope) -> figure, sized by the page
    build: Callable[[Dataset, Scope], go.Figure]
    #: what the Export menu calls it
    menu_label: str
    #: the formats /export/<name>.<format> offers (pptx: a deck of this chart's slide alone)
    formats: tuple[str, ...] = (*IMAGE_FORMATS, "html", "pptx")
    #: the browser function (window.dash_clientside.usascp) that hands the figure from its store to the graph:
    #: the map picks the set of city names that fits the graph's size (assets/map_labels.js); the other charts
    #: are drawn when they scroll into view, after the map (assets/charts.js)
    adapt: str = "figureWhenSeen"
    #: the filter a click on a bar sets (its URL parameter; 'year' sets the year range to the bar's year), or None
    click: str | None = None

    @property
    def page_description(self) -> str:
        """The description on the page, saying what a click does where the chart is a filter too."""
        if not self.click:
            return self.description
        what = "year" if self.click == "year" else FILTER[self.click].label.lower()
        return (f"{self.description}. Click a bar to show only that {what}; click it again to show all. "
                f"The filter panel does the same from the keyboard.")

    @property
    def graph_id(self) -> str:
        """The dcc.Graph's component id on the page."""
        return ids.chart(self.name)

    @property
    def target(self) -> tuple[str, str]:
        """(component id, property) the page's callback sends this chart's figure to: the graph's store."""
        return ids.staged(self.graph_id), "data"


CHARTS: dict[str, Chart] = {c.name: c for c in (
    Chart("map", "Partner cities and city pairs",
          "Map of ASEAN and U.S. partner cities with lines joining paired cities, coloured by sector",
          lambda ds, scope: figures.map_figure(ds, scope.map_selection, selected=scope.state.city,
                                               view=scope.state.view, focus=scope.selection), "Map",
          adapt="figureForSize"),
    Chart("pairs", "City pairs: who is paired with whom",
          "Chart listing each city pair, the ASEAN city on the left and the U.S. city on the right, joined by a line "
          "in the sector's colour, grouped by sector (or by country when a country is chosen)",
          lambda ds, scope: figures.pairs_figure(ds, scope.selection, by_country=bool(scope.state.countries)),
          "City pairs chart"),
    Chart("sectors", "Activities by sector",
          "Bar chart of the number of activities in each sector",
          lambda ds, scope: figures.sectors_figure(scope.selection), "Sectors chart", click="sector"),
    Chart("countries", "Activities by country",
          "Bar chart of the number of activities concerning each country, and region-wide programmes",
          lambda ds, scope: figures.countries_figure(ds, scope.selection), "Countries chart", click="country"),
    Chart("agencies", "Activities by lead agency",
          "Bar chart of the number of activities led by each agency",
          lambda ds, scope: figures.agencies_figure(scope.selection), "Agencies chart", click="agency"),
    Chart("timeline", "Announcements by year",
          "Stacked bar chart of activities announced each year, by sector",
          lambda ds, scope: figures.timeline_figure(scope.selection), "Timeline chart", click="year"),
)}

#: what a briefing deck's ``slides=`` may name, in the deck's order: every chart and the projects table
BRIEFING_SLIDES: tuple[str, ...] = (*CHARTS, "projects")
