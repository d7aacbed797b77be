"""The first view: the page for the link's state as HTML in the page itself, its map and charts as still images,
painted before any script runs; the scripts start on the reader's first move and the live page takes its place
without a second header or a jump."""

from __future__ import annotations

import re
import time

import pytest
from dash import dcc, html

from dashboard.app import DEFERRED, FIRST_VIEW_IDS, create_app
from dashboard.data.source import DataSource
from dashboard.exports.stills import rounded_paths
from dashboard.layouts.static import still_controls, to_html
from dashboard.layouts.table import static_rows
from dashboard.model.filters import parse_query
from dashboard.model.render import render
from dashboard.testing import HANDED_OVER, SEGMENT_GAPS, LiveServer, open_page
from tests.conftest import data_folder

# ---------------------------------------------------------------- the serializer


def test_html_components_become_elements_with_html_attribute_names():
    tree = html.Div(className="card", style={"marginTop": "1rem"}, children=[
        html.Label("Sector", htmlFor="s", id="l"), html.Br(), html.Button("Go", n_clicks=0, hidden=True),
        html.A("[1]", href="#src-1", **{"aria-label": "source 1", "data-n": 1}),
    ])
    assert to_html(tree) == ('<div class="card" style="margin-top:1rem"><label for="s" id="l">Sector</label><br>'
                             '<button hidden>Go</button><a aria-label="source 1" data-n="1" href="#src-1">[1]</a></div>')


def test_text_and_attribute_values_are_escaped_never_markup():
    tree = html.P(['<script>alert(1)</script> & "x"', html.Span(title='"><img src=x>')])
    out = to_html(tree)
    assert "<script>" not in out and "<img" not in out
    assert out == ('<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; "x"'
                   '<span title="&quot;&gt;&lt;img src=x&gt;"></span></p>')


def test_ids_and_what_refers_to_them_get_the_prefix_and_script_components_are_left_out():
    tree = html.Section(**{"aria-labelledby": "t"}, children=[
        html.H2("T", id="t"), html.A("[1]", href="#s1"), html.Label("x", htmlFor="q"),
        dcc.Store(id="store", data=1), dcc.Input(id="q"), None, 3,
    ])
    assert to_html(tree, "fv-") == ('<section aria-labelledby="fv-t"><h2 id="fv-t">T</h2><a href="#fv-s1">[1]</a>'
                                    '<label for="fv-q">x</label>3</section>')


def test_core_components_stand_in_as_html_showing_the_state():
    tree = html.Div([
        dcc.Dropdown(id="sector", options=["Water", "Health"], multi=True, placeholder="All sectors"),
        dcc.Dropdown(id="country", options=[{"label": "Thailand (THA)", "value": "THA"}], placeholder="All countries"),
        dcc.Checklist(id="status", options=[{"label": "Active", "value": "active"}, {"label": "Done", "value": "done"}],
                      value=[], className="checklist"),
        dcc.RadioItems(id="view", options=[{"label": "Pacific", "value": "pacific"}], value="", inline=True),
        dcc.Input(id="q", type="search", value="", placeholder="e.g. <bike>"),
        dcc.Graph(id="map"), dcc.Store(id="s", data=[1]),
    ])
    values = {"sector": ["Water"], "country": [], "status": ["done"], "view": "pacific", "q": 'lanes "x"'}
    out = to_html(tree, "fv-", still_controls(values, lambda graph_id: f"<img data-still={graph_id}>"))
    assert '<span class="dash-dropdown-value">Water</span>' in out
    assert '<span class="dash-dropdown-value dash-dropdown-placeholder">All countries</span>' in out
    assert re.search(r'<input type="checkbox" name="fv-status" class="dash-options-list-option-checkbox" checked>'
                     r'</span><span class="dash-options-list-option-text"><span>Done</span>', out)
    assert out.count(" checked") == 2  # 'done' and the Pacific view; never 'active'
    assert '<input id="fv-q" type="search" value="lanes &quot;x&quot;" class="dash-input-element" ' \
           'placeholder="e.g. &lt;bike&gt;">' in out
    assert "<img data-still=map>" in out and "data=" not in out  # a graph's still; a store is nothing


