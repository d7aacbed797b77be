"""Live data reloads: a settled valid change is picked up, a broken one is rejected and the last good data served,
a restarted worker serves the last-good snapshot, and every worker names the data by its content hash."""

from __future__ import annotations

import os
import re

import pytest

from dashboard.config import Settings
from dashboard.data import load_dataset
from dashboard.data.read import content_hash
from dashboard.data.snapshot import LATEST
from dashboard.data.source import DataSource, NoValidData
from tests.conftest import FIXTURES, data_folder, touch_later

NEW_ROW = "extra,Extra row,Water,,Department of State,,phuket,,,planned,2024,,Test source 2024,project\n"


class Clock:
    """A monotonic clock the test moves on by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def settled(folder):
    """Date the files an hour back, as files that have not changed for a while (no wait at start-up)."""
    for path in folder.iterdir():
        if path.is_file():
            st = path.stat()
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 3600 * 10**9))
    return folder


def source(folder, **kw) -> DataSource:
    return DataSource(folder, poll_seconds=kw.pop("poll_seconds", 0), quiet_seconds=kw.pop("quiet_seconds", 0), **kw)


def test_valid_change_is_picked_up(tmp_path):
    folder = data_folder(tmp_path)
    src = source(folder)
    first = src.version
    assert re.fullmatch(r"[0-9a-f]{12}", first) and len(src.current.projects) == 3
    (folder / "projects.csv").write_text((folder / "projects.csv").read_text() + NEW_ROW)
    touch_later(folder / "projects.csv")
    assert len(src.current.projects) == 4 and src.version != first
    status, body = src.health()
    assert status == 200 and body["counts"]["activities"] == 4 and len(body["files"]["projects.csv"]) == 64
    assert body["version"] == src.version and body["served_from"] == "files"


def test_version_is_the_content_hash_so_every_worker_agrees(tmp_path):
    folder = data_folder(tmp_path)
    blobs = {n: (folder / n).read_bytes() for n in ("cities.geojson", "projects.csv")}
    one, two = source(folder), source(folder)
    assert one.version == two.version == content_hash(blobs)[:12]
    # the same bytes under a new modification time are the same data version
    touch_later(folder / "projects.csv")
    assert one.check() is False and one.version == two.version


def test_broken_change_keeps_the_last_good_data(tmp_path, caplog):
    folder = data_folder(tmp_path)
    src = source(folder)
    good, version = src.current, src.version
    (folder / "projects.csv").write_bytes((FIXTURES / "bad_date" / "projects.csv").read_bytes())
    touch_later(folder / "projects.csv")
    assert src.current is good and src.version == version
    assert src.rejected and "announced: not a date" in src.rejected.errors[0]
    assert "data update rejected" in caplog.text and "projects.csv:2:11" in caplog.text
    assert f"still serving data version {version}" in caplog.text
    status, body = src.health()
    assert status == 200 and body["rejected_update"]["error_count"] == 1
    # fixing the file brings the new data in and clears the rejection
    (folder / "projects.csv").write_bytes((FIXTURES / "valid" / "projects.csv").read_bytes())
    touch_later(folder / "projects.csv")
    assert src.current is not None and src.rejected is None


def test_no_valid_data_ever_is_unhealthy_and_says_so(tmp_path, caplog):
    folder = data_folder(tmp_path, "bad_date")
    src = source(folder)
    assert src.current is None and src.version == ""
    with pytest.raises(NoValidData):
        src.dataset  # noqa: B018 - never an empty dataset in its place
    status, body = src.health()
    assert status == 503 and body["status"] == "no valid data"
    assert "there is no last-good snapshot" in caplog.text and "no data is served until they are fixed" in caplog.text
    assert "still serving" not in caplog.text and "version 0" not in caplog.text


def test_checks_are_rate_limited(tmp_path):
    folder = data_folder(tmp_path)
    src = source(folder, poll_seconds=3600)
    src.current  # noqa: B018 - the access is the check
    (folder / "projects.csv").write_text("broken")
    touch_later(folder / "projects.csv")
    assert src.current is not None and src.rejected is None  # not looked at yet
    assert src.check() is False and src.rejected is not None


# ---------------------------------------------------------------- the last-good snapshot


def test_every_validated_dataset_is_saved_with_its_hash(tmp_path):
    folder = data_folder(tmp_path)
    snap = tmp_path / "snap"
    src = source(folder, snapshot_dir=snap)
    digest = (snap / LATEST).read_text().strip()
    assert digest[:12] == src.version
    for name in ("cities.geojson", "projects.csv"):
        assert (snap / digest / name).read_bytes() == (folder / name).read_bytes()
    (folder / "projects.csv").write_text((folder / "projects.csv").read_text() + NEW_ROW)
    touch_later(folder / "projects.csv")
    src.check()
    newer = (snap / LATEST).read_text().strip()
    assert newer != digest and newer[:12] == src.version
    assert (snap / newer / "projects.csv").read_bytes().endswith(NEW_ROW.encode())


def test_a_restart_on_broken_files_serves_the_snapshot(tmp_path, caplog):
    folder = data_folder(tmp_path)
    before = source(folder)
    (folder / "projects.csv").write_bytes((FIXTURES / "bad_date" / "projects.csv").read_bytes())
    restarted = source(folder)  # a worker started (crash, OOM kill, --max-requests, HUP) while the file is broken
    assert restarted.current is not None and len(restarted.current.projects) == 3
    assert restarted.version == before.version and restarted.served_from == "snapshot"
    assert restarted.rejected and "announced: not a date" in restarted.rejected.errors[0]
    assert "serving the last-good snapshot" in caplog.text
    status, body = restarted.health()
    assert status == 200 and body["served_from"] == "snapshot" and body["rejected_update"]["error_count"] == 1
    # the fix is picked up from the files again
    (folder / "projects.csv").write_text((FIXTURES / "valid" / "projects.csv").read_text() + NEW_ROW)
    touch_later(folder / "projects.csv")
    assert len(restarted.current.projects) == 4 and restarted.served_from == "files" and restarted.rejected is None


def test_a_damaged_snapshot_is_not_served(tmp_path):
    folder = data_folder(tmp_path)
    src = source(folder)
    digest = (folder / ".snapshot" / LATEST).read_text().strip()
    (folder / ".snapshot" / digest / "projects.csv").write_text((FIXTURES / "valid" / "projects.csv").read_text() + NEW_ROW)
    (folder / "projects.csv").write_text("broken")
    assert source(folder).current is None and src.current is not None


def test_snapshot_folder_and_quiet_period_come_from_the_environment(tmp_path):
    settings = Settings.from_env({"USASCP_DATA_DIR": str(tmp_path), "USASCP_SNAPSHOT_DIR": str(tmp_path / "s"),
                                  "USASCP_QUIET_SECONDS": "5"})
    assert settings.snapshot_folder == tmp_path / "s" and settings.quiet_seconds == 5
    assert Settings.from_env({"USASCP_DATA_DIR": str(tmp_path)}).snapshot_folder == tmp_path / ".snapshot"
    assert Settings.from_env({}).quiet_seconds == 2


# ---------------------------------------------------------------- safe publishing: the quiet period


def test_a_file_truncated_at_a_row_boundary_is_never_served(tmp_path):
    """An editor or copy writing projects.csv in place: first a valid but shorter file (cut after a whole row),
    then the whole file, within the quiet period. Only the whole file is ever served."""
    folder = settled(data_folder(tmp_path))
    path = folder / "projects.csv"
    full = path.read_text() + NEW_ROW + NEW_ROW.replace("extra,Extra row", "extra-2,Second extra row")
    truncated = "".join(full.splitlines(keepends=True)[:3])  # the header and two whole rows
    probe = tmp_path / "probe"
    probe.mkdir()
    (probe / "cities.geojson").write_bytes((folder / "cities.geojson").read_bytes())
    (probe / "projects.csv").write_text(truncated)
    assert len(load_dataset(probe).projects) == 2  # the cut file validates on its own: only the quiet period saves us

    clock = Clock()
    src = source(folder, quiet_seconds=2.0, clock=clock)
    eager = source(folder, quiet_seconds=0)  # the old behaviour, for contrast
    assert len(src.current.projects) == 3
    seen, eager_seen = [], []
    path.write_text(truncated)
    touch_later(path)
    for _ in range(3):  # the writer pauses 1.5 s mid-write
        clock.advance(0.5)
        seen.append(len(src.current.projects))
        eager_seen.append(len(eager.current.projects))
    path.write_text(full)
    touch_later(path)
    for _ in range(6):
        clock.advance(0.5)
        seen.append(len(src.current.projects))
    assert 2 in eager_seen  # without a quiet period the cut file is served
    assert 2 not in seen and seen[-1] == 5
    assert src.version == content_hash({n: (folder / n).read_bytes() for n in ("cities.geojson", "projects.csv")})[:12]
