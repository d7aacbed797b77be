"""Briefing exports: every route and the CLI make a valid file; bad requests answer 4xx; hostile data stays text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET

import plotly.graph_objects as go
import pytest
from plotly.utils import PlotlyJSONEncoder

from dashboard import exports
from dashboard.__main__ import main
from dashboard.app import create_app
from dashboard.callbacks.menus import graph_configs, share_values
from dashboard.data import load_dataset
from dashboard import config
from dashboard.exports import briefing, images, tables
from dashboard.exports.common import BadRequest, NotFound, file_stem, split_name
from dashboard.model.filters import FilterState
from dashboard.layouts.menus import export_links
from tests.conftest import data_folder

DAY = dt.date(2026, 11, 22)
EVIL_TITLE = '=cmd|" /C calc"!A0'
EVIL_DESCRIPTION = "<img src=x onerror=alert(1)>"
EVIL_CITY = "Phuket</script><script>alert(1)</script>"


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch):
    """Every export is dated 22 November 2026, so names and lines can be asserted exactly."""
    monkeypatch.setattr(exports, "today", lambda: DAY)
    monkeypatch.setattr("dashboard.exports.common.today", lambda: DAY)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The tiny dataset with a formula title, markup in a description and a city named with a script tag."""
    folder = data_folder(tmp_path_factory.mktemp("hostile"))
    rows = list(csv.DictReader(io.StringIO((folder / "projects.csv").read_text(encoding="utf-8"))))
    rows[1]["title"], rows[1]["description"] = EVIL_TITLE, EVIL_DESCRIPTION
    rows[0]["title"] = "</script><script>alert(1)</script>"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    (folder / "projects.csv").write_text(out.getvalue(), encoding="utf-8")
    cities = json.loads((folder / "cities.geojson").read_text(encoding="utf-8"))
    for feature in cities["features"]:
        if feature["properties"]["city_id"] == "phuket":
            feature["properties"]["name"] = EVIL_CITY
    (folder / "cities.geojson").write_text(json.dumps(cities), encoding="utf-8")
    return load_dataset(folder)


@pytest.fixture(scope="module")
def client(demo):
    return create_app(demo).server.test_client()


@pytest.fixture(scope="module")
def hostile_client(hostile):
    return create_app(hostile).server.test_client()


@pytest.fixture(scope="module")
def chromium():
    if images.chromium_path() is None:
        pytest.fail("Debian's chromium is not installed: run scripts/test.sh as root, or apt-get install chromium")


# --- pure pieces ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=cmd", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "\0x"])
def test_formula_text_is_neutralised(text):
    assert tables.neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Water", "", "a=b", 3, -2, 2.5, dt.date(2020, 1, 13)])
def test_other_cells_are_left_alone(value):
    assert tables.neutralise(value) == value


def test_sizes_within_bounds_are_accepted():
    assert images.size_from() == images.Size(960, 540, 2.0)  # 14 px text is 14 pt on a full 16:9 slide
    assert images.size_from("800", "450", "2") == images.Size(800, 450, 2.0)
    assert images.size_from(640, None, 0.5) == images.Size(640, 540, 0.5)


@pytest.mark.parametrize("width,height,scale", [
    ("abc", None, None), ("12.5", None, None), ("99999", None, None), ("-1", None, None), (None, "0", None),
    (None, None, "1000"), (None, None, "nan"), (None, None, "inf"), (None, None, "0"), ("4000", "4000", "4"),
])
def test_bad_sizes_are_refused_with_a_reason(width, height, scale):
    with pytest.raises(BadRequest, match="width|height|scale"):
        images.size_from(width, height, scale)


def test_export_names():
    assert split_name("map.png") == ("map", "png")
    assert split_name("briefing.PPTX") == ("briefing", "pptx")
    for bad in ("map.gif", "globe.png", "projects.png", "map", "../map.png", "briefing.svg"):
        with pytest.raises(NotFound):
            split_name(bad)
    assert file_stem("map", FilterState(sectors=("Water",)), DAY) == "usascp-map-water-2026-11-22"
    assert file_stem("map", FilterState(), DAY) == "usascp-map-2026-11-22"
    odd = FilterState(sectors=("Innovation & Research",), countries=("THA",), agencies=("Department of State",))
    assert file_stem("sectors", odd, DAY) == "usascp-sectors-innovation-research-tha-department-of-state-2026-11-22"


