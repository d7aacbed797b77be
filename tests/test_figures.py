"""Figure builders on datasets built in code (the demo of tests/datasets.py, the tiny fixture, or one made in the
test): traces, None gaps, colours, arcs, highlight, escaping, empty states, counts."""

from __future__ import annotations

import math

import numpy as np

from dashboard import figures
from dashboard.data import make_dataset
from dashboard.data.build import city, project
from dashboard.model import filters
from dashboard.model.filters import FilterState
from dashboard.vocab import SECTOR_COLOURS


def view(ds, **kw):
    return filters.apply(ds, FilterState(**kw))


def test_one_line_trace_per_sector_with_gaps(demo):
    fig = figures.map_figure(demo, view(demo))
    lines = [t for t in fig.data if t.mode == "lines"]
    assert [t.name for t in lines] == ["Water", "Transportation"]
    water, transport = lines
    # the demo's pairs: three water (Phuket, Ho Chi Minh City, Johor Bahru) and two transport, one project each
    assert np.isnan(np.asarray(water.lon, float)).sum() == 3  # three water pairs, each ended by a gap
    assert len(water.lon) == 3 * (figures.ARC_POINTS + 1)
    assert len(transport.lon) == 2 * (figures.ARC_POINTS + 1)
    assert all(t.line.color == SECTOR_COLOURS[t.name] for t in lines)


def test_markers_for_every_city_kind(demo):
    fig = figures.map_figure(demo, view(demo))
    markers = {t.name: len(t.lon) for t in fig.data if t.mode == "markers"}
    # the demo: six ASCN pilots, Cebu City (ASEAN, not a pilot), five U.S. cities; no filter, so no context markers
    assert markers == {"ASCN pilot city": 6, "Other ASEAN city": 1, "U.S. partner city": 5}
    symbols = {t.name: t.marker.symbol for t in fig.data if t.mode == "markers"}
    assert len(set(symbols.values())) == 3


def test_arcs_cross_the_pacific_eastward(demo):
    links = demo.links[demo.links["asean_city_id"] == "phuket"]
    lon, lat = figures.arcs(links)
    lon = lon[~np.isnan(lon)]
    # every point is east of Phuket or in the western hemisphere: none over Africa/Europe/the Atlantic
    assert ((lon >= 98) | (lon <= -60)).all()
    assert np.nanmax(lat) < 75  # no detour over the pole


def test_filtered_map_shows_only_its_lines(demo):
    fig = figures.map_figure(demo, view(demo, sectors=("Water",)))
    assert [t.name for t in fig.data if t.mode == "lines"] == ["Water"]
    other = next(t for t in fig.data if t.name == figures.CITY_KINDS["other"][0])
    # 12 demo cities, 6 of them in the three water pairs: the other 6 stay as faint context
    assert len(other.lon) == 12 - 6
    context = {demo.cities.index[int(i)] for i in other.customdata[:, 0]}
    assert context == {"bangkok", "kuala-lumpur", "jakarta", "cebu-city", "las-vegas", "dallas"}


def test_selected_city_lines_are_highlighted(demo):
    fig = figures.map_figure(demo, view(demo), selected="phuket")
    bold = [t for t in fig.data if t.mode == "lines" and t.line.width == 4.0]
    assert {t.name for t in bold} == {"Water", "Transportation"}
    assert all(len(t.lon) == figures.ARC_POINTS + 1 for t in bold)


