"""The gazetteer and the command line: geocode (with its name variants), validate, countries table."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

from dashboard.__main__ import main
from dashboard.data import gazetteer, load_dataset, write_data
from tests.conftest import data_folder
from tests.datasets import demo_cities, demo_projects


@pytest.mark.parametrize("query, name, country", [
    ("Chon Buri, TH", "Chon Buri", "THA"), ("Chonburi, Thailand", "Chon Buri", "THA"),
    ("Davao City, PH", "Davao", "PHL"), ("Naypyidaw, MM", "Nay Pyi Taw", "MMR"),
    ("DKI Jakarta, Indonesia", "Jakarta", "IDN"), ("Hillsboro, OR, US", "Hillsboro", "USA"),
    ("Washington, DC, USA", "Washington", "USA"), ("Ho Chi Minh City, Viet Nam", "Ho Chi Minh City", "VNM"),
])
def test_geocode_finds_variants(query, name, country):
    best = gazetteer.geocode(query)[0]
    assert (best.name, best.iso3) == (name, country)


def test_geocode_state_disambiguates():
    best = gazetteer.geocode("Portland, OR, US")[0]
    assert best.admin1 == "Oregon" and best.lon < -120


def test_geocode_unknown_country_is_a_clear_error(capsys):
    assert main(["geocode", "Springfield, Atlantis"]) == 2
    assert "unknown country 'Atlantis'" in capsys.readouterr().err


def test_geocode_add_appends_a_valid_city(tmp_path, capsys):
    folder = data_folder(tmp_path)
    assert main(["geocode", "Hanoi, VN", "--add", "--ascn-pilot", "--data-dir", str(folder)]) == 0
    ds = load_dataset(folder)
    assert ds.cities.loc["hanoi", "ascn_pilot"] and ds.cities.loc["hanoi", "iso3"] == "VNM"
    assert main(["geocode", "Hanoi, VN", "--add", "--data-dir", str(folder)]) == 1  # refused: already there
    assert "already has" in capsys.readouterr().err


def test_validate_prints_counts(tmp_path, capsys):
    folder = write_data(tmp_path / "demo", demo_cities(), demo_projects())
    assert main(["validate", "--data-dir", str(folder)]) == 0
    out = capsys.readouterr().out
    # the demo data: six ASCN pilots among twelve cities; three water and two transport pairs
    assert f"OK: {folder}" in out
    assert "12 (6 ASCN pilot cities)" in out and "activities:        10" in out and "city pairs:        5" in out
    assert "sectors in use:    6" in out and "countries:         6" in out


@pytest.mark.parametrize("mode", [0o644, 0o640])
def test_geocode_add_keeps_the_files_permissions(tmp_path, mode):
    """Adding a city rewrites cities.geojson atomically and keeps its mode: a server running as another
    user can still read a 0644 file, and a 0640 file is not opened up (nor narrowed to mkstemp's 0600)."""
    folder = write_data(tmp_path / "data", demo_cities(), demo_projects())
    path = folder / "cities.geojson"
    os.chmod(path, mode)
    r = subprocess.run([sys.executable, "-m", "dashboard", "geocode", "Hillsboro, OR, US", "--add",
                        "--data-dir", str(folder)], capture_output=True, text=True, umask=0o077)
    assert r.returncode == 0, r.stderr
    assert "added 'hillsboro'" in r.stdout
    assert stat.S_IMODE(path.stat().st_mode) == mode
    ds = load_dataset(folder)
    assert len(ds.cities) == 13 and ds.cities.loc["hillsboro", "iso3"] == "USA"
    assert sorted(p.name for p in folder.iterdir()) == ["cities.geojson", "projects.csv"]  # no temporary file left


def test_validate_lists_errors_and_exits_1(tmp_path, capsys):
    assert main(["validate", "--data-dir", str(data_folder(tmp_path, "bad_date"))]) == 1
    assert "projects.csv:2:11: announced: not a date" in capsys.readouterr().err


def test_validate_as_a_process_has_no_traceback(tmp_path):
    folder = data_folder(tmp_path, "non_utf8")
    r = subprocess.run([sys.executable, "-m", "dashboard", "validate", "--data-dir", str(folder)], capture_output=True, text=True)
    assert r.returncode == 1 and "Traceback" not in r.stderr and "not UTF-8" in r.stderr


def test_countries_table_is_built_from_the_gazetteer():
    assert gazetteer.build_countries() == json.loads(gazetteer.COUNTRIES_JSON.read_text(encoding="utf-8"))
