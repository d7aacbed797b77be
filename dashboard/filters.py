"""The filter state — parsed from a URL query string or from the controls — and the pure function that applies it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, quote, urlencode

import numpy as np
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


def country_names(dataset: Dataset | None = None) -> dict[str, str]:
    """ISO3 -> the name the dashboard shows (the same for every dataset)."""
    if not _COUNTRY_NAMES:
        table = load_countries()
        _COUNTRY_NAMES.update({iso3: table[iso3]["name"] for iso3 in table})
    return _COUNTRY_NAMES


_COUNTRY_NAMES: dict[str, str] = {}


def city_names(dataset: Dataset) -> dict[str, str]:
    """city_id -> name, memoised on the dataset."""
    if "city_names" not in dataset.derived:
        dataset.derived["city_names"] = dict(zip(dataset.cities.index, dataset.cities["name"]))
    return dataset.derived["city_names"]


def choices(dataset: Dataset) -> Choices:
    """The filter vocabularies present in ``dataset`` (plus every sector and status of the vocabulary), memoised."""
    if "choices" not in dataset.derived:
        dataset.derived["choices"] = _choices(dataset)
    return dataset.derived["choices"]


def _choices(dataset: Dataset) -> Choices:
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
        if normalise(name):  # a name with no Latin letters or digits has no key of its own
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
            key = normalise(value)
            hit = allowed.lookup[name].get(key) if key else None
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
class Codes:
    """Integer codes of the columns filters test, computed once per dataset."""

    sector: dict[str, int]
    sector_code: np.ndarray  # per project
    agency: dict[str, int]
    agency_code: np.ndarray
    status: dict[str, int]
    status_code: np.ndarray
    country: dict[str, int]
    pc_country_code: np.ndarray  # per project_countries row
    pc_pidx: np.ndarray
    pcity_pidx: np.ndarray  # per project_cities row
    pcity_cidx: np.ndarray
    link_pidx: np.ndarray
    city_pos: dict[str, int]


def codes(dataset: Dataset) -> Codes:
    """The dataset's filter codes (memoised on the dataset)."""
    memo = dataset.derived
    if "codes" not in memo:
        p = dataset.projects

        def coded(col: pd.Series) -> tuple[dict[str, int], np.ndarray]:
            cat = pd.Categorical(col)
            return {v: i for i, v in enumerate(cat.categories)}, np.asarray(cat.codes, dtype=np.int16)

        sector, sector_code = coded(p["sector"])
        agency, agency_code = coded(p["lead_agency"])
        status, status_code = coded(p["status"])
        country, pc_country_code = coded(dataset.project_countries["iso3"])
        memo["codes"] = Codes(
            sector, sector_code, agency, agency_code, status, status_code, country, pc_country_code,
            dataset.project_countries["pidx"].to_numpy(), dataset.project_cities["pidx"].to_numpy(),
            dataset.project_cities["cidx"].to_numpy(), dataset.links["pidx"].to_numpy(),
            {cid: i for i, cid in enumerate(dataset.cities.index)},
        )
    return memo["codes"]


@dataclass(frozen=True)
class View:
    """What the filters leave: projects, their pair links, and the cities to show with their project counts."""

    state: FilterState
    projects: pd.DataFrame
    links: pd.DataFrame
    city_counts: pd.Series  # city_id -> number of projects in view (0 for shown cities with none)
    mask: np.ndarray = field(repr=False, default=None)  # per project of the dataset: in view?


def _member(code: np.ndarray, table: dict[str, int], chosen: tuple[str, ...]) -> np.ndarray:
    return np.isin(code, [table[v] for v in chosen if v in table])


def _any_row(n: int, pidx: np.ndarray, hit: np.ndarray) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    out[pidx[hit]] = True
    return out


def apply(dataset: Dataset, state: FilterState) -> View:
    """Projects matching every selected filter (any value within one filter)."""
    c = codes(dataset)
    n = len(dataset.projects)
    mask = np.ones(n, dtype=bool)
    if state.sectors:
        mask &= _member(c.sector_code, c.sector, state.sectors)
    if state.agencies:
        mask &= _member(c.agency_code, c.agency, state.agencies)
    if state.statuses:
        mask &= _member(c.status_code, c.status, state.statuses)
    if state.countries:
        mask &= _any_row(n, c.pc_pidx, _member(c.pc_country_code, c.country, state.countries))
    if state.city:
        mask &= _any_row(n, c.pcity_pidx, c.pcity_cidx == c.city_pos.get(state.city, -1))
    projects = dataset.projects[mask]
    links = dataset.links[mask[c.link_pidx]]
    cities = dataset.cities
    per_city = np.bincount(c.pcity_cidx[mask[c.pcity_pidx]], minlength=len(cities))
    shown = per_city > 0
    if not (state.sectors or state.agencies or state.statuses or state.city):
        # no project-level filter: every city (of the chosen countries) shows, with or without projects
        shown |= cities["iso3"].isin(state.countries).to_numpy() if state.countries else True
    counts = pd.Series(per_city[shown].astype(np.int32), index=cities.index[shown])
    return View(state=state, projects=projects, links=links, city_counts=counts, mask=mask)
