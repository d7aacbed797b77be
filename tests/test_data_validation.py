"""Each broken fixture yields exactly its expected error lines; the corrected file loads."""

from __future__ import annotations

import json
import random

import pytest

from dashboard.data import DataError, load_dataset, make_dataset
from dashboard.data.build import city, project, projects_text, validate_texts
from dashboard.data.synth import synthetic_projects
from dashboard.vocab import AGENCIES
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


# ---------------------------------------------------------------- the stricter checks: gazetteer distance, agencies, named features

PHUKET_GEONAMEID = 1151254  # GeoNames' Phuket, at [98.3981, 7.89059]


def _cities(*extra_phuket: object, **phuket_props: object) -> list[dict]:
    lon, lat = extra_phuket or (98.3981, 7.89059)
    return [city("phuket", "Phuket", "THA", lon, lat, ascn_pilot=True, **phuket_props),
            city("milwaukee", "Milwaukee", "USA", -87.90647, 43.0389, admin1="Wisconsin")]


def test_point_far_from_its_geonameid_is_named_with_both_positions():
    with pytest.raises(DataError) as info:
        make_dataset(_cities(100.9, 15.5, geonameid=PHUKET_GEONAMEID), [project("p", asean=["phuket"], us=["milwaukee"])])
    (issue,) = info.value.issues
    text = str(issue)
    assert "city 'phuket' (feature 1)" in text and "Phuket is 889 km from where the gazetteer puts its geonameid 1151254" in text
    assert "[100.9, 15.5]" in text and "[98.3981, 7.89059]" in text


def test_point_at_its_geonameid_loads_and_an_unknown_id_only_warns():
    ds = make_dataset(_cities(98.40, 7.90, geonameid=PHUKET_GEONAMEID), [project("p", asean=["phuket"])])
    assert len(ds.cities) == 2 and not ds.warnings
    ds = make_dataset(_cities(geonameid=999_999_999), [project("p", asean=["phuket"])])
    assert [w.message for w in ds.warnings] == [
        "city 'phuket' (feature 1): geonameid is not in the offline gazetteer, so the point was not checked"]
    with pytest.raises(DataError, match="geonameid must be a GeoNames id"):
        make_dataset(_cities(geonameid="1151254"), [project("p", asean=["phuket"])])


@pytest.mark.parametrize(("written", "meant"), [("Dept. of State", "Department of State"),
                                                ("NSF", "National Science Foundation"),
                                                ("Department of Comerce", "Department of Commerce")])
def test_lead_agency_alias_is_an_error_naming_the_agency(written, meant):
    with pytest.raises(DataError) as info:
        make_dataset(_cities(), [project("p", asean=["phuket"], lead_agency=written)])
    (issue,) = info.value.issues
    assert issue.message == "unknown lead_agency" and issue.value == written
    assert issue.hint == f"did you mean {meant!r}?"


def test_unknown_lead_agency_says_where_agencies_are_listed():
    with pytest.raises(DataError, match="AGENCIES in dashboard/vocab.py"):
        make_dataset(_cities(), [project("p", asean=["phuket"], lead_agency="Ministry of Magic")])


def test_synthetic_data_uses_only_known_agencies(tmp_path):
    rows = synthetic_projects(_cities(), 200, random.Random(1))
    assert {r["lead_agency"] for r in rows} <= set(AGENCIES)


def test_one_line_geojson_error_names_the_city_and_feature():
    features = [city("phuket", "Phuket", "THA", 98.3981, 7.89059),
                city("milwaukee", "Milwaukee", "USA", 43.0389, -87.90647)]  # [lat, lon]
    text = json.dumps({"type": "FeatureCollection", "features": features})
    assert "\n" not in text
    with pytest.raises(DataError) as info:
        validate_texts(text, projects_text([project("p", asean=["phuket"])]), [])
    (issue,) = info.value.issues
    assert issue.line == 1 and issue.column > 100
    assert str(issue).startswith(f"cities.geojson:1:{issue.column}: city 'milwaukee' (feature 2): latitude and longitude are swapped")
