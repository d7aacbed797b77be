"""Exploring in a real browser (network blocked): the year range, the project search and charts that filter."""

from __future__ import annotations

import pytest

from dashboard.charts import CHARTS
from dashboard.testing import MAP_STATE_JS, open_page

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")

DRAWN = ("() => document.querySelectorAll('#map .scattergeo path.point').length > 0 "
         "&& document.querySelector('#map .geo .countries path')")


def load(browser, watch, url, **kw):
    page = open_page(browser, watch, **kw)
    page.goto(url)
    page.wait_for_function(DRAWN, timeout=20000)
    page.wait_for_load_state("networkidle")
    return page


def caption_starts(page, text):
    page.wait_for_function(f"() => document.querySelector('#projects-table-caption').innerText.startsWith({text!r})")


def test_the_year_range_updates_the_link_and_the_map(server, browser, watch):
    page = load(browser, watch, server.url + "/")
    page.locator("#filter-from").click()
    page.get_by_role("option", name="2020", exact=True).click()
    page.wait_for_function("() => location.search === '?from=2020'")
    page.locator("#filter-to").click()
    page.get_by_role("option", name="2020", exact=True).click()
    page.wait_for_function("() => location.search === '?from=2020&to=2020'")
    # the demo's 2020 projects: two water pairs (Phuket – Milwaukee, Ho Chi Minh City – San Francisco) and the
    # Thai health records
    caption_starts(page, "3 ")
    assert page.evaluate(MAP_STATE_JS)["arcs"] == {"Water": 2}
    assert "Years: 2020" in page.locator("#map-caption").inner_text()
    watch.assert_clean()


def test_typing_a_search_narrows_the_table_and_marks_the_words(server, browser, watch):
    page = load(browser, watch, server.url + "/")
    page.locator("#filter-q").fill("BIKE lanes")
    page.wait_for_function("() => location.search === '?q=BIKE%20lanes'")
    caption_starts(page, "1 ")
    marks = page.locator("#projects-table-body mark").all_inner_texts()
    assert marks == ["bike", "lanes"]
    assert page.locator("#projects-table-body td").first.inner_text() == "Energy-generating bike lanes"
    watch.assert_clean()


def bar_centre(page, graph_id, index):
    """The centre of bar ``index`` of a drawn bar chart, in page pixels (scrolled into view first)."""
    page.locator(f"#{graph_id}").scroll_into_view_if_needed()
    page.wait_for_function(f"() => document.querySelectorAll('#{graph_id} .bars .point path').length > 0")
    box = page.locator(f"#{graph_id} .bars .point path").nth(index).bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_clicking_the_water_bar_filters_and_clicking_it_again_clears(server, browser, watch):
    page = load(browser, watch, server.url + "/")
    graph = CHARTS["sectors"].graph_id
    water = page.evaluate(f"() => document.querySelector('#{graph} .js-plotly-plot')._fullData[0].customdata.indexOf('Water')")
    x, y = bar_centre(page, graph, water)
    page.mouse.click(x, y)
    page.wait_for_function("() => location.search === '?sector=Water'")
    caption_starts(page, "3 ")
    assert page.evaluate(MAP_STATE_JS)["arcs"] == {"Water": 3}
    assert page.locator("#filter-sector").inner_text().strip().startswith("Water")
    x, y = bar_centre(page, graph, water)
    page.mouse.click(x, y)
    page.wait_for_function("() => location.search === ''")
    caption_starts(page, "10 ")
    watch.assert_clean()


def test_clicking_a_year_in_the_timeline_sets_the_year_range(server, browser, watch):
    page = load(browser, watch, server.url + "/")
    graph = CHARTS["timeline"].graph_id
    page.locator(f"#{graph}").scroll_into_view_if_needed()
    page.wait_for_function(f"() => document.querySelectorAll('#{graph} .bars .point path').length > 0")
    index = page.evaluate(f"""() => {{ const gd = document.querySelector('#{graph} .js-plotly-plot');
        // a long sector name sits on two lines of the legend
        const t = gd._fullData.findIndex(t => t.name.replace('<br>', ' ') === 'Private Sector &amp; Trade'); return t; }}""")
    paths = page.locator(f"#{graph} .trace.bars").nth(index).locator(".point path")
    target = next(i for i in range(paths.count()) if paths.nth(i).bounding_box()["height"] > 1)
    box = paths.nth(target).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => location.search === '?from=2024&to=2024'")
    caption_starts(page, "1 ")
    watch.assert_clean()
