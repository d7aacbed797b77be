"""The briefing deck and note read back: native charts, legible text, slides that fit and that you choose, notes."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from dashboard import exports
from dashboard.app import create_app
from dashboard.exports import briefing, images, note
from dashboard.model.filters import FilterState, apply
from dashboard.vocab import SECTOR_COLOURS

pptx = pytest.importorskip("pptx")
from pptx import Presentation  # noqa: E402
from pptx.enum.shapes import MSO_SHAPE_TYPE  # noqa: E402

DAY = dt.date(2026, 11, 22)
NATIVE = "sectors,countries,agencies,timeline"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch):
    monkeypatch.setattr(exports, "today", lambda: DAY)
    monkeypatch.setattr("dashboard.exports.common.today", lambda: DAY)


@pytest.fixture(scope="module")
def client(demo):
    return create_app(demo).server.test_client()


def deck(client, url: str):
    r = client.get(url)
    assert r.status_code == 200, r.get_data(as_text=True)
    return Presentation(io.BytesIO(r.data))


def titles(prs) -> list[str]:
    return [s.shapes.title.text if s.shapes.title is not None else "" for s in prs.slides]


def slide(prs, title: str):
    return next(s for s in prs.slides if s.shapes.title is not None and s.shapes.title.text == title)


def charts(s) -> list:
    return [sh.chart for sh in s.shapes if sh.has_chart]


def plotted(chart) -> dict[str, int]:
    """Category (its wrapped lines joined) -> value, of a one-series chart."""
    cats = [str(c).replace("\n", " ") for c in chart.plots[0].categories]
    return dict(zip(cats, [int(v) for v in chart.plots[0].series[0].values]))


def chart_sizes(chart) -> list[int]:
    """Every text size the chart's XML sets, in hundredths of a point."""
    root = ET.fromstring(chart.part.blob)
    return [int(e.get("sz")) for e in root.iter() if e.tag in (f"{A}defRPr", f"{A}rPr") and e.get("sz")]


def test_bar_and_timeline_slides_are_native_charts_of_the_filtered_data(client):
    prs = deck(client, f"/export/briefing.pptx?country=THA&slides={NATIVE}")
    assert titles(prs) == ["U.S.-ASEAN Smart Cities Partnership: briefing", "Activities by sector", "Activities by country",
                           "Activities by lead agency", "Announcements by year", "Sources"]
    for s in list(prs.slides)[1:5]:
        assert len(charts(s)) == 1 and not any(sh.shape_type == MSO_SHAPE_TYPE.PICTURE for sh in s.shapes)
    sectors = charts(slide(prs, "Activities by sector"))[0]
    # Thailand's three projects; the five sectors with none are left out
    assert plotted(sectors) == {"Water": 1, "Transportation": 1, "Health": 1}
    fills = [str(p.format.fill.fore_color.rgb) for p in sectors.plots[0].series[0].points]
    assert fills == [SECTOR_COLOURS[s].lstrip("#").upper() for s in ("Water", "Transportation", "Health")]
    assert plotted(charts(slide(prs, "Activities by country"))[0]) == {"Thailand": 3, "United States": 2}
    assert plotted(charts(slide(prs, "Activities by lead agency"))[0]) == {
        "Department of State": 1, "Department of Transportation": 1, "Centers for Disease Control and Prevention": 1}
    timeline = charts(slide(prs, "Announcements by year"))[0]
    assert [str(c) for c in timeline.plots[0].categories] == ["2019", "2020"]
    assert {s.name: list(s.values) for s in timeline.plots[0].series} == {
        "Water": [0, 1], "Transportation": [1, 0], "Health": [0, 1]}
    assert [str(s.format.fill.fore_color.rgb) for s in timeline.plots[0].series] == [
        SECTOR_COLOURS[s].lstrip("#").upper() for s in ("Water", "Transportation", "Health")]
    assert timeline.has_legend


def test_every_chart_text_is_at_least_14_pt_and_titles_24(client):
    prs = deck(client, f"/export/briefing.pptx?slides={NATIVE}")
    found = [chart for s in prs.slides for chart in charts(s)]
    assert len(found) == 4
    for chart in found:
        root = ET.fromstring(chart.part.blob)
        assert root.find(f"{C}txPr") is not None  # a size for every text the chart does not size itself
        sizes = chart_sizes(chart)
        assert sizes and min(sizes) >= 1400, sizes
    for s in list(prs.slides)[1:5]:
        assert all(p.font.size.pt >= 24 for p in s.shapes.title.text_frame.paragraphs)
    # a long label wraps onto lines; its text is not shrunk
    agencies = charts(slide(prs, "Activities by lead agency"))[0]
    assert "Centers for Disease\nControl and Prevention" in [str(c) for c in agencies.plots[0].categories]


