"""Everything the page shows for one filter state, built by pure functions (no Dash callbacks here)."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from dashboard import figures
import threading
from collections import OrderedDict
from functools import cached_property

from dashboard.data import Dataset, empty_dataset
from dashboard.filters import Choices, FilterState, View, apply, city_names, country_names


@dataclass(frozen=True)
class Rendered:
    """The content of every view for one state."""

    state: FilterState
    view: View
    headlines: dict[str, int]
    map: go.Figure
    map_caption: str
    sectors: go.Figure
    countries: go.Figure
    agencies: go.Figure
    timeline: go.Figure
    table: list[dict]
    table_caption: str

    @cached_property
    def table_body(self) -> list[list[str]]:
        """The table's rows as cell texts, made once per state."""
        from dashboard.layouts.table import table_rows

        return table_rows(self.table)

    @cached_property
    def wire(self) -> dict[str, dict]:
        """The figures as JSON-ready dicts (typed arrays encoded), made once: a cached state is
        then sent without Plotly's per-call copy and encode."""
        return {name: getattr(self, name).to_plotly_json() for name in ("map", "sectors", "countries", "agencies", "timeline")}


#: the page's table shows at most this many rows (the exports carry them all)
TABLE_LIMIT = 100


def project_rows(dataset: Dataset, view: View, limit: int | None = None) -> list[dict]:
    """One plain-text record per project in view (the first ``limit``), with city and country names resolved."""
    names = city_names(dataset)
    cnames = country_names(dataset)
    rows = []
    projects = view.projects if limit is None else view.projects.head(limit)
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


def render(dataset: Dataset, state: FilterState) -> Rendered:
    """The page's content for ``state``: the city narrows the charts and table, and is highlighted on the map."""
    view = apply(dataset, state)
    map_view = apply(dataset, state.without_city()) if state.city else view
    heads = figures.headline_numbers(dataset, view)
    described = state.describe(dataset)
    map_fig = figures.map_figure(dataset, map_view, selected=state.city)
    meta = map_fig.layout.meta
    drawn, hidden = meta["pairs_drawn"], meta["pairs_hidden"]
    map_caption = (
        f"Map of {len(map_view.city_counts):,} partner cities and {drawn + hidden:,} city pairs "
        f"({described})" + (f"; {dataset.cities.at[state.city, 'name']} highlighted" if state.city else "") + "."
    )
    if hidden:
        map_caption += (f" The {drawn:,} pairs with the most projects are drawn (line width grows with the number "
                        f"of projects); {hidden:,} more are counted in the charts and the table.")
    if meta.get("cities_hidden"):
        map_caption += (f" The {meta['cities_drawn']:,} cities with the most projects are marked; "
                        f"{meta['cities_hidden']:,} more are counted — search a city to see it.")
    total = len(view.projects)
    table_caption = f"{total:,} project(s): {described}"
    if total > TABLE_LIMIT:
        table_caption += f". The first {TABLE_LIMIT:,} are listed; export the CSV for all of them."
    return Rendered(
        state=state, view=view, headlines=heads,
        map=map_fig,
        map_caption=map_caption,
        sectors=figures.sectors_figure(view),
        countries=figures.countries_figure(dataset, view),
        agencies=figures.agencies_figure(view),
        timeline=figures.timeline_figure(view),
        table=project_rows(dataset, view, TABLE_LIMIT),
        table_caption=table_caption,
    )


def resolve_state(trigger: str | None, current: FilterState, from_url: FilterState, clicked_city: str | None,
                  allowed: Choices) -> FilterState:
    """The state after an event: a link opened, a control changed, a city clicked, reset, or the panel closed."""
    from dashboard.ids import ids

    if trigger == ids.URL:
        return from_url
    if trigger == ids.RESET:
        return FilterState()
    if trigger == ids.DETAILS_CLOSE:
        return FilterState(current.sectors, current.countries, current.agencies, current.statuses, None)
    if trigger == ids.MAP:
        if clicked_city is None or clicked_city not in allowed.cities:
            return current
        city = None if clicked_city == current.city else clicked_city
        return FilterState(current.sectors, current.countries, current.agencies, current.statuses, city)
    return current


#: rendered states kept per dataset (a few MB at most)
RENDER_CACHE_SIZE = 256
_empty: list[Dataset] = []
_lock = threading.Lock()


def live(source) -> Dataset:
    """The dataset a data source serves now, or an empty one if it never had valid data."""
    ds = source.current
    if ds is not None:
        return ds
    if not _empty:
        _empty.append(empty_dataset())
    return _empty[0]


def render_cached(dataset: Dataset, state: FilterState) -> Rendered:
    """`render`, memoised per dataset and filter state (least recently used states are dropped)."""
    with _lock:
        cache = dataset.derived.setdefault("rendered", OrderedDict())
        hit = cache.get(state)
        if hit is not None:
            cache.move_to_end(state)
            return hit
    out = render(dataset, state)
    with _lock:
        cache[state] = out
        while len(cache) > RENDER_CACHE_SIZE:
            cache.popitem(last=False)
    return out


def sorted_rows(dataset: Dataset, view: View, sort: object, limit: int = TABLE_LIMIT) -> list[dict] | None:
    """The table rows of ``view`` ordered by ``sort`` ({"col": ..., "dir": "asc"|"desc"}), or None if unsorted."""
    from dashboard.layouts.table import SORTABLE

    if (not isinstance(sort, dict) or not isinstance(sort.get("col"), str) or sort["col"] not in SORTABLE
            or sort.get("dir") not in ("asc", "desc")):
        return None
    column = SORTABLE[sort["col"]]
    ordered = view.projects.sort_values(column, ascending=sort["dir"] == "asc", kind="stable",
                                        key=(lambda c: c.str.casefold()) if column != "announced_date" else None)
    return project_rows(dataset, View(view.state, ordered, view.links, view.city_counts, view.mask), limit)
