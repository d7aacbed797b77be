"""Figure builders on the tiny dataset: traces, None gaps, colours, arcs, highlight, empty states."""

from __future__ import annotations

import math

import numpy as np

from dashboard import figures, filters
from dashboard.filters import FilterState
from dashboard.vocab import SECTOR_COLOURS


def view(ds, **kw):
    return filters.apply(ds, FilterState(**kw))


def test_one_line_trace_per_sector_with_gaps(shipped):
    fig = figures.map_figure(shipped, view(shipped))
    lines = [t for t in fig.data if t.mode == "lines"]
    assert [t.name for t in lines] == ["Water", "Transportation"]
    water = lines[0]
    assert np.isnan(np.asarray(water.lon, float)).sum() == 5  # five water pairs, each ended by a gap
    assert len(water.lon) == 5 * (figures.ARC_POINTS + 1)
    assert all(t.line.color == SECTOR_COLOURS[t.name] for t in lines)


def test_markers_for_every_city_kind(shipped):
    fig = figures.map_figure(shipped, view(shipped))
    markers = {t.name: len(t.lon) for t in fig.data if t.mode == "markers"}
    assert markers == {"ASCN pilot city": 26, "U.S. partner city": 11}
    symbols = {t.name: t.marker.symbol for t in fig.data if t.mode == "markers"}
    assert symbols["ASCN pilot city"] != symbols["U.S. partner city"]


def test_arcs_cross_the_pacific_eastward(shipped):
    links = shipped.links[shipped.links["asean_city_id"] == "phuket"]
    lon, lat = figures.arcs(links)
    lon = lon[~np.isnan(lon)]
    # every point is east of Phuket or in the western hemisphere: none over Africa/Europe/the Atlantic
    assert ((lon >= 98) | (lon <= -60)).all()
    assert np.nanmax(lat) < 75  # no detour over the pole


def test_filtered_map_shows_only_its_lines(shipped):
    fig = figures.map_figure(shipped, view(shipped, sectors=("Water",)))
    assert [t.name for t in fig.data if t.mode == "lines"] == ["Water"]
    other = next(t for t in fig.data if t.name == figures.CITY_KINDS["other"][0])
    assert len(other.lon) == 37 - 10


def test_selected_city_lines_are_highlighted(shipped):
    fig = figures.map_figure(shipped, view(shipped), selected="phuket")
    bold = [t for t in fig.data if t.mode == "lines" and t.line.width == 4.0]
    assert {t.name for t in bold} == {"Water", "Transportation"}
    assert all(len(t.lon) == figures.ARC_POINTS + 1 for t in bold)


def test_click_on_line_or_marker_names_a_city(shipped):
    fig = figures.map_figure(shipped, view(shipped, sectors=("Water",)))
    water = fig.data[0]
    marker = next(t for t in fig.data if t.name == "U.S. partner city")
    assert figures.city_at(shipped.cities, {"points": [{"customdata": marker.customdata[0].tolist()}]}) in shipped.cities.index
    # Plotly may give a click on a marker to the line end beneath it: matched by coordinates
    first = figures.city_at(shipped.cities, {"points": [{"lon": float(water.lon[0]), "lat": float(water.lat[0])}]})
    end = figures.ARC_POINTS - 1
    last = figures.city_at(shipped.cities, {"points": [{"lon": float(water.lon[end]), "lat": float(water.lat[end])}]})
    assert shipped.cities.loc[first, "region"] == "ASEAN" and shipped.cities.loc[last, "region"] == "US"
    middle = figures.ARC_POINTS // 2
    assert figures.city_at(shipped.cities, {"points": [{"lon": float(water.lon[middle]), "lat": float(water.lat[middle])}]}) is None
    for junk in (None, {}, {"points": []}, {"points": [{"customdata": "x"}]}, {"points": [{"customdata": 10**9}]},
                 {"points": [{"customdata": 1.5}]}, {"points": [{"customdata": True}]}):
        assert figures.city_at(shipped.cities, junk) is None


def test_hover_text_is_escaped(tiny):
    import dataclasses

    cities = tiny.cities.copy()
    cities.loc["phuket", "name"] = "<img src=x onerror=alert(1)>"
    ds = dataclasses.replace(tiny, cities=cities)
    fig = figures.map_figure(ds, view(ds))
    hover = " ".join(h for t in fig.data if t.mode == "markers" and t.text is not None for h in t.text)
    assert "<img" not in hover and "&lt;img" in hover


def test_empty_selection_says_so(tiny):
    v = view(tiny, sectors=("Health",))
    for fig in (figures.map_figure(tiny, v), figures.sectors_figure(v), figures.countries_figure(tiny, v),
                figures.agencies_figure(v), figures.timeline_figure(v)):
        assert any(a.text == figures.EMPTY_TEXT for a in fig.layout.annotations)


def test_bar_charts_count_projects(shipped):
    v = view(shipped)
    sectors = figures.sectors_figure(v).data[0]
    assert dict(zip(sectors.y, sectors.x))["Water"] == 5
    countries = figures.countries_figure(shipped, v).data[0]
    by = dict(zip(countries.y, countries.x))
    assert by["Thailand"] == 2 and by["Region-wide (all ASEAN)"] >= 5
    agencies = figures.agencies_figure(v).data[0]
    assert dict(zip(agencies.y, agencies.x))["Department of Transportation"] == 5


def test_timeline_stacks_sectors_by_year(shipped):
    fig = figures.timeline_figure(view(shipped))
    total = sum(int(np.asarray(t.y).sum()) for t in fig.data)
    assert total == 26 and fig.layout.barmode == "stack"
    assert list(fig.data[0].x)[0] == "2019"


def test_headline_numbers(shipped):
    assert figures.headline_numbers(shipped, view(shipped)) == {"cities": 37, "countries": 11, "projects": 26, "city pairs": 10}
    thai = figures.headline_numbers(shipped, view(shipped, countries=("THA",)))
    assert thai["projects"] == 2 and thai["city pairs"] == 2 and not math.isnan(thai["cities"])
