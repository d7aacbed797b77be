"""The live data source: the current dataset, reloaded when its files change on disk.

A change is validated in full before it is used; a valid one replaces the dataset in one
assignment (requests see the old or the new, never a mix); an invalid one is logged with
every error and the last good dataset keeps being served. Checks are lazy — at most once
per ``poll_seconds``, on the first access after that — so every worker process of a
server watches the files itself and no thread is needed.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from dashboard import DEFAULT_DATA_DIR
from dashboard.data.issues import DataError
from dashboard.data.build import CITIES_FILE, PROJECTS_FILE, empty_dataset
from dashboard.data.read import load_dataset
from dashboard.model.dataset import Dataset

log = logging.getLogger("usascp.data")


@dataclass(frozen=True)
class Rejected:
    """A data update that failed validation."""

    at: float
    errors: tuple[str, ...]


class DataSource:
    """The dataset in force for a folder; `current` is None only if no valid data was ever loaded."""

    def __init__(self, data_dir: Path | str | None = None, poll_seconds: float = 2.0, watch: bool = True):
        self.data_dir = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
        self.poll_seconds = poll_seconds
        self.watch = watch
        self._lock = threading.Lock()
        self._current: Dataset | None = None
        self._signature: tuple | None = None
        self._checked = 0.0
        self.version = 0
        self.loaded_at: float | None = None
        self.rejected: Rejected | None = None
        self._empty: Dataset | None = None
        self._reload(self._files_signature())

    @classmethod
    def fixed(cls, dataset: Dataset) -> "DataSource":
        """A source that always serves ``dataset`` (tests, scripts): no files are watched."""
        src = cls.__new__(cls)
        src.data_dir, src.poll_seconds, src.watch = None, 0.0, False
        src._lock, src._current, src._signature, src._checked = threading.Lock(), dataset, None, 0.0
        src.version, src.loaded_at, src.rejected, src._empty = 1, time.time(), None, None
        return src

    def _files_signature(self) -> tuple:
        sig = []
        for name in (CITIES_FILE, PROJECTS_FILE):
            try:
                st = (self.data_dir / name).stat()
                sig.append((st.st_mtime_ns, st.st_size))
            except OSError:
                sig.append(None)
        return tuple(sig)

    def _reload(self, signature: tuple) -> None:
        try:
            dataset = load_dataset(self.data_dir)
        except Exception as exc:  # noqa: BLE001 - any failure to load is a rejected update, never a dead worker
            errors = tuple(str(i) for i in exc.issues) if isinstance(exc, DataError) else (f"{type(exc).__name__}: {exc}",)
            self.rejected = Rejected(time.time(), errors)
            self._signature = signature
            log.warning("data update rejected (%d errors); still serving version %d:\n  %s",
                        len(errors), self.version, "\n  ".join(errors))
            return
        if self._files_signature() != signature:
            # written to while we read it: keep what we have and look again next time
            log.info("data files changed while being read; will read them again")
            return
        self._current = dataset  # one assignment: readers see the old dataset or the new one
        self._signature = signature
        self.version += 1
        self.loaded_at = time.time()
        self.rejected = None
        c = dataset.counts()
        log.info("data loaded (version %d): %d cities, %d projects, %d city pairs",
                 self.version, c["cities"], c["projects"], c["city_pairs"])

    def check(self) -> bool:
        """Reload if the files changed since the last look; True if a new dataset is in force."""
        if not self.watch:
            return False
        with self._lock:
            self._checked = time.monotonic()
            signature = self._files_signature()
            if signature == self._signature:
                return False
            before = self.version
            self._reload(signature)
            return self.version != before

    @property
    def dataset(self) -> Dataset:
        """The dataset to show now: the current one, or an empty one if no valid data was ever loaded."""
        ds = self.current
        if ds is not None:
            return ds
        if self._empty is None:
            self._empty = empty_dataset()
        return self._empty

    @property
    def current(self) -> Dataset | None:
        if self.watch and time.monotonic() - self._checked >= self.poll_seconds:
            self.check()
        return self._current

    def health(self) -> tuple[int, dict]:
        """(HTTP status, body) for /healthz, after a look at the files (an idle worker reports fresh data)."""
        ds = self.current
        body: dict = {"status": "ok" if ds is not None else "no valid data", "version": self.version}
        if ds is not None:
            body["counts"] = ds.counts()
            body["files"] = ds.files
            body["loaded_at"] = self.loaded_at
        if self.rejected:
            # when and how many, not the errors themselves: they quote data, and /healthz is public
            body["rejected_update"] = {"at": self.rejected.at, "error_count": len(self.rejected.errors)}
        return (200 if ds is not None else 503), body
