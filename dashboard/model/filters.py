"""The filters, defined once in `FILTERS` (URL parameter, state field, label, CLI help), and the pure functions
that read, write, describe and apply a `FilterState`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, quote, urlencode

import numpy as np
import pandas as pd

from dashboard.data.gazetteer import normalise
from dashboard.model.dataset import Dataset, Index
from dashboard.model.search import words

#: most values one list filter takes (the data has far fewer; anything longer is not a real selection)
MAX_VALUES = 200


@dataclass(frozen=True)
class Filter:
    """One filter: how a link, the state, a title and the command line name it."""

    #: URL parameter, CLI option (``--sector``) and key of `Choices`
    param: str
    #: the `FilterState` field holding the selection
    field: str
    #: how titles and descriptions name it
    label: str
    #: several values (a tuple) or one (a str or None)
    many: bool
    #: values kept in the vocabulary's order (stable URLs and legends) rather than in the order picked
    ordered: bool
    #: the CLI's help for the option
    help: str
    #: it narrows the data (False: it only frames the map, and titles leave it out)
    narrows: bool = True
    #: what its control shows when it is off
    blank: object = None
    #: "choice": a value of the data (`Index.choices`); "text": any words (the search)
    kind: str = "choice"


#: every filter, in the order URLs, titles and file names list them (`FILTER` finds one by its URL parameter)
FILTERS: tuple[Filter, ...] = (
    Filter("sector", "sectors", "Sector", True, True, "a sector, e.g. Water (repeat or comma-separate for several)"),
    Filter("country", "countries", "Country", True, False, "a country, by ISO code or name, e.g. THA or Thailand"),
    Filter("agency", "agencies", "Agency", True, False, "a lead agency, e.g. 'Department of State'"),
    Filter("status", "statuses", "Status", True, True, "a status: planned, announced, active or completed"),
    Filter("kind", "kinds", "Kind", True, True, "a kind of activity: project, programme, event, exchange or training"),
    Filter("from", "year_from", "From", False, False, "the first year of announcement to include, e.g. 2020"),
    Filter("to", "year_to", "To", False, False, "the last year of announcement to include, e.g. 2021"),
    Filter("q", "query", "Search", False, False, "words to find in titles, descriptions, programmes, partners and "
           "city names, e.g. 'bike lanes' (case and accents ignored)", blank="", kind="text"),
    Filter("city", "city", "City", False, False, "one city, by id or name, e.g. phuket"),
    Filter("view", "view", "Map view", False, False, "the map's frame: pacific, asean or us (default: fit the selection)",
           narrows=False, blank=""),
)


FILTER: dict[str, Filter] = {f.param: f for f in FILTERS}


@dataclass(frozen=True)
class FilterState:
    """What is selected. Empty tuples mean "no filter"; ``city`` is one city_id or None."""

    sectors: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    #: kinds of activity (`dashboard.vocab.KINDS`)
    kinds: tuple[str, ...] = ()
    #: announced in or after this year ('2020'), and in or before this one
    year_from: str | None = None
    year_to: str | None = None
    #: words the projects' texts must hold (`dashboard.model.search`)
    query: str | None = None
    city: str | None = None
    #: the map's frame ('pacific', 'asean', 'us'), or None to fit what the filters leave
    view: str | None = None

    def values(self, f: Filter) -> tuple[str, ...]:
        """The values selected for filter ``f``, as a tuple (empty when it is off)."""
        value = getattr(self, f.field)
        return value if f.many else ((value,) if value else ())

    def without_city(self) -> FilterState:
        return replace(self, city=None)

    def with_city(self, city: str | None) -> FilterState:
        return replace(self, city=city)

    def years(self) -> str:
        """The year range in words: '2020–2021', '2020', 'from 2020', 'to 2021' ('' when it is off)."""
        a, b = self.year_from, self.year_to
        if a and b:
            return a if a == b else f"{a}–{b}"
        return f"from {a}" if a else f"to {b}" if b else ""

    def describe(self, index: Index) -> str:
        """Plain words for the filters in force, e.g. 'Sector: Water · Years: 2020–2021 · Search: “bike”'."""
        parts: list[str] = []
        for f in FILTERS:
            if not f.narrows or not self.values(f):
                continue
            if f.param in ("from", "to"):
                part = f"Years: {self.years()}"
                if part not in parts:
                    parts.append(part)
            elif f.kind == "text":
                parts.append(f"{f.label}: “{self.query}”")
            else:
                parts.append(f"{f.label}: " + ", ".join(index.display(f.param, v) for v in self.values(f)))
        return " · ".join(parts) if parts else "All activities"


@dataclass(frozen=True)
class Ignored:
    """A link value that matched nothing in the data (or ``more`` values past `MAX_VALUES`)."""

    param: str
    value: str
    more: int = 0

    def __str__(self) -> str:
        return f"{self.more} more {self.param} values" if self.more else f"{self.param} {self.value[:60]!r}"


def _state(picked: dict[str, list[str]]) -> FilterState:
    state = FilterState(**{f.field: tuple(picked.get(f.param, ())) if f.many
                           else next(iter(picked.get(f.param, ())), None) for f in FILTERS})
    if state.year_from and state.year_to and state.year_from > state.year_to:  # a range given backwards
        state = replace(state, year_from=state.year_to, year_to=state.year_from)
    return state


#: most characters a search keeps
MAX_QUERY = 200


def _text(value: object) -> str | None:
    """A search as typed, spaces tidied (None when it holds no word)."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())[:MAX_QUERY].strip()
    return text if words(text) else None


