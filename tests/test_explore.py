"""Exploring by time, by text and by clicking the charts: the year range, the project search, bar clicks."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from dashboard.__main__ import main
from dashboard.callbacks.filtering import bar_value, notice, outputs_for
from dashboard.charts import CHARTS
from dashboard.data import make_dataset
from dashboard.data.build import project, write_data
from dashboard.exports.common import file_stem
from dashboard.ids import ids
from dashboard.model import filters
from dashboard.model.filters import FilterState, apply, clicked, parse_query, to_query
from dashboard.model.render import render
from dashboard.model.search import TextSearch, fold, spans, words
from dashboard.testing import filter_body
from tests.datasets import demo_cities, demo_projects


def titles(dataset, state):
    return sorted(apply(dataset, state).projects["title"])


# ---------------------------------------------------------------- the year range


@pytest.fixture(scope="module")
def dated():
    """One project announced as a year, one as a year-month, one as a full date, in three years."""
    rows = [project("y", title="Year only", announced="2020"), project("m", title="Year and month", announced="2021-06"),
            project("d", title="Full date", announced="2022-03-04")]
    return make_dataset(demo_cities(), rows)


@pytest.mark.parametrize("query, expected", [
    ("?from=2020&to=2020", ["Year only"]),
    ("?from=2021&to=2021", ["Year and month"]),
    ("?from=2022", ["Full date"]),
    ("?to=2021", ["Year and month", "Year only"]),
    ("?from=2021&to=2022", ["Full date", "Year and month"]),
    ("?from=2022&to=2021", ["Full date", "Year and month"]),  # given backwards: the same range
])
def test_each_date_form_falls_in_by_its_year(dated, query, expected):
    state, ignored = parse_query(query, dated.index)
    assert ignored == [] and titles(dated, state) == expected


def test_years_outside_the_data_or_not_numbers_are_ignored_with_a_notice(dated):
    assert dated.index.choices.values["from"] == ("2020", "2021", "2022")
    state, ignored = parse_query("?from=1999&to=abc&sector=Water", dated.index)
    assert state == FilterState(sectors=("Water",))
    assert ignored == [filters.Ignored("from", "1999"), filters.Ignored("to", "abc")]
    assert "from '1999'" in notice(ignored) and "to 'abc'" in notice(ignored)


def test_the_range_is_in_links_titles_and_file_names(dated):
    state = parse_query("?sector=water&from=2020&to=2021", dated.index)[0]
    assert to_query(state) == "?sector=Water&from=2020&to=2021"
    assert state.describe(dated.index) == "Sector: Water · Years: 2020–2021"
    assert FilterState(year_from="2021", year_to="2021").describe(dated.index) == "Years: 2021"
    assert FilterState(year_to="2021").describe(dated.index) == "Years: to 2021"
    assert file_stem("map", state, None).startswith("usascp-map-water-2020-2021-")


# ---------------------------------------------------------------- the project search


def test_folding_ignores_case_accents_and_punctuation():
    assert fold("Hồ Chí Minh City") == "ho chi minh city"
    assert fold("ĐÀ NẴNG") == "da nang"
    assert words("  Bike-LANES bike ") == ("bike", "lanes")
    assert words(None) == () and words("—") == ()


def test_search_matches_word_starts_every_word_and_accents():
    index = TextSearch.build(["Hồ Chí Minh City water utility", "Bike lanes in Kuala Lumpur", "Bikeshare study", ""])
    assert index.match("ho chi minh").tolist() == [True, False, False, False]
    assert index.match("HO CHÍ").tolist() == [True, False, False, False]
    assert index.match("bike").tolist() == [False, True, True, False]  # 'bike' starts 'Bikeshare' too
    assert index.match("bike lanes").tolist() == [False, True, False, False]  # every word must match
    assert index.match("ike").tolist() == [False, False, False, False]  # a word's middle is not its start
    assert index.match("").tolist() == [True] * 4 and index.match("zzz").tolist() == [False] * 4


def test_search_index_answers_correctly_at_100k_projects():
    rng = np.random.default_rng(3)
    texts = [" ".join(f"W{c}" for c in row) for row in rng.integers(0, 5000, (100_000, 12)).tolist()]
    texts[123] += " Đà Nẵng bikeway"
    texts[99_999] += " bikeway"
    index = TextSearch.build(texts)
    assert np.flatnonzero(index.match("bikeway")).tolist() == [123, 99_999]
    assert np.flatnonzero(index.match("da nang bike")).tolist() == [123]
    expected = [i for i, t in enumerate(texts) if " w42" in f" {t.lower()}"]  # a word starting 'w42'
    assert np.flatnonzero(index.match("w42")).tolist() == expected
    both = [i for i in expected if " w1" in f" {texts[i].lower()}"]
    assert np.flatnonzero(index.match("W42 w1")).tolist() == both


def test_spans_mark_the_matched_word_starts_in_the_original_text():
    text = "Hồ Chí Minh City – bike lanes"
    found = spans(text, words("ho chi bike"))
    assert [text[a:b] for a, b in found] == ["Hồ", "Chí", "bike"]
    assert spans("Nothing here", words("bike")) == [] and spans("", words("x")) == []


@pytest.fixture(scope="module")
def searchable():
    rows = [*demo_projects(), project("v-hcmc-flood", asean=["ho-chi-minh-city"], title="Flood sensors",
                                      description="Sensors along the canals of Hồ Chí Minh City")]
    return make_dataset(demo_cities(), rows)


def test_search_reads_titles_descriptions_programmes_partners_and_city_names(searchable):
    index = searchable.index
    assert titles(searchable, parse_query("?q=bike", index)[0]) == ["Energy-generating bike lanes"]
    assert titles(searchable, parse_query("?q=ho%20chi%20minh%20sensors", index)[0]) == ["Flood sensors"]
    assert "Flood sensors" in titles(searchable, parse_query("?q=H%E1%BB%93%20ch%C3%AD", index)[0])
    assert titles(searchable, parse_query("?q=twinning", index)[0]) == sorted(
        t for t in searchable.projects["title"] if "twinning" in t.lower())  # the programme "Water twinning"
    assert titles(searchable, parse_query("?q=Dallas", index)[0]) == ["Transport pair: Kuala Lumpur – Dallas"]


def test_search_is_in_links_titles_and_the_table_marks(searchable):
    state = parse_query("?q=%20bike%20%20lanes&sector=innovation%20%26%20research", searchable.index)[0]
    assert state.query == "bike lanes" and to_query(state) == "?sector=Innovation%20%26%20Research&q=bike%20lanes"
    assert state.describe(searchable.index) == "Sector: Innovation & Research · Search: “bike lanes”"
    rendered = render(searchable, state)
    (row,) = rendered.table_body
    title = row[0]
    assert title[0] == "Energy-generating bike lanes"
    assert [title[0][a:b] for a, b in title[1]] == ["bike", "lanes"]
    assert all(isinstance(cell, str) for cell in render(searchable, FilterState()).table_body[0])  # no search, no marks


# ---------------------------------------------------------------- charts as filters


def test_a_bar_click_sets_its_filter_and_a_second_click_clears_it(searchable):
    index = searchable.index
    water = clicked(FilterState(countries=("THA",)), "sector", "Water", index)
    assert water == FilterState(sectors=("Water",), countries=("THA",))
    assert clicked(water, "sector", "Water", index) == FilterState(countries=("THA",))
    both = FilterState(sectors=("Water", "Health"))
    assert clicked(both, "sector", "Water", index).sectors == ("Water",)  # one of several: that one alone
    assert clicked(FilterState(), "country", "THA", index).countries == ("THA",)
    assert clicked(FilterState(), "agency", "Department of State", index).agencies == ("Department of State",)
    year = clicked(FilterState(), "year", "2020", index)
    assert (year.year_from, year.year_to) == ("2020", "2020")
    assert clicked(year, "year", 2020, index) == FilterState()
    # the region-wide bar (no country), made-up values and other types change nothing
    for param, value in (("country", ""), ("sector", "Nope"), ("year", "1850"), ("sector", None), ("city", "phuket")):
        assert clicked(water, param, value, index) == water


def test_bars_carry_the_value_a_click_sets(searchable):
    rendered = render(searchable, FilterState())
    clickable = {name: chart.click for name, chart in CHARTS.items() if chart.click}
    assert clickable == {"sectors": "sector", "countries": "country", "agencies": "agency", "timeline": "year"}
    countries = rendered.figures["countries"].data[0]
    assert "THA" in countries.customdata and "" in countries.customdata  # the region-wide bar sets nothing
    assert list(rendered.figures["sectors"].data[0].customdata)[0] == "Water"
    assert bar_value({"points": [{"customdata": "Water", "x": 3}]}) == "Water"
    assert bar_value({"points": [{"x": "2020", "y": 2}]}) == "2020"
    assert bar_value({"points": []}) is None and bar_value("x") is None
    assert "Click a bar" in CHARTS["sectors"].page_description and "Click" not in CHARTS["sectors"].description


# ---------------------------------------------------------------- the page's callback, the exports and the CLI


@pytest.fixture(scope="module")
def client(searchable):
    from dashboard.app import create_app

    app = create_app(searchable)
    return app.server.test_client()


def _send(client, trigger, values):
    deps = client.get("/_dash-dependencies").get_json()
    r = client.post("/_dash-update-component", data=json.dumps(filter_body(deps, trigger, values)),
                    content_type="application/json")
    assert r.status_code == 200, r.data[:300]
    return r.get_json()["response"]


def test_link_with_a_year_range_gives_exactly_that_years_rows(client, searchable):
    resp = _send(client, "url.search", {"url.search": "?from=2020&to=2020"})
    expected = sorted(p.title for p in searchable.projects.itertuples() if p.announced.startswith("2020"))
    assert sorted(row[0] for row in resp[ids.TABLE_DATA]["data"]) == expected
    assert resp[ids.YEAR_FROM]["value"] == "2020" and resp[ids.YEAR_TO]["value"] == "2020"
    assert "Years: 2020" in resp[ids.TABLE_CAPTION]["children"]


def test_search_box_narrows_the_table_and_sets_the_link(client):
    resp = _send(client, f"{ids.QUERY}.value", {f"{ids.QUERY}.value": "bike"})
    assert resp[ids.URL]["search"] == "?q=bike"
    (row,) = resp[ids.TABLE_DATA]["data"]
    assert row[0] == ["Energy-generating bike lanes", [[18, 22]]]


def test_bad_years_in_a_link_are_ignored_with_a_notice(client):
    resp = _send(client, "url.search", {"url.search": "?from=20x0&to=3000"})
    assert "from '20x0'" in resp[ids.NOTICE]["children"] and "to '3000'" in resp[ids.NOTICE]["children"]


def test_a_click_on_the_water_bar_filters_every_view(client):
    bar = {"points": [{"customdata": "Water", "y": "Water", "x": 3}]}
    resp = _send(client, f"{CHARTS['sectors'].graph_id}.clickData",
                 {f"{CHARTS['sectors'].graph_id}.clickData": bar})
    assert resp[ids.URL]["search"] == "?sector=Water" and resp[ids.SECTOR]["value"] == ["Water"]
    again = _send(client, f"{CHARTS['sectors'].graph_id}.clickData",
                  {f"{CHARTS['sectors'].graph_id}.clickData": bar, f"{ids.SECTOR}.value": ["Water"],
                   "url.search": "?sector=Water"})
    assert again[ids.URL]["search"] == "" and again[ids.SECTOR]["value"] == []


def test_csv_export_holds_only_the_years_rows(client, searchable):
    r = client.get("/export/projects.csv?from=2024")
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row["Activity ID"] for row in rows] == ["p-trade-events"]


def test_cli_export_takes_the_same_filters(tmp_path, capsys):
    from tests.datasets import demo_cities as cities

    folder = write_data(tmp_path / "data", cities(), demo_projects())
    out = tmp_path / "bike.csv"
    assert main(["export", "--format", "csv", "--from", "2019", "--to", "2020", "--q", "bike", "--data-dir",
                 str(folder), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "r-kl-bike-lanes" in text and "w-phuket-milwaukee" not in text


# ---------------------------------------------------------------- data as of


@pytest.fixture(scope="module")
def dated_folder(tmp_path_factory):
    """A data folder whose files were last changed on 2026-03-04 and whose newest source is dated 2024-09."""
    import datetime as dt
    import os

    rows = demo_projects()
    rows[0]["source"] = "Fact sheet, 2020-11-13"
    rows[1]["source"] = "Programme page, 2024-09; older page 2019-12-04"
    folder = write_data(tmp_path_factory.mktemp("dated"), demo_cities(), rows)
    stamp = dt.datetime(2026, 3, 4, 12, tzinfo=dt.timezone.utc).timestamp()
    for name in ("cities.geojson", "projects.csv"):
        os.utime(folder / name, (stamp, stamp))
    return folder


def test_a_loaded_dataset_knows_when_its_files_changed_and_its_newest_source(dated_folder):
    from dashboard.data import load_dataset

    ds = load_dataset(dated_folder)
    assert ds.changed_on == "2026-03-04" and ds.index.newest_source == "2024-09"
    assert ds.as_of() == "Data as of 2026-03-04 (when its files last changed); newest source document dated 2024-09"
    assert make_dataset(demo_cities(), [project("x", source="no date here")]).as_of() == ""


def test_page_healthz_and_exports_say_the_data_as_of(dated_folder):
    from openpyxl import load_workbook

    from dashboard.app import create_app
    from dashboard.data import load_dataset

    client = create_app(load_dataset(dated_folder)).server.test_client()
    layout = json.dumps(client.get("/_dash-layout").get_json())
    assert "Data as of 2026-03-04" in layout and "newest source document dated 2024-09" in layout
    health = client.get("/healthz").get_json()
    assert health["data_as_of"] == "2026-03-04" and health["newest_source"] == "2024-09"
    html = client.get("/export/map.html").get_data(as_text=True)
    assert "Data as of 2026-03-04" in html
    about = load_workbook(io.BytesIO(client.get("/export/projects.xlsx").data))["About"]
    assert any("Data as of 2026-03-04" in str(row[0].value) for row in about.iter_rows())
