"""The filter state — parsed from a URL query string or from the controls — and the pure function that applies it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, quote, urlencode

import pandas as pd

from dashboard.data import Dataset
from dashboard.data.gazetteer import normalise
from dashboard.data.load import load_countries

#: URL parameters, in the order they are written
PARAMS = ("sector", "country", "agency", "status", "city")
#: most values one list filter takes (the data has far fewer; anything longer is not a real selection)
MAX_VALUES = 200


@dataclass(frozen=True)
class FilterState:
    """What is selected. Empty tuples mean "no filter"; ``city`` is one city_id or None."""

    sectors: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    city: str | None = None

    @property
    def is_empty(self) -> bool:
        return self == FilterState()

    def without_city(self) -> FilterState:
        return replace(self, city=None)

    def describe(self, dataset: Dataset) -> str:
        """Plain words for the filters in force, e.g. 'Sector: Water · Country: Thailand'."""
        parts = []
        if self.sectors:
            parts.append("Sector: " + ", ".join(self.sectors))
        if self.countries:
            names = country_names(dataset)
            parts.append("Country: " + ", ".join(names.get(c, c) for c in self.countries))
        if self.agencies:
            parts.append("Agency: " + ", ".join(self.agencies))
        if self.statuses:
            parts.append("Status: " + ", ".join(self.statuses))
        if self.city and self.city in dataset.cities.index:
            parts.append("City: " + dataset.cities.at[self.city, "name"])
        return " · ".join(parts) if parts else "All projects"


@dataclass(frozen=True)
class Choices:
    """The values each filter allows, from the data, with the ways a link may spell them."""

    sectors: tuple[str, ...]
    countries: tuple[str, ...]  # ISO3
    agencies: tuple[str, ...]
    statuses: tuple[str, ...]
    cities: tuple[str, ...]
    lookup: dict[str, dict[str, str]] = field(repr=False, default_factory=dict)


def country_names(dataset: Dataset) -> dict[str, str]:
    table = load_countries()
    return {iso3: table[iso3]["name"] for iso3 in table}


def choices(dataset: Dataset) -> Choices:
    """The filter vocabularies present in ``dataset`` (plus every sector and status of the vocabulary)."""
    from dashboard.vocab import SECTORS, STATUSES

    countries_table = load_countries()
    used = sorted(set(dataset.project_countries["iso3"]) | set(dataset.cities["iso3"]),
                  key=lambda c: countries_table[c]["name"])
    agencies = tuple(sorted(dataset.projects["lead_agency"].unique()))
    cities = tuple(dataset.cities.sort_values("name")["city_id"])
    lookup: dict[str, dict[str, str]] = {
        "sector": {normalise(s): s for s in SECTORS},
        "status": {normalise(s): s for s in STATUSES},
        "agency": {normalise(a): a for a in agencies},
        "country": {},
        "city": {},
    }
    for iso3 in used:
        c = countries_table[iso3]
        for spelling in (iso3, c["iso2"], c["name"], *c["aliases"]):
            lookup["country"][normalise(spelling)] = iso3
    for cid, name in zip(dataset.cities["city_id"], dataset.cities["name"]):
        lookup["city"][normalise(name)] = cid
    for cid in cities:
        lookup["city"][normalise(cid)] = cid
    return Choices(SECTORS, tuple(used), agencies, STATUSES, cities, lookup)


def parse_query(search: str | None, allowed: Choices) -> tuple[FilterState, list[str]]:
    """Filter state from a query string like ``?sector=water,transportation&country=THA``.

    Values are comma-separated and case-insensitive; a country may be named or given by
    ISO code. Returns the state and a notice for each value that matched nothing.
    """
    if not isinstance(search, str):
        return FilterState(), []
    params = parse_qs(search.lstrip("?"), keep_blank_values=False)
    ignored: list[str] = []
    picked: dict[str, list[str]] = {}
    for name in PARAMS:
        values = [v.strip() for raw in params.get(name, []) for v in raw.split(",") if v.strip()]
        out: list[str] = []
        for value in values[:MAX_VALUES]:
            hit = allowed.lookup[name].get(normalise(value))
            if hit is None:
                ignored.append(f"{name} {value[:60]!r}")
            elif hit not in out:
                out.append(hit)
        if len(values) > MAX_VALUES:
            ignored.append(f"{len(values) - MAX_VALUES} more {name} values")
        picked[name] = out
    state = FilterState(
        sectors=tuple(picked["sector"]), countries=tuple(picked["country"]),
        agencies=tuple(picked["agency"]), statuses=tuple(picked["status"]),
        city=picked["city"][0] if picked["city"] else None,
    )
    return state, ignored


def from_controls(sectors, countries, agencies, statuses, city, allowed: Choices) -> FilterState:
    """Filter state from the controls' values; anything not in the data is dropped, wrong types are ignored."""

    def clean(values, valid) -> tuple[str, ...]:
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, (list, tuple)):
            return ()
        valid_set = set(valid)
        out = []
        for v in values[:MAX_VALUES]:
            if isinstance(v, str) and v in valid_set and v not in out:
                out.append(v)
        return tuple(out)

    # keep the vocabulary's order so the URL and the legend are stable
    order = lambda picked, valid: tuple(v for v in valid if v in picked)  # noqa: E731
    return FilterState(
        sectors=order(clean(sectors, allowed.sectors), allowed.sectors),
        countries=clean(countries, allowed.countries),
        agencies=clean(agencies, allowed.agencies),
        statuses=order(clean(statuses, allowed.statuses), allowed.statuses),
        city=city if isinstance(city, str) and city in set(allowed.cities) else None,
    )


