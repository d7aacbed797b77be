"""Accessibility as axe-core sees it, in a real browser (network blocked), at 1440 and 390 px: every page and state
a person uses, with the Export menu and the Share panel open. Any violation fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard.testing import open_page

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")

#: axe-core from the npm registry (tests/js, installed by scripts/test.sh): injected into the test browser only
AXE = Path(__file__).resolve().parent / "js" / "node_modules" / "axe-core" / "axe.min.js"

RUN_AXE = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(
  v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))"""


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        pytest.fail(f"axe-core is missing ({AXE}): run scripts/test.sh, or npm ci --prefix tests/js")
    return AXE.read_text(encoding="utf-8")


#: resolves after two frames: whatever a MutationObserver scheduled for the next frame has run
NEXT_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def violations(page, axe_source):
    page.evaluate(axe_source)  # evaluated by the test driver, so the page's CSP does not apply
    return page.evaluate(RUN_AXE)


@pytest.mark.parametrize("width, height", [(1440, 900), (390, 844)])
@pytest.mark.parametrize("path", ["/", "/?sector=Water&country=THA", "/?city=phuket&q=water&from=2020",
                                  "/embed/map", "/embed/sectors"])
def test_no_axe_violations(server, browser, watch, axe_source, path, width, height):
    page = open_page(browser, watch, width=width, height=height)
    page.goto(server.url + path)  # returns once the live page has taken the first view's place
    page.wait_for_function("() => document.querySelector('.js-plotly-plot .main-svg')", timeout=20000)
    page.wait_for_load_state("networkidle")
    page.evaluate(NEXT_FRAMES)  # assets/a11y.js mends what a frame added, once a frame
    found = violations(page, axe_source)
    assert found == [], json.dumps(found, indent=1)
    if not path.startswith("/embed"):
        # the Export menu and the Share panel open, and the charts below drawn
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_timeout(600)
        found = violations(page, axe_source)
        assert found == [], json.dumps(found, indent=1)
    watch.assert_clean()


@pytest.mark.parametrize("width, height", [(1440, 900), (390, 844)])
@pytest.mark.parametrize("path", ["/", "/?city=phuket&q=water&from=2020"])
def test_no_axe_violations_in_the_first_view_before_any_script(server, browser, watch, axe_source, path, width,
                                                               height):
    page = open_page(browser, watch, width=width, height=height, live=False)  # the reader has not moved yet
    page.goto(server.url + path)
    page.wait_for_function("() => document.querySelector('.first-view .map-graph img').complete", timeout=60000)
    page.evaluate(axe_source)  # the driver's own call: no pointer, key or scroll reaches the page
    found = page.evaluate(RUN_AXE)
    assert page.locator(".first-view").is_visible()  # axe looked at the first view, not the live page
    assert found == [], json.dumps(found, indent=1)
    watch.assert_clean()
