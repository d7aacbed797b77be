"""Read, validate and join the data files into one immutable `Dataset` — all or nothing.

Every problem in either file is collected, located (file, line, column, value, hint)
and raised together as one `DataError`; warnings (e.g. text a spreadsheet would run
as a formula) ride along on the dataset.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import hashlib
import io
import json
import math
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard import DEFAULT_DATA_DIR
from dashboard.data import _locate
from dashboard.data.gazetteer import load_countries, normalise
from dashboard.data.issues import DataError, DataIssue
from dashboard.vocab import (
    CITY_PROPERTIES, FORMULA_PREFIXES, LIST_SEPARATOR, PROJECT_COLUMNS,
    PROJECT_REQUIRED_CELLS, PROJECT_TEXT_COLUMNS, REGIONS, SECTORS, STATUSES,
)

CITIES_FILE = "cities.geojson"
PROJECTS_FILE = "projects.csv"
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
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
    The three link tables carry ``pidx`` (the project's row position) and, where they
    name cities, their row positions in ``cities`` (``cidx``, ``aidx``, ``uidx``), so
    filters work on integer arrays.
    """

    cities: gpd.GeoDataFrame
    projects: pd.DataFrame
    links: pd.DataFrame
    project_cities: pd.DataFrame
    project_countries: pd.DataFrame
    warnings: tuple[DataIssue, ...] = ()
    files: dict[str, str] = field(default_factory=dict)
    #: memo of values derived from the frames (codes, labels), filled on first use by their owners
    derived: dict = field(default_factory=dict, compare=False, repr=False)

    def counts(self) -> dict[str, int]:
        """Headline counts, as `validate` prints them."""
        pairs = self.links[["asean_city_id", "us_city_id"]].drop_duplicates()
        return {
            "cities": len(self.cities),
            "ascn_pilot_cities": int(self.cities["ascn_pilot"].sum()),
            "projects": len(self.projects),
            "city_pairs": len(pairs),
            "sectors": int(self.projects["sector"].nunique()),
            "countries": len({c for cs in self.projects["countries"] for c in cs} | set(self.cities["iso3"])),
        }


# ---------------------------------------------------------------- reading


def _read_text(path: Path, issues: list[DataIssue]) -> str | None:
    label = path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        issues.append(DataIssue(label, 1, 1, f"file not found in {path.parent}", hint="pass --data-dir with a folder holding cities.geojson and projects.csv"))
        return None
    except OSError as exc:
        issues.append(DataIssue(label, 1, 1, f"cannot read the file: {exc.strerror or exc}", hint="check its permissions"))
        return None
    if raw.startswith(codecs.BOM_UTF8):  # Excel's "CSV UTF-8" writes one; harmless
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        utf16 = raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        hint = (
            "the file is UTF-16; save it as UTF-8" if utf16
            else "save the file as UTF-8 (in Excel: 'CSV UTF-8 (Comma delimited)'; it looks like Windows-1252 or Latin-1)"
        )
        issues.append(DataIssue(label, line, col, "the file is not UTF-8 text", raw[exc.start:exc.start + 4], hint))
        return None


def _suggest(value: str, choices: list[str] | tuple[str, ...]) -> str:
    """A hint naming the closest valid value, or listing them all."""
    key = normalise(value)
    for c in choices:
        if normalise(c) == key:
            return f"did you mean {c!r}?"
    close = difflib.get_close_matches(value.strip(), list(choices), n=1, cutoff=0.6)
    if not close:
        lowered = {c.casefold(): c for c in choices}
        close = [lowered[m] for m in difflib.get_close_matches(value.strip().casefold(), list(lowered), n=1, cutoff=0.6)]
    if close:
        return f"did you mean {close[0]!r}?"
    shown = ", ".join(repr(c) for c in list(choices)[:12])
    return f"use one of {shown}{', ...' if len(choices) > 12 else ''}"


