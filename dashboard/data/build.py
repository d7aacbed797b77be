"""Build a `Dataset` and its `Index` from validated records, and datasets from plain records (tests, `synth`)."""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard.data.cities_file import cities_text
from dashboard.data.files import write_atomic
from dashboard.data.gazetteer import load_countries, normalise
from dashboard.data.issues import DataError, DataIssue
from dashboard.data.validate_cities import check_cities, loose_city_ids
from dashboard.data.validate_projects import check_projects
from dashboard.geo import VIEW_LABELS, VIEWS
from dashboard.model.dataset import Choices, Codes, Dataset, Index
from dashboard.model.search import TextSearch
from dashboard.vocab import CITY_PROPERTIES, KINDS, LIST_SEPARATOR, PROJECT_COLUMNS, SECTORS, STATUSES

CITIES_FILE = "cities.geojson"
PROJECTS_FILE = "projects.csv"


# ---------------------------------------------------------------- validated text -> Dataset


def validate_texts(city_text: str | None, project_text: str | None, issues: list[DataIssue],
                   files: dict[str, str] | None = None) -> Dataset:
    """Check both files' text and join them, or raise `DataError` listing every problem (``issues`` may hold
    problems found before, e.g. a file that could not be read)."""
    city_records = check_cities(city_text, CITIES_FILE, issues) if city_text is not None else []
    cities = {r["city_id"]: r for r in city_records}
    city_errors = any(i.severity == "error" and i.file == CITIES_FILE for i in issues)
    project_records: list[dict] = []
    if project_text is not None:
        if city_errors:
            # check projects against the ids that are there, so one bad city doesn't cascade
            check_projects(project_text, PROJECTS_FILE, loose_city_ids(city_text, cities), issues)
        else:
            project_records = check_projects(project_text, PROJECTS_FILE, cities, issues)
    if any(i.severity == "error" for i in issues):
        raise DataError(issues)
    return build_dataset(city_records, project_records, [i for i in issues if i.severity != "error"], files)


def build_dataset(city_records: list[dict], project_records: list[dict], warnings=(), files=None) -> Dataset:
    """Join validated records into a `Dataset` with its index."""
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
    index = build_index(cities, projects, links, project_cities, project_countries)
    return Dataset(cities=cities, projects=projects, links=links, project_cities=project_cities,
                   project_countries=project_countries, index=index,
                   warnings=tuple(warnings), files=dict(files or {}))


def empty_dataset() -> Dataset:
    """A dataset with no cities and no projects: what a server shows before any valid data exists."""
    return build_dataset([], [])


# ---------------------------------------------------------------- the index


def build_index(cities: pd.DataFrame, projects: pd.DataFrame, links: pd.DataFrame, project_cities: pd.DataFrame,
                project_countries: pd.DataFrame) -> Index:
    """Codes, names, filter choices and search keys of the frames, computed once."""
    table = load_countries()
    country_names = {iso3: table[iso3]["name"] for iso3 in table}
    city_names = dict(zip(cities.index, cities["name"]))
    return Index(
        choices=_choices(cities, projects, project_countries, table),
        codes=_codes(cities, projects, links, project_cities, project_countries),
        city_names=city_names, country_names=country_names,
        city_keys=tuple((normalise(n), c) for c, n in city_names.items()),
        city_hover=np.array(["<b>" + html.escape(str(n), quote=False) + "</b><br>" + html.escape(str(c), quote=False)
                             for n, c in zip(cities["name"], cities["country"])], dtype=object),
        search=TextSearch.build(search_texts(projects, city_names)),
        newest_source=_newest_source(projects),
    )


def search_texts(projects: pd.DataFrame, city_names: dict[str, str]) -> list[str]:
    """What the project search reads, per project: title, description, programme, partners and city names."""
    return [" ".join((t, d, pr, pa, *(city_names[c] for c in a), *(city_names[c] for c in u)))
            for t, d, pr, pa, a, u in zip(projects["title"], projects["description"], projects["program"],
                                          projects["partners"], projects["asean_city_ids"], projects["us_city_ids"])]


_SOURCE_DATE = re.compile(r"\b((?:19|20)\d\d-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)\b")


def _newest_source(projects: pd.DataFrame) -> str | None:
    """The newest ISO date (day or month) written in the projects' source cells."""
    found = [d for text in projects["source"].unique() for d in _SOURCE_DATE.findall(str(text))]
    return max(found) if found else None


def _years(projects: pd.DataFrame) -> tuple[str, ...]:
    """Every year from the first announcement to the last, as text: what the year range offers."""
    years = projects["announced_date"].dt.year.dropna()
    return tuple(str(y) for y in range(int(years.min()), int(years.max()) + 1)) if len(years) else ()