def test_frame_ancestors_setting():
    assert config.frame_ancestors("") == "*"
    assert config.frame_ancestors("https://example.org, https://*.state.gov 'self'") == \
        "https://example.org https://*.state.gov 'self'"
    assert config.frame_ancestors("https://a.example:8443 https:") == "https://a.example:8443 https:"
    for bad in ("https://ok.example javascript:alert(1)", "; script-src *", "https://x.example/path?q", "'unsafe-inline'"):
        assert config.frame_ancestors(bad) == "'none'", bad  # anything odd: fail closed


def test_paginate_keeps_every_row_once_and_in_order():
    rows = [{"a": "word " * n, "b": "x"} for n in (1, 40, 3, 80, 2, 2, 2)]
    pages = briefing.paginate(rows, {"a": 20, "b": 10}, max_lines=8)
    assert [r for page in pages for r in page] == rows
    assert all(page for page in pages)
    assert pages[1] == [rows[1]] and pages[3] == [rows[3]]  # a row too tall for a page has one to itself
    assert briefing.paginate([], {"a": 20}, max_lines=8) == [[]]


def test_menu_links_and_share_panel_carry_the_filters(demo):
    index = demo.index
    hrefs = re.findall(r'"href": "([^"]+)"', json.dumps(export_links("?sector=Water"), cls=PlotlyJSONEncoder))
    assert "export/briefing.pptx?sector=Water" in hrefs and "export/projects.csv?sector=Water" in hrefs
    assert all(h.endswith("?sector=Water") for h in hrefs) and len(hrefs) == 3 + 6 * 5 + 2
    # every chart in every format its registry entry offers: PNG, SVG, PDF, offline HTML and a PowerPoint slide
    charts = ("map", "pairs", "sectors", "countries", "agencies", "timeline")
    assert sorted(hrefs) == sorted([f"export/{c}.{f}?sector=Water" for c in charts
                                    for f in ("png", "svg", "pdf", "html", "pptx")]
                                   + [f"export/{n}?sector=Water" for n in ("briefing.pptx", "briefing.pdf", "briefing.docx",
                                                                            "projects.csv", "projects.xlsx")])
    # the slides ticked go to the two packs only; all or none ticked is the whole pack
    picked = re.findall(r'"href": "([^"]+)"', json.dumps(export_links("?sector=Water", ["sectors", "map"]),
                                                         cls=PlotlyJSONEncoder))
    assert "export/briefing.pptx?sector=Water&slides=map,sectors" in picked
    assert "export/briefing.pdf?sector=Water&slides=map,sectors" in picked
    assert "export/briefing.docx?sector=Water" in picked and "export/map.png?sector=Water" in picked
    assert "export/briefing.pptx?slides=pairs" in json.dumps(export_links("", ["pairs"]), cls=PlotlyJSONEncoder)
    assert "export/briefing.pptx?sector=Water\"" in json.dumps(export_links("?sector=Water", []), cls=PlotlyJSONEncoder)
    shared = share_values("?sector=water&bogus=1", "http://example.org:8050/?sector=water", "sectors", index)
    link, snippet, embed = shared["link"], shared["snippet"], shared["embed"]
    assert link == "http://example.org:8050/?sector=Water"
    assert embed == "http://example.org:8050/embed/sectors?sector=Water"
    assert snippet.startswith('<iframe src="http://example.org:8050/embed/sectors?sector=Water"')
    assert "title=" in snippet and 'data-usascp-embed="sectors"' in snippet
    # it fits its content: the app's own resize script listens for the embed's height; CSS aspect-ratio without it
    assert re.findall(r"<script[^>]*>", snippet) == ['<script src="http://example.org:8050/embed/static/resize.js" async>']
    assert "aspect-ratio:" in snippet and "height=" not in snippet and "width:100%" in snippet


def test_the_resize_script_and_the_height_message_are_served_under_the_strict_policy(client):
    script = client.get("/embed/static/resize.js")
    assert script.status_code == 200 and script.mimetype == "text/javascript"
    body = script.get_data(as_text=True)
    # it checks where a message comes from and what it holds before it touches an iframe
    for check in ("event.origin !== origin", "frame.contentWindow !== event.source", "'usascp-embed-height'",
                  "isFinite(height)"):
        assert check in body
    embed_js = client.get("/embed/static/embed.js").get_data(as_text=True)
    assert "postMessage({type: 'usascp-embed-height', id: id, height: height}" in embed_js
    page = client.get("/embed/sectors")
    assert page.headers["Content-Security-Policy"].startswith("default-src 'none'; script-src 'self';")
    assert 'data-chart="sectors"' in page.get_data(as_text=True)


