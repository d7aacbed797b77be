"""The live data source: the current dataset, reloaded when its files change on disk and have settled.

A change is loaded only after both files have stayed unchanged for ``quiet_seconds`` (a file
caught mid-write is never read as an update), and only if it validates in full; a valid one
replaces the dataset in one assignment (requests see the old or the new, never a mix) and is
saved as the last-good snapshot; an invalid one is logged with every error and the last good
dataset keeps being served. A source that starts while the files are broken serves the
snapshot. The data version is the content hash of the files, so every worker of a server
names the same data the same way. Checks are lazy — at most once per ``poll_seconds``, on
the first access after that — so every worker watches the files itself and no thread is needed.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from dashboard import DEFAULT_DATA_DIR
from dashboard.config import snapshot_folder
from dashboard.data import snapshot
from dashboard.data.build import CITIES_FILE, PROJECTS_FILE
from dashboard.data.issues import DataError
from dashboard.data.read import DATA_FILES, load_files
from dashboard.model.dataset import Dataset

log = logging.getLogger("usascp.data")

#: characters of the content hash shown as the data version
VERSION_CHARS = 12


@dataclass(frozen=True)
class Rejected:
    """A data update that failed validation."""

    at: float
    errors: tuple[str, ...]


class NoValidData(RuntimeError):
    """There is no valid dataset to serve: the files do not validate and there is no snapshot."""


class DataSource:
    """The dataset in force for a folder; `current` is None only if neither the files nor a snapshot ever validated."""

    def __init__(self, data_dir: Path | str | None = None, poll_seconds: float = 2.0, watch: bool = True, *,
                 quiet_seconds: float = 2.0, snapshot_dir: Path | str | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.data_dir = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
        self.snapshot_dir = Path(snapshot_dir) if snapshot_dir is not None else snapshot_folder(self.data_dir)
        self.poll_seconds = poll_seconds
        self.quiet_seconds = max(0.0, quiet_seconds)
        self.watch = watch
        self._clock = clock
        self._lock = threading.Lock()
        self._current: Dataset | None = None
        self._signature: tuple | None = None
        self._pending: tuple[tuple, float] | None = None  # (files' signature, when first seen)
        self._checked = clock()
        self.content_hash = ""
        self.loaded_at: float | None = None
        self.served_from: str | None = None  # "files" or "snapshot"
        self.rejected: Rejected | None = None
        self._start()

    @classmethod
    def fixed(cls, dataset: Dataset) -> "DataSource":
        """A source that always serves ``dataset`` (tests, scripts): no files are watched."""
        src = cls.__new__(cls)
        src.data_dir, src.snapshot_dir, src.poll_seconds, src.quiet_seconds, src.watch = None, None, 0.0, 0.0, False
        src._clock, src._lock, src._current, src._signature, src._pending = time.monotonic, threading.Lock(), dataset, None, None
        src._checked, src.loaded_at, src.served_from, src.rejected = 0.0, time.time(), "files", None
        files = "\n".join(dataset.files.get(n, "") for n in (CITIES_FILE, PROJECTS_FILE)).strip()
        src.content_hash = hashlib.sha256(files.encode()).hexdigest() if files else "fixed"
        return src

    @property
    def version(self) -> str:
        """The data version every worker agrees on: the short content hash ('' with no valid data)."""
        return self.content_hash[:VERSION_CHARS]

    # ------------------------------------------------------------ looking at the files

    def _files_signature(self) -> tuple:
        sig = []
        for name in DATA_FILES:
            try:
                st = (self.data_dir / name).stat()
                sig.append((st.st_mtime_ns, st.st_size, st.st_ino))
            except OSError:
                sig.append(None)
        return tuple(sig)

    def _settle(self) -> tuple:
        """Wait (at start-up only) until the files have been unchanged for the quiet period; their signature."""
        signature = self._files_signature()
        waited = 0.0
        while self.quiet_seconds and waited < 3 * self.quiet_seconds:
            newest = max((s[0] for s in signature if s), default=0) / 1e9
            young = self.quiet_seconds - (time.time() - newest)
            if young <= 0:
                break
            step = min(young, self.quiet_seconds)
            time.sleep(step)
            waited += step
            signature = self._files_signature()
        return signature

    def _start(self) -> None:
        errors = None
        for _ in range(3):  # files caught mid-write are read again once they settle
            errors = self._load(self._settle())
            if errors is not None or self._current is not None:
                break
        else:
            errors = ("the data files kept changing while being read",)
            self.rejected = Rejected(time.time(), errors)
        if errors is None:
            return
        kept = snapshot.load(self.snapshot_dir)
        if kept is not None:
            dataset, digest = kept
            self._install(dataset, digest, "snapshot")
            log.warning("data files rejected (%d error%s); serving the last-good snapshot, data version %s, "
                        "until they are fixed:\n  %s", len(errors), "s"[:len(errors) != 1], self.version,
                        "\n  ".join(errors))
        else:
            log.error("data files rejected (%d error%s) and there is no last-good snapshot in %s: no data is "
                      "served until they are fixed:\n  %s", len(errors), "s"[:len(errors) != 1], self.snapshot_dir,
                      "\n  ".join(errors))

    def _load(self, signature: tuple) -> tuple[str, ...] | None:
        """Read and validate the files; None if they are now in force (or unchanged), else the errors."""
        try:
            dataset, digest, blobs = load_files(self.data_dir)
        except Exception as exc:  # noqa: BLE001 - any failure to load is a rejected update, never a dead worker
            errors = tuple(str(i) for i in exc.issues) if isinstance(exc, DataError) else (f"{type(exc).__name__}: {exc}",)
            self.rejected = Rejected(time.time(), errors)
            self._signature = signature
            return errors
        if self._files_signature() != signature:
            # written to while we read it: keep what we have and look again once the files settle
            log.info("data files changed while being read; will read them again once they settle")
            return None
        self._signature = signature
        self.rejected = None
        if digest != self.content_hash or self.served_from != "files":
            self._install(dataset, digest, "files")
            c = dataset.counts()
            log.info("data loaded (version %s): %d cities, %d activities, %d city pairs",
                     self.version, c["cities"], c["activities"], c["city_pairs"])
        snapshot.save(self.snapshot_dir, blobs, digest)
        return None

    def _install(self, dataset: Dataset, digest: str, origin: str) -> None:
        self._current = dataset  # one assignment: readers see the old dataset or the new one
        self.content_hash = digest
        self.served_from = origin
        self.loaded_at = time.time()

    def check(self) -> bool:
        """Reload if the files changed and have since been quiet; True if a new dataset is in force."""
        if not self.watch:
            return False
        with self._lock:
            now = self._checked = self._clock()
            signature = self._files_signature()
            if signature == self._signature:
                self._pending = None
                return False
            if self._pending is None or self._pending[0] != signature:
                self._pending = (signature, now)  # a change: wait until the files have been quiet for a while
            if now - self._pending[1] < self.quiet_seconds:
                return False
            self._pending = None
            before = self.content_hash
            errors = self._load(signature)
            if errors is not None:
                if self._current is not None:
                    log.warning("data update rejected (%d error%s); still serving data version %s:\n  %s",
                                len(errors), "s"[:len(errors) != 1], self.version, "\n  ".join(errors))
                else:
                    log.error("data files rejected (%d error%s); no valid data is served:\n  %s",
                              len(errors), "s"[:len(errors) != 1], "\n  ".join(errors))
            return self.content_hash != before

    # ------------------------------------------------------------ what requests see

    @property
    def dataset(self) -> Dataset:
        """The dataset to show now; raises `NoValidData` (the app answers 503) if there is none."""
        ds = self.current
        if ds is None:
            raise NoValidData("no valid data is loaded")
        return ds

    @property
    def current(self) -> Dataset | None:
        if self.watch and self._clock() - self._checked >= self.poll_seconds:
            self.check()
        return self._current

    def health(self) -> tuple[int, dict]:
        """(HTTP status, body) for /healthz, after a look at the files (an idle worker reports fresh data)."""
        ds = self.current
        body: dict = {"status": "ok" if ds is not None else "no valid data", "version": self.version}
        if ds is not None:
            body["counts"] = ds.counts()
            body["served_from"] = self.served_from
            body["files"] = ds.files
            body["loaded_at"] = self.loaded_at
        if self.rejected:
            # when and how many, not the errors themselves: they quote data, and /healthz is public
            body["rejected_update"] = {"at": self.rejected.at, "error_count": len(self.rejected.errors)}
        return (200 if ds is not None else 503), body