def _formula_warning(label: str, line: int, col: int, column: str, text: str) -> DataIssue | None:
    if text.startswith(FORMULA_PREFIXES):
        return DataIssue(label, line, col, f"{column}: text starts with {text[0]!r}", text,
                         "allowed, but a spreadsheet would run it as a formula; exports neutralise it", "warning")
    return None


# ---------------------------------------------------------------- cities


def _check_cities(text: str, label: str, issues: list[DataIssue]) -> list[dict]:
    pending: list[tuple[tuple, str, object, str, str]] = []  # (json path, message, value, hint, severity)

    def err(path: tuple, message: str, value: object = None, hint: str = "", severity: str = "error") -> None:
        pending.append((path, message, value, hint, severity))

    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        issues.append(DataIssue(label, exc.lineno, exc.colno, f"not valid JSON: {exc.msg}", hint="check for a missing comma, quote or bracket just before this point"))
        return []
    except (ValueError, RecursionError) as exc:  # e.g. a number thousands of digits long
        issues.append(DataIssue(label, 1, 1, f"not valid JSON: {exc}"))
        return []
    records: list[dict] = []
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        got = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        err(("type",), "not a GeoJSON FeatureCollection", got, 'the file must be {"type": "FeatureCollection", "features": [...]}')
    elif not isinstance(doc.get("features"), list):
        err(("features",), "'features' must be a list of Point features", type(doc.get("features")).__name__)
    else:
        countries = load_countries()
        seen: dict[str, int] = {}
        for i, feat in enumerate(doc["features"]):
            rec = _check_city(i, feat, countries, seen, err)
            if rec is not None:
                records.append(rec)
    for path, message, value, hint, severity in pending:
        line, col = _locate.locate(text, path)
        issues.append(DataIssue(label, line, col, message, value, hint, severity))
    return records


def _check_city(i: int, feat: object, countries: dict, seen: dict[str, int], err) -> dict | None:
    base = ("features", i)
    if not isinstance(feat, dict) or feat.get("type") != "Feature":
        err(base, f"feature {i + 1} is not a GeoJSON Feature", feat.get("type") if isinstance(feat, dict) else feat,
            '{"type": "Feature", "geometry": {...}, "properties": {...}}')
        return None
    ok = True
    props = feat.get("properties")
    if not isinstance(props, dict):
        err(base + ("properties",), "feature has no properties object", props)
        return None
    where = lambda key: base + ("properties", key)  # noqa: E731
    for key in CITY_PROPERTIES:
        if key not in props and key != "admin1":
            err(base + ("properties",), f"missing property {key!r}", None, f"every city needs {', '.join(CITY_PROPERTIES[:-1])}")
            ok = False
    city_id = props.get("city_id")
    if "city_id" in props:
        if not isinstance(city_id, str) or not _SLUG.match(city_id):
            slug = re.sub(r"[^a-z0-9]+", "-", normalise_keep_spaces(str(city_id))).strip("-")
            err(where("city_id"), "city_id must be a lowercase slug", city_id, f"e.g. {slug!r}")
            ok = False
        elif city_id in seen:
            err(where("city_id"), "duplicate city_id", city_id, f"feature {seen[city_id] + 1} already uses it; ids must be unique")
            ok = False
        else:
            seen[city_id] = i
    name = props.get("name")
    if "name" in props and (not isinstance(name, str) or not name.strip()):
        err(where("name"), "name must be non-empty text", name)
        ok = False
    iso3 = props.get("iso3")
    if "iso3" in props and (not isinstance(iso3, str) or iso3 not in countries):
        err(where("iso3"), "unknown ISO3 country code", iso3,
            _suggest(str(iso3), _country_choices(countries, iso3)) if isinstance(iso3, str) else "write a code like 'THA'")
        ok = False
        iso3 = None
    country = props.get("country")
    if iso3 and "country" in props:
        names = [countries[iso3]["name"], *countries[iso3]["aliases"]]
        if not isinstance(country, str) or normalise(country) not in {normalise(n) for n in names}:
            err(where("country"), f"country does not match iso3 {iso3!r}", country, f"write {countries[iso3]['name']!r}")
            ok = False
    region = props.get("region")
    if "region" in props:
        expected = "ASEAN" if iso3 and countries[iso3]["asean"] else ("US" if iso3 == "USA" else None)
        if region not in REGIONS:
            err(where("region"), "unknown region", region, _suggest(str(region), REGIONS))
            ok = False
        elif iso3 and expected is None:
            err(where("iso3"), "only ASEAN members and the United States belong on this map", iso3)
            ok = False
        elif iso3 and region != expected:
            err(where("region"), f"region does not match iso3 {iso3!r}", region, f"{iso3} is in region {expected!r}")
            ok = False
    pilot = props.get("ascn_pilot")
    if "ascn_pilot" in props and not isinstance(pilot, bool):
        err(where("ascn_pilot"), "ascn_pilot must be true or false", pilot, "write true or false, without quotes")
        ok = False
    if pilot is True and region == "US":
        err(where("ascn_pilot"), "a U.S. city cannot be an ASEAN Smart Cities Network pilot", pilot)
        ok = False
    admin1 = props.get("admin1", "")
    if admin1 is None:
        admin1 = ""
    if not isinstance(admin1, str):
        err(where("admin1"), "admin1 must be text (it may be empty)", admin1)
        ok = False
    for key in ("name", "admin1"):
        val = props.get(key)
        if isinstance(val, str) and val.startswith(FORMULA_PREFIXES):
            err(where(key), f"{key}: text starts with {val[0]!r}", val,
                "allowed, but a spreadsheet would run it as a formula; exports neutralise it", "warning")
    lon_lat = _check_point(feat.get("geometry"), base, iso3, countries, err)
    if lon_lat is None or not ok:
        return None
    rec = {k: v for k, v in props.items() if k not in ("lon", "lat", "geometry")}
    rec.update(admin1=admin1, lon=lon_lat[0], lat=lon_lat[1])
    return rec