def test_table_rows_stand_in_with_their_column_names_and_the_searchs_marks():
    rows = static_rows([["Bike <lanes>", ["Transportation", [[0, 5]]]] + [""] * 7])
    out = to_html(rows)
    assert out.startswith('<tr><td data-label="Activity">Bike &lt;lanes&gt;</td>'
                          '<td data-label="Sector"><mark>Trans</mark>portation</td>')


def test_a_stills_outlines_are_cut_to_whole_pixels_and_nothing_else_changes():
    svg = b'<svg width="10.5"><path class="x" d="M1.2345,56.789L-2.5,3Z" style="stroke-width:1.5"/><text x="1.25">a</text></svg>'
    assert rounded_paths(svg) == (b'<svg width="10.5"><path class="x" d="M1,56L-2,3Z" style="stroke-width:1.5"/>'
                                  b'<text x="1.25">a</text></svg>')


# ---------------------------------------------------------------- the page's HTML


def _first_view(page_html: str) -> str:
    return re.search(r'<div class="first-view[^"]*">(.*?)</div><noscript>', page_html, re.S).group(1)


def test_the_page_holds_its_header_in_the_html_before_the_scripts(client, demo):
    text = client.get("/").get_data(as_text=True)
    head = _first_view(text)
    assert "<h1>U.S.-ASEAN Smart Cities Partnership</h1>" in head
    assert f"{len(demo.projects)} activities" in head  # the header's own count, from the data in force
    assert text.index('class="first-view"') < text.index('id="react-entry-point"') < text.index("<script")
    # no script of the page runs before the reader moves, but the one that starts them (assets/hydrate.js)
    runs = re.findall(r'<script(?![^>]*type="(?:text/x-deferred|application/json)")[^>]*>', text)
    assert runs == ['<script src="/assets/hydrate.js" defer>']
    assert re.search(rf'<script type="{DEFERRED}" src="[^"]*dash_renderer[^"]*">', text)
    ids = re.findall(r'\sid="([^"]+)"', head)
    assert ids and all(i.startswith(FIRST_VIEW_IDS) for i in ids)  # never the live page's ids
    assert "<noscript>" in text and 'href="/export/projects.csv"' in text


def test_without_valid_data_the_first_view_says_so(tmp_path):
    folder = data_folder(tmp_path, "latitude_out_of_range")
    app = create_app(DataSource(folder, poll_seconds=0, quiet_seconds=0))
    head = _first_view(app.server.test_client().get("/").get_data(as_text=True))
    assert "not available right now" in head and "site-header" not in head


# ---------------------------------------------------------------- in a real browser (network blocked)

#: the page's layout shifts, summed as CLS sums them, in window.__shifts
SHIFTS = """window.__shifts = 0; new PerformanceObserver(l => l.getEntries().forEach(
    e => { if (!e.hadRecentInput) window.__shifts += e.value; })).observe({type: 'layout-shift', buffered: true});"""


#: each dropdown's value and open-the-list mark, placed within the dropdown: [value's left, mark's right, mark's top]
DROPDOWN_INSIDES = """root => [...document.querySelectorAll(root + ' .dash-dropdown')].map(d => {
  const b = d.getBoundingClientRect(), v = d.querySelector('.dash-dropdown-value').getBoundingClientRect(),
        i = d.querySelector('.dash-dropdown-trigger-icon').getBoundingClientRect();
  return [v.left - b.left, b.right - i.right, i.top - b.top].map(Math.round); })"""
HEADER_BOX = """() => { const h = [...document.querySelectorAll('.site-header')].filter(e => e.offsetParent !== null);
  return h.map(e => { const b = e.getBoundingClientRect(); return [b.x, b.y, b.width, b.height]; }); }"""


