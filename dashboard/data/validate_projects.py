"""Validation of projects.csv: every row's cells against the vocabulary and the cities, every problem located."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pandas as pd

from dashboard.data.checks import country_choices, formula_warning, suggest
from dashboard.data.gazetteer import load_countries, normalise
from dashboard.data.issues import DataIssue
from dashboard.vocab import AGENCIES, AGENCY_ALIASES, KINDS, LIST_SEPARATOR, PROJECT_COLUMNS, PROJECT_REQUIRED_CELLS, PROJECT_TEXT_COLUMNS, SECTORS, STATUSES

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def split_list(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(LIST_SEPARATOR) if part.strip()]


def parse_date(text: str) -> date | None:
    m = _DATE.match(text.strip())
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def check_projects(text: str, label: str, cities: dict[str, dict], issues: list[DataIssue]) -> list[dict]:
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
        add(header_line, 1, "no activities: the file has a header but no rows")
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
    agency = cells["lead_agency"].strip()
    if "," in agency:
        add(line, col["lead_agency"], "lead_agency: no commas", cells["lead_agency"],
            "one lead agency per row (links list agencies separated by commas); name the others in partners")
        ok = False
    elif agency and agency not in AGENCIES:
        add(line, col["lead_agency"], "unknown lead_agency", cells["lead_agency"], agency_hint(agency))
        ok = False
    sector = cells["sector"]
    if sector.strip() and sector not in SECTORS:
        add(line, col["sector"], "unknown sector", sector, suggest(sector, SECTORS))
        ok = False
    status = cells["status"]
    if status.strip() and status not in STATUSES:
        add(line, col["status"], "unknown status", status, suggest(status, STATUSES))
        ok = False
    kind = cells["kind"]
    if kind.strip() and kind not in KINDS:
        add(line, col["kind"], "unknown kind", kind, suggest(kind, tuple(KINDS)))
        ok = False
    announced = cells["announced"].strip()
    when = parse_date(announced) if announced else None
    if announced and when is None:
        add(line, col["announced"], "announced: not a date", cells["announced"], "write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2020-01-13")
        ok = False
    sides: dict[str, list[str]] = {}
    for column, region in (("asean_city_ids", "ASEAN"), ("us_city_ids", "US")):
        ids = split_list(cells[column])
        sides[column] = ids
        for cid in ids:
            if cid not in cities:
                add(line, col[column], "unknown city_id", cid, suggest_city(cid, cities))
                ok = False
            elif cities[cid]["region"] != region and cid not in split_list(cells["asean_city_ids" if region == "US" else "us_city_ids"]):
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
    for code in split_list(cells["countries"]):
        if code not in countries:
            add(line, col["countries"], "unknown country code", code, suggest(code, country_choices(countries, code)))
            ok = False
        else:
            listed.append(code)
    for name in PROJECT_TEXT_COLUMNS:
        w = formula_warning(label, line, col[name], name, cells[name])
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


def _agency_key(text: str) -> str:
    text = re.sub(r"\bdept\b\.?", "department", text.casefold())
    text = re.sub(r"^\s*(u\.\s?s\.|us|united states)\s+", "", text)
    return normalise(text)


_AGENCY_KEYS = {**{_agency_key(a): a for a in AGENCIES}, **{_agency_key(k): v for k, v in AGENCY_ALIASES.items()}}


def agency_hint(agency: str) -> str:
    """'did you mean ...?' for a known alias or a near spelling; otherwise where the list of agencies lives."""
    if _agency_key(agency) in _AGENCY_KEYS:
        return f"did you mean {_AGENCY_KEYS[_agency_key(agency)]!r}?"
    hint = suggest(agency, AGENCIES)
    if hint.startswith("did you mean"):
        return hint
    return f"{hint}; a new agency is first added to AGENCIES in dashboard/vocab.py"


def suggest_city(cid: str, cities: dict[str, dict]) -> str:
    by_name = {normalise(c["name"]): k for k, c in cities.items()}
    if normalise(cid) in by_name:
        return f"did you mean {by_name[normalise(cid)]!r}?"
    return suggest(cid, sorted(cities))


