"""The one-page briefing note (python-docx): filters and date, headline numbers, the map, key points, pairs, sources."""

from __future__ import annotations

import datetime as _dt
import io
from collections import Counter

from dashboard.exports.briefing import Deck, Pair, deck, long_date, pair_rows
from dashboard.exports.common import CREDITS, PRODUCT, source_line
from dashboard.exports.images import Size, chart_figure, render
from dashboard.figures import REGION_WIDE, agency_bars, country_bars, sector_bars
from dashboard.model.dataset import Dataset
from dashboard.model.filters import Selection
from dashboard.model.render import Rendered

#: the map on the page: 6.6 in wide, its text at least 9 pt when printed
MAP_PICTURE = Size(880, 420, 3.0)
#: the note stays on one page: at most this many pairs in its table, and this many source documents
NOTE_PAIRS = 8
NOTE_SOURCES = 5


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def key_points(dataset: Dataset, selection: Selection, pairs: list[Pair]) -> list[str]:
    """Three to five sentences drawn from the data in view, e.g. '3 Water pairs; the newest, Johor Bahru –
    Washington, DC, announced 2021-12'; one sentence saying so when nothing is in view."""
    total = len(selection.projects)
    if total == 0:
        return ["No activities match these filters."]
    points = []
    bars = sector_bars(selection)
    sectors = sorted(((v, s) for s, v in zip(bars.labels, bars.values) if v), key=lambda t: -t[0])
    if len(sectors) == 1:
        points.append(f"All {_plural(total, 'activity', 'activities')} are in the {sectors[0][1]} sector.")
    else:
        points.append(f"{sectors[0][1]} leads with {sectors[0][0]:,} of the {_plural(total, 'activity', 'activities')}; "
                      f"{len(sectors)} sectors in all.")
    by_sector = Counter(p.sector for p in pairs)
    for sector, n in by_sector.most_common(2):
        newest = max((p for p in pairs if p.sector == sector), key=lambda p: (p.newest_date or _dt.date.min, p.newest))
        points.append(f"{_plural(n, sector + ' pair')}; the newest, {newest.names}, announced {newest.newest}."
                      if n > 1 else f"1 {sector} pair: {newest.names}, announced {newest.newest}.")
    agencies = agency_bars(selection)
    if agencies.labels:
        lead, count = agencies.labels[0], agencies.values[0]
        points.append(f"The {lead} leads {_plural(count, 'activity', 'activities')}" +
                      (f", the most of {len(agencies.labels)} agencies." if len(agencies.labels) > 1 else
                       " — every one in view."))
    countries = country_bars(dataset, selection)
    named = [(label, v) for label, v in zip(countries.labels, countries.values) if label != REGION_WIDE]
    if named and len(points) < 5:
        points.append(f"Activities concern {_plural(len(named), 'country', 'countries')}; {named[0][0]} has the most "
                      f"({named[0][1]:,}).")
    latest = selection.projects.sort_values("announced_date", kind="stable").iloc[-1]
    if len(points) < 5:
        points.append(f"Latest announcement: {latest['title']} ({latest['sector']}), {latest['announced']}.")
    return points[:5]


def docx_bytes(dataset: Dataset, rendered: Rendered, date: _dt.date | None = None, base_url: str = "") -> bytes:
    """The briefing note as a Word document (bytes of a .docx), one A4/Letter page."""
    # python-docx is heavy and only needed when a note is asked for
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Inches, Pt, RGBColor

    d: Deck = deck(dataset, rendered, date, base_url=base_url)
    pairs = pair_rows(dataset, rendered.selection)
    picture = (render([(chart_figure(dataset, rendered, "map", d.date, framed=False), "png", MAP_PICTURE)])[0]
               if d.total else None)

    doc = Document()
    for section in doc.sections:
        section.left_margin = section.right_margin = Inches(0.75)
        section.top_margin = section.bottom_margin = Inches(0.6)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Calibri", Pt(10.5)
    normal.paragraph_format.space_after = Pt(3)
    doc.core_properties.title = f"{PRODUCT}: briefing note"
    doc.core_properties.subject = d.filters
    doc.core_properties.author = f"{PRODUCT} dashboard"
    muted = RGBColor(0x5A, 0x64, 0x70)

    heading = doc.add_heading(f"{PRODUCT}: briefing note", level=1)
    heading.paragraph_format.space_after = Pt(2)
    line = doc.add_paragraph()
    line.add_run(d.filters).bold = True
    line.add_run(f" · {long_date(d.date)}")
    numbers = doc.add_paragraph(d.numbers)
    numbers.runs[0].font.size = Pt(12)
    if d.background:
        background = doc.add_paragraph(d.background)
        background.runs[0].font.size = Pt(10)

    if picture:
        doc.add_picture(io.BytesIO(picture), width=Inches(6.6))
        caption = doc.add_paragraph(rendered.map_caption)
        caption.runs[0].font.size, caption.runs[0].font.color.rgb = Pt(9), muted

    doc.add_heading("Key points", level=2)
    for point in key_points(dataset, rendered.selection, pairs):
        doc.add_paragraph(point, style="List Bullet")

    if pairs:
        doc.add_heading("City pairs", level=2)
        shown = pairs[:NOTE_PAIRS]
        table = doc.add_table(rows=1, cols=4)
        table.style = "Light List Accent 1"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, ("ASEAN city", "U.S. partner city", "Sector", "Activities")):
            cell.text = text
        for pair in shown:
            cells = table.add_row().cells
            for cell, text in zip(cells, (f"{pair.asean}, {pair.asean_place}", f"{pair.us}, {pair.us_place}",
                                          pair.sector, str(pair.projects))):
                cell.text = text
        for row in table.rows:
            for cell in row.cells:
                for para in cell.paragraphs:
                    para.paragraph_format.space_after = Pt(0)
                    for run in para.runs:
                        run.font.size = Pt(9.5)
        if len(pairs) > len(shown):
            more = doc.add_paragraph(f"and {len(pairs) - len(shown):,} more pairs: see the dashboard or the CSV export.")
            more.runs[0].font.size, more.runs[0].font.color.rgb = Pt(9), muted

    doc.add_heading("Sources", level=2)
    docs = d.sources[:NOTE_SOURCES]
    extra = len(d.sources) - len(docs)
    lines = [*docs, *([f"and {extra:,} more source documents, listed in the CSV export"] if extra else []),
             *(f"Background: {s}" for s in d.background_sources), CREDITS, source_line(d.date, dataset),
             f"Live view: {d.link}"]
    for text in lines:
        para = doc.add_paragraph(text)
        para.paragraph_format.space_after = Pt(0)
        para.runs[0].font.size, para.runs[0].font.color.rgb = Pt(8.5), muted

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
