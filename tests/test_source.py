"""Live data reloads: a valid change is picked up, a broken one is rejected and the last good data served."""

from __future__ import annotations

from dashboard.data.source import DataSource
from tests.conftest import FIXTURES, data_folder, touch_later


def test_valid_change_is_picked_up(tmp_path):
    folder = data_folder(tmp_path)
    src = DataSource(folder, poll_seconds=0)
    assert src.version == 1 and len(src.current.projects) == 3
    text = (folder / "projects.csv").read_text()
    (folder / "projects.csv").write_text(text + "extra,Extra row,Water,,Department of State,,phuket,,,planned,2024,,Test source 2024\n")
    touch_later(folder / "projects.csv")
    assert len(src.current.projects) == 4 and src.version == 2
    status, body = src.health()
    assert status == 200 and body["counts"]["projects"] == 4 and len(body["files"]["projects.csv"]) == 64


def test_broken_change_keeps_the_last_good_data(tmp_path, caplog):
    folder = data_folder(tmp_path)
    src = DataSource(folder, poll_seconds=0)
    good = src.current
    (folder / "projects.csv").write_bytes((FIXTURES / "bad_date" / "projects.csv").read_bytes())
    touch_later(folder / "projects.csv")
    assert src.current is good and src.version == 1
    assert src.rejected and "announced: not a date" in src.rejected.errors[0]
    assert "data update rejected" in caplog.text and "projects.csv:2:11" in caplog.text
    status, body = src.health()
    assert status == 200 and body["rejected_update"]["error_count"] == 1
    # fixing the file brings the new data in and clears the rejection
    (folder / "projects.csv").write_bytes((FIXTURES / "valid" / "projects.csv").read_bytes())
    touch_later(folder / "projects.csv")
    assert src.current is not good and src.rejected is None


def test_no_valid_data_ever_is_unhealthy(tmp_path):
    folder = data_folder(tmp_path, "bad_date")
    src = DataSource(folder, poll_seconds=0)
    assert src.current is None
    status, body = src.health()
    assert status == 503 and body["status"] == "no valid data"


def test_checks_are_rate_limited(tmp_path):
    folder = data_folder(tmp_path)
    src = DataSource(folder, poll_seconds=3600)
    src.current  # noqa: B018 - the access is the check
    (folder / "projects.csv").write_text("broken")
    touch_later(folder / "projects.csv")
    assert src.current is not None and src.rejected is None  # not looked at yet
    assert src.check() is False and src.rejected is not None
