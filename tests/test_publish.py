"""`python -m dashboard publish`: validate a new pair of files in full, then swap them in atomically — or change nothing."""

from __future__ import annotations

from dashboard.__main__ import main
from dashboard.data.source import DataSource
from tests.conftest import FIXTURES, data_folder, touch_later

NEW_ROW = "extra,Extra row,Water,,Department of State,,phuket,,,planned,2024,,Test source 2024,project\n"


def _new_files(tmp_path, row: str = NEW_ROW):
    new = tmp_path / "incoming"
    new.mkdir()
    (new / "cities.geojson").write_bytes((FIXTURES / "valid" / "cities.geojson").read_bytes())
    (new / "projects.csv").write_text((FIXTURES / "valid" / "projects.csv").read_text() + row)
    return new


def test_publish_swaps_valid_files_in_and_says_what_changed(tmp_path, capsys):
    live = data_folder(tmp_path)
    server = DataSource(live, poll_seconds=0, quiet_seconds=0)
    new = _new_files(tmp_path)
    assert main(["publish", "--from", str(new), "--data-dir", str(live)]) == 0
    out = capsys.readouterr().out
    assert "activities:       3 -> 4 (+1)" in out and "activities: 1 added, 0 removed, 0 changed" in out
    for name in ("cities.geojson", "projects.csv"):
        assert (live / name).read_bytes() == (new / name).read_bytes()
    assert sorted(p.name for p in live.iterdir() if not p.name.startswith(".snapshot")) == ["cities.geojson", "projects.csv"]
    touch_later(live / "projects.csv")
    assert len(server.current.projects) == 4 and server.version in out
    # publishing the same files again changes nothing
    assert main(["publish", "--from", str(new), "--data-dir", str(live)]) == 0
    assert "no change" in capsys.readouterr().out


def test_publish_refuses_invalid_files_listing_every_error(tmp_path, capsys):
    live = data_folder(tmp_path)
    before = {p.name: p.read_bytes() for p in live.iterdir() if p.is_file()}
    new = _new_files(tmp_path, NEW_ROW.replace("Department of State", "Dept. of State").replace("2024", "2024-13"))
    assert main(["publish", "--from", str(new), "--data-dir", str(live)]) == 1
    err = capsys.readouterr().err
    assert "projects.csv:5:5: unknown lead_agency" in err and "did you mean 'Department of State'?" in err
    assert "projects.csv:5:11: announced: not a date" in err and "nothing was published" in err
    assert {p.name: p.read_bytes() for p in live.iterdir() if p.is_file()} == before