def parse_query(search: str | None, index: Index) -> tuple[FilterState, list[Ignored]]:
    """The one reader of a query string such as ``?sector=water,transportation&country=THA``.

    Values are comma-separated and case-insensitive; a country may be named or given by
    ISO code, a city by id or name. Returns the validated state and a notice for each value
    that matched nothing.
    """
    if not isinstance(search, str):
        return FilterState(), []
    params = parse_qs(search.lstrip("?"), keep_blank_values=False)
    ignored: list[Ignored] = []
    picked: dict[str, list[str]] = {}
    for f in FILTERS:
        if f.kind == "text":
            text = _text(" ".join(params.get(f.param, [])))
            picked[f.param] = [text] if text else []
            continue
        values = [v.strip() for raw in params.get(f.param, []) for v in raw.split(",") if v.strip()]
        out: list[str] = []
        for value in values[:MAX_VALUES]:
            key = normalise(value)
            hit = index.choices.lookup[f.param].get(key) if key else None
            if hit is None:
                ignored.append(Ignored(f.param, value))
            elif hit not in out:
                out.append(hit)
        if len(values) > MAX_VALUES:
            ignored.append(Ignored(f.param, "", more=len(values) - MAX_VALUES))
        picked[f.param] = _in_order(f, out, index)
    return _state(picked), ignored


def _in_order(f: Filter, picked: list[str], index: Index) -> list[str]:
    if not f.ordered:
        return picked
    chosen = set(picked)
    return [v for v in index.choices.values[f.param] if v in chosen]


def from_controls(values: dict[str, object], index: Index) -> FilterState:
    """The state the controls show (``values`` keyed by URL parameter); anything not in the data is dropped."""
    picked: dict[str, list[str]] = {}
    for f in FILTERS:
        raw = values.get(f.param)
        if f.kind == "text":
            text = _text(raw)
            picked[f.param] = [text] if text else []
            continue
        if isinstance(raw, (str, int)) and not isinstance(raw, bool):
            raw = [str(raw)]
        if not isinstance(raw, (list, tuple)):
            continue
        valid = index.choices.values[f.param]
        lookup = set(valid)
        out: list[str] = []
        for v in raw[:MAX_VALUES]:
            if isinstance(v, str) and v in lookup and v not in out:
                out.append(v)
        picked[f.param] = _in_order(f, out, index)
    return _state(picked)


