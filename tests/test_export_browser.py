"""Exports as a person meets them, in headless Chromium with every off-machine request blocked."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest

from dashboard import exports
from dashboard.callbacks.menus import share_values
from dashboard.exports import images
from dashboard.testing import LiveServer, open_page

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")

DAY = dt.date(2026, 11, 22)
MAP_DRAWN = ("() => { const c = document.querySelector('.geo .countries path');"
             " return c && c.getAttribute('d').length > 10000"
             " && document.querySelectorAll('.scattergeo path.point').length > 0; }")


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch):
    monkeypatch.setattr(exports, "today", lambda: DAY)
    monkeypatch.setattr("dashboard.exports.common.today", lambda: DAY)


def test_embed_map_renders_full_size_with_nothing_from_outside(server, browser, watch):
    page = open_page(browser, watch, width=1024, height=640)
    response = page.goto(server.url + "/embed/map?sector=Water")
    assert "x-frame-options" not in response.headers
    assert "frame-ancestors *" in response.headers["content-security-policy"]
    page.wait_for_function(MAP_DRAWN, timeout=20000)
    page.wait_for_load_state("networkidle")
    lines = page.evaluate("() => document.querySelector('#chart')._fullData.filter(t => t.mode === 'lines' && t.name !== 'City names')"
                          ".map(t => t.name)")
    assert set(lines) == {"Water"}
    box = page.locator("#chart .main-svg").first.bounding_box()
    assert box["width"] > 1000 and box["height"] > 400  # fills the frame
    assert page.locator("select, input, .modebar").count() == 0  # no controls
    assert "Sector: Water" in page.locator("header").inner_text()
    watch.assert_clean()  # no request off the machine, no console error (nor CSP violation)


def test_embed_can_be_framed_and_the_dashboard_cannot(server, browser, watch):
    page = open_page(browser, watch)
    # another origin (localhost vs 127.0.0.1) frames both pages
    host = urlparse(server.url)
    other = f"http://localhost:{host.port}"
    page.goto(server.url + "/embed/static/embed.css")
    page.set_content(f'<iframe id="ok" src="{other}/embed/sectors" width="800" height="500"></iframe>'
                     f'<iframe id="no" src="{other}/" width="800" height="500"></iframe>')
    page.wait_for_timeout(300)
    ok = page.frame_locator("#ok")
    ok.locator(".bars path").first.wait_for(timeout=20000)
    framed = next(f for f in page.frames if f.url.startswith(other + "/embed"))
    assert framed.evaluate("() => document.querySelectorAll('.bars path').length") >= 8
    for _ in range(200):  # the browser reports the refused frame on the console
        if any("X-Frame-Options" in e or "frame-ancestors" in e for e in watch.console_errors):
            break
        page.wait_for_timeout(100)
    assert any("X-Frame-Options" in e or "frame-ancestors" in e for e in watch.console_errors)
    refused = page.locator("#no").element_handle().content_frame()
    assert refused.evaluate("() => document.querySelector('#react-entry-point, .site-header') === null")


def test_offline_html_opens_from_a_file_with_no_request_at_all(server, browser, tmp_path):
    import urllib.request

    with urllib.request.urlopen(server.url + "/export/map.html?sector=Transportation") as r:
        (tmp_path / "map.html").write_bytes(r.read())
    requests: list[str] = []
    context = browser.new_context(viewport={"width": 1200, "height": 800})

    def route(r):
        if r.request.url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        else:
            requests.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda req: requests.append(req.url) if not req.url.startswith(("file:", "data:", "blob:"))
            else None)
    page.goto((tmp_path / "map.html").as_uri())
    page.wait_for_function(MAP_DRAWN, timeout=20000)
    assert page.evaluate("() => document.querySelector('#chart')._fullData.filter(t => t.mode === 'lines' && t.name !== 'City names')"
                         ".map(t => t.name)") == ["Transportation"]
    assert requests == [] and errors == []
    context.close()


def test_export_menu_downloads_what_is_on_screen(server, browser, watch):
    page = open_page(browser, watch)
    page.goto(server.url + "/?sector=Transportation")
    page.wait_for_function("() => (document.querySelector('#projects-table-caption') || {innerText: ''}).innerText.startsWith('2 ')",
                           timeout=20000)
    menu = page.locator("#export-menu")
    assert menu.is_visible() and menu.locator("summary").inner_text().strip() == "Export"
    menu.locator("summary").click()
    csv_link = page.get_by_role("link", name="Download the activities in view as CSV")
    csv_link.wait_for(state="visible")
    page.wait_for_function("() => document.querySelector('#export-links a').getAttribute('href')"
                           ".endsWith('?sector=Transportation')")
    with page.expect_download() as download:
        csv_link.click()
    assert download.value.suggested_filename == "usascp-projects-transportation-2026-11-22.csv"
    text = open(download.value.path(), encoding="utf-8-sig").read()
    # the header and the demo's two transport pairs, and nothing else
    assert text.count("\n") == 3 and "Transport pair: Phuket – Las Vegas" in text
    assert "Transport pair: Kuala Lumpur – Dallas" in text and "Water twinning" not in text
    page.locator(".export-status.done").wait_for()
    # the graph toolbar's own PNG download is named for the filters too
    page.wait_for_function("() => document.querySelector('#map .js-plotly-plot')._context.toImageButtonOptions"
                           ".filename === 'usascp-map-transportation-2026-11-22'")
    watch.assert_clean()


def test_a_failed_export_says_why_and_saves_nothing(server, browser, watch, monkeypatch):
    monkeypatch.setattr(images, "chromium_path", lambda: None)
    page = open_page(browser, watch)
    page.goto(server.url + "/?sector=Water")
    page.wait_for_function("() => (document.querySelector('#projects-table-caption') || {innerText: ''}).innerText.startsWith('3 ')",
                           timeout=20000)
    downloads: list = []
    page.on("download", lambda d: downloads.append(d))
    page.locator("#export-menu summary").click()
    page.get_by_role("link", name="Download the map as a PNG image").click()
    status = page.locator(".export-status.error")
    status.wait_for(timeout=10000)
    assert "Export failed" in status.inner_text() and "apt-get install chromium" in status.inner_text()
    assert downloads == []
    assert page.locator("a.export-link[aria-busy]").count() == 0  # the busy state is cleared
    watch.console_errors[:] = [e for e in watch.console_errors if "503" not in e]  # the failed fetch itself
    watch.assert_clean()


def test_export_shows_a_busy_state_while_it_works(server, browser, watch, monkeypatch):
    import threading

    release = threading.Event()
    real = exports.export

    def slow(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr("dashboard.exports.routes.export", slow)
    page = open_page(browser, watch)
    page.goto(server.url + "/")
    page.locator("#export-menu summary").click()
    link = page.get_by_role("link", name="Download the activities in view as an Excel workbook")
    with page.expect_download() as download:
        link.click()
        page.locator("a.export-link[aria-busy='true']").wait_for()
        assert "Preparing" in page.locator(".export-status.busy").inner_text()
        release.set()
    assert download.value.suggested_filename == "usascp-projects-2026-11-22.xlsx"
    page.locator(".export-status.done").wait_for()
    watch.assert_clean()


HOST_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>A ministry's page</title></head>
<body style="margin:0;padding:0 12px;font-family:sans-serif"><h1>News</h1><p>An article with a chart.</p>
{snippet}
<p id="after">The article goes on.</p></body></html>"""
#: the iframe's height on the host page, and (inside the embed) the bottom of its content and of the chart
FIT_JS = "() => document.querySelector('iframe').getBoundingClientRect().height"
INNER_JS = """() => {
  const footer = document.querySelector('footer');
  const margin = parseFloat(getComputedStyle(footer).marginBottom) || 0;
  const chart = document.querySelector('#chart').getBoundingClientRect();
  const plot = document.querySelector('#chart .main-svg').getBoundingClientRect();
  return {content: footer.getBoundingClientRect().bottom + window.scrollY + margin, viewport: window.innerHeight,
          chart_bottom: chart.bottom, plot_bottom: plot.bottom, width: document.documentElement.clientWidth};
}"""


