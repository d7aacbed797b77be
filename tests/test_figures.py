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
    lines = [t for t in fig.data if t.mode == "lines" and t.name != figures.LABEL_TRACE]
    assert [t.name for t in lines] == ["Water", "Transportation"]
    water, transport = lines
    # the demo's pairs: three water (Phuket, Ho Chi Minh City, Johor Bahru) and two transport, one project each
    assert np.isnan(np.asarray(water.lon, float)).sum() == 3  # three water pairs, each ended by a gap
    assert len(water.lon) == 3 * (figures.ARC_POINTS + 1)
    assert len(transport.lon) == 2 * (figures.ARC_POINTS + 1)
    assert all(t.line.color == SECTOR_COLOURS[t.name] for t in lines)


def test_markers_for_every_city_kind(demo):
    fig = figures.map_figure(demo, view(demo))
    markers = {t.name: len(t.lon) for t in fig.data if t.mode == "markers" and t.name != figures.PAIR_HOVER}
    # the demo: six ASCN pilots, Cebu City (ASEAN, not a pilot), five U.S. cities; no filter, so no context markers
    assert markers == {"ASCN pilot city": 6, "Other ASEAN city": 1, "U.S. partner city": 5}
    symbols = {t.name: t.marker.symbol for t in fig.data if t.mode == "markers" and t.name != figures.PAIR_HOVER}
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
    assert [t.name for t in fig.data if t.mode == "lines" and t.name != figures.LABEL_TRACE] == ["Water"]
    other = next(t for t in fig.data if t.name == figures.CITY_KINDS["other"][0])
    # 12 demo cities, 6 of them in the three water pairs: the other 6 stay as faint context
    assert len(other.lon) == 12 - 6
    context = {demo.cities.index[int(i)] for i in other.customdata[:, 0]}
    assert context == {"bangkok", "kuala-lumpur", "jakarta", "cebu-city", "las-vegas", "dallas"}


def test_selected_city_lines_are_highlighted(demo):
    fig = figures.map_figure(demo, view(demo), selected="phuket")
    bold = [t for t in fig.data if t.mode == "lines" and t.name != figures.LABEL_TRACE and t.line.width == 4.0]
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
    names = " ".join(n for t in fig.data if t.name == figures.LABEL_TRACE and t.text is not None for n in t.text)
    assert "<img" not in names and "&lt;img" in names  # the city names on the map too
    line_hover = " ".join(h for t in fig.data if t.name == figures.PAIR_HOVER for h in t.hovertext)
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
    # each bar's agency rides as its customdata (its name on the axis may break across lines)
    assert dict(zip(agencies.customdata, agencies.x))["Department of Transportation"] == 2  # the two transport pairs
    assert "Department of<br>Transportation" in agencies.y


def test_long_bar_names_break_at_a_space_and_are_escaped():
    assert figures.wrapped("Water") == "Water"
    assert figures.wrapped("Centers for Disease Control and Prevention") == "Centers for Disease<br>Control and Prevention"
    assert figures.wrapped("R&D <b>and</b> more, spelt out at length") == "R&amp;D &lt;b&gt;and&lt;/b&gt; more,<br>spelt out at length"
    assert figures.wrapped("Supercalifragilisticexpialidocious") == "Supercalifragilisticexpialidocious"  # no space


def test_timeline_stacks_sectors_by_year(demo):
    fig = figures.timeline_figure(view(demo))
    total = sum(int(np.asarray(t.y).sum()) for t in fig.data)
    assert total == 10 and fig.layout.barmode == "stack"  # every demo project, 2019 to 2024
    assert list(fig.data[0].x) == ["2019", "2020", "2021", "2022", "2023", "2024"]


def test_headline_numbers(demo):
    # 12 cities in 6 countries (THA, VNM, MYS, IDN, PHL, USA), 10 projects, 5 city pairs
    assert figures.headline_numbers(demo, view(demo)) == {"cities": 12, "countries": 6, "activities": 10, "city pairs": 5}
    thai = figures.headline_numbers(demo, view(demo, countries=("THA",)))
    # Phuket's two pairs and the Thai health records; Phuket and Bangkok plus the U.S. partners Milwaukee and Las Vegas
    assert thai["activities"] == 3 and thai["city pairs"] == 2 and not math.isnan(thai["cities"])
    assert thai == {"cities": 4, "countries": 2, "activities": 3, "city pairs": 2}


