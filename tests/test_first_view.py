"""The first view: the page's top (banner and header) as HTML in the page itself, painted before any script runs,
and replaced by the live page without a second header or a jump."""

from __future__ import annotations

import re

import pytest
from dash import dcc, html

from dashboard.app import FIRST_VIEW_IDS, create_app
from dashboard.data.source import DataSource
from dashboard.layouts.static import to_html
from dashboard.testing import open_page
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


# ---------------------------------------------------------------- the page's HTML


def _first_view(page_html: str) -> str:
    return re.search(r'<div class="first-view">(.*?)</div><noscript>', page_html, re.S).group(1)


def test_the_page_holds_its_header_in_the_html_before_the_scripts(client, demo):
    text = client.get("/").get_data(as_text=True)
    head = _first_view(text)
    assert "<h1>U.S.-ASEAN Smart Cities Partnership</h1>" in head
    assert f"{len(demo.projects)} activities" in head  # the header's own count, from the data in force
    assert text.index('class="first-view"') < text.index('id="react-entry-point"') < text.index("<script")
    ids = re.findall(r'\sid="([^"]+)"', head)
    assert ids and all(i.startswith(FIRST_VIEW_IDS) for i in ids)  # never the live page's ids
    assert "<noscript>" in text and 'href="/export/projects.csv"' in text


def test_without_valid_data_the_first_view_says_so(tmp_path):
    folder = data_folder(tmp_path, "latitude_out_of_range")
    app = create_app(DataSource(folder, poll_seconds=0, quiet_seconds=0))
    head = _first_view(app.server.test_client().get("/").get_data(as_text=True))
    assert "not available right now" in head and "site-header" not in head


# ---------------------------------------------------------------- in a real browser (network blocked)

HEADER_BOX = """() => { const h = [...document.querySelectorAll('.site-header')].filter(e => e.offsetParent !== null);
  return h.map(e => { const b = e.getBoundingClientRect(); return [b.x, b.y, b.width, b.height]; }); }"""


@pytest.mark.browser
@pytest.mark.parametrize("width, height", [(1440, 900), (390, 844)])
def test_the_header_paints_without_scripts_and_the_live_page_takes_its_place_unmoved(server, browser, watch,
                                                                                    width, height):
    still = open_page(browser, watch, width, height)
    still.route("**/*.js", lambda r: r.abort())  # no script runs: what a slow link shows first
    still.goto(server.url + "/")
    assert still.locator("h1").inner_text() == "U.S.-ASEAN Smart Cities Partnership"
    [before] = still.evaluate(HEADER_BOX)
    live = open_page(browser, watch, width, height)
    live.add_init_script("""window.__shifts = 0; new PerformanceObserver(l => l.getEntries().forEach(
        e => { if (!e.hadRecentInput) window.__shifts += e.value; })).observe({type: 'layout-shift', buffered: true});""")
    live.goto(server.url + "/")
    live.wait_for_function("() => document.querySelector('#map .main-svg')", timeout=30000)
    assert live.locator(".first-view").is_hidden()
    [after] = live.evaluate(HEADER_BOX)  # one header on screen, where the first view's was
    assert after == pytest.approx(before, abs=1)
    assert live.evaluate("window.__shifts") <= 0.02  # the CLS target: the page under the first view never moved
    assert live.locator("#react-entry-point .site-header h1").is_visible()
    # what the page without its scripts says in the console: the blocked files, and Dash's start-up line
    watch.console_errors[:] = [e for e in watch.console_errors
                               if "ERR_FAILED" not in e and e != "DashRenderer is not defined"]
    watch.assert_clean()