def test_a_chart_left_with_one_category_is_one_sentence(client):
    prs = deck(client, f"/export/briefing.pptx?sector=Transportation&slides={NATIVE}")
    words = {t: " ".join(sh.text_frame.text for sh in slide(prs, t).shapes if sh.has_text_frame)
             for t in titles(prs)[1:5]}
    assert "All 2 activities are led by the Department of Transportation" in words["Activities by lead agency"]
    assert "All 2 activities are in the Transportation sector" in words["Activities by sector"]
    assert "All 2 activities were announced in 2019" in words["Announcements by year"]
    assert not charts(slide(prs, "Activities by lead agency")) and not charts(slide(prs, "Activities by sector"))
    assert plotted(charts(slide(prs, "Activities by country"))[0]) == {"United States": 2, "Malaysia": 1, "Thailand": 1}


def test_statements_read_as_sentences():
    assert briefing.statement("agencies", "Department of Transportation", 5, 5) == \
        "All 5 activities are led by the Department of Transportation"
    assert briefing.statement("countries", "Thailand", 1, 1) == "The one activity in view concerns Thailand"
    assert briefing.statement("countries", "Thailand", 2, 3) == "2 of the 3 activities concern Thailand"
    assert briefing.statement("countries", "Region-wide (all ASEAN)", 2, 2) == \
        "All 2 activities are region-wide programmes (all ASEAN)"


def test_an_empty_selection_gives_a_deck_that_says_so(client):
    prs = deck(client, "/export/briefing.pptx?sector=Water&status=completed")
    assert titles(prs) == ["U.S.-ASEAN Smart Cities Partnership: briefing", "No activities match these filters", "Sources"]
    text = " ".join(sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame)
    assert "Nothing in the data matches Sector: Water · Status: completed" in text
    assert not any(sh.has_chart or sh.shape_type == MSO_SHAPE_TYPE.PICTURE for s in prs.slides for sh in s.shapes)


def test_slides_picks_the_slides_and_a_chart_has_a_deck_of_its_own(client):
    prs = deck(client, "/export/briefing.pptx?slides=sectors,pairs")  # in the deck's order, whatever the link's
    assert titles(prs) == ["U.S.-ASEAN Smart Cities Partnership: briefing", "City pairs: who is paired with whom",
                           "Activities by sector", "Sources"]
    pairs = next(sh.table for sh in slide(prs, "City pairs: who is paired with whom").shapes if sh.has_table)
    rows = [[c.text for c in row.cells][1:] for row in list(pairs.rows)[1:]]
    assert ["Phuket, Thailand", "Milwaukee, Wisconsin", "Water", "1"] in rows and len(rows) == 5
    r = client.get("/export/agencies.pptx?sector=Water")
    assert r.status_code == 200
    assert r.headers["Content-Disposition"] == 'attachment; filename="usascp-agencies-water-2026-11-22.pptx"'
    assert titles(Presentation(io.BytesIO(r.data))) == ["U.S.-ASEAN Smart Cities Partnership: briefing",
                                                         "Activities by lead agency", "Sources"]
    for bad in ("/export/briefing.pptx?slides=sectors,globe", "/export/briefing.pdf?slides=title"):
        r = client.get(bad)
        assert r.status_code == 400 and "unknown slide" in r.get_data(as_text=True), bad


def test_speaker_notes_carry_filters_date_sources_and_the_live_view(client):
    prs = deck(client, f"/export/briefing.pptx?sector=Water&slides=pairs,agencies,projects")
    for s in prs.slides:
        notes = s.notes_slide.notes_text_frame.text
        assert "Filters: Sector: Water" in notes and "22 November 2026" in notes, notes
        assert "Live view: http://localhost/?sector=Water" in notes
        assert "Test record built in code (not a real document)" in notes
    assert "GeoNames" in list(prs.slides)[-1].notes_slide.notes_text_frame.text


def test_the_deck_needs_no_browser_without_the_map(client, monkeypatch):
    monkeypatch.setattr(images, "chromium_path", lambda: None)
    assert client.get(f"/export/briefing.pptx?slides={NATIVE},pairs,projects").status_code == 200
    assert client.get("/export/briefing.pptx?slides=map").status_code == 503