def test_graph_download_names_follow_the_filters(demo, monkeypatch):
    from dash import no_update

    index = demo.index
    names = ("map", "sectors", "countries", "agencies", "timeline")
    configs = {n: {"displaylogo": False, "toImageButtonOptions": {"filename": "usascp-map"}} for n in names}
    out = graph_configs("?sector=water", configs, index, DAY)
    assert list(out) == list(names)
    assert {n: c["toImageButtonOptions"]["filename"] for n, c in out.items()} == {
        n: f"usascp-{n}-water-2026-11-22" for n in names}
    assert out["map"]["displaylogo"] is False  # the rest of the config is kept
    assert graph_configs("?sector=Water", out, index, DAY) == {n: no_update for n in names}  # unchanged: no redraw


# --- data exports -----------------------------------------------------------------------------------------------


def test_csv_has_bom_neutralised_cells_and_a_server_made_name(hostile_client):
    r = hostile_client.get("/export/projects.csv?filename=evil.exe&name=../../x")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.headers["Content-Disposition"] == 'attachment; filename="usascp-projects-2026-11-22.csv"'
    assert r.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Activity ID", "Activity", "Sector"] and len(body) == 3
    by_id = {row[0]: dict(zip(header, row)) for row in body}
    assert by_id["nsf-jakarta"]["Activity"] == "'" + EVIL_TITLE
    assert by_id["nsf-jakarta"]["Description"] == EVIL_DESCRIPTION  # text, as it is
    assert by_id["wise-phuket-milwaukee"]["ASEAN cities"] == EVIL_CITY  # names resolved
    assert by_id["workshops"]["Countries"] == "Region-wide"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in body for cell in row)


def test_csv_carries_the_filters(client):
    r = client.get("/export/projects.csv?sector=water&country=THA,USA")
    assert r.headers["Content-Disposition"].endswith('filename="usascp-projects-water-tha-usa-2026-11-22.csv"')
    rows = list(csv.DictReader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert len(rows) == 3 and {row["Sector"] for row in rows} == {"Water"}  # the demo's three water pairs


def test_xlsx_opens_with_neutralised_text(hostile_client):
    from openpyxl import load_workbook

    r = hostile_client.get("/export/projects.xlsx")
    assert r.status_code == 200
    assert r.headers["Content-Disposition"] == 'attachment; filename="usascp-projects-2026-11-22.xlsx"'
    wb = load_workbook(io.BytesIO(r.data))
    assert wb.sheetnames == ["Activities", "About"]
    ws = wb["Activities"]
    header = [c.value for c in ws[1]]
    cells = {row[0].value: dict(zip(header, row)) for row in ws.iter_rows(min_row=2)}
    title = cells["nsf-jakarta"]["Activity"]
    assert title.value == "'" + EVIL_TITLE and title.data_type == "s"  # a string, never a formula
    assert ws.max_row == 4 and ws.freeze_panes == "A2"
    assert "Source: U.S.-ASEAN Smart Cities Partnership dashboard, 2026-11-22" in wb["About"]["A4"].value


# --- bad requests, framing, no Chromium ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "/export/map.png?width=abc", "/export/map.png?width=100000", "/export/map.png?scale=1000",
    "/export/map.png?height=-5", "/export/map.svg?scale=nan", "/export/map.pdf?width=4000&height=4000&scale=4",
    "/export/globe.png", "/export/map.gif", "/export/map.exe", "/export/projects.png", "/export/briefing.svg",
    "/export/map", "/embed/globe",
])
def test_bad_parameters_answer_4xx_with_a_message(client, url):
    r = client.get(url)
    assert 400 <= r.status_code < 500, (url, r.status_code)
    assert r.mimetype == "text/plain" and len(r.data) > 10


def test_sizes_mean_nothing_to_a_table(client):
    r = client.get("/export/projects.csv?sector=Water&width=abc")
    assert r.status_code == 200
    assert len(list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))) == 1 + 3  # the header and the water projects