@pytest.mark.browser
@pytest.mark.parametrize("width, height", [(1440, 900), (390, 844)])
def test_the_header_paints_without_scripts_and_the_live_page_takes_its_place_unmoved(server, browser, watch,
                                                                                    width, height):
    still = open_page(browser, watch, width, height, live=False)
    still.route("**/*.js", lambda r: r.abort())  # no script runs: what a slow link shows first
    still.goto(server.url + "/")
    assert still.locator("h1").inner_text() == "U.S.-ASEAN Smart Cities Partnership"
    [before] = still.evaluate(HEADER_BOX)
    live = open_page(browser, watch, width, height)
    live.add_init_script(SHIFTS)
    live.goto(server.url + "/")  # returns once the first view is gone: the live page's map and dropdowns drawn
    assert live.locator("#map .geo").count() > 0 and live.locator(".first-view").count() == 0
    [after] = live.evaluate(HEADER_BOX)  # one header on screen, where the first view's was
    assert after == pytest.approx(before, abs=1)
    assert live.evaluate("window.__shifts") <= 0.02  # the CLS target: the page under the first view never moved
    assert live.locator("#react-entry-point .site-header h1").is_visible()
    # what the page without its scripts says in the console: the blocked files, and Dash's start-up line
    watch.console_errors[:] = [e for e in watch.console_errors
                               if "ERR_FAILED" not in e and e != "DashRenderer is not defined"]
    watch.assert_clean()


def _paused_after_the_filters(app, seconds):
    """``app`` sending its page in two parts, ``seconds`` apart: up to the end of the filters, then the rest (the
    numbers, map, charts and table), as a slow link or a slow phone's parser does."""
    inner = app.server.wsgi_app

    def paused(environ, start_response):
        if environ["PATH_INFO"] != "/":
            return inner(environ, start_response)
        environ.pop("HTTP_ACCEPT_ENCODING", None)  # plain HTML, to cut in two
        body = b"".join(inner(environ, start_response))
        cut = body.index(b'<main class="content"')

        def parts():
            yield body[:cut]
            time.sleep(seconds)
            yield body[cut:]
        return parts()

    app.server.wsgi_app = paused
    return app


@pytest.mark.browser
def test_a_page_arriving_in_parts_is_painted_once_its_first_view_is_whole(browser, watch, demo):
    # a phone puts the filters, first in the document, below the numbers and the map: painted as they arrived,
    # they stood alone at the top, then the numbers and map pushed them off the screen
    slow = LiveServer(_paused_after_the_filters(create_app(demo), 1.5))
    try:
        page = open_page(browser, watch, 390, 844, live=False)
        page.add_init_script(SHIFTS)
        page.goto(slow.url + "/")
        boxes = page.evaluate("""() => ['.headlines', '.map-row', '.filters'].map(
            s => document.querySelector('.first-view ' + s).getBoundingClientRect().y)""")
        assert boxes[0] < boxes[1] < boxes[2]  # numbers, map, then filters
        assert page.evaluate("window.__shifts") <= 0.02
    finally:
        slow.stop()
    watch.assert_clean()


def test_the_first_view_is_the_page_for_the_links_state(client, demo):
    text = client.get("/?sector=Water&city=phuket").get_data(as_text=True)
    view = _first_view(text)
    assert '<span class="dash-dropdown-value">Water</span>' in view  # the filter shows the link's sector
    assert re.search(r'<aside aria-labelledby="first-view-city-details-title" class="card details" id="first-view-[^"]+">',
                     view)  # the city's panel, open
    assert "Phuket" in re.search(r'<h2[^>]*id="first-view-city-details-title"[^>]*>(.*?)</h2>', view).group(1)
    rows = re.findall(r"<tr><td", view)
    expected = render(demo, parse_query("sector=Water&city=phuket", demo.index)[0]).table
    assert 0 < len(rows) == len(expected)
    src = re.search(r'<img src="(/still/wide-city/map\.svg\?[^"]+)"', view).group(1)  # the map beside the panel
    assert "sector=Water" in src and "city=phuket" in src and "&amp;v=" in src
    assert '<source media="(max-width: 599px)" srcset="/still/phone/map.svg?' in view


def test_the_live_page_starts_in_the_links_state(client, demo):
    plain = client.get("/_dash-layout").get_data(as_text=True)
    linked = client.get("/_dash-layout", headers={"Referer": "http://localhost/?sector=Water"}).get_data(as_text=True)
    assert plain != linked
    water = int((demo.projects["sector"] == "Water").sum())
    assert f"{water} activities: Sector: Water" in linked or f"{water} activit" in linked


