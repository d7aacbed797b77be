"""The map's geometry and names: plotly's projection reproduced, views that fit, and names that never overlap."""

from __future__ import annotations

import numpy as np
import pytest

from dashboard import figures, geo, labels
from dashboard.data import make_dataset
from dashboard.data.build import city, project
from dashboard.model import filters
from dashboard.model.filters import FilterState
from dashboard.model.render import render
from tests.datasets import cluster
from tests.mapcheck import assert_names_clear


def selection(ds, **kw):
    return filters.apply(ds, FilterState(**kw))


# ---------------------------------------------------------------- projection and views


def test_the_view_centre_lands_mid_plot_and_east_is_right():
    frame = geo.VIEWS["asean"].frame(0, 0, 800, 600)
    x, y = frame.project([110.0], [7.0])  # the rotation longitude at the middle latitude
    assert x[0] == pytest.approx(400) and y[0] == pytest.approx(300)
    (xw, xe), (yn, ys) = frame.project([100.0, 120.0], [7.0, 7.0])[0], frame.project([110.0, 110.0], [20.0, -5.0])[1]
    assert xw < 400 < xe and yn < 300 < ys
    left, top, right, bottom = frame.visible_box()
    assert left >= -0.5 and top >= -0.5 and right <= 800.5 and bottom <= 600.5
    assert (right - left == pytest.approx(800, abs=0.5)) or (bottom - top == pytest.approx(600, abs=0.5))


def test_the_pacific_view_crosses_the_dateline_eastward():
    frame = geo.VIEWS["pacific"].frame(0, 0, 1068, 511)
    x, _ = frame.project([98.4, 180.0, -122.4, -71.1], [7.9, 20.0, 37.8, 42.4])  # Phuket, dateline, SF, Boston
    assert list(x) == sorted(x)


def test_fit_frames_one_region_and_the_pacific_for_both():
    assert geo.fit(np.array([101.7, 106.8]), np.array([3.1, -6.2]), {"ASEAN"}).lon_range[1] < 130
    us = geo.fit(np.array([-122.4, -71.1]), np.array([37.8, 42.4]), {"US"})
    assert us.lon_range[0] < -122.4 and us.lon_range[1] > -71.1 and us.regions == {"US"}
    assert geo.fit(np.array([98.4, -87.9]), np.array([7.9, 43.0]), {"ASEAN", "US"}) is geo.VIEWS["pacific"]
    one = geo.fit(np.array([98.4]), np.array([7.9]), {"ASEAN"})  # one city: at least 10 x 7 degrees around it
    assert one.lon_range[1] - one.lon_range[0] >= 10 and one.lat_range[1] - one.lat_range[0] >= 7


# ---------------------------------------------------------------- label placement


def boxes_of(placed):
    return [spot.box for spot in placed.values()]


def test_labels_keep_off_each_other_and_other_markers():
    rng = np.random.default_rng(3)
    markers = np.column_stack([rng.uniform(20, 580, 60), rng.uniform(20, 380, 60), np.full(60, 5.0)])
    cands = [labels.Candidate(i, f"City number {i}", priority=float(60 - i)) for i in range(60)]
    placed = labels.place(markers, cands, (0, 0, 600, 400))
    assert placed and labels.overlaps(boxes_of(placed)) == []
    for i, spot in placed.items():
        x0, y0, x1, y1 = spot.box
        assert 0 <= x0 and x1 <= 600 and 0 <= y0 and y1 <= 400
        others = np.delete(markers, i, axis=0)
        hit = (others[:, 0] + others[:, 2] > x0) & (others[:, 0] - others[:, 2] < x1) & \
              (others[:, 1] + others[:, 2] > y0) & (others[:, 1] - others[:, 2] < y1)
        assert not hit.any(), f"label {i} covers a marker"


def test_the_most_important_names_win_and_a_crowd_terminates_fast():
    rng = np.random.default_rng(7)
    n = 200
    markers = np.column_stack([rng.uniform(0, 900, n), rng.uniform(0, 500, n), np.full(n, 4.0)])
    cands = [labels.Candidate(i, f"Town {i:03d}", priority=float(i)) for i in range(n)]
    placed = labels.place(markers, cands, (0, 0, 900, 500))  # it terminates: its speed is for benchmarks/
    assert 0 < len(placed) < n
    assert n - 1 in placed  # the most important is placed first, so it always finds room if any exists
    assert labels.overlaps(boxes_of(placed)) == []


def test_a_label_sits_where_plotly_puts_text():
    # components/drawing textPointPosition: offset radius / 0.8 + 1 from the centre, anchored by the side
    x0, _, x1, _ = labels.label_box(100, 100, 8, "middle right", 50)
    assert x0 == pytest.approx(111) and x1 == pytest.approx(161)
    assert labels.label_box(100, 100, 8, "middle left", 50)[2] == pytest.approx(89)
    _, top, _, bottom = labels.label_box(100, 100, 8, "top center", 50)
    assert bottom < 100 - 8 and labels.label_box(100, 100, 8, "bottom center", 50)[1] > 100 + 8


# ---------------------------------------------------------------- the map figure


def shown_labels(fig, size_index=0):
    """(subplot, name, textposition) of the name traces the browser shows at a size (the first: the widest)."""
    sets = fig.layout.meta["label_sets"]
    return [(fig.data[i].geo, name, pos) for i in sets[size_index]["traces"] if fig.data[i].mode != "lines"
            for name, pos in zip(fig.data[i].text, fig.data[i].textposition)]