@pytest.mark.parametrize("url,words", [
    ("/export/projects.csv?sector=Watr", ["unknown sector 'Watr'", "did you mean 'Water'?"]),
    ("/export/projects.xlsx?sector=Transport", ["unknown sector 'Transport'", "did you mean 'Transportation'?"]),
    ("/export/briefing.pptx?country=Thailnd", ["unknown country 'Thailnd'", "did you mean 'Thailand'?"]),
    ("/export/briefing.docx?country=XXX", ["unknown country 'XXX'", "Thailand", "Viet Nam"]),
    ("/export/map.png?agency=Department+of+Stat", ["unknown agency", "did you mean 'Department of State'?"]),
    ("/export/map.html?sector=Water&status=done", ["unknown status 'done'"]),
    ("/export/sectors.pptx?city=Phukt", ["unknown city 'Phukt'", "did you mean"]),
])
def test_exports_refuse_a_filter_value_that_matches_nothing(client, url, words):
    r = client.get(url)  # a file holding something other than what was asked for would mislead: refuse it
    text = r.get_data(as_text=True)
    assert r.status_code == 400 and r.mimetype == "text/plain" and "Content-Disposition" not in r.headers, url
    assert all(w in text for w in words), text


def test_cli_refuses_a_filter_value_that_matches_nothing(tmp_path, capsys):
    folder = data_folder(tmp_path)
    out = tmp_path / "x.csv"
    assert main(["export", "--format", "csv", "--sector", "Transport", "--data-dir", str(folder), "-o", str(out)]) == 2
    assert "unknown sector 'Transport' — did you mean 'Transportation'?" in capsys.readouterr().err
    assert not out.exists()
    assert main(["export", "--format", "pptx", "--slides", "map,globe", "--data-dir", str(folder), "-o", str(out)]) == 2
    assert "unknown slide 'globe'" in capsys.readouterr().err


def test_every_content_type_has_one_charset(client):
    for url in ("/export/projects.csv", "/export/projects.xlsx", "/export/map.html", "/export/briefing.pptx?slides=sectors",
                "/export/globe.png", "/embed/sectors"):
        r = client.get(url)
        assert r.headers["Content-Type"].count("charset") <= 1, (url, r.headers["Content-Type"])
    assert client.get("/export/projects.csv").headers["Content-Type"] == "text/csv; charset=utf-8"


def test_xlsx_full_dates_are_dates_and_partial_ones_stay_as_written(client):
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(client.get("/export/projects.xlsx").data))["Activities"]
    header = [c.value for c in ws[1]]
    rows = {row[0].value: dict(zip(header, row)) for row in ws.iter_rows(min_row=2)}
    full = rows["w-phuket-milwaukee"]["Announced"]
    assert full.is_date and full.value.date() == dt.date(2020, 1, 13) and full.number_format == "yyyy-mm-dd"
    assert rows["w-johor-dc"]["Announced"].value == "2021-12" and rows["c-workshops"]["Announced"].value == "2022"
    assert {k: r["Year"].value for k, r in rows.items() if k in ("w-phuket-milwaukee", "w-johor-dc", "c-workshops")} == {
        "w-phuket-milwaukee": 2020, "w-johor-dc": 2021, "c-workshops": 2022}
    assert all(r["Year"].data_type == "n" for r in rows.values())


def test_framing_headers(client, demo, monkeypatch):
    page = client.get("/")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    for url in ("/export/projects.csv", "/_dash-layout", "/assets/style.css"):
        assert client.get(url).headers["X-Frame-Options"] == "DENY"
    embed = client.get("/embed/map?sector=Water")
    assert embed.status_code == 200 and "X-Frame-Options" not in embed.headers
    csp = embed.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in csp and "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("style-src")[0]
    monkeypatch.setenv("USASCP_FRAME_ANCESTORS", "https://intranet.example.gov 'self'")
    limited = create_app(demo).server.test_client()
    assert "frame-ancestors https://intranet.example.gov 'self'" in limited.get("/embed/map").headers[
        "Content-Security-Policy"]
    assert limited.get("/").headers["X-Frame-Options"] == "DENY"


def test_without_chromium_images_answer_503_saying_what_to_install(client, monkeypatch):
    monkeypatch.setattr(images, "chromium_path", lambda: None)
    for url in ("/export/map.png?sector=Water", "/export/sectors.svg", "/export/briefing.pptx", "/export/briefing.pdf"):
        r = client.get(url)
        assert r.status_code == 503, url
        assert "apt-get install chromium" in r.get_data(as_text=True)
        assert "Content-Disposition" not in r.headers
    assert client.get("/export/projects.csv").status_code == 200  # data and HTML need no browser
    assert client.get("/export/map.html").status_code == 200
    layout = json.dumps(client.get("/_dash-layout").get_json())
    assert '"toImageButtonOptions"' in layout  # the graph toolbar's own PNG download is still offered


