"""The last-good snapshot: the files of every validated dataset and their content hash, written atomically.

Layout of the snapshot folder (default ``.snapshot`` beside the data files)::

    LATEST                       the content hash of the newest validated pair
    <hash>/cities.geojson        that pair, byte for byte
    <hash>/projects.csv

The files of a pair are written (each atomically) before LATEST names them, so a reader sees
a whole pair or the previous one. A worker that starts while the live files are broken loads
the pair LATEST names, after validating it and checking its hash again.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from dashboard.data.files import write_atomic
from dashboard.data.read import load_files
from dashboard.model.dataset import Dataset

log = logging.getLogger("usascp.data")

LATEST = "LATEST"
#: pairs kept besides the newest (a worker may be reading one when another worker saves)
KEEP_OLDER = 2


def latest(folder: Path) -> str | None:
    """The content hash LATEST names, or None."""
    try:
        text = (folder / LATEST).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text if len(text) == 64 and all(c in "0123456789abcdef" for c in text) else None


def save(folder: Path, blobs: dict[str, bytes], digest: str) -> bool:
    """Keep this validated pair as the last good one; False (logged) if the folder cannot be written."""
    if latest(folder) == digest and all((folder / digest / n).is_file() for n in blobs):
        return True  # another worker (or an earlier load) saved it already
    try:
        pair = folder / digest
        pair.mkdir(parents=True, exist_ok=True)
        for name, data in blobs.items():
            write_atomic(pair / name, data)
        write_atomic(folder / LATEST, digest + "\n")
    except OSError as exc:
        log.warning("could not save the last-good snapshot in %s: %s", folder, exc)
        return False
    _prune(folder, digest)
    return True


def _prune(folder: Path, keep: str) -> None:
    pairs = sorted((p for p in folder.iterdir() if p.is_dir() and len(p.name) == 64 and p.name != keep),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    for old in pairs[KEEP_OLDER:]:
        shutil.rmtree(old, ignore_errors=True)


def load(folder: Path) -> tuple[Dataset, str] | None:
    """(dataset, content hash) of the pair LATEST names, or None if there is none that validates with its hash."""
    digest = latest(folder)
    if digest is None:
        return None
    try:
        dataset, actual, _ = load_files(folder / digest)
    except Exception as exc:  # noqa: BLE001 - a damaged snapshot is no snapshot, never a dead worker
        log.warning("the last-good snapshot %s does not load (%s); not using it", folder / digest,
                    str(exc).splitlines()[0])
        return None
    if actual != digest:
        log.warning("the last-good snapshot %s does not match its hash; not using it", folder / digest)
        return None
    return dataset, digest