def _host(snippet: str) -> LiveServer:
    """Another site (another loopback origin) whose page holds ``snippet``."""
    from flask import Flask

    site = Flask("host-page")
    site.add_url_rule("/", "page", lambda: HOST_PAGE.format(snippet=snippet))
    return LiveServer(SimpleNamespace(server=site))


@pytest.mark.parametrize("chart", ["map", "sectors"])
def test_the_share_snippet_fits_the_iframe_to_its_chart_on_a_phone(server, browser, watch, demo, chart):
    app = f"http://localhost:{urlparse(server.url).port}/"  # another origin than the page framing it
    snippet = share_values("?sector=Water", app + "?sector=Water", chart, demo.index)["snippet"]
    host = _host(snippet)
    try:
        page = open_page(browser, watch, width=390, height=844)
        page.goto(host.url + "/")
        frame_el = page.locator("iframe")
        frame_el.scroll_into_view_if_needed()  # loading="lazy"
        page.wait_for_function("() => document.querySelector('iframe').style.height !== ''", timeout=20000)
        framed = next(f for f in page.frames if f.url.startswith(app + "embed/"))
        framed.wait_for_function("() => document.querySelector('#chart .main-svg') !== null", timeout=20000)
        page.wait_for_timeout(400)  # let the last height message land
        inner = framed.evaluate(INNER_JS)
        height = page.evaluate(FIT_JS)
        assert inner["width"] <= 390
        # no more than 24 px of blank space under the chart, and nothing cut off
        assert height - inner["content"] <= 24, (height, inner)
        assert inner["content"] <= height + 1, (height, inner)
        assert inner["plot_bottom"] <= inner["chart_bottom"] + 1
        watch.assert_clean()
    finally:
        host.stop()