# --- HTML: the offline file and the embed page --------------------------------------------------------------------


def test_offline_map_html_is_self_contained(client):
    r = client.get("/export/map.html?sector=Water")
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert r.headers["Content-Disposition"] == 'attachment; filename="usascp-map-water-2026-11-22.html"'
    text = r.get_data(as_text=True)
    assert not re.search(r"<script[^>]+src=", text) and "<link" not in text and "<iframe" not in text
    markup = re.sub(r"<script[^>]*>.*?</script>", "", text, flags=re.S)  # (plotly.js itself names URLs it never uses)
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?(?:https?:)?//""", markup)
    assert "window.PlotlyGeoAssets" in text and '"world_110m":{"type":"Topology"' in text
    spec = json.loads(re.search(r'<script type="application/json" id="figure-data">(.*?)</script>', text, re.S).group(1))
    assert not str(spec["config"]["topojsonURL"]).startswith("http")
    assert spec["config"]["toImageButtonOptions"]["filename"] == "usascp-map-water-2026-11-22"
    assert {t["name"] for t in spec["data"] if t.get("mode") == "lines" and t["name"] != "City names"} == {"Water"}
    assert "Sector: Water" in text and "Source: U.S.-ASEAN Smart Cities Partnership dashboard, 2026-11-22" in text


def test_html_and_embed_escape_data_text(hostile_client):
    for url in ("/export/map.html?city=phuket", "/embed/map?city=phuket", "/embed/agencies?city=phuket"):
        text = hostile_client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in text and "<img src=x" not in text, url
        assert "Phuket&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in text  # shown, as text
        blocks = re.findall(r'<script type="application/json" id="figure-data">(.*?)</script>', text, re.S)
        assert len(blocks) == 1 and "</" not in blocks[0]
        json.loads(blocks[0])


def test_embed_page_loads_only_the_apps_own_scripts(client):
    r = client.get("/embed/map?sector=Water")
    text = r.get_data(as_text=True)
    sources = re.findall(r'<script[^>]*\ssrc="([^"]+)"', text)
    assert sources == ["/_dash-component-suites/plotly/package_data/plotly.min.js", "/embed/static/embed.js"]
    assert re.findall(r"<script(?![^>]*(?:\ssrc=|type=\"application/json\"))", text) == []  # no inline script
    assert not re.search(r"\son[a-z]+=", text)  # no inline event handler
    for src in (*sources, "/embed/static/embed.css"):
        assert client.get(src).status_code == 200, src
    assert 'href="/?sector=Water"' in text  # "Open in the dashboard" keeps the filters


# --- images, the briefing pack, through Chromium ------------------------------------------------------------------


def _image(data: bytes):
    from PIL import Image

    return Image.open(io.BytesIO(data)).convert("RGB")


def _pixels(img) -> list:
    return list(img.get_flattened_data() if hasattr(img, "get_flattened_data") else img.getdata())


def _share(img, colour: str, tolerance: int = 40) -> float:
    """Fraction of pixels within ``tolerance`` of ``colour``."""
    target = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    pixels = _pixels(img)
    return sum(all(abs(p[i] - target[i]) <= tolerance for i in range(3)) for p in pixels) / len(pixels)


def test_map_png_shows_the_map_offline_and_follows_the_filters(client, chromium):
    from dashboard.vocab import SECTOR_COLOURS

    water = client.get("/export/map.png?sector=Water&width=640&height=360&scale=1")
    transport = client.get("/export/map.png?sector=Transportation&width=640&height=360")
    assert water.status_code == 200 and water.mimetype == "image/png"
    assert water.headers["Content-Disposition"] == 'attachment; filename="usascp-map-water-2026-11-22.png"'
    a, b = _image(water.data), _image(transport.data)
    assert a.size == (640, 360)
    assert len(set(_pixels(a))) > 200  # not blank
    assert _share(a, "#eceff2", 3) > 0.04 and _share(a, "#f6f9fc", 3) > 0.04  # land and sea from the app's outlines
    assert _share(a, SECTOR_COLOURS["Water"], 30) > _share(a, SECTOR_COLOURS["Transportation"], 30)
    assert _share(b, SECTOR_COLOURS["Transportation"], 30) > _share(b, SECTOR_COLOURS["Water"], 30)
    diff = sum(pa != pb for pa, pb in zip(_pixels(a), _pixels(b)))
    assert diff > 0.01 * 640 * 360