def test_click_on_line_or_marker_names_a_city(demo):
    fig = figures.map_figure(demo, view(demo, sectors=("Water",)))
    water = fig.data[0]
    marker = next(t for t in fig.data if t.name == "U.S. partner city")
    assert figures.city_at(demo.cities, {"points": [{"customdata": marker.customdata[0].tolist()}]}) in demo.cities.index
    # Plotly may give a click on a marker to the line end beneath it: matched by coordinates
    first = figures.city_at(demo.cities, {"points": [{"lon": float(water.lon[0]), "lat": float(water.lat[0])}]})
    end = figures.ARC_POINTS - 1
    last = figures.city_at(demo.cities, {"points": [{"lon": float(water.lon[end]), "lat": float(water.lat[end])}]})
    assert demo.cities.loc[first, "region"] == "ASEAN" and demo.cities.loc[last, "region"] == "US"
    middle = figures.ARC_POINTS // 2
    assert figures.city_at(demo.cities, {"points": [{"lon": float(water.lon[middle]), "lat": float(water.lat[middle])}]}) is None
    for junk in (None, {}, {"points": []}, {"points": [{"customdata": "x"}]}, {"points": [{"customdata": 10**9}]},
                 {"points": [{"customdata": 1.5}]}, {"points": [{"customdata": True}]}):
        assert figures.city_at(demo.cities, junk) is None


def test_hover_text_is_escaped():
    # a city whose name is markup, built and validated as a file would be (the dataset and its index are immutable)
    ds = make_dataset(
        cities=[city("phuket", "<img src=x onerror=alert(1)>", "THA", 98.3981, 7.89059, ascn_pilot=True),
                city("milwaukee", "Milwaukee", "USA", -87.90647, 43.0389)],
        projects=[project("p1", asean=["phuket"], us=["milwaukee"])],
    )
    fig = figures.map_figure(ds, view(ds))
    hover = " ".join(h for t in fig.data if t.mode == "markers" and t.text is not None for h in t.text)
    assert "<img" not in hover and "&lt;img" in hover
    line_hover = " ".join(h for t in fig.data if t.mode == "lines" for h in t.hovertext)
    assert "<img" not in line_hover and "&lt;img" in line_hover


def test_empty_selection_says_so(tiny):
    v = view(tiny, sectors=("Health",))
    for fig in (figures.map_figure(tiny, v), figures.sectors_figure(v), figures.countries_figure(tiny, v),
                figures.agencies_figure(v), figures.timeline_figure(v)):
        assert any(a.text == figures.EMPTY_TEXT for a in fig.layout.annotations)


def test_bar_charts_count_projects(demo):
    v = view(demo)
    sectors = figures.sectors_figure(v).data[0]
    assert dict(zip(sectors.y, sectors.x))["Water"] == 3  # the demo's three water pairs
    countries = figures.countries_figure(demo, v).data[0]
    by = dict(zip(countries.y, countries.x))
    # Thailand: the Phuket water and transport pairs and the Thai health records; region-wide: workshops, trade events
    assert by["Thailand"] == 3 and by["Region-wide (all ASEAN)"] == 2
    agencies = figures.agencies_figure(v).data[0]
    assert dict(zip(agencies.y, agencies.x))["Department of Transportation"] == 2  # the two transport pairs


def test_timeline_stacks_sectors_by_year(demo):
    fig = figures.timeline_figure(view(demo))
    total = sum(int(np.asarray(t.y).sum()) for t in fig.data)
    assert total == 10 and fig.layout.barmode == "stack"  # every demo project, 2019 to 2024
    assert list(fig.data[0].x) == ["2019", "2020", "2021", "2022", "2023", "2024"]


def test_headline_numbers(demo):
    # 12 cities in 6 countries (THA, VNM, MYS, IDN, PHL, USA), 10 projects, 5 city pairs
    assert figures.headline_numbers(demo, view(demo)) == {"cities": 12, "countries": 6, "projects": 10, "city pairs": 5}
    thai = figures.headline_numbers(demo, view(demo, countries=("THA",)))
    # Phuket's two pairs and the Thai health records; Phuket and Bangkok plus the U.S. partners Milwaukee and Las Vegas
    assert thai["projects"] == 3 and thai["city pairs"] == 2 and not math.isnan(thai["cities"])
    assert thai == {"cities": 4, "countries": 2, "projects": 3, "city pairs": 2}