def test_the_full_deck_has_the_map_as_a_sharp_picture(client):
    prs = deck(client, "/export/briefing.pptx?sector=Water")
    s = slide(prs, "Partner cities and city pairs")
    pictures = [sh for sh in s.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
    from PIL import Image

    assert len(pictures) == 1 and Image.open(io.BytesIO(pictures[0].image.blob)).size == (3200, 1440)


# --- the one-page note ---------------------------------------------------------------------------------------------


def test_key_points_come_from_the_data(demo):
    pairs = briefing.pair_rows(demo, apply(demo, FilterState()))
    points = note.key_points(demo, apply(demo, FilterState()), pairs)
    assert 3 <= len(points) <= 5
    assert "Water leads with 3 of the 10 activities; 6 sectors in all." in points
    assert "3 Water pairs; the newest, Johor Bahru – Washington, DC, announced 2021-12." in points
    assert "The Department of State leads 4 activities, the most of 5 agencies." in points
    assert note.key_points(demo, apply(demo, FilterState(sectors=("Health",), statuses=("planned",))), []) == [
        "No activities match these filters."]


def test_briefing_note_has_title_numbers_map_points_pairs_and_sources(client, tmp_path):
    from docx import Document

    r = client.get("/export/briefing.docx?sector=Water")
    assert r.status_code == 200 and r.mimetype.endswith("wordprocessingml.document")
    assert r.headers["Content-Disposition"] == 'attachment; filename="usascp-briefing-water-2026-11-22.docx"'
    doc = Document(io.BytesIO(r.data))
    text = [p.text for p in doc.paragraphs]
    assert text[0] == "U.S.-ASEAN Smart Cities Partnership: briefing note"
    assert "Sector: Water · 22 November 2026" in text
    assert "6 cities · 4 countries · 3 activities · 3 city pairs" in text
    assert len(doc.inline_shapes) == 1  # the map
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert 3 <= len(bullets) <= 5 and "All 3 activities are in the Water sector." in bullets
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["ASEAN city", "U.S. partner city", "Sector", "Activities"]
    assert len(table.rows) == 1 + 3
    assert "Test record built in code (not a real document)" in text and any("GeoNames" in t for t in text)
    assert "Live view: http://localhost/?sector=Water" in text
    assert doc.core_properties.subject == "Sector: Water"


def test_cli_writes_the_note(tmp_path, capsys):
    from tests.conftest import data_folder
    from dashboard.__main__ import main

    folder = data_folder(tmp_path)
    out = tmp_path / "note.docx"
    assert main(["export", "--format", "docx", "--sector", "Water", "--data-dir", str(folder), "-o", str(out)]) == 0
    assert out.read_bytes()[:2] == b"PK"


# --- images at their default size ------------------------------------------------------------------------------------


@pytest.mark.parametrize("chart", ["sectors", "timeline", "pairs"])
def test_default_svg_text_is_at_least_14_px(client, chart):
    """At the default 960 x 540, one pixel is one point on a full 16:9 slide."""
    import re

    r = client.get(f"/export/{chart}.svg?sector=Water")
    root = ET.fromstring(r.data)
    assert root.get("viewBox") == "0 0 960 540"  # (at scale 2, drawn 1920 wide)
    sizes = [float(m) for e in root.iter() for m in re.findall(r"font-size:\s*([\d.]+)px", e.get("style") or "")]
    assert sizes and min(sizes) >= 14, sorted(set(sizes))
    assert max(sizes) >= 24  # the title


# --- as a person opens them ----------------------------------------------------------------------------------------


def test_libreoffice_opens_the_deck_and_the_note(client, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (scripts/test.sh installs libreoffice-impress and -writer as root)")
    (tmp_path / "deck.pptx").write_bytes(client.get("/export/briefing.pptx?country=THA").data)
    (tmp_path / "note.docx").write_bytes(client.get("/export/briefing.docx?country=THA").data)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(tmp_path / "deck.pptx"), str(tmp_path / "note.docx")],
                   check=True, capture_output=True, timeout=300)
    from pypdf import PdfReader

    slides = PdfReader(tmp_path / "deck.pdf")
    words = [p.extract_text() for p in slides.pages]
    assert len(words) == 9 and "Activities by lead agency" in words[5] and "Centers for Disease" in words[5]
    sheet = PdfReader(tmp_path / "note.pdf")
    assert len(sheet.pages) == 1 and "Key points" in sheet.pages[0].extract_text()


