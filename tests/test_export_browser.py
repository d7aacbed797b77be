"""Exports as a person meets them, in headless Chromium with every off-machine request blocked."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import pytest

from dashboard import exports
from dashboard.exports import images
from dashboard.testing import open_page

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
    csv_link = page.get_by_role("link", name="Download the projects in view as CSV")
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
    link = page.get_by_role("link", name="Download the projects in view as an Excel workbook")
    with page.expect_download() as download:
        link.click()
        page.locator("a.export-link[aria-busy='true']").wait_for()
        assert "Preparing" in page.locator(".export-status.busy").inner_text()
        release.set()
    assert download.value.suggested_filename == "usascp-projects-2026-11-22.xlsx"
    page.locator(".export-status.done").wait_for()
    watch.assert_clean()


def test_a_busy_renderer_is_retried_and_the_menu_says_so(server, browser, watch, monkeypatch):
    """The first answer is 503 with Retry-After (the renderer's queue is full); the menu says it is retrying, waits
    and tries again, and the second answer is saved."""
    answers = [exports.Busy("The image renderer is busy with other exports; please retry in a few seconds.", 1)]
    real = images.render

    def busy_once(jobs):
        if answers:
            raise answers.pop()
        return real(jobs)

    monkeypatch.setattr(images, "render", busy_once)
    page = open_page(browser, watch)
    page.goto(server.url + "/?sector=Water")
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
