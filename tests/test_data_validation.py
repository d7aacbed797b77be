"""Each broken fixture yields exactly its expected error lines; the corrected file loads."""

from __future__ import annotations


import pytest

from dashboard.data import DataError, load_dataset
from tests.conftest import FIXTURES, data_folder

CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name != "valid")
# fixtures that must load (with or without warnings)
LOADS = {"extra_column", "excel_bom", "blank_lines", "formula_text"}


def test_every_check_has_a_fixture():
    expected = {
        "missing_column", "extra_column", "duplicate_city_id", "duplicate_project_id", "unknown_city_id",
        "unknown_sector", "unknown_status", "unknown_country", "latitude_out_of_range", "lat_lon_swapped",
        "outside_country", "non_point_geometry", "not_feature_collection", "bad_date", "empty_required_cell",
        "self_pair", "excel_bom", "non_utf8", "blank_lines", "formula_text",
    }
    assert expected <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_fixture_reports_exactly_its_error(case, tmp_path):
    folder = data_folder(tmp_path, case)
    expected = (FIXTURES / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    if case in LOADS:
        ds = load_dataset(folder)
        assert [str(w) for w in ds.warnings] == expected
        assert len(ds.projects) == 3
    else:
        with pytest.raises(DataError) as info:
            load_dataset(folder)
        assert [str(i) for i in info.value.issues] == expected
        assert len(expected) == 1
        # the exception's message lists the same lines
        for line in expected:
            assert line in str(info.value)


@pytest.mark.parametrize("case", [c for c in CASES if c not in LOADS])
def test_corrected_copy_loads(case, tmp_path):
    """The valid fixture is the corrected copy of every broken one: it differs only in the mistake."""
    ds = load_dataset(data_folder(tmp_path))
    assert len(ds.cities) == 5 and len(ds.projects) == 3


def test_error_names_file_line_column_value_and_hint(tmp_path):
    folder = data_folder(tmp_path, "unknown_sector")
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    issue = info.value.issues[0]
    assert (issue.file, issue.line, issue.column, issue.value) == ("projects.csv", 2, 3, " water ")
    assert "Water" in issue.hint


def test_every_error_is_listed_and_nothing_loads(tmp_path):
    """Mistakes in both files are all reported in one exception."""
    folder = data_folder(tmp_path, "lat_lon_swapped")
    text = (folder / "projects.csv").read_text().replace("Capacity Building", "Capacity building").replace("2019-12-04", "04/12/2019")
    (folder / "projects.csv").write_text(text)
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    messages = [i.message for i in info.value.issues]
    assert len(messages) == 3
    assert any("swapped" in m for m in messages)
    assert any("sector" in m for m in messages) and any("date" in m for m in messages)


def test_missing_file_is_an_error_not_a_crash(tmp_path):
    folder = data_folder(tmp_path)
    (folder / "cities.geojson").unlink()
    with pytest.raises(DataError, match="cities.geojson:1:1: file not found"):
        load_dataset(folder)


def test_invalid_json_points_at_the_mistake(tmp_path):
    folder = data_folder(tmp_path)
    lines = (folder / "cities.geojson").read_text().splitlines()
    lines[2] = lines[2].replace('"Feature",', '"Feature"', 1)
    (folder / "cities.geojson").write_text("\n".join(lines))
    with pytest.raises(DataError, match=r"cities.geojson:3:\d+: not valid JSON"):
        load_dataset(folder)


def test_wrong_side_city_is_named(tmp_path):
    folder = data_folder(tmp_path)
    text = (folder / "projects.csv").read_text().replace(",phuket,milwaukee,", ",milwaukee,phuket,")
    (folder / "projects.csv").write_text(text)
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    assert any("move it to us_city_ids" in str(i) for i in info.value.issues)


def test_city_name_used_as_id_suggests_the_id(tmp_path):
    folder = data_folder(tmp_path)
    text = (folder / "projects.csv").read_text().replace(",phuket,milwaukee,", ",Ho Chi Minh City,milwaukee,")
    (folder / "projects.csv").write_text(text)
    with pytest.raises(DataError, match="did you mean 'ho-chi-minh-city'"):
        load_dataset(folder)