def test_scale_multiplies_the_pixels(client, chromium):
    r = client.get("/export/sectors.png?width=400&height=300&scale=2")
    assert r.status_code == 200 and _image(r.data).size == (800, 600)


@pytest.mark.parametrize("chart", ["countries", "agencies", "timeline"])
def test_each_summary_chart_exports_as_png(client, chromium, chart):
    r = client.get(f"/export/{chart}.png?width=480&height=300")
    assert r.status_code == 200 and len(set(_pixels(_image(r.data)))) > 20


def test_map_svg_is_svg_with_its_words(client, chromium):
    r = client.get("/export/map.svg?sector=Water&width=640&height=360")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    root = ET.fromstring(r.data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    words = " ".join(t for t in root.itertext())
    for expected in ("Partner cities and city pairs", "Sector: Water", "Source: U.S.-ASEAN Smart Cities Partnership "
                     "dashboard, 2026-11-22; each activity's source listed in the data", "ASCN pilot city"):
        assert expected in words
    outlines = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if "countries" in (g.get("class") or "")]
    assert outlines and sum(len(p.get("d", "")) for p in outlines[0].iter("{http://www.w3.org/2000/svg}path")) > 5000


def test_map_pdf_opens_with_the_filters_named(client, chromium):
    from pypdf import PdfReader

    r = client.get("/export/map.pdf?country=THA&width=800&height=450")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(r.data))
    assert len(reader.pages) == 1
    assert "Country: Thailand" in reader.pages[0].extract_text()


def test_briefing_pptx_has_every_slide(client, chromium):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    r = client.get("/export/briefing.pptx?sector=Water")
    assert r.status_code == 200
    assert r.headers["Content-Disposition"] == 'attachment; filename="usascp-briefing-water-2026-11-22.pptx"'
    deck = Presentation(io.BytesIO(r.data))
    slides = list(deck.slides)
    titles = [s.shapes.title.text if s.shapes.title is not None else "" for s in slides]
    assert titles[:7] == ["U.S.-ASEAN Smart Cities Partnership: briefing", "Partner cities and city pairs",
                          "City pairs: who is paired with whom", "Activities by sector", "Activities by country",
                          "Activities by lead agency", "Announcements by year"]
    assert titles[7].startswith("Activities in view") and titles[-1] == "Sources"
    assert "Sector: Water" in slides[0].placeholders[1].text and "22 November 2026" in slides[0].placeholders[1].text
    pictures = [sh for s in slides[1:7] for sh in s.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 1 and _image(pictures[0].image.blob).size == (3200, 1440)  # the map; the rest are native
    assert [bool([sh for sh in s.shapes if sh.has_chart]) for s in slides[3:7]] == [False, True, False, True]
    tables_ = [sh.table for s in slides if s.shapes.title.text.startswith("Activities in view") for sh in s.shapes
               if sh.has_table]
    assert [c.text for c in tables_[0].rows[0].cells] == ["Activity", "Sector", "Cities", "Lead agency", "Status",
                                                          "Source"]
    assert sum(len(t.rows) - 1 for t in tables_) == 3  # every Water project of the demo, once
    listed = " ".join(c.text for t in tables_ for row in list(t.rows)[1:] for c in row.cells)
    assert all(f"Water twinning: {pair}" in listed for pair in ("Phuket – Milwaukee", "Ho Chi Minh City – San Francisco",
                                                                 "Johor Bahru – Washington, DC"))
    sources = " ".join(sh.text_frame.text for sh in slides[-1].shapes if sh.has_text_frame)
    assert "Test record built in code (not a real document)" in sources and "GeoNames" in sources


def test_briefing_pdf_has_the_same_pages(client, chromium):
    from pypdf import PdfReader

    r = client.get("/export/briefing.pdf?sector=Water")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(r.data))
    texts = [p.extract_text() for p in reader.pages]
    assert len(texts) >= 9  # title, map, five charts, projects, sources
    assert "Smart Cities Partnership" in texts[0] and "Sector: Water" in texts[0] and "22 November 2026" in texts[0]
    assert "Partner cities and city pairs" in texts[1] and "who is paired with whom" in texts[2]
    assert "Announcements by year" in texts[6]
    assert any("Activities in view" in t for t in texts) and "Sources" in texts[-1]
    assert reader.metadata.title == "U.S.-ASEAN Smart Cities Partnership: briefing"