def _pair_rows(fig):
    """(left label, right label) per row of the city-pairs chart, top to bottom."""
    left = next(t for t in fig.data if t.mode == "text" and t.textposition == "middle left")
    right = next(t for t in fig.data if t.mode == "text" and t.textposition == "middle right")
    return [(a.split("<br>")[0], b.split("<br>")[0]) for _, a, b in sorted(zip(left.y, left.text, right.text))]


def test_pairs_chart_lists_every_pair_by_sector(demo):
    fig = figures.pairs_figure(demo, view(demo))
    assert _pair_rows(fig) == [  # Water first (the vocabulary's order), then Transportation; ASEAN cities A-Z
        ("<b>Ho Chi Minh City</b>", "<b>San Francisco</b>"), ("<b>Johor Bahru</b>", "<b>Washington, DC</b>"),
        ("<b>Phuket</b>", "<b>Milwaukee</b>"), ("<b>Kuala Lumpur</b>", "<b>Dallas</b>"),
        ("<b>Phuket</b>", "<b>Las Vegas</b>")]
    groups = [a.text for a in fig.layout.annotations if "pair" in a.text]
    assert groups == ["<b>Water</b> · 3 pairs", "<b>Transportation</b> · 2 pairs"]
    lines = {t.name: t.line.color for t in fig.data if t.mode == "lines+markers"}
    assert lines == {"Water": SECTOR_COLOURS["Water"], "Transportation": SECTOR_COLOURS["Transportation"]}
    right = next(t for t in fig.data if t.mode == "text" and t.textposition == "middle right")
    assert "<b>Milwaukee</b><br>Wisconsin" in right.text  # U.S. cities carry their state


def test_pairs_chart_groups_by_country_and_follows_filters(demo):
    fig = figures.pairs_figure(demo, view(demo, countries=("MYS",)), by_country=True)
    assert _pair_rows(fig) == [("<b>Johor Bahru</b>", "<b>Washington, DC</b>"), ("<b>Kuala Lumpur</b>", "<b>Dallas</b>")]
    assert [a.text for a in fig.layout.annotations if "pair" in a.text] == ["<b>Malaysia</b> · 2 pairs"]
    empty = figures.pairs_figure(demo, view(demo, sectors=("Health",)))
    assert [a.text for a in empty.layout.annotations] == ["No city pairs match these filters"]


def test_pairs_chart_lists_the_busiest_and_counts_the_rest():
    cities = [city("phuket", "Phuket", "THA", 98.3981, 7.89059), city("boston", "Boston", "USA", -71.05977, 42.35843)]
    cities += [city(f"us-{i}", f"Town <{i}>", "USA", -100 + i * 0.1, 40.0) for i in range(figures.MAX_PAIR_ROWS + 4)]
    rows = [project(f"p{i}", asean=["phuket"], us=[f"us-{i}"]) for i in range(figures.MAX_PAIR_ROWS + 4)]
    rows += [project("busy-1", asean=["phuket"], us=["boston"]), project("busy-2", asean=["phuket"], us=["boston"])]
    ds = make_dataset(cities, rows)
    fig = figures.pairs_figure(ds, view(ds))
    pairs = _pair_rows(fig)
    assert len(pairs) == figures.MAX_PAIR_ROWS and ("<b>Phuket</b>", "<b>Boston</b>") in pairs
    assert any("5 more" in a.text for a in fig.layout.annotations)
    assert all("<" not in label.replace("<b>", "").replace("</b>", "") for _, label in pairs)  # names are escaped


def test_cities_win_the_hover_and_lines_hover_along_their_length(demo):
    fig = figures.map_figure(demo, view(demo))
    lines = [i for i, t in enumerate(fig.data) if t.mode == "lines" and t.name != figures.LABEL_TRACE]
    cities = [i for i, t in enumerate(fig.data) if t.mode == "markers" and t.name != figures.PAIR_HOVER]
    assert max(lines) < min(cities)  # city markers are drawn above every line
    assert all(fig.data[i].hoverinfo == "skip" for i in lines)
    targets = next(t for t in fig.data if t.name == figures.PAIR_HOVER)
    assert len(targets.lon) == 5 * figures.HOVER_TARGETS and targets.marker.opacity == 0
    by_name = demo.cities.set_index("name")
    for lon, lat, text in zip(targets.lon, targets.lat, targets.hovertext):
        ends = text.split(" (")[0].split(" – ")
        for end in ends:  # no target sits on its own line's ends, where the cities' markers are
            c = by_name.loc[end]
            assert np.hypot((lon - c["lon"] + 180) % 360 - 180, lat - c["lat"]) > 5, (text, end)
