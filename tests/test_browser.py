"""What a person sees, in headless Chromium with every non-loopback request blocked."""

from __future__ import annotations

import pytest

from tests.browser import MAP_STATE_JS, open_page

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")


def load(browser, watch, url, **kw):
    page = open_page(browser, watch, **kw)
    page.goto(url)
    page.wait_for_function("() => document.querySelectorAll('#map .scattergeo path.point').length > 0 "
                           "&& document.querySelector('#map .geo .countries path')", timeout=20000)
    page.wait_for_load_state("networkidle")
    return page


def map_state(page):
    return page.evaluate(MAP_STATE_JS)


def test_map_draws_outlines_every_city_and_every_pair(server, browser, watch):
    page = load(browser, watch, server.url + "/")
    state = map_state(page)
    assert state["outline_chars"] > 10000  # the country outlines were fetched from the app and drawn
    assert state["drawn_points"] == 37
    assert state["markers"] == {"ASCN pilot city": 26, "U.S. partner city": 11}
    assert state["arcs"] == {"Water": 5, "Transportation": 5}
    assert state["drawn_lines"] == 2
    assert page.locator(".stat").first.inner_text().startswith("37")
    watch.assert_clean()


def test_sector_link_shows_only_water_pairs(server, browser, watch):
    page = load(browser, watch, server.url + "/?sector=water")
    page.wait_for_function("() => document.querySelector('#projects-table-caption').innerText.startsWith('5 ')")
    state = map_state(page)
    assert state["arcs"] == {"Water": 5}
    assert page.locator("#filter-sector").inner_text().strip().startswith("Water")
    watch.assert_clean()


def test_country_link_shows_only_thailands_pairs(server, browser, watch):
    page = load(browser, watch, server.url + "/?country=THA")
    page.wait_for_function("() => document.querySelector('#projects-table-caption').innerText.startsWith('2 ')")
    state = map_state(page)
    assert state["arcs"] == {"Water": 1, "Transportation": 1}
    assert {name for name, count in state["cities"] if count > 0} == {"Phuket", "Milwaukee", "Las Vegas"}
    watch.assert_clean()


def test_unknown_link_value_shows_a_notice(server, browser, watch):
    page = load(browser, watch, server.url + "/?sector=Watr")
    notice = page.locator("#link-notice")
    notice.wait_for(state="visible")
    assert "sector 'Watr'" in notice.inner_text()
    watch.assert_clean()


def test_clicking_a_city_opens_its_panel_and_highlights_its_lines(server, browser, watch, shipped):
    page = load(browser, watch, server.url + "/")
    box = page.evaluate("""() => {
      const gd = document.querySelector('#map .js-plotly-plot');
      const traces = [...document.querySelectorAll('#map .scattergeo.trace')];
      const t = gd._fullData.findIndex(d => d.name === 'U.S. partner city');
      const names = Array.from(gd._fullData[t].text);
      const i = names.findIndex(h => h.includes('Las Vegas'));
      const node = traces[t].querySelectorAll('path.point')[i];
      const r = node.getBoundingClientRect();
      return {x: r.x + r.width / 2, y: r.y + r.height / 2};
    }""")
    page.mouse.move(box["x"], box["y"])
    page.mouse.click(box["x"], box["y"])
    panel = page.locator("#details-panel")
    panel.wait_for(state="visible")
    assert "Las Vegas" in panel.inner_text() and "Transportation city pair: Phuket – Las Vegas" in panel.inner_text()
    page.wait_for_function("() => location.search === '?city=las-vegas'")
    assert page.evaluate("() => document.querySelector('#map .js-plotly-plot')._fullData.some(t => t.mode === 'lines' && t.line.width === 4)")
    page.locator("#city-details-close").click()
    panel.wait_for(state="hidden")
    page.wait_for_function("() => location.search === ''")
    watch.assert_clean()


def test_changing_a_filter_updates_the_url_without_reloading(server, browser, watch):
    page = load(browser, watch, server.url + "/")
    page.evaluate("() => { window.__same_page = true; }")
    page.locator("#filter-sector").click()
    page.get_by_role("option", name="Transportation").click()
    page.wait_for_function("() => location.search === '?sector=Transportation'")
    page.wait_for_function("() => document.querySelector('#projects-table-caption').innerText.startsWith('5 ')")
    assert page.evaluate("() => window.__same_page") is True
    assert map_state(page)["arcs"] == {"Transportation": 5}
    page.locator("#filter-reset").click()
    page.wait_for_function("() => location.search === ''")
    page.wait_for_function("() => document.querySelector('#projects-table-caption').innerText.startsWith('26 ')")
    watch.assert_clean()


def test_empty_result_is_friendly(server, browser, watch):
    page = load(browser, watch, server.url + "/?sector=Health&country=USA")
    page.locator("#empty-state").wait_for(state="visible")
    assert "No projects match" in page.locator("#empty-state").inner_text()
    watch.assert_clean()


def test_phone_layout_stacks_the_panels(server, browser, watch):
    page = load(browser, watch, server.url + "/", width=390, height=844)
    filters_box = page.locator(".filters").bounding_box()
    map_box = page.locator(".map-card").bounding_box()
    # one column: the map comes first, full width, and the filters below it
    assert abs(filters_box["x"] - map_box["x"]) < 2 and map_box["width"] > 360
    assert filters_box["y"] > map_box["y"] + map_box["height"] - 1
    assert map_box["y"] < 844  # the map is on the first screen
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    watch.assert_clean()


def test_controls_are_labelled_and_graphs_described(server, browser, watch):
    page = load(browser, watch, server.url + "/")
    for control in ("filter-sector", "filter-country", "filter-agency", "filter-city"):
        assert page.locator(f"label[for='{control}']").count() == 1
    labels = page.evaluate("() => [...document.querySelectorAll('.graph-frame')].map(e => e.getAttribute('aria-label'))")
    assert len(labels) == 5 and all(labels)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement && document.activeElement.tagName") in ("INPUT", "BUTTON", "A", "DIV")
    watch.assert_clean()


def test_table_sorts_by_a_column_header(server, browser, watch):
    page = load(browser, watch, server.url + "/?sector=Water")
    page.wait_for_function("() => document.querySelector('#projects-table-caption').innerText.startsWith('5 ')")
    page.locator("#sort-announced").click()
    page.wait_for_function("() => document.querySelector('#sort-announced').innerText.includes('▲')")
    dates = page.locator("#projects-table-body td:nth-child(8)").all_inner_texts()
    assert dates == sorted(dates) and len(dates) == 5
    page.locator("#sort-announced").click()
    page.wait_for_function("() => document.querySelector('#sort-announced').innerText.includes('▼')")
    assert page.locator("#projects-table-body td:nth-child(8)").all_inner_texts() == sorted(dates, reverse=True)
    # the sort holds when the filters change
    page.locator("#filter-reset").click()
    page.wait_for_function("() => document.querySelector('#projects-table-caption').innerText.startsWith('26 ')")
    all_dates = page.locator("#projects-table-body td:nth-child(8)").all_inner_texts()
    assert all_dates == sorted(all_dates, reverse=True)
    watch.assert_clean()