def normalise_keep_spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().casefold())


def _country_choices(countries: dict, value: object) -> list[str]:
    if isinstance(value, str):
        iso2 = {normalise(v["iso2"]): k for k, v in countries.items()}
        names = {normalise(v["name"]): k for k, v in countries.items()}
        for table in (iso2, names):
            if normalise(value) in table:
                return [table[normalise(value)]]
    return sorted(countries)


def _in_box(lat: float, lon: float, box: list[float]) -> bool:
    s, w, n, e = box
    return s <= lat <= n and w <= lon <= e


def _check_point(geom: object, base: tuple, iso3: str | None, countries: dict, err) -> tuple[float, float] | None:
    gpath = base + ("geometry",)
    if not isinstance(geom, dict) or geom.get("type") != "Point":
        got = geom.get("type") if isinstance(geom, dict) else geom
        err(gpath, "geometry must be a Point", got, 'each city is one point: {"type": "Point", "coordinates": [lon, lat]}')
        return None
    coords = geom.get("coordinates")
    cpath = gpath + ("coordinates",)
    if (not isinstance(coords, list) or len(coords) not in (2, 3)
            or not all(isinstance(c, (int, float)) and not isinstance(c, bool) and abs(c) < 1e6 and math.isfinite(c)
                       for c in coords)):
        err(cpath, "coordinates must be [longitude, latitude] numbers", coords, "e.g. [98.3981, 7.89059]")
        return None
    lon, lat = float(coords[0]), float(coords[1])
    box = countries.get(iso3, {}).get("bbox") if iso3 else None
    swapped_fits = box is not None and _in_box(lon, lat, box)
    swap_hint = "it looks like [latitude, longitude]; GeoJSON wants [longitude, latitude]"
    if not -90 <= lat <= 90:
        err(cpath, "latitude out of range -90..90", lat, swap_hint if swapped_fits else "coordinates are [longitude, latitude]")
        return None
    if not -180 <= lon <= 180:
        err(cpath, "longitude out of range -180..180", lon, swap_hint if swapped_fits else "coordinates are [longitude, latitude]")
        return None
    if box is not None and not _in_box(lat, lon, box):
        if swapped_fits:
            err(cpath, "latitude and longitude are swapped", coords, swap_hint)
        else:
            err(cpath, f"point is outside {countries[iso3]['name']} ({iso3})", coords,
                f"{iso3} spans latitude {box[0]}..{box[2]}, longitude {box[1]}..{box[3]}; geocode the city with `python -m dashboard geocode`")
        return None
    return lon, lat


