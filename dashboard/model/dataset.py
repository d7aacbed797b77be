"""The validated, immutable `Dataset` and its typed `Index` (codes, names, filter choices, search keys), built once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dashboard.model.about import About
from dashboard.model.search import TextSearch

if TYPE_CHECKING:  # the data layer builds the frames; the model only reads them
    import geopandas as gpd

    from dashboard.data.issues import DataIssue


@dataclass(frozen=True)
class Choices:
    """The values each filter allows, from the data, and the ways a link may spell them.

    ``values`` and ``lookup`` are keyed by the filter's URL parameter (see `dashboard.model.filters.FILTERS`);
    ``lookup[param]`` maps a normalised spelling to the value.
    """

    values: dict[str, tuple[str, ...]]
    lookup: dict[str, dict[str, str]] = field(repr=False)

    @property
    def sectors(self) -> tuple[str, ...]:
        return self.values["sector"]

    @property
    def countries(self) -> tuple[str, ...]:  # ISO3
        return self.values["country"]

    @property
    def agencies(self) -> tuple[str, ...]:
        return self.values["agency"]

    @property
    def statuses(self) -> tuple[str, ...]:
        return self.values["status"]

    @property
    def cities(self) -> tuple[str, ...]:
        return self.values["city"]


@dataclass(frozen=True)
class Codes:
    """Integer codes of the columns the filters test, so that filtering works on integer arrays."""

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
    #: per project: the year it was announced
    year: np.ndarray
    kind: dict[str, int]
    kind_code: np.ndarray


@dataclass(frozen=True)
class Index:
    """Everything derived from a dataset's frames that more than one consumer reads, built with the dataset."""

    choices: Choices
    codes: Codes
    #: city_id -> the city's name
    city_names: dict[str, str]
    #: ISO3 -> the name the dashboard shows, for every country the gazetteer knows
    country_names: dict[str, str]
    #: (normalised name, city_id) per city, in the cities' order: the city search's keys
    city_keys: tuple[tuple[str, str], ...]
    #: '<b>Name</b><br>Country' per city (escaped), in the cities' order: the map's hover text
    city_hover: np.ndarray = field(repr=False)
    #: the project search (titles, descriptions, programmes, partners, city names)
    search: TextSearch = field(repr=False, default=None)
    #: the newest date ('YYYY-MM-DD' or 'YYYY-MM') that a project's source document carries, if any
    newest_source: str | None = None

    def display(self, param: str, value: str) -> str:
        """How a filter value reads in titles: a country's or city's name, other values as they are."""
        if param == "country":
            return self.country_names.get(value, value)
        if param == "city":
            return self.city_names.get(value, value)
        return value


@dataclass(frozen=True, eq=False)
class Dataset:
    """The validated partnership data, joined once. Treat every frame as read-only.

    Attributes
    ----------
    cities : GeoDataFrame indexed by ``city_id`` (name, country, iso3, region,
        ascn_pilot, admin1, lon, lat, geometry).
    projects : DataFrame indexed by ``project_id``; list columns hold tuples;
        ``countries`` is the union of the cities' countries and the listed ones;
        ``scope`` is "pair", "city", "country" or "region".
    links : one row per project and (ASEAN city, U.S. city) pair, with both ends' coordinates.
    project_cities : one row per project and city it names, either side.
    project_countries : one row per project and country (ISO3) it concerns.
    index : the typed index built with the frames (codes, names, choices, search keys).
    The three link tables carry ``pidx`` (the project's row position) and, where they
    name cities, their row positions in ``cities`` (``cidx``, ``aidx``, ``uidx``), so
    filters work on integer arrays.

    Build one with `dashboard.data` (``load_dataset``, ``make_dataset``, ``build_dataset``), which
    builds the index from the frames; ``dataclasses.replace`` on a frame would leave a stale index.
    """

    cities: gpd.GeoDataFrame
    projects: pd.DataFrame
    links: pd.DataFrame
    project_cities: pd.DataFrame
    project_countries: pd.DataFrame
    index: Index = field(repr=False)
    warnings: tuple[DataIssue, ...] = ()
    #: file name -> SHA-256 of the file it was read from (empty for a dataset built in memory)
    files: dict[str, str] = field(default_factory=dict)
    #: when the newer of its two files was last changed (UTC date, 'YYYY-MM-DD'), as loaded; None in memory
    changed_on: str | None = None
    #: the sourced statements about the partnership (data/about.json), if the folder has them
    about: About | None = None

    def as_of(self) -> str:
        """What the data's date is, in words: 'Data as of 2026-12-02 (when its files last changed); newest source
        document dated 2024-09-17' ('' when neither is known)."""
        parts = []
        if self.changed_on:
            parts.append(f"Data as of {self.changed_on} (when its files last changed)")
        if self.index.newest_source:
            parts.append(f"newest source document dated {self.index.newest_source}")
        text = "; ".join(parts)
        return text[:1].upper() + text[1:]

    def counts(self) -> dict[str, int]:
        """Headline counts, as `validate` prints them."""
        pairs = self.links[["asean_city_id", "us_city_id"]].drop_duplicates()
        return {
            "cities": len(self.cities),
            "ascn_pilot_cities": int(self.cities["ascn_pilot"].sum()),
            "activities": len(self.projects),
            "city_pairs": len(pairs),
            "sectors": int(self.projects["sector"].nunique()),
            "countries": len({c for cs in self.projects["countries"] for c in cs} | set(self.cities["iso3"])),
        }
