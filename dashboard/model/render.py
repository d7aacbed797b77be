"""Everything the page shows for one filter state (`render`), and the render cache the app owns."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import plotly.graph_objects as go

from dashboard import figures
from dashboard.charts import CHARTS
from dashboard.model.dataset import Dataset
from dashboard.model.filters import FilterState, Scope, Selection, select
from dashboard.model.search import spans, words
from dashboard.model.words import activities, counted

#: the page's table shows at most this many rows (the exports carry them all)
TABLE_LIMIT = 100
#: the table's columns: (row key of `project_rows`, heading)
TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("title", "Activity"), ("sector", "Sector"), ("asean_cities", "ASEAN cities"), ("us_cities", "U.S. cities"),
    ("countries", "Countries"), ("lead_agency", "Lead agency"), ("status", "Status"), ("announced", "Announced"),
    ("source", "Source"),
)
#: the sortable columns and the project column each sorts by
SORTABLE: dict[str, str] = {"title": "title", "sector": "sector", "lead_agency": "lead_agency", "status": "status",
                            "announced": "announced_date", "source": "source"}


@dataclass(frozen=True)
class Rendered:
    """The content of every part of the page for one state."""

    scope: Scope
    headlines: dict[str, int]
    #: chart name (`dashboard.charts.CHARTS`) -> figure
    figures: dict[str, go.Figure]
    map_caption: str
    table: list[dict]
    table_caption: str

    @property
    def state(self) -> FilterState:
        return self.scope.state

    @property
    def selection(self) -> Selection:
        return self.scope.selection

    @cached_property
    def table_body(self) -> list[list]:
        """The table's rows as cells (`table_cells`), made once per state."""
        return table_cells(self.table, words(self.state.query))

    def body(self, rows: list[dict] | None = None) -> list[list]:
        """The table's cells for ``rows`` (e.g. re-sorted; default: the state's own), the search's words marked."""
        return self.table_body if rows is None else table_cells(rows, words(self.state.query))

    @cached_property
    def wire(self) -> dict[str, dict]:
        """The figures as JSON-ready dicts (typed arrays encoded), made once: a cached state is
        then sent without Plotly's per-call copy and encode."""
        return {name: fig.to_plotly_json() for name, fig in self.figures.items()}


def project_rows(dataset: Dataset, selection: Selection, limit: int | None = None) -> list[dict]:
    """One plain-text record per selected project (the first ``limit``), with city and country names resolved."""
    names = dataset.index.city_names
    cnames = dataset.index.country_names
    rows = []
    projects = selection.projects if limit is None else selection.projects.head(limit)
    for p in projects.itertuples(index=False):
        rows.append({
            "project_id": p.project_id,
            "title": p.title,
            "sector": p.sector,
            "asean_cities": "; ".join(names[c] for c in p.asean_city_ids),
            "us_cities": "; ".join(names[c] for c in p.us_city_ids),
            "countries": "; ".join(cnames.get(c, c) for c in p.countries) or "Region-wide",
            "lead_agency": p.lead_agency,
            "partners": p.partners,
            "status": p.status,
            "announced": p.announced,
            "source": p.source,
        })
    return rows


def table_cells(rows: list[dict], found: tuple[str, ...] = ()) -> list[list]:
    """The table body, row by row, in column order: each cell its text, or [text, [[start, end], ...]] where the
    search's folded words ``found`` occur (assets/table.js draws the text with textContent and those ranges in
    <mark>: never markup from the data; as Dash components, 100 rows took the browser over a second)."""
    out = []
    for r in rows:
        cells = []
        for key, _ in TABLE_COLUMNS:
            text = str(r[key])
            marks = spans(text, found) if found else None
            cells.append([text, marks] if marks else text)
        out.append(cells)
    return out


def sorted_rows(dataset: Dataset, selection: Selection, sort: object, limit: int = TABLE_LIMIT) -> list[dict] | None:
    """The table rows of ``selection`` ordered by ``sort`` ({"col": ..., "dir": "asc"|"desc"}), or None if unsorted."""
    if (not isinstance(sort, dict) or not isinstance(sort.get("col"), str) or sort["col"] not in SORTABLE
            or sort.get("dir") not in ("asc", "desc")):
        return None
    column = SORTABLE[sort["col"]]
    ordered = selection.projects.sort_values(column, ascending=sort["dir"] == "asc", kind="stable",
                                             key=(lambda c: c.str.casefold()) if column != "announced_date" else None)
    return project_rows(dataset, selection.reordered(ordered), limit)


