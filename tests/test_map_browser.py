"""The map as a person sees it, in headless Chromium with the network shut: names that do not overlap, views that
frame the selection, every city opened by a click (through the chooser where markers overlap), readable tooltips."""

from __future__ import annotations

import urllib.request

import pytest

from dashboard.app import create_app
from dashboard.testing import (CITY_MARKERS_JS, NAME_BOXES_JS, SEGMENT_GAPS, LiveServer, open_every_city,
                               open_page)
from tests.datasets import cluster

pytestmark = pytest.mark.browser

CITIES = ("Singapore", "Johor Bahru", "Bangkok", "Chonburi", "Davao City", "Hillsboro", "Portland", "Boston")


@pytest.fixture(scope="module")
def server():
    live = LiveServer(create_app(cluster()))
    yield live
    live.stop()


def load(browser, watch, url, width=1440, height=900):
    page = open_page(browser, watch, width=width, height=height)
    page.goto(url)
    page.wait_for_function("() => document.querySelector('#map .geo .countries path')", timeout=30000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    return page


def overlapping(boxes):
    return [(a[0], b[0]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]]


@pytest.mark.parametrize("width,height", [(1440, 900), (390, 844)])
def test_city_names_show_and_never_overlap(server, browser, watch, width, height):
    page = load(browser, watch, server.url + "/", width, height)
    boxes = page.evaluate(NAME_BOXES_JS)
    names = {b[0] for b in boxes}
    assert {"Boston", "Bangkok"} <= names, names  # paired cities are named at the default view
    assert overlapping(boxes) == []
    watch.assert_clean()


@pytest.mark.parametrize("width,height", [(1440, 900), (390, 844)])
def test_every_city_opens_its_own_panel(server, browser, watch, width, height):
    page = open_page(browser, watch, width=width, height=height)
    opened, choosers = open_every_city(page, server.url + "/")
    assert opened == {name: name for name in CITIES}
    assert choosers >= 1  # Singapore and Johor Bahru overlap at the Pacific view: the chooser, not a guess
    watch.assert_clean()


def test_a_selection_in_asean_is_framed_there(server, browser, watch):
    page = load(browser, watch, server.url + "/?sector=Innovation%20%26%20Research")
    markers = page.evaluate(CITY_MARKERS_JS)
    size = page.evaluate("() => { const r = document.querySelector('#map .main-svg').getBoundingClientRect();"
                         " return [r.left, r.width]; }")
    xs = [m["x"] for m in markers.values() if m["name"] in ("Chonburi", "Davao City")]
    assert len(xs) == 2 and max(xs) - min(xs) >= size[1] / 2
    assert not [m for m in markers.values() if m["name"] == "Boston"]  # the U.S. is out of frame
    watch.assert_clean()


def test_the_us_view_shows_the_us(server, browser, watch):
    page = load(browser, watch, server.url + "/?view=us")
    shown = {m["name"] for m in page.evaluate(CITY_MARKERS_JS).values()}
    assert {"Boston", "Portland", "Hillsboro"} <= shown and not shown & {"Singapore", "Bangkok"}
    assert page.locator("#map-view input[value='us']").is_checked()
    assert page.evaluate(SEGMENT_GAPS, "#map-view label") == [0, 0, 0]  # one joined bar of buttons
    page.locator("#map-view label", has_text="ASEAN").click()
    page.wait_for_function("() => location.search.includes('view=asean')")
    page.wait_for_timeout(500)
    shown = {m["name"] for m in page.evaluate(CITY_MARKERS_JS).values()}
    assert "Singapore" in shown and "Boston" not in shown
    watch.assert_clean()


def contrast(fg, bg):
    def lum(rgb):
        c = [v / 255 for v in rgb]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    hi, lo = sorted((lum(fg), lum(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_tooltips_are_readable(server, browser, watch):
    page = load(browser, watch, server.url + "/")
    boston = next(m for m in page.evaluate(CITY_MARKERS_JS).values() if m["name"] == "Boston")
    page.mouse.move(boston["x"], boston["y"])
    page.wait_for_selector("#map .hoverlayer .hovertext", timeout=5000)
    fg, bg, text = page.evaluate("""() => { const h = document.querySelector('#map .hoverlayer .hovertext');
      const rgb = c => c.match(/\\d+/g).slice(0, 3).map(Number);
      return [rgb(getComputedStyle(h.querySelector('text')).fill), rgb(getComputedStyle(h.querySelector('path')).fill),
              h.textContent]; }""")
    assert "Boston" in text
    assert contrast(fg, bg) >= 4.5, (fg, bg)
    watch.assert_clean()


def test_the_transport_map_svg_names_its_cities(server):
    with urllib.request.urlopen(server.url + "/export/map.svg?sector=Transportation") as r:
        svg = r.read().decode("utf-8")
    assert "Johor Bahru" in svg and "Portland" in svg


def test_the_keyboard_zooms_and_pans_the_map(server, browser, watch):
    page = load(browser, watch, server.url + "/")
    frame = page.locator(".graph-frame[data-keys='map']")
    frame.focus()
    geo = "() => { const g = document.querySelector('#map .js-plotly-plot')._fullLayout.geo; return [g.projection.scale, g.center.lon]; }"
    scale, lon = page.evaluate(geo)
    page.keyboard.press("+")
    page.wait_for_function(f"() => ({geo})()[0] > {scale}")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({geo})()[1] !== {lon}")
    page.keyboard.press("0")
    page.wait_for_function(f"() => ({geo})()[0] === 1")
    watch.assert_clean()