def clicked(state: FilterState, param: str, value: object, index: Index) -> FilterState:
    """The state after a click on a chart's bar standing for ``value`` of filter ``param`` ('year': the year
    range): that value alone, or the filter off when it was already the only value (a second click clears it).
    Anything not in the data leaves the state as it is."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == int(value):
        value = str(int(value))
    if not isinstance(value, str):
        return state
    if param == "year":
        if value not in index.choices.values["from"]:
            return state
        if state.year_from == value and state.year_to == value:
            return replace(state, year_from=None, year_to=None)
        return replace(state, year_from=value, year_to=value)
    f = FILTER.get(param)
    if f is None or not f.many or value not in index.choices.values[param]:
        return state
    return replace(state, **{f.field: () if state.values(f) == (value,) else (value,)})


def control_values(state: FilterState) -> dict[str, object]:
    """What each control shows for ``state``, keyed by URL parameter (lists, or one value or None)."""
    return {f.param: list(state.values(f)) if f.many else (getattr(state, f.field) or f.blank) for f in FILTERS}


def to_query(state: FilterState) -> str:
    """The query string for ``state`` ('' when nothing is selected), readable in the address bar."""
    pairs = [(f.param, ",".join(state.values(f))) for f in FILTERS]
    query = urlencode([(k, v) for k, v in pairs if v], quote_via=quote, safe=",")
    return f"?{query}" if query else ""


def file_tag(state: FilterState, limit: int = 60) -> str:
    """A file-name-safe summary of the filters, e.g. 'water-tha' ('' when nothing is selected)."""
    parts = [v for f in FILTERS for v in state.values(f)]
    text = re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")
    return text[:limit].rstrip("-")


# ---------------------------------------------------------------- applying a state


@dataclass(frozen=True)
class Selection:
    """What the filters leave: projects, their pair links, and the cities to show with their project counts."""

    state: FilterState
    projects: pd.DataFrame
    links: pd.DataFrame
    city_counts: pd.Series  # city_id -> number of projects selected (0 for shown cities with none)
    mask: np.ndarray = field(repr=False, default=None)  # per project of the dataset: selected?

    def reordered(self, projects: pd.DataFrame) -> Selection:
        """The same selection with its projects in another order (the table's sort)."""
        return replace(self, projects=projects)


def _member(code: np.ndarray, table: dict[str, int], chosen: tuple[str, ...]) -> np.ndarray:
    return np.isin(code, [table[v] for v in chosen if v in table])


def _any_row(n: int, pidx: np.ndarray, hit: np.ndarray) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    out[pidx[hit]] = True
    return out


def apply(dataset: Dataset, state: FilterState) -> Selection:
    """Projects matching every selected filter (any value within one filter)."""
    c = dataset.index.codes
    n = len(dataset.projects)
    mask = np.ones(n, dtype=bool)
    if state.sectors:
        mask &= _member(c.sector_code, c.sector, state.sectors)
    if state.agencies:
        mask &= _member(c.agency_code, c.agency, state.agencies)
    if state.statuses:
        mask &= _member(c.status_code, c.status, state.statuses)
    if state.kinds:
        mask &= _member(c.kind_code, c.kind, state.kinds)
    if state.countries:
        mask &= _any_row(n, c.pc_pidx, _member(c.pc_country_code, c.country, state.countries))
    if state.year_from:
        mask &= c.year >= int(state.year_from)
    if state.year_to:
        mask &= c.year <= int(state.year_to)
    if state.query:
        mask &= dataset.index.search.match(state.query)
    if state.city:
        mask &= _any_row(n, c.pcity_pidx, c.pcity_cidx == c.city_pos.get(state.city, -1))
    projects = dataset.projects[mask]
    links = dataset.links[mask[c.link_pidx]]
    cities = dataset.cities
    per_city = np.bincount(c.pcity_cidx[mask[c.pcity_pidx]], minlength=len(cities))
    shown = per_city > 0
    if not any(state.values(f) for f in FILTERS if f.narrows and f.param != "country"):
        # no project-level filter: every city (of the chosen countries) shows, with or without projects
        shown |= cities["iso3"].isin(state.countries).to_numpy() if state.countries else True
    counts = pd.Series(per_city[shown].astype(np.int32), index=cities.index[shown])
    return Selection(state=state, projects=projects, links=links, city_counts=counts, mask=mask)


def country_counts(dataset: Dataset, selection: Selection) -> pd.Series:
    """Projects selected per country (ISO3), most first."""
    c = dataset.index.codes
    hits = np.bincount(c.pc_country_code[selection.mask[c.pc_pidx]], minlength=len(c.country))
    counts = pd.Series(hits, index=np.array(list(c.country), dtype=object))
    return counts[counts > 0].sort_values(ascending=False, kind="stable")


@dataclass(frozen=True)
class Scope:
    """A state applied twice: the city narrows the numbers, charts and table, while the map keeps every
    city pair of the other filters and highlights the city's."""

    state: FilterState
    #: every filter, the city included
    selection: Selection
    #: every filter but the city
    map_selection: Selection


def select(dataset: Dataset, state: FilterState) -> Scope:
    """The `Scope` of ``state``."""
    selection = apply(dataset, state)
    return Scope(state, selection, apply(dataset, state.without_city()) if state.city else selection)