# --- an organisation's own template ----------------------------------------------------------------------------------

ORG_FONT, ORG_ACCENT = "Georgia", "800020"
ORG_LAYOUTS = ("Ministry title", "Ministry title and content")


def org_template() -> bytes:
    """A ministry's template, built here: its own theme fonts and accent colour, a logo picture on the slide master,
    only a title layout and a title-and-content one (no title-only layout), and an example slide of its own."""
    from PIL import Image
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    master = prs.slide_master
    logo = io.BytesIO()
    Image.new("RGB", (120, 60), (128, 0, 32)).save(logo, "PNG")
    logo.seek(0)
    _, rid = master.part.get_or_add_image_part(logo)
    master.shapes._spTree.add_pic(990, "Ministry logo", "Ministry logo", rid, Inches(11.9), Inches(6.8), Inches(1.2),
                                  Inches(0.6))
    theme = master.part.part_related_by(RT.THEME)
    theme._blob = (theme.blob.replace(b'<a:latin typeface="Calibri"', f'<a:latin typeface="{ORG_FONT}"'.encode())
                   .replace(b'<a:srgbClr val="4F81BD"/>', f'<a:srgbClr val="{ORG_ACCENT}"/>'.encode()))
    for i, layout in enumerate(list(prs.slide_layouts)):
        if i < len(ORG_LAYOUTS):
            layout._element.cSld.set("name", ORG_LAYOUTS[i])
        else:
            prs.slide_layouts.remove(layout)
    example = prs.slides.add_slide(prs.slide_layouts[0])
    example.shapes.title.text = "An example slide of the template"
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def template_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "ministry.pptx"
    path.write_bytes(org_template())
    return path