def _choices(cities: pd.DataFrame, projects: pd.DataFrame, project_countries: pd.DataFrame, table: dict) -> Choices:
    used = tuple(sorted(set(project_countries["iso3"]) | set(cities["iso3"]), key=lambda c: table[c]["name"]))
    agencies = tuple(sorted(projects["lead_agency"].unique()))
    city_ids = tuple(cities.sort_values("name")["city_id"])
    years = _years(projects)
    lookup: dict[str, dict[str, str]] = {
        "from": {y: y for y in years},
        "to": {y: y for y in years},
        "q": {},
        "sector": {normalise(s): s for s in SECTORS},
        "status": {normalise(s): s for s in STATUSES},
        "kind": {normalise(k): k for k in KINDS} | {normalise(plural): k for k, plural in KINDS.items()},
        "agency": {normalise(a): a for a in agencies},
        "country": {},
        "city": {},
        "view": {normalise(v): v for v in VIEWS} | {normalise(label): v for v, label in VIEW_LABELS.items()},
    }
    for iso3 in used:
        c = table[iso3]
        for spelling in (iso3, c["iso2"], c["name"], *c["aliases"]):
            lookup["country"][normalise(spelling)] = iso3
    for cid, name in zip(cities["city_id"], cities["name"]):
        if normalise(name):  # a name with no Latin letters or digits has no key of its own
            lookup["city"][normalise(name)] = cid
    for cid in city_ids:
        lookup["city"][normalise(cid)] = cid
    values = {"sector": SECTORS, "country": used, "agency": agencies, "status": STATUSES, "kind": tuple(KINDS),
              "city": city_ids,
              "view": tuple(VIEWS), "from": years, "to": years, "q": ()}
    return Choices(values, lookup)


def _codes(cities, projects, links, project_cities, project_countries) -> Codes:
    def coded(col: pd.Series) -> tuple[dict[str, int], np.ndarray]:
        cat = pd.Categorical(col)
        return {v: i for i, v in enumerate(cat.categories)}, np.asarray(cat.codes, dtype=np.int16)

    sector, sector_code = coded(projects["sector"])
    agency, agency_code = coded(projects["lead_agency"])
    status, status_code = coded(projects["status"])
    kind, kind_code = coded(projects["kind"])
    country, pc_country_code = coded(project_countries["iso3"])
    return Codes(
        sector, sector_code, agency, agency_code, status, status_code, country, pc_country_code,
        project_countries["pidx"].to_numpy(), project_cities["pidx"].to_numpy(),
        project_cities["cidx"].to_numpy(), links["pidx"].to_numpy(),
        {cid: i for i, cid in enumerate(cities.index)},
        projects["announced_date"].dt.year.fillna(0).to_numpy(np.int16),
        kind, kind_code,
    )


# ---------------------------------------------------------------- plain records -> files -> Dataset


def city(city_id: str, name: str, iso3: str, lon: float, lat: float, *, ascn_pilot: bool = False,
         admin1: str = "", **properties: object) -> dict:
    """A cities.geojson feature with the country's name and region filled in from the gazetteer's country table."""
    country = load_countries()[iso3]
    region = "US" if iso3 == "USA" else "ASEAN" if country["asean"] else ""
    props = {"city_id": city_id, "name": name, "country": country["name"], "iso3": iso3, "region": region,
             "ascn_pilot": ascn_pilot, "admin1": admin1, **properties}
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}


#: the cells a `project` row gets unless told otherwise
PROJECT_DEFAULTS = {"sector": "Water", "program": "", "lead_agency": "Department of State", "partners": "",
                    "status": "active", "announced": "2020", "description": "", "kind": "project",
                    "source": "Test record built in code (not a real document)"}


def project(project_id: str, *, asean: tuple[str, ...] | list[str] = (), us: tuple[str, ...] | list[str] = (),
            countries: tuple[str, ...] | list[str] = (), **cells: str) -> dict:
    """A projects.csv row: city and country lists as sequences, every other cell as text (defaults filled in)."""
    sep = LIST_SEPARATOR
    row = {"project_id": project_id, "title": cells.pop("title", f"Project {project_id}"), **PROJECT_DEFAULTS,
           "asean_city_ids": sep.join(asean), "us_city_ids": sep.join(us), "countries": sep.join(countries)}
    row.update(cells)
    return {c: row[c] for c in PROJECT_COLUMNS}


def projects_text(rows: list[dict]) -> str:
    """projects.csv text for ``rows`` (dicts keyed by the columns), header first."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(PROJECT_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def make_dataset(cities: list[dict], projects: list[dict]) -> Dataset:
    """The dataset these features and rows make, validated exactly as files are (raises `DataError`)."""
    return validate_texts(cities_text(cities), projects_text(projects), [])


def write_data(folder: Path | str, cities: list[dict], projects: list[dict]) -> Path:
    """Write ``cities.geojson`` and ``projects.csv`` for these features and rows into ``folder`` (created)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / CITIES_FILE, cities_text(cities))
    write_atomic(folder / PROJECTS_FILE, projects_text(projects))
    return folder
