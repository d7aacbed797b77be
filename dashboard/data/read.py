"""Read the data files from a folder and load them — all or nothing — with the content hash of the bytes read."""

from __future__ import annotations

import codecs
import datetime as _dt
import hashlib
from dataclasses import replace
from pathlib import Path

from dashboard import DEFAULT_DATA_DIR
from dashboard.data.about import ABOUT_FILE, check_about
from dashboard.data.build import CITIES_FILE, PROJECTS_FILE, validate_texts
from dashboard.data.issues import DataIssue
from dashboard.model.dataset import Dataset


def read_bytes(path: Path, issues: list[DataIssue]) -> bytes | None:
    """The file's bytes, or None with an issue saying why it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        issues.append(DataIssue(path.name, 1, 1, f"file not found in {path.parent}", hint="pass --data-dir with a folder holding cities.geojson and projects.csv"))
    except OSError as exc:
        issues.append(DataIssue(path.name, 1, 1, f"cannot read the file: {exc.strerror or exc}", hint="check its permissions"))
    return None


def decode_text(label: str, raw: bytes, issues: list[DataIssue]) -> str | None:
    """``raw`` as UTF-8 text (a BOM dropped), or None with an issue saying why it is not."""
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


def read_text(path: Path, issues: list[DataIssue]) -> str | None:
    """The file's UTF-8 text (a BOM dropped), or None with an issue saying why it cannot be read."""
    raw = read_bytes(path, issues)
    return None if raw is None else decode_text(path.name, raw, issues)


#: the data files in a data folder: the two it must hold, and about.json, which it may
REQUIRED_FILES: tuple[str, ...] = (CITIES_FILE, PROJECTS_FILE)
DATA_FILES: tuple[str, ...] = (*REQUIRED_FILES, ABOUT_FILE)


def content_hash(blobs: dict[str, bytes]) -> str:
    """SHA-256 over the data files' bytes (each named and sized, so no two sets of files share a hash)."""
    h = hashlib.sha256()
    for name in (n for n in DATA_FILES if n in blobs):
        data = blobs[name]
        h.update(f"{name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def load_files(data_dir: Path | str) -> tuple[Dataset, str, dict[str, bytes]]:
    """(dataset, content hash, the bytes it was built from) for a folder — the hash is of exactly the bytes validated.

    Raises
    ------
    DataError
        listing every problem in either file.
    """
    folder = Path(data_dir)
    issues: list[DataIssue] = []
    names = [*REQUIRED_FILES, *([ABOUT_FILE] if (folder / ABOUT_FILE).exists() else [])]
    blobs = {name: read_bytes(folder / name, issues) for name in names}
    texts = {name: None if raw is None else decode_text(name, raw, issues) for name, raw in blobs.items()}
    files = {name: hashlib.sha256(raw).hexdigest() if raw is not None else "" for name, raw in blobs.items()}
    about = check_about(texts[ABOUT_FILE], ABOUT_FILE, issues) if texts.get(ABOUT_FILE) is not None else None
    dataset = replace(validate_texts(texts[CITIES_FILE], texts[PROJECTS_FILE], issues, files),
                      changed_on=_changed_on(folder), about=about)
    return dataset, content_hash(blobs), blobs  # type: ignore[arg-type] - all were read, or validation raised


def load_dataset(data_dir: Path | str | None = None) -> Dataset:
    """Load and validate ``cities.geojson`` and ``projects.csv`` from ``data_dir`` (default: the shipped data).

    Raises
    ------
    DataError
        listing every problem in either file; nothing is returned partially.
    """
    return load_files(data_dir if data_dir is not None else DEFAULT_DATA_DIR)[0]


def _changed_on(folder: Path) -> str | None:
    """The UTC date the newer of the two files was last changed."""
    try:
        newest = max((folder / name).stat().st_mtime for name in REQUIRED_FILES)
    except OSError:
        return None
    return _dt.datetime.fromtimestamp(newest, _dt.timezone.utc).date().isoformat()
