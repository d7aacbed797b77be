"""What a person sees, in headless Chromium with every non-loopback request blocked."""

from __future__ import annotations

import pytest

from dashboard.charts import CHARTS
from dashboard.testing import MAP_STATE_JS, open_page

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
    # the demo data: twelve cities (six ASCN pilots, Cebu City, five U.S.), three water and two transport pairs
    assert state["drawn_points"] == 12 + 7  # and the seven ASEAN cities again, in the enlarged inset
    assert state["inset_points"] == 7
    assert state["markers"] == {"ASCN pilot city": 6, "Other ASEAN city": 1, "U.S. partner city": 5}
    assert state["arcs"] == {"Water": 3, "Transportation": 2}
    assert state["drawn_lines"] == 2
    assert page.locator(".stat").first.inner_text().startswith("12")
    watch.assert_clean()


def test_sector_link_shows_only_water_pairs(server, browser, watch):
    page = load(browser, watch, server.url + "/?sector=water")
    page.wait_for_function("() => document.querySelector('#projects-table-caption').innerText.startsWith('3 ')")
    state = map_state(page)
    assert state["arcs"] == {"Water": 3}
    assert page.locator("#filter-sector").inner_text().strip().startswith("Water")
    watch.assert_clean()


def test_country_link_shows_only_thailands_pairs(server, browser, watch):
    page = load(browser, watch, server.url + "/?country=THA")
    # Phuket's two pairs and the Thailand-wide health project
    page.wait_for_function("() => document.querySelector('#projects-table-caption').innerText.startsWith('3 ')")
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


def test_clicking_a_city_opens_its_panel_and_highlights_its_lines(server, browser, watch, demo):
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
    assert "Las Vegas" in panel.inner_text() and "Transport pair: Phuket – Las Vegas" in panel.inner_text()
    assert "Partner city: Phuket" in panel.inner_text()
    page.wait_for_function("() => location.search === '?city=las-vegas'")
    assert page.evaluate("() => document.querySelector('#map .js-plotly-plot')._fullData.some(t => t.mode === 'lines' && t.name !== 'City names' && t.line.width === 4)")
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
    page.wait_for_function("() => document.querySelector('#projects-table-caption').innerText.startsWith('2 ')")
    assert page.evaluate("() => window.__same_page") is True
    assert map_state(page)["arcs"] == {"Transportation": 2}
    page.locator("#filter-reset").click()
    page.wait_for_function("() => location.search === ''")
    page.wait_for_function("() => document.querySelector('#projects-table-caption').innerText.startsWith('10 ')")
    watch.assert_clean()


def test_empty_result_is_friendly(server, browser, watch):
    page = load(browser, watch, server.url + "/?sector=Health&country=USA")
    page.locator("#empty-state").wait_for(state="visible")
    assert "No activities match" in page.locator("#empty-state").inner_text()
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


@pytest.mark.parametrize("search", ["", "?sector=water"])
def test_phone_map_stays_inside_its_card(server, browser, watch, search):
    # a map redrawn by a filter once collapsed its frame to 260 px and spilled 190 px over the filters
    page = load(browser, watch, server.url + "/" + search, width=390, height=844)
    page.wait_for_function("() => !document.querySelector('#map .main-svg') || "
                           "document.querySelector('#map-caption').innerText.length > 0")
    page.wait_for_timeout(500)
    card = page.locator(".map-card").bounding_box()
    svg = page.locator("#map .main-svg").first.bounding_box()
    assert svg["height"] >= 300 and svg["y"] + svg["height"] <= card["y"] + card["height"] + 1
    assert page.locator(".filters").bounding_box()["y"] >= card["y"] + card["height"] - 1
    watch.assert_clean()


def test_controls_are_labelled_and_graphs_described(server, browser, watch):
    page = load(browser, watch, server.url + "/")
    for control in ("filter-sector", "filter-country", "filter-agency", "filter-city", "filter-q", "filter-from",
                    "filter-to"):
        assert page.locator(f"label[for='{control}']").count() == 1
    labels = page.evaluate("() => [...document.querySelectorAll('.graph-frame')].map(e => e.getAttribute('aria-label'))")
    assert len(labels) == len(CHARTS) and all(labels)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement && document.activeElement.tagName") in ("INPUT", "BUTTON", "A", "DIV")
    watch.assert_clean()


def wait_for_dates(page, expected):
    """Wait until the table body's Announced column reads ``expected`` (the body is drawn after the caption)."""
    page.wait_for_function("""expected => JSON.stringify([...document.querySelectorAll(
      '#projects-table-body td:nth-child(8)')].map(td => td.innerText)) === JSON.stringify(expected)""", arg=expected,
                           timeout=10000)
    return page.locator("#projects-table-body td:nth-child(8)").all_inner_texts()


def test_table_sorts_by_a_column_header(server, browser, watch):
    # Thailand's three projects, listed in the data's order: Phuket – Milwaukee, Phuket – Las Vegas, the health records
    page = load(browser, watch, server.url + "/?country=THA")
    page.wait_for_function("() => document.querySelector('#projects-table-caption').innerText.startsWith('3 ')")
    assert wait_for_dates(page, ["2020-01-13", "2019-11-04", "2020-11-13"])
    page.locator("#sort-announced").click()
    page.wait_for_function("() => document.querySelector('#sort-announced').innerText.includes('▲')")
    assert wait_for_dates(page, ["2019-11-04", "2020-01-13", "2020-11-13"])
    page.locator("#sort-announced").click()
    page.wait_for_function("() => document.querySelector('#sort-announced').innerText.includes('▼')")
    assert wait_for_dates(page, ["2020-11-13", "2020-01-13", "2019-11-04"])
    # the sort holds when the filters change: every demo project, newest first
    page.locator("#filter-reset").click()
    page.wait_for_function("() => document.querySelector('#projects-table-caption').innerText.startsWith('10 ')")
    all_dates = wait_for_dates(page, ["2024-09-17", "2022", "2021-12", "2020-11-13", "2020-01-13", "2020-01-13",
                                      "2019-12-04", "2019-12-04", "2019-11-04", "2019-11-04"])
    assert all_dates == sorted(all_dates, reverse=True)
    watch.assert_clean()


