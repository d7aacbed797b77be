"""Read the data files from a folder and load them — all or nothing."""

from __future__ import annotations

import codecs
import datetime as _dt
import hashlib
from dataclasses import replace
from pathlib import Path

from dashboard import DEFAULT_DATA_DIR
from dashboard.data.build import CITIES_FILE, PROJECTS_FILE, validate_texts
from dashboard.data.issues import DataIssue
from dashboard.model.dataset import Dataset


def read_text(path: Path, issues: list[DataIssue]) -> str | None:
    """The file's UTF-8 text (a BOM dropped), or None with an issue saying why it cannot be read."""
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



def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def load_dataset(data_dir: Path | str | None = None) -> Dataset:
    """Load and validate ``cities.geojson`` and ``projects.csv`` from ``data_dir`` (default: the shipped data).

    Raises
    ------
    DataError
        listing every problem in either file; nothing is returned partially.
    """
    folder = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    issues: list[DataIssue] = []
    city_text = read_text(folder / CITIES_FILE, issues)
    project_text = read_text(folder / PROJECTS_FILE, issues)
    files = {name: _sha256(folder / name) for name in (CITIES_FILE, PROJECTS_FILE)}
    dataset = validate_texts(city_text, project_text, issues, files)
    return replace(dataset, changed_on=_changed_on(folder))


def _changed_on(folder: Path) -> str | None:
    """The UTC date the newer of the two files was last changed."""
    try:
        newest = max((folder / name).stat().st_mtime for name in (CITIES_FILE, PROJECTS_FILE))
    except OSError:
        return None
    return _dt.datetime.fromtimestamp(newest, _dt.timezone.utc).date().isoformat()