# ---------------------------------------------------------------- projects


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(LIST_SEPARATOR) if part.strip()]


def _parse_date(text: str) -> date | None:
    m = _DATE.match(text.strip())
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def _check_projects(text: str, label: str, cities: dict[str, dict], issues: list[DataIssue]) -> list[dict]:
    countries = load_countries()
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    header_line = 1
    last_line = 0
    records: list[dict] = []
    seen: dict[str, int] = {}

    def add(line: int, col: int, message: str, value: object = None, hint: str = "", severity: str = "error") -> None:
        issues.append(DataIssue(label, line, col, message, value, hint, severity))

    try:
        rows = list(_rows_with_lines(reader))
    except csv.Error as exc:
        add(reader.line_num, 1, f"not valid CSV: {exc}", hint="check for an unclosed quote")
        return []
    for start_line, row in rows:
        if header is None:
            header = [h.strip() for h in row]
            header_line = start_line
            missing = [c for c in PROJECT_COLUMNS if c not in header]
            for c in missing:
                add(header_line, len(header) + 1, f"missing column {c!r}", None, f"the header must name {', '.join(PROJECT_COLUMNS)}")
            if missing:
                return []
            continue
        last_line = start_line
        if len(row) != len(header):
            add(start_line, min(len(row), len(header)) + 1,
                f"row has {len(row)} cells, the header has {len(header)}", None,
                "quote cells that contain commas, e.g. \"Boston, MA\"")
            continue
        cells = dict(zip(header, row))
        col = {name: header.index(name) + 1 for name in header}
        rec = _check_project(start_line, cells, col, cities, countries, seen, add, label)
        if rec is not None:
            records.append(rec)
    if header is None:
        add(1, 1, "the file is empty", None, f"the first line must be the header: {','.join(PROJECT_COLUMNS)}")
    elif not records and last_line == 0:
        add(header_line, 1, "no projects: the file has a header but no rows")
    return records


def _rows_with_lines(reader):
    """Yield (first line of the record, cells), skipping blank lines."""
    prev = 0
    for row in reader:
        start = prev + 1
        prev = reader.line_num
        if not row or all(not c.strip() for c in row):
            continue
        yield start, row