def test_export_function_is_what_the_routes_serve(demo, chromium):
    content, mimetype, name = exports.export(demo, "png", "timeline", "?status=completed", width=500, height=300)
    assert mimetype == "image/png" and name == "usascp-timeline-completed-2026-11-22.png"
    assert _image(content).size == (1000, 600)  # at the default scale, 2
    with pytest.raises(BadRequest):
        exports.export(demo, "png", "map", "", width="wide")
    with pytest.raises(NotFound):
        exports.export(demo, "gif", "map", "")


# --- the command line -----------------------------------------------------------------------------------------


def test_cli_writes_a_csv_and_an_image(tmp_path, capsys, chromium):
    folder = data_folder(tmp_path)
    out = tmp_path / "water.csv"
    assert main(["export", "--format", "csv", "--sector", "water", "--data-dir", str(folder), "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf") and "Water twinning" in out.read_text(encoding="utf-8-sig")
    png = tmp_path / "map.png"
    assert main(["export", "--format", "png", "--chart", "map", "--country", "THA", "--width", "400", "--height",
                 "300", "--scale", "1", "--data-dir", str(folder), "-o", str(png)]) == 0
    assert _image(png.read_bytes()).size == (400, 300)
    pptx = tmp_path / "deck.pptx"
    assert main(["export", "--format", "pptx", "--data-dir", str(folder), "-o", str(pptx)]) == 0
    assert pptx.read_bytes()[:2] == b"PK"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["deck.pptx", "map.png", "water.csv"]


def test_cli_names_the_file_itself_and_refuses_bad_options(tmp_path, capsys, monkeypatch):
    folder = data_folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--format", "xlsx", "--status", "announced", "--data-dir", str(folder)]) == 0
    assert (tmp_path / "usascp-projects-announced-2026-11-22.xlsx").is_file()
    assert main(["export", "--format", "png", "--width", "abc", "--data-dir", str(folder), "-o", "x.png"]) == 2
    assert "width must be a whole number" in capsys.readouterr().err
    assert main(["export", "--format", "png", "--chart", "globe", "--data-dir", str(folder), "-o", "x.png"]) == 2
    monkeypatch.setattr(images, "chromium_path", lambda: None)
    assert main(["export", "--format", "pdf", "--chart", "briefing", "--data-dir", str(folder), "-o", "b.pdf"]) == 1
    assert "apt-get install chromium" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["usascp-projects-announced-2026-11-22.xlsx"]


def test_an_export_of_a_state_already_shown_builds_no_figure_again(demo, monkeypatch):
    """The routes export from the app's render cache: the same filters twice draw the map once."""
    from dashboard import figures

    client = create_app(demo).server.test_client()
    drawn = []
    real = figures.map_figure
    monkeypatch.setattr(figures, "map_figure", lambda *a, **k: drawn.append(1) or real(*a, **k))
    for _ in range(3):
        assert client.get("/export/projects.csv?sector=Water").status_code == 200
    assert client.get("/export/projects.xlsx?sector=Water").status_code == 200
    assert len(drawn) == 1


def test_a_long_source_line_is_wrapped_to_the_images_width_with_room_below_for_each_line():
    fig = go.Figure(go.Bar(x=[1], y=["Water"]))
    source = "Source: " + " ".join(["a-fairly-long-source-name,"] * 20)  # ~540 characters
    one = images.decorate(fig, "sectors", title="T", note=None, source="Source: short")
    wide = images.decorate(fig, "sectors", title="T", note=None, source=source, width=1600)
    narrow = images.decorate(fig, "sectors", title="T", note=None, source=source, width=640)
    for out, width in ((wide, 1600), (narrow, 640)):
        lines = out.layout.annotations[-1].text.split("<br>")
        assert " ".join(lines) == source  # every word, in order
        assert max(len(line) for line in lines) * images.MIN_TEXT * images.SOURCE_CHAR_EM <= width - 48
        assert out.layout.margin.b == one.layout.margin.b + images.SOURCE_LINE_PX * (len(lines) - 1)
    assert len(narrow.layout.annotations[-1].text.split("<br>")) > len(wide.layout.annotations[-1].text.split("<br>"))