def test_a_still_is_the_states_chart_as_svg_and_bad_names_are_404(client):
    got = client.get("/still/wide/sectors.svg?sector=Water")
    assert got.status_code == 200 and got.mimetype == "image/svg+xml"
    assert got.data.startswith(b"<svg") and b">Water<" in got.data
    assert got.data != client.get("/still/wide/sectors.svg").data  # the state's bars, not all activities'
    assert b'width="511"' in got.data and b'width="340"' in client.get("/still/phone/sectors.svg").data
    assert b'width="712"' in client.get("/still/wide-city/map.svg?city=phuket").data  # the map beside a panel
    assert got.headers["Cache-Control"] == "no-cache"  # no data version named: asked again next time
    for bad in ("/still/huge/map.svg", "/still/wide/nope.svg", "/still/wide/map.png", "/still/wide/map"):
        assert client.get(bad).status_code == 404, bad


# ---------------------------------------------------------------- the scripts wait for the reader


@pytest.mark.browser
@pytest.mark.parametrize("width, height", [(1440, 900), (390, 844)])
def test_the_page_is_drawn_with_no_script_and_the_first_move_brings_the_live_page(server, browser, watch,
                                                                                 width, height):
    page = open_page(browser, watch, width, height, live=False)
    scripts = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    page.add_init_script(SHIFTS)
    page.goto(server.url + "/?sector=Water")
    page.wait_for_function("() => document.querySelector('.first-view .map-graph img').naturalWidth > 0",
                           timeout=60000)
    page.wait_for_timeout(500)
    assert [u.rsplit("/", 1)[1] for u in scripts] == ["hydrate.js"]  # nothing of Dash, React or plotly.js
    assert page.evaluate("document.querySelector('#react-entry-point .site-header')") is None  # not drawn
    assert page.locator(".first-view #first-view-filter-sector").inner_text() == "Water"
    gaps = page.evaluate(SEGMENT_GAPS, ".first-view .segmented label")
    assert gaps and set(gaps) == {0}  # the map's view buttons: one joined bar, as in the live page
    [before] = page.evaluate(HEADER_BOX)
    dropdowns = page.evaluate(DROPDOWN_INSIDES, ".first-view")
    page.mouse.move(width // 2, 300)  # the reader's first move
    page.wait_for_function("() => document.querySelector('#map .geo .countries path')", timeout=60000)
    page.wait_for_function(HANDED_OVER, timeout=10000)
    assert any("dash_renderer" in u for u in scripts)
    [after] = page.evaluate(HEADER_BOX)
    assert after == pytest.approx(before, abs=1)
    assert page.locator("#filter-sector").inner_text().startswith("Water")  # the live page in the link's state
    assert page.evaluate(DROPDOWN_INSIDES, "#react-entry-point") == dropdowns  # value and chevron where they were
    assert page.evaluate("window.__shifts") <= 0.02
    watch.assert_clean()


@pytest.mark.browser
def test_a_keyboard_readers_focus_moves_to_the_same_control_in_the_live_page(server, browser, watch):
    page = open_page(browser, watch, live=False)
    page.goto(server.url + "/")
    page.wait_for_load_state("load")
    page.focus("#first-view-filter-q")  # tabbing in starts the scripts
    page.wait_for_function(HANDED_OVER, timeout=60000)
    assert page.evaluate("document.activeElement.id") == "filter-q"
    watch.assert_clean()


@pytest.mark.browser
def test_an_embed_shows_its_still_and_draws_the_live_chart_on_the_first_move(server, browser, watch):
    page = open_page(browser, watch, 900, 560, live=False)
    scripts = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    page.goto(server.url + "/embed/sectors?sector=Water")
    page.wait_for_function("() => document.querySelector('#chart .still img').naturalWidth > 0", timeout=60000)
    assert [u.rsplit("/", 1)[1] for u in scripts] == ["embed.js"]  # no plotly.js yet
    box = page.evaluate("(() => { const b = document.querySelector('#chart img').getBoundingClientRect(); "
                        "return [b.width, b.height]; })()")
    assert box[0] > 800 and box[1] > 300  # the still fills the chart's box
    page.mouse.move(300, 300)
    page.wait_for_function("() => document.querySelector('#chart .main-svg') && !document.querySelector('#chart .still')",
                           timeout=60000)
    assert any("plotly" in u for u in scripts)
    assert page.locator("#chart .ytick text", has_text="Water").count() == 1
    watch.assert_clean()
