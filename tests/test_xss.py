"""Stored XSS: hostile text in the data files is shown as text — in the browser, the HTML export and the PPTX."""

from __future__ import annotations

import io
import json

import pytest

from dashboard.app import create_app
from dashboard.data import load_dataset
from dashboard.testing import LiveServer, open_page
from tests.conftest import data_folder

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert('t')</script>"
JS_LINK = "javascript:alert(document.cookie)"
MD_LINK = "[click me](javascript:alert(2))"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = data_folder(tmp_path_factory.mktemp("xss"))
    csv_text = (folder / "projects.csv").read_text()
    csv_text = csv_text.replace("Water twinning: Phuket – Milwaukee", IMG.replace(",", " ") + " twinning")
    csv_text = csv_text.replace("Utility twinning.", f"{MD_LINK} {SCRIPT}")
    csv_text = csv_text.replace("U.S. Water Partnership", JS_LINK)
    csv_text = csv_text.replace("WiSE announcement 2020-01-13", f"{JS_LINK} <a href=\"{JS_LINK}\">source</a>")
    (folder / "projects.csv").write_text(csv_text)
    geo = (folder / "cities.geojson").read_text().replace('"name": "Phuket"', '"name": "Phuket <b onmouseover=alert(3)>x</b>"')
    (folder / "cities.geojson").write_text(geo)
    return load_dataset(folder)


def test_hostile_text_is_text_in_the_browser(hostile, browser, watch):
    live = LiveServer(create_app(hostile))
    try:
        page = open_page(browser, watch)
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(live.url + "/?city=phuket")
        page.locator("#details-panel").wait_for(state="visible", timeout=20000)
        page.wait_for_function("() => document.querySelector('#projects-table-caption').innerText.startsWith('1 ')")
        panel = page.locator("#details-panel").inner_text()
        assert IMG.replace(",", " ") in panel and "<b onmouseover" in panel  # shown literally
        table = page.locator("#projects-table").inner_text()
        assert IMG.replace(",", " ") in table and JS_LINK in table
        # hover labels on the map are escaped too: hover every marker
        for box in page.evaluate("""() => [...document.querySelectorAll('#map .scattergeo path.point')]
                .map(n => { const r = n.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })"""):
            page.mouse.move(*box)
        page.wait_for_timeout(300)
        assert page.evaluate("() => document.querySelectorAll('img[src=\"x\"], b[onmouseover], a[href^=\"javascript\"]').length") == 0
        assert dialogs == []
        watch.assert_clean()
    finally:
        live.stop()


def test_hostile_text_is_text_in_the_html_export(hostile):
    client = create_app(hostile).server.test_client()
    for url in ("/export/map.html", "/embed/map", "/export/map.html?city=phuket"):
        html = client.get(url).get_data(as_text=True)
        assert IMG not in html and SCRIPT not in html and "<b onmouseover" not in html, url
        assert f'href="{JS_LINK}' not in html


def test_hostile_text_is_text_in_the_pptx(hostile):
    pptx = pytest.importorskip("pptx")
    from dashboard.exports import export

    content, _, _ = export(hostile, "pptx", "briefing", "?city=phuket")
    deck = pptx.Presentation(io.BytesIO(content))
    texts = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
    joined = json.dumps(texts)
    assert "twinning" in joined and "<img src=x onerror=alert(1)>".replace(",", " ") in " ".join(texts)