def render(dataset: Dataset, state: FilterState) -> Rendered:
    """The page's content for ``state``: the city narrows the charts and table, and is highlighted on the map."""
    scope = select(dataset, state)
    selection, map_selection = scope.selection, scope.map_selection
    built = {name: chart.build(dataset, scope) for name, chart in CHARTS.items()}
    described = state.describe(dataset.index)
    meta = built["map"].layout.meta
    hidden = meta["pairs_hidden"]
    headlines = figures.headline_numbers(dataset, selection)
    map_caption = (
        f"Map of {counted(len(map_selection.city_counts), 'cities')} and "
        f"{counted(figures.pair_count(map_selection.links), 'city pairs')} ({described})")
    if state.city:
        map_caption += (f"; {dataset.index.city_names[state.city]} highlighted, with "
                        f"{counted(headlines['city pairs'], 'city pairs')} as in the numbers above")
    map_caption += "."
    if hidden:
        drawn = meta["pairs_drawn"]
        map_caption += (f" The {drawn:,} pairs with the most activities are drawn (line width grows with the number "
                        f"of activities); {hidden:,} more are counted in the charts and the table.")
    shown = (meta.get("label_sets") or [{}])[0]
    if shown.get("named", 0) < shown.get("wanted", 0):
        map_caption += (f" Where names would overlap the busiest cities are named ({shown['named']:,} of "
                        f"{shown['wanted']:,}); hover or tap a city, or pick a view, for the rest.")
    if meta.get("cities_hidden"):
        map_caption += (f" The {meta['cities_drawn']:,} cities with the most activities are marked; "
                        f"{meta['cities_hidden']:,} more are counted — search a city to see it.")
    total = len(selection.projects)
    table_caption = f"{activities(total)}: {described}"
    if total > TABLE_LIMIT:
        table_caption += f". The first {TABLE_LIMIT:,} are listed; export the CSV for all of them."
    return Rendered(
        scope=scope, headlines=headlines, figures=built,
        map_caption=map_caption, table=project_rows(dataset, selection, TABLE_LIMIT), table_caption=table_caption,
    )


#: rendered states kept for the dataset in force (a few MB at most)
RENDER_CACHE_SIZE = 256


class RenderCache:
    """`render`, memoised per filter state for the dataset in force, and other values built once per dataset.

    Owned by the app. It holds one dataset at a time: the first call with another dataset (a
    data reload) empties it, so the old dataset is not kept alive.
    """

    def __init__(self, size: int = RENDER_CACHE_SIZE):
        self.size = size
        self._lock = threading.Lock()
        self._dataset: Dataset | None = None
        self._states: OrderedDict[FilterState, Rendered] = OrderedDict()
        self._values: dict[str, object] = {}
        self._per_state: OrderedDict[tuple[FilterState, str], object] = OrderedDict()

    def _switch(self, dataset: Dataset) -> None:
        if dataset is not self._dataset:
            self._dataset, self._states, self._values = dataset, OrderedDict(), {}
            self._per_state = OrderedDict()

    def _kept(self, dataset: Dataset, table: str, key: object, build: Callable[[], object]) -> object:
        """``build()``, kept under ``key`` in the least-recently-used ``table`` (an attribute) for ``dataset``."""
        with self._lock:
            self._switch(dataset)
            kept = getattr(self, table)
            if key in kept:
                kept.move_to_end(key)
                return kept[key]
        out = build()
        with self._lock:
            if dataset is self._dataset:
                kept = getattr(self, table)
                kept[key] = out
                while len(kept) > self.size:
                    kept.popitem(last=False)
        return out

    def render(self, dataset: Dataset, state: FilterState) -> Rendered:
        """The rendered ``state`` of ``dataset`` (least recently used states are dropped)."""
        return self._kept(dataset, "_states", state, lambda: render(dataset, state))

    def value(self, dataset: Dataset, key: str, build: Callable[[], object]) -> object:
        """``build()``, made once per dataset and key (e.g. the page layout for this data)."""
        with self._lock:
            self._switch(dataset)
            if key in self._values:
                return self._values[key]
        out = build()
        with self._lock:
            if dataset is self._dataset:
                self._values[key] = out
        return out

    def for_state(self, dataset: Dataset, state: FilterState, key: str, build: Callable[[], object]) -> object:
        """``build()``, made once per dataset, filter state and key (e.g. a state's first view), as many states
        kept as rendered ones (least recently used dropped)."""
        return self._kept(dataset, "_per_state", (state, key), build)

    def __len__(self) -> int:
        return len(self._states)