def to_query(state: FilterState) -> str:
    """The query string for ``state`` ('' when nothing is selected), readable in the address bar."""
    pairs = [
        ("sector", ",".join(state.sectors)), ("country", ",".join(state.countries)),
        ("agency", ",".join(state.agencies)), ("status", ",".join(state.statuses)),
        ("city", state.city or ""),
    ]
    query = urlencode([(k, v) for k, v in pairs if v], quote_via=quote, safe=",")
    return f"?{query}" if query else ""


@dataclass(frozen=True)
class View:
    """What the filters leave: projects, their pair links, and the cities to show with their project counts."""

    state: FilterState
    projects: pd.DataFrame
    links: pd.DataFrame
    city_counts: pd.Series  # city_id -> number of projects in view (0 for shown cities with none)


def apply(dataset: Dataset, state: FilterState) -> View:
    """Projects matching every selected filter (any value within one filter)."""
    p = dataset.projects
    mask = pd.Series(True, index=p.index)
    if state.sectors:
        mask &= p["sector"].isin(state.sectors)
    if state.agencies:
        mask &= p["lead_agency"].isin(state.agencies)
    if state.statuses:
        mask &= p["status"].isin(state.statuses)
    if state.countries:
        pc = dataset.project_countries
        mask &= p.index.isin(pc.loc[pc["iso3"].isin(state.countries), "project_id"])
    if state.city:
        pcity = dataset.project_cities
        mask &= p.index.isin(pcity.loc[pcity["city_id"] == state.city, "project_id"])
    projects = p[mask]
    keep = set(projects.index)
    links = dataset.links[dataset.links["project_id"].isin(keep)]
    pcity = dataset.project_cities[dataset.project_cities["project_id"].isin(keep)]
    counts = pcity.groupby("city_id")["project_id"].nunique()
    cities = dataset.cities
    if not (state.sectors or state.agencies or state.statuses or state.city):
        # no project-level filter: every city (of the chosen countries) shows, with or without projects
        base = cities.index if not state.countries else cities.index[cities["iso3"].isin(state.countries)]
        counts = counts.reindex(base.union(counts.index), fill_value=0)
    return View(state=state, projects=projects, links=links, city_counts=counts.astype(int))