def test_every_paired_city_is_named_at_the_wide_size():
    ds = cluster()
    fig = figures.map_figure(ds, selection(ds))
    named = {name for _, name, _ in shown_labels(fig)}
    assert {"Boston", "Portland", "Hillsboro", "Bangkok"} <= named
    assert len({"Singapore", "Johor Bahru"} & named) >= 1  # 20 km apart: one may have to give way
    assert fig.layout.meta["inset"] is True and fig.layout.geo2.lonaxis.range[0] > 90
    visible = [fig.data[i].visible for s in fig.layout.meta["label_sets"] for i in s["traces"]]
    first = len(fig.layout.meta["label_sets"][0]["traces"])
    assert visible[:first] == [True] * first and not any(visible[first:])  # the widest set shows until the browser picks


@pytest.mark.parametrize("size_index", range(len(figures.PAGE_SIZES)))
def test_names_never_overlap_or_cover_a_marker(demo, size_index):
    assert_names_clear(figures.map_figure(demo, selection(demo)), size_index)
    assert_names_clear(figures.map_figure(demo, selection(demo), view="asean"), size_index)


def test_views_frame_the_selection_or_the_chosen_region(demo):
    research = figures.map_figure(demo, selection(demo, sectors=("Innovation & Research",)))
    assert research.layout.meta["inset"] is False  # Kuala Lumpur and Jakarta: ASEAN only
    lon0, lon1 = research.layout.geo.lonaxis.range
    assert 95 < lon0 < 101.7 and 106.8 < lon1 < 115
    us = figures.map_figure(demo, selection(demo), view="us")
    assert tuple(us.layout.geo.lonaxis.range) == geo.VIEWS["us"].lon_range and "geo2" not in us.layout
    assert {name for _, name, _ in shown_labels(us)} >= {"Milwaukee", "Dallas", "Las Vegas", "San Francisco"}
    asean = figures.map_figure(demo, selection(demo), view="asean")
    assert {name for _, name, _ in shown_labels(asean)} >= {"Phuket", "Bangkok", "Kuala Lumpur", "DKI Jakarta"}


def test_a_chosen_city_frames_itself_and_its_partners(demo):
    scope = filters.select(demo, FilterState(city="jakarta"))  # one research project, no pair
    fig = figures.map_figure(demo, scope.map_selection, selected="jakarta", focus=scope.selection)
    lon0, lon1 = fig.layout.geo.lonaxis.range
    assert lon0 < 106.8 < lon1 and lon1 - lon0 < 40
    named = {name for _, name, _ in shown_labels(fig)}
    assert "DKI Jakarta" in named


def test_a_name_with_no_room_beside_its_marker_moves_out_on_a_leader_line():
    # a marker hemmed in on every side by others: its name can only sit further out
    ring = [(200 + 12 * np.cos(a), 150 + 12 * np.sin(a), 5.0) for a in np.linspace(0, 2 * np.pi, 12, endpoint=False)]
    markers = np.array([(200.0, 150.0, 5.0), *ring])
    placed = labels.place(markers, [labels.Candidate(0, "Hemmed In", 10.0)], (0, 0, 400, 300))
    spot = placed[0]
    assert spot.anchor is not None and np.hypot(spot.anchor[0] - 200, spot.anchor[1] - 150) >= 20
    x0, y0, x1, y1 = spot.box
    assert not ((markers[:, 0] + 6 > x0) & (markers[:, 0] - 6 < x1) & (markers[:, 1] + 6 > y0)
                & (markers[:, 1] - 6 < y1)).any()


def test_unproject_inverts_project():
    frame = geo.VIEWS["pacific"].frame(0, 0, 1068, 511)
    lon, lat = np.array([98.4, -122.4, 150.0, -71.1]), np.array([7.9, 37.8, -5.0, 42.4])
    x, y = frame.project(lon, lat)
    back_lon, back_lat = frame.unproject(x, y)
    assert np.allclose(back_lon, lon, atol=1e-6) and np.allclose(back_lat, lat, atol=1e-6)


def test_every_try_box_is_the_box_plotly_draws():
    boxes = labels._try_boxes(100.0, 80.0, 6.0, 50.0, 12.0)
    for k, position in enumerate(labels.POSITIONS):
        assert tuple(boxes[k]) == pytest.approx(labels.label_box(100, 80, 6, position, 50, 12))
    for k, (dx, dy) in enumerate(labels.LEADER_STEPS, start=len(labels.POSITIONS)):
        assert tuple(boxes[k]) == pytest.approx(labels.label_box(100 + dx, 80 + dy, 0, labels._TRY_POSITIONS[k], 50, 12))


def test_cities_at_one_point_get_one_name_each_or_none():
    ds = make_dataset([city("bangkok", "Bangkok", "THA", 100.50144, 13.75398, ascn_pilot=True),
                       city("bangkok-two", "Krung Thep", "THA", 100.50144, 13.75398),
                       city("boston", "Boston", "USA", -71.05977, 42.35843)],
                      [project("a", asean=["bangkok"], us=["boston"]), project("b", asean=["bangkok-two"], us=["boston"])])
    fig = figures.map_figure(ds, selection(ds))
    for size_index in range(len(figures.PAGE_SIZES)):
        assert_names_clear(fig, size_index)


def test_the_caption_counts_city_pairs_as_the_numbers_do():
    ds = make_dataset([city("phuket", "Phuket", "THA", 98.3981, 7.89059),
                       city("boston", "Boston", "USA", -71.05977, 42.35843)],
                      [project("w", asean=["phuket"], us=["boston"]),
                       project("t", asean=["phuket"], us=["boston"], sector="Transportation")])
    page = render(ds, FilterState())
    assert page.headlines["city pairs"] == 1 and "1 city pair " in page.map_caption
