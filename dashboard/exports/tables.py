"""The activities in view as CSV (UTF-8 with a BOM, for Excel) and XLSX, safe to open in a spreadsheet.

Both carry a numeric ``Year`` beside the announcement date; in the XLSX a full date (YYYY-MM-DD)
is a real Excel date, while a year or a year-month stays as the source wrote it.
Every text cell that a spreadsheet could read as a formula — one beginning with ``=``,
``+``, ``-``, ``@``, a tab, a carriage return or NUL — is prefixed with ``'`` (OWASP's
CSV-injection guidance). Numbers and dates are written as they are.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re

from dashboard.exports.common import PRODUCT, source_line
from dashboard.model.dataset import Dataset
from dashboard.model.render import Rendered, project_rows
from dashboard.vocab import FORMULA_PREFIXES

#: (key of render.project_rows, or 'description'; column heading)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("project_id", "Activity ID"), ("title", "Activity"), ("sector", "Sector"), ("asean_cities", "ASEAN cities"),
    ("us_cities", "U.S. cities"), ("countries", "Countries"), ("lead_agency", "Lead agency"),
    ("partners", "Partners"), ("status", "Status"), ("announced", "Announced"), ("year", "Year"),
    ("description", "Description"), ("source", "Source"),
)
FORMULA_STARTS = FORMULA_PREFIXES  # = + - @ tab CR NUL, the validator's list


def neutralise(value: object) -> object:
    """``'=cmd'`` becomes ``"'=cmd"``; other text, numbers and dates are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def announced_value(text: str) -> _dt.date | str:
    """A full ISO date as a date (so a spreadsheet sorts and filters it); a year or year-month as written."""
    if FULL_DATE.fullmatch(text or ""):
        try:
            return _dt.date.fromisoformat(text)
        except ValueError:
            pass
    return text


def year_of(text: str) -> int | str:
    """The year of an announcement date ('2021-12' -> 2021), or '' when it has none."""
    match = re.match(r"\d{4}", text or "")
    return int(match.group()) if match else ""


def records(dataset: Dataset, rendered: Rendered) -> list[list[object]]:
    """One row per project in view (all of them: the page lists only the first few hundred), in COLUMNS order."""
    descriptions = dict(zip(rendered.selection.projects["project_id"], rendered.selection.projects["description"]))
    rows = []
    for row in project_rows(dataset, rendered.selection):
        full = {**row, "description": descriptions.get(row["project_id"], ""), "year": year_of(row["announced"])}
        rows.append([neutralise(full.get(key, "")) for key, _ in COLUMNS])
    return rows


def csv_bytes(dataset: Dataset, rendered: Rendered, date: _dt.date | None = None) -> bytes:
    """The rows in view as CSV: a header row, then one row per project; UTF-8 with a byte-order mark."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(label) for _, label in COLUMNS])
    writer.writerows(records(dataset, rendered))
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(dataset: Dataset, rendered: Rendered, date: _dt.date | None = None) -> bytes:
    """The rows in view as an Excel workbook: a 'Projects' sheet (filterable, header frozen) and an 'About' sheet."""
    # openpyxl is heavy and only needed when a workbook is asked for
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font

    def cell(value: object) -> object:
        # strip what Excel cannot hold first: neutralising "\x01=HYPERLINK(...)" and then stripping
        # the \x01 would hand Excel a live formula
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return neutralise(value)

    wb = Workbook()
    ws = wb.active
    ws.title = "Activities"
    ws.append([label for _, label in COLUMNS])
    announced = [key for key, _ in COLUMNS].index("announced")
    for row in records(dataset, rendered):
        row[announced] = announced_value(row[announced])
        ws.append([cell(v) for v in row])
        if isinstance(row[announced], _dt.date):
            ws.cell(row=ws.max_row, column=announced + 1).number_format = "yyyy-mm-dd"
    for c in ws[1]:
        c.font = Font(bold=True)
    widths = {"Year": 8, "Activity ID": 24, "Activity": 44, "Description": 60, "Source": 60, "Partners": 36}
    for i, (_, label) in enumerate(COLUMNS, start=1):
        letter = ws.cell(row=1, column=i).column_letter
        ws.column_dimensions[letter].width = widths.get(label, 18)
        for c in ws[letter][1:]:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    about = wb.create_sheet("About")
    for line in (PRODUCT, f"Filters: {rendered.state.describe(dataset.index)}", f"Activities: {len(rendered.selection.projects)}",
                 source_line(date, dataset)):
        about.append([cell(line)])
    about.column_dimensions["A"].width = 100
    wb.properties.title = f"{PRODUCT}: activities"
    wb.properties.creator = f"{PRODUCT} dashboard"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