def assert_in_template(prs) -> None:
    """The deck is built in the ministry's master, layouts and theme, with no slide or empty box of the template's."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    masters = list(prs.slide_masters)
    assert len(masters) == 1
    assert [sh.name for sh in masters[0].shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE] == ["Ministry logo"]
    theme = masters[0].part.part_related_by(RT.THEME).blob.decode()
    assert f'typeface="{ORG_FONT}"' in theme and ORG_ACCENT in theme
    assert {lay.name for lay in prs.slide_layouts} == set(ORG_LAYOUTS)
    assert prs.slides[0].slide_layout.name == ORG_LAYOUTS[0]
    assert {s.slide_layout.name for s in list(prs.slides)[1:]} == {ORG_LAYOUTS[1]}
    assert "An example slide of the template" not in titles(prs)
    for s in prs.slides:  # no "Click to add text" left behind
        assert all(ph.has_text_frame and ph.text_frame.text.strip() for ph in s.placeholders), titles(prs)


def test_the_server_builds_decks_in_the_template_it_is_given(demo, template_file, monkeypatch):
    from dashboard.config import Settings

    monkeypatch.setenv("USASCP_PPTX_TEMPLATE", str(template_file))
    assert Settings.from_env().pptx_template == template_file
    ours = create_app(demo).server.test_client()  # read from the environment, as gunicorn's app is
    prs = deck(ours, f"/export/briefing.pptx?slides={NATIVE},pairs")
    assert_in_template(prs)
    assert len(charts(slide(prs, "Activities by sector"))) == 1  # still native charts, in the ministry's look
    assert_in_template(deck(ours, "/export/agencies.pptx"))
    # the PDF pack and the note are not PowerPoint: the template means nothing to them
    assert ours.get("/export/briefing.docx").status_code == 200


def test_the_cli_builds_the_deck_in_a_template(tmp_path, template_file, capsys):
    from dashboard.__main__ import main
    from tests.conftest import data_folder

    folder = data_folder(tmp_path)
    out = tmp_path / "deck.pptx"
    assert main(["export", "--format", "pptx", "--slides", "sectors", "--template", str(template_file),
                 "--data-dir", str(folder), "-o", str(out)]) == 0
    assert_in_template(Presentation(str(out)))


def test_without_a_template_the_deck_is_the_plain_one(client):
    prs = deck(client, "/export/sectors.pptx")
    assert "Ministry logo" not in [sh.name for sh in prs.slide_master.shapes]
    assert {s.slide_layout.name for s in list(prs.slides)[1:]} == {"Title Only"}


@pytest.mark.parametrize("content, words", [
    (b"not a presentation at all", "is not a PowerPoint (.pptx) file"),
    (None, "cannot read the PowerPoint template 'missing.pptx'"),
])
def test_a_template_that_cannot_be_used_is_refused_with_a_reason(demo, tmp_path, monkeypatch, capsys, content, words):
    from dashboard.__main__ import main
    from tests.conftest import data_folder

    bad = tmp_path / ("bad.pptx" if content else "missing.pptx")
    if content:
        bad.write_bytes(content)
    monkeypatch.setenv("USASCP_PPTX_TEMPLATE", str(bad))
    ours = create_app(demo).server.test_client()
    for url in ("/export/briefing.pptx", "/export/map.pptx"):
        r = ours.get(url)
        assert r.status_code == 400 and words in r.get_data(as_text=True), r.get_data(as_text=True)
        assert str(tmp_path) not in r.get_data(as_text=True)  # the server's folders stay private
    assert ours.get("/export/projects.csv").status_code == 200  # other exports are unaffected
    monkeypatch.delenv("USASCP_PPTX_TEMPLATE")
    folder = data_folder(tmp_path)
    out = tmp_path / "deck.pptx"
    assert main(["export", "--format", "pptx", "--template", str(bad), "--data-dir", str(folder), "-o", str(out)]) == 2
    assert words in capsys.readouterr().err and not out.exists()
    assert main(["export", "--format", "csv", "--template", str(bad), "--data-dir", str(folder)]) == 2


def test_a_template_needs_a_layout_with_a_title():
    prs = Presentation()
    for layout in list(prs.slide_layouts):
        if layout.name != "Blank":
            prs.slide_layouts.remove(layout)
    out = io.BytesIO()
    prs.save(out)
    with pytest.raises(briefing.TemplateError, match="no slide layout with a title"):
        briefing.open_template(out.getvalue())


# --- the PDF pack follows the deck's rules ---------------------------------------------------------------------------


def _pdf_pages(demo, monkeypatch, query: str) -> list:
    """The figures the PDF pack would print for ``query`` (captured before Chromium is asked for them)."""
    from dashboard.model.filters import parse_query
    from dashboard.model.render import render

    captured: list = []

    class Captured(Exception):
        pass

    def capture(jobs):
        captured.extend(fig for fig, _kind, _size in jobs)
        raise Captured

    monkeypatch.setattr(briefing, "render", capture)
    with pytest.raises(Captured):
        briefing.pdf_bytes(demo, render(demo, parse_query(query, demo.index)[0]), DAY,
                           briefing.chosen_slides(f"?slides={NATIVE}"))
    return captured


def _words(fig) -> str:
    """The words of a PDF page's figure, lines joined (long sentences are wrapped with <br>)."""
    return " ".join(str(a.text).replace("<br>", " ") for a in fig.layout.annotations) + " " + " ".join(
        str(v) for t in fig.data if t.type == "bar" for v in t.y)


def test_the_pdf_pack_drops_zero_bars_and_puts_one_category_in_a_sentence(demo, monkeypatch):
    one = _pdf_pages(demo, monkeypatch, "?sector=Transportation")
    assert len(one) == 1 + 4 + 1  # cover, the four charts, the sources
    sectors, countries, agencies, timeline = one[1:5]
    assert "All 2 activities are in the Transportation sector" in _words(sectors)
    assert not [t for t in sectors.data if t.type == "bar"]
    assert "All 2 activities are led by the Department of" in _words(agencies)
    assert "All 2 activities were announced in 2019" in _words(timeline)
    assert [list(t.y) for t in countries.data if t.type == "bar"] == [["United States", "Malaysia", "Thailand"]]
    several = _pdf_pages(demo, monkeypatch, "?country=THA")[1]  # three sectors of eight
    bars = [t for t in several.data if t.type == "bar"][0]
    assert list(bars.y) == ["Water", "Transportation", "Health"] and list(bars.marker.color) == [
        SECTOR_COLOURS["Water"], SECTOR_COLOURS["Transportation"], SECTOR_COLOURS["Health"]]


def test_an_empty_pdf_pack_says_so_instead_of_drawing_empty_charts(demo, monkeypatch):
    pages = _pdf_pages(demo, monkeypatch, "?sector=Water&status=completed")
    assert "Nothing in the data matches" in _words(pages[1])
    assert not any(t.type == "bar" for fig in pages for t in fig.data)
