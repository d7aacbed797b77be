"""The About panel in a real browser (network blocked): it opens with a click and with the keyboard, shows the
launch, the goals and the sources, and axe-core finds nothing wrong with it open, at 1440 and 390 px."""

from __future__ import annotations

import json

import pytest

from dashboard.app import create_app
from dashboard.data import load_dataset
from dashboard.data.build import write_data
from dashboard.testing import LiveServer, open_page
from tests.datasets import demo_cities, demo_projects
from tests.test_a11y_browser import AXE, RUN_AXE
from tests.test_counting import ABOUT

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = write_data(tmp_path_factory.mktemp("about"), demo_cities(), demo_projects())
    (folder / "about.json").write_text(json.dumps(ABOUT), encoding="utf-8")
    live = LiveServer(create_app(load_dataset(folder)))
    yield live
    live.stop()


def open_about(page, how: str) -> None:
    summary = page.locator("#about-menu > summary")
    if how == "click":
        summary.click()
    else:
        summary.focus()
        page.keyboard.press("Enter")
    page.locator(".about-panel").wait_for(state="visible")


@pytest.mark.parametrize("width, how", [(1440, "click"), (390, "keyboard")])
def test_about_panel_opens_reads_and_passes_axe(server, browser, watch, width, how):
    page = open_page(browser, watch, width=width, height=900 if width > 400 else 844)
    page.goto(server.url + "/")
    page.wait_for_function("() => document.querySelector('#map .main-svg')", timeout=20000)
    assert not page.locator(".about-panel").is_visible()
    open_about(page, how)
    text = page.locator(".about-panel").inner_text()
    assert "2018" in text and "First goal of the test partnership." in text
    assert "Sources" in text and "Test fact sheet, 2020-11-13" in text
    assert "This dashboard counts 10 activities" in text
    box = page.locator(".about-panel").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1  # on the screen, even on a phone
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(RUN_AXE)
    assert found == [], json.dumps(found, indent=1)
    watch.assert_clean()