def _check_project(line: int, cells: dict[str, str], col: dict[str, int], cities: dict[str, dict],
                   countries: dict, seen: dict[str, int], add, label: str) -> dict | None:
    ok = True
    for name in PROJECT_REQUIRED_CELLS:
        if not cells[name].strip():
            add(line, col[name], f"{name}: empty cell", cells[name], "this column is required")
            ok = False
    pid = cells["project_id"].strip()
    if pid:
        if pid in seen:
            add(line, col["project_id"], "duplicate project_id", pid, f"line {seen[pid]} already uses it; ids must be unique")
            ok = False
        else:
            seen[pid] = line
    if "," in cells["lead_agency"]:
        add(line, col["lead_agency"], "lead_agency: no commas", cells["lead_agency"],
            "links list agencies separated by commas; write e.g. 'Department of State (Bureau X)'")
        ok = False
    sector = cells["sector"]
    if sector.strip() and sector not in SECTORS:
        add(line, col["sector"], "unknown sector", sector, _suggest(sector, SECTORS))
        ok = False
    status = cells["status"]
    if status.strip() and status not in STATUSES:
        add(line, col["status"], "unknown status", status, _suggest(status, STATUSES))
        ok = False
    announced = cells["announced"].strip()
    when = _parse_date(announced) if announced else None
    if announced and when is None:
        add(line, col["announced"], "announced: not a date", cells["announced"], "write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2020-01-13")
        ok = False
    sides: dict[str, list[str]] = {}
    for column, region in (("asean_city_ids", "ASEAN"), ("us_city_ids", "US")):
        ids = _split(cells[column])
        sides[column] = ids
        for cid in ids:
            if cid not in cities:
                add(line, col[column], "unknown city_id", cid, _suggest_city(cid, cities))
                ok = False
            elif cities[cid]["region"] != region and cid not in _split(cells["asean_city_ids" if region == "US" else "us_city_ids"]):
                other = "us_city_ids" if region == "ASEAN" else "asean_city_ids"
                add(line, col[column], f"{cid!r} is a{'n' if cities[cid]['region'] == 'ASEAN' else ''} {cities[cid]['region']} city", cid, f"move it to {other}")
                ok = False
        dupes = sorted({c for c in ids if ids.count(c) > 1})
        for cid in dupes:
            add(line, col[column], "city listed twice", cid, "list each city once")
            ok = False
    for cid in sorted(set(sides["asean_city_ids"]) & set(sides["us_city_ids"])):
        add(line, col["us_city_ids"], "self-pair: the same city is on both sides", cid, "a pair joins an ASEAN city and a different U.S. city")
        ok = False
    listed = []
    for code in _split(cells["countries"]):
        if code not in countries:
            add(line, col["countries"], "unknown country code", code, _suggest(code, _country_choices(countries, code)))
            ok = False
        else:
            listed.append(code)
    for name in PROJECT_TEXT_COLUMNS:
        w = _formula_warning(label, line, col[name], name, cells[name])
        if w:
            add(w.line, w.column, w.message, w.value, w.hint, w.severity)
    if not ok:
        return None
    asean, us = tuple(sides["asean_city_ids"]), tuple(sides["us_city_ids"])
    derived = [cities[c]["iso3"] for c in asean + us] + listed
    all_countries = tuple(dict.fromkeys(derived))
    scope = "pair" if asean and us else "city" if asean or us else "country" if listed else "region"
    rec = {k: v.strip() for k, v in cells.items() if k in PROJECT_COLUMNS}
    rec.update(asean_city_ids=asean, us_city_ids=us, countries=all_countries, listed_countries=tuple(listed),
               announced_date=pd.Timestamp(when), scope=scope, line=line)
    return rec


def _suggest_city(cid: str, cities: dict[str, dict]) -> str:
    by_name = {normalise(c["name"]): k for k, c in cities.items()}
    if normalise(cid) in by_name:
        return f"did you mean {by_name[normalise(cid)]!r}?"
    return _suggest(cid, sorted(cities))