CHART_BARS_JS = "(id) => (document.querySelector('#' + id + ' .js-plotly-plot')._fullData || []).length"


def test_charts_below_the_fold_are_drawn_when_scrolled_into_view(server, browser, watch):
    page = load(browser, watch, server.url + "/", width=1440, height=900)
    timeline = CHARTS["timeline"].graph_id
    # the timeline is far below the first screen: it waits, at its final height, without data
    assert page.evaluate(CHART_BARS_JS, timeline) == 0
    height = page.locator(f"#{timeline}").bounding_box()["height"]
    page.locator(f"#{timeline}").scroll_into_view_if_needed()
    page.wait_for_function(f"() => ({CHART_BARS_JS})('{timeline}') > 0", timeout=10000)
    assert abs(page.locator(f"#{timeline}").bounding_box()["height"] - height) < 2  # nothing moved
    # a filter change while it is in view redraws it: two water years' worth of bars, one sector
    page.evaluate("() => { history.pushState({}, '', '?sector=Water'); window.dispatchEvent(new PopStateEvent('popstate')); }")
    page.wait_for_function(f"() => document.querySelector('#{timeline} .js-plotly-plot')._fullData"
                           ".every(t => t.name === 'Water')", timeout=10000)
    watch.assert_clean()


#: every text of every chart that reaches outside its graph: [graph id, text, overhang left/right/top/bottom in px]
CLIPPED_JS = """() => {
  const out = [];
  document.querySelectorAll('.js-plotly-plot').forEach(gd => {
    const box = gd.getBoundingClientRect();
    gd.querySelectorAll('svg text').forEach(t => {
      const b = t.getBoundingClientRect();
      if (!t.textContent.trim() || !b.width) { return; }
      const over = [box.left - b.left, b.right - box.right, box.top - b.top, b.bottom - box.bottom].map(Math.round);
      if (over.some(v => v > 1)) { out.push([gd.closest('[id]').id, t.textContent, ...over]); }
    });
  });
  return out;
}"""


@pytest.mark.parametrize("width, height", [(1440, 900), (390, 844)])
def test_no_chart_text_is_cut_off(server, browser, watch, width, height):
    """Every name, count, axis title and legend entry lies inside its chart, on a desktop and on a phone (the demo
    data has a 42-character agency and every sector in the timeline's legend)."""
    page = load(browser, watch, server.url + "/", width=width, height=height)
    for name, chart in CHARTS.items():
        if name != "map":
            page.locator(f"#{chart.graph_id}").scroll_into_view_if_needed()
            page.wait_for_function(f"() => ({CHART_BARS_JS})('{chart.graph_id}') > 0", timeout=10000)
    assert page.evaluate(CLIPPED_JS) == []
    watch.assert_clean()


def test_phone_table_is_a_card_per_activity_with_each_value_named(server, browser, watch):
    """At 390 px every column of an activity fits on the screen, each value beside its column's name."""
    from dashboard.ids import ids
    from dashboard.model.render import TABLE_COLUMNS

    page = load(browser, watch, server.url + "/", width=390, height=844)
    page.locator(f"#{ids.TABLE}").scroll_into_view_if_needed()
    cells = page.evaluate(f"""() => [...document.querySelectorAll('#{ids.TABLE} tbody tr:first-child td')].map(td => [
        td.dataset.label, getComputedStyle(td, '::before').content, td.getBoundingClientRect().left,
        td.getBoundingClientRect().right])""")
    assert [c[0] for c in cells] == [heading for _, heading in TABLE_COLUMNS]
    assert [c[1] for c in cells[1:]] == [f'"{heading}"' for _, heading in TABLE_COLUMNS[1:]]  # the title needs none
    assert all(left >= 0 and right <= 390 for *_, left, right in cells), cells
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # nothing sticks out sideways
    watch.assert_clean()


def test_every_link_on_a_filtered_page_leads_somewhere(server, browser, watch):
    """A link without an address is no link (Lighthouse's crawlable-anchors); Dash's dropdown clear control is one,
    shown as soon as a filter has a value: assets/a11y.js makes it a graphic."""
    page = load(browser, watch, server.url + "/?sector=Water&city=phuket")
    page.wait_for_function("() => document.querySelector('a.dash-dropdown-clear')")
    page.wait_for_timeout(100)  # a11y.js runs once a frame
    assert page.evaluate("() => [...document.querySelectorAll('a:not([href]):not([role])')].map(a => a.outerHTML)") == []
    watch.assert_clean()


def test_the_activities_table_fits_its_card_on_a_wide_screen(server, browser, watch):
    """At 1440 px every column, the sources last, is inside the card: nothing to scroll sideways to."""
    page = load(browser, watch, server.url + "/", width=1440, height=900)
    page.wait_for_function("() => document.querySelectorAll('#projects-table tbody tr').length > 0")
    scroll, width = page.evaluate("(() => { const s = document.querySelector('#projects-table').closest('.table-scroll');"
                                  " return [s.scrollWidth, s.clientWidth]; })()")
    assert scroll <= width
    watch.assert_clean()
