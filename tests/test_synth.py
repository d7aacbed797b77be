"""The synthetic generator writes valid data of the asked size, and big views stay bounded."""

from __future__ import annotations

from dashboard import figures
from dashboard.__main__ import main
from dashboard.data import load_dataset
from dashboard.layouts.page import matching_cities
from dashboard.model import filters, render


def test_synth_writes_valid_data(tmp_path):
    assert main(["synth", "--cities", "60", "--projects", "900", "-o", str(tmp_path)]) == 0
    ds = load_dataset(tmp_path)
    assert len(ds.cities) == 60 and len(ds.projects) == 900
    assert set(ds.cities["region"]) == {"ASEAN", "US"}
    assert (ds.projects["scope"] == "pair").sum() > 300


def test_large_views_are_aggregated(tmp_path, monkeypatch):
    main(["synth", "--cities", "120", "--projects", "3000", "-o", str(tmp_path)])
    ds = load_dataset(tmp_path)
    monkeypatch.setattr(figures, "MAX_PAIRS", 50)
    r = render.render(ds, filters.FilterState())
    drawn = r.figures["map"].layout.meta["pairs_drawn"]
    assert drawn == 50 and r.figures["map"].layout.meta["pairs_hidden"] > 0
    assert "more are counted in the charts and the table" in r.map_caption
    widths = {t.line.width for t in r.figures["map"].data if t.mode == "lines" and t.name != figures.LABEL_TRACE}
    assert len(widths) > 1  # busier pairs are drawn wider
    assert len(r.table) == render.TABLE_LIMIT and "export the CSV" in r.table_caption


def test_large_maps_mark_the_busiest_cities(tmp_path, monkeypatch):
    main(["synth", "--cities", "150", "--projects", "1500", "-o", str(tmp_path)])
    ds = load_dataset(tmp_path)
    monkeypatch.setattr(figures, "MAX_MARKERS", 40)
    quiet = ds.project_cities["city_id"].value_counts().index[-1]
    r = render.render(ds, filters.FilterState(city=quiet))
    markers = [t for t in r.figures["map"].data
               if t.mode == "markers" and t.name != figures.PAIR_HOVER and t.geo in (None, "geo")]  # not the inset
    drawn = sum(len(t.lon) for t in markers)
    assert drawn == 41  # the 40 busiest and the selected one
    assert "more are counted — search a city to see it" in r.map_caption


def test_city_search_at_scale(tmp_path):
    main(["synth", "--cities", "80", "--projects", "100", "-o", str(tmp_path)])
    ds = load_dataset(tmp_path)
    name = ds.cities["name"].iloc[5]
    options = matching_cities(ds, name[:4].upper(), None)
    assert any(o["value"] == ds.cities.index[5] for o in options) and len(options) <= 30
    assert matching_cities(ds, "", ds.cities.index[3]) == [{"label": f"{ds.cities['name'].iloc[3]} ({ds.cities['country'].iloc[3]})",
                                                            "value": ds.cities.index[3]}]
    assert matching_cities(ds, ["junk"], {"x": 1}) == []