# ---------------------------------------------------------------- joining


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def build_dataset(city_records: list[dict], project_records: list[dict], warnings=(), files=None) -> Dataset:
    """Join validated records into a `Dataset` (also used by tests and the synthetic generator)."""
    cities = pd.DataFrame.from_records(city_records, columns=None if city_records else [*CITY_PROPERTIES, "lon", "lat"])
    cities["ascn_pilot"] = cities["ascn_pilot"].astype(bool)
    cities[["lon", "lat"]] = cities[["lon", "lat"]].astype(float)
    cities = gpd.GeoDataFrame(cities, geometry=gpd.points_from_xy(cities["lon"], cities["lat"]), crs="EPSG:4326")
    cities = cities.set_index("city_id", drop=False)
    cities.index.name = None
    projects = pd.DataFrame.from_records(project_records, columns=None if project_records else [
        *PROJECT_COLUMNS, "listed_countries", "announced_date", "scope", "line"])
    projects["announced_date"] = pd.to_datetime(projects["announced_date"])
    projects = projects.set_index("project_id", drop=False)
    projects.index.name = None
    pos = {cid: i for i, cid in enumerate(cities.index)}
    lon, lat = cities["lon"].to_numpy(), cities["lat"].to_numpy()
    pair_rows, pc_rows = [], []
    for i, p in enumerate(projects.itertuples(index=False)):
        for a in p.asean_city_ids:
            pc_rows.append((p.project_id, a, "ASEAN", i, pos[a]))
            for u in p.us_city_ids:
                pair_rows.append((p.project_id, p.sector, a, u, i, pos[a], pos[u]))
        for u in p.us_city_ids:
            pc_rows.append((p.project_id, u, "US", i, pos[u]))
    links = pd.DataFrame(pair_rows, columns=["project_id", "sector", "asean_city_id", "us_city_id", "pidx", "aidx", "uidx"])
    links = links.astype({"pidx": np.int32, "aidx": np.int32, "uidx": np.int32,
                          "sector": pd.CategoricalDtype(SECTORS)})
    aidx, uidx = links["aidx"].to_numpy(), links["uidx"].to_numpy()
    links = links.assign(asean_lon=lon[aidx], asean_lat=lat[aidx], us_lon=lon[uidx], us_lat=lat[uidx])
    project_cities = pd.DataFrame(pc_rows, columns=["project_id", "city_id", "side", "pidx", "cidx"])
    project_cities = project_cities.astype({"pidx": np.int32, "cidx": np.int32})
    project_countries = projects[["project_id", "countries"]].assign(pidx=np.arange(len(projects), dtype=np.int32))
    project_countries = project_countries.explode("countries").dropna(subset=["countries"])
    project_countries = project_countries.rename(columns={"countries": "iso3"}).reset_index(drop=True)
    project_countries["pidx"] = project_countries["pidx"].astype(np.int32)
    return Dataset(cities=cities, projects=projects, links=links, project_cities=project_cities,
                   project_countries=project_countries,
                   warnings=tuple(warnings), files=dict(files or {}))


def empty_dataset() -> Dataset:
    """A dataset with no cities and no projects: what a server shows before any valid data exists."""
    return build_dataset([], [])


def load_dataset(data_dir: Path | str | None = None) -> Dataset:
    """Load and validate ``cities.geojson`` and ``projects.csv`` from ``data_dir``.

    Raises
    ------
    DataError
        listing every problem in either file; nothing is returned partially.
    """
    folder = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    issues: list[DataIssue] = []
    city_text = _read_text(folder / CITIES_FILE, issues)
    project_text = _read_text(folder / PROJECTS_FILE, issues)
    city_records = _check_cities(city_text, CITIES_FILE, issues) if city_text is not None else []
    cities = {r["city_id"]: r for r in city_records}
    city_errors = any(i.severity == "error" and i.file == CITIES_FILE for i in issues)
    if project_text is not None:
        if city_errors:
            # check projects against the ids that are there, so one bad city doesn't cascade
            _check_projects(project_text, PROJECTS_FILE, _loose_city_ids(city_text, cities), issues)
        else:
            project_records = _check_projects(project_text, PROJECTS_FILE, cities, issues)
    if any(i.severity == "error" for i in issues):
        raise DataError(issues)
    files = {name: _sha256(folder / name) for name in (CITIES_FILE, PROJECTS_FILE)}
    return build_dataset(city_records, project_records, [i for i in issues if i.severity != "error"], files)


def _loose_city_ids(text: str | None, valid: dict[str, dict]) -> dict[str, dict]:
    """Every city id the file names, even on features that failed, so project rows aren't blamed for them."""
    out = dict(valid)
    try:
        doc = json.loads(text or "")
        for f in doc.get("features", []):
            p = f.get("properties") or {}
            cid, region = p.get("city_id"), p.get("region")
            if isinstance(cid, str) and cid not in out:
                out[cid] = {"city_id": cid, "region": region if region in REGIONS else "ASEAN", "iso3": p.get("iso3"), "name": p.get("name") or cid}
    except (ValueError, AttributeError, TypeError):
        pass
    return out


__all__ = ["Dataset", "DataError", "DataIssue", "load_dataset", "build_dataset"]