def test_without_the_resize_script_the_snippet_keeps_a_useful_shape(server, browser, watch, demo):
    app = f"http://localhost:{urlparse(server.url).port}/"
    snippet = share_values("", app, "map", demo.index)["snippet"]
    host = _host(snippet.split("<script")[0])  # a site that strips scripts from what is pasted
    try:
        page = open_page(browser, watch, width=1200, height=900)
        page.goto(host.url + "/")
        box = page.locator("iframe").bounding_box()
        assert box["width"] == pytest.approx(960, abs=1)
        assert box["height"] == pytest.approx(600, abs=2)  # CSS aspect-ratio 16:10, not the default 150 px
        watch.assert_clean()
    finally:
        host.stop()


def test_the_briefing_pack_shows_and_announces_its_progress(server, browser, watch, monkeypatch):
    import threading

    release = threading.Event()
    real = exports.export

    def slow(*args, **kwargs):
        release.wait(15)
        return real(*args, **kwargs)

    monkeypatch.setattr("dashboard.exports.routes.export", slow)
    monkeypatch.setattr(images, "chromium_path", lambda: None)  # the deck without its map picture needs no browser
    page = open_page(browser, watch)
    page.goto(server.url + "/?sector=Water")
    page.locator("#export-menu summary").click()
    page.locator("#export-slides input[value='map']").uncheck()
    page.wait_for_function("() => document.querySelector('a.export-link').getAttribute('href').includes('slides=')")
    status = page.locator("#export-status")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the briefing pack as PowerPoint").click()
        page.locator("a.export-link[aria-busy='true']").wait_for()
        assert page.locator("#export-menu").get_attribute("aria-busy") == "true"
        assert "Preparing the briefing pack as PowerPoint…" in status.inner_text()
        # seconds counted while it is built, hidden from screen readers (announced once, not every tick)
        elapsed = status.locator(".export-elapsed[aria-hidden='true']")
        elapsed.wait_for(timeout=5000)
        assert elapsed.inner_text().strip().endswith(" s")
        release.set()
    assert download.value.suggested_filename == "usascp-briefing-water-2026-11-22.pptx"
    page.locator(".export-status.done").wait_for()
    assert "Downloaded usascp-briefing-water-2026-11-22.pptx." == status.inner_text()
    assert page.locator("a.export-link[aria-busy]").count() == 0


def test_a_busy_renderer_is_retried_and_the_menu_says_so(server, browser, watch, monkeypatch):
    """The first answer is 503 with Retry-After (the renderer's queue is full); the menu says it is retrying, waits
    and tries again, and the second answer is saved."""
    answers = [exports.Busy("The image renderer is busy with other exports; please retry in a few seconds.", 1)]
    real = images.render

    def busy_once(jobs):
        if answers:
            raise answers.pop()
        return real(jobs)

    page = open_page(browser, watch, live=False)
    page.goto(server.url + "/?sector=Water")
    # the first view's still images are drawn by the same renderer (all of a state's at once): done before the
    # renderer turns busy, so that the busy answer goes to the export
    page.wait_for_function("() => document.querySelector('.first-view .map-graph img').complete", timeout=60000)
    monkeypatch.setattr(images, "render", busy_once)
    page.mouse.move(400, 300)
    page.wait_for_function("() => (document.querySelector('#projects-table-caption') || {innerText: ''}).innerText.startsWith('3 ')",
                           timeout=20000)
    page.locator("#export-menu summary").click()
    with page.expect_download(timeout=60000) as download:
        page.get_by_role("link", name="Download the map as a PNG image").click()
        page.wait_for_function("() => /busy, retrying in 1 s/.test(document.querySelector('.export-status').textContent)",
                               timeout=10000)
    assert download.value.suggested_filename == "usascp-map-water-2026-11-22.png"
    page.locator(".export-status.done").wait_for()
    assert answers == []
    watch.console_errors[:] = [e for e in watch.console_errors if "503" not in e]  # the busy answer itself
    watch.assert_clean()
