"""The briefing pack: a PowerPoint deck (python-pptx) and the same pages as one PDF (kaleido pages + pypdf).

Slides, in order: a title slide naming the filters and the date; the map; one slide per
summary chart; the projects in view as table slides (rows paginated so the text fits);
the sources. Chart pictures are PNGs of 1600 x 720 at scale 2 (3200 px wide), sharp on a
projector; the PDF's pages are vector.
"""

from __future__ import annotations

import datetime as _dt
import io
from dataclasses import dataclass

import plotly.graph_objects as go

from dashboard.charts import CHARTS
from dashboard.exports.common import CREDITS, PRODUCT, source_line, today
from dashboard.exports.images import Size, chart_figure, decorate, render, subtitle
from dashboard.figures import FONT, INK, MUTED, html_escape
from dashboard.model.dataset import Dataset
from dashboard.model.render import Rendered, project_rows

PICTURE = Size(1600, 720, 2.0)
PAGE = Size(1600, 900, 1.0)

#: the table slides' columns: (key, heading, share of the width)
TABLE_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("title", "Project", 0.25), ("sector", "Sector", 0.11), ("cities", "Cities", 0.17),
    ("lead_agency", "Lead agency", 0.13), ("status", "Status", 0.08), ("source", "Source", 0.26),
)


def slide_rows(rows: list[dict]) -> list[dict[str, str]]:
    """Project rows with the columns a slide has room for ('Cities' is 'ASEAN – U.S.' or the countries)."""
    out = []
    for r in rows:
        cities = " – ".join(x for x in (r["asean_cities"], r["us_cities"]) if x) or r["countries"]
        out.append({"title": r["title"], "sector": r["sector"], "cities": cities, "lead_agency": r["lead_agency"],
                    "status": r["status"].capitalize(), "source": r["source"]})
    return out


def source_documents(rows: list[dict]) -> list[str]:
    """Each source document cited by ``rows``, once, in order of first citation."""
    seen: dict[str, None] = {}
    for r in rows:
        for doc in str(r["source"]).split("; "):
            if doc.strip():
                seen.setdefault(doc.strip(), None)
    return list(seen)


def lines_needed(text: str, chars_per_line: float) -> int:
    """How many lines ``text`` wraps to in a column holding about ``chars_per_line`` characters (words kept whole)."""
    width = max(int(chars_per_line), 4)
    lines, current = 1, 0
    for word in str(text).split():
        n = len(word)
        if current and current + 1 + n > width:
            lines, current = lines + 1, 0
        lines += (n - 1) // width if n > width else 0
        current = (current + 1 + n if current else n) if n <= width else n % width
    return lines


def paginate(rows: list[dict], chars: dict[str, float], max_lines: float, row_padding: float = 0.6) -> list[list[dict]]:
    """Rows split into pages whose wrapped text fits: each row costs its tallest cell plus some padding."""
    pages: list[list[dict]] = []
    page: list[dict] = []
    used = 0.0
    for row in rows:
        cost = max(lines_needed(row[k], c) for k, c in chars.items()) + row_padding
        if page and used + cost > max_lines:
            pages.append(page)
            page, used = [], 0.0
        page.append(row)
        used += cost
    if page or not pages:
        pages.append(page)
    return pages


@dataclass(frozen=True)
class Deck:
    """What every briefing shows, worked out once for the PPTX and the PDF."""

    title: str
    filters: str
    date: _dt.date
    numbers: str
    charts: tuple[str, ...]
    rows: list[dict]  # the first ROW_LIMIT projects in view
    total: int  # all projects in view
    sources: list[str]

    @property
    def table_note(self) -> str:
        n = f"{self.total:,} project{'s' if self.total != 1 else ''}"
        if self.total > len(self.rows):
            n += f"; the first {len(self.rows):,} are listed, the CSV export has them all"
        return f"{self.filters} — {n}"


#: a deck lists at most this many projects (a briefing, not a database; the CSV/XLSX carry every row)
ROW_LIMIT = 200


def deck(dataset: Dataset, rendered: Rendered, date: _dt.date | None) -> Deck:
    h = rendered.headlines
    numbers = " · ".join(f"{v:,} {k}" for k, v in h.items())
    total = len(rendered.selection.projects)
    rows = project_rows(dataset, rendered.selection, ROW_LIMIT)
    return Deck(title=f"{PRODUCT}: briefing", filters=rendered.state.describe(dataset.index), date=date or today(),
                numbers=numbers, charts=tuple(CHARTS), rows=slide_rows(rows), total=total,
                sources=source_documents(rows)[:SOURCE_LIMIT])


SOURCE_LIMIT = 120


def long_date(date: _dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


# ---------------------------------------------------------------------------------------------------------------
# PowerPoint


def pptx_bytes(dataset: Dataset, rendered: Rendered, date: _dt.date | None = None) -> bytes:
    """The briefing as a 16:9 PowerPoint deck (bytes of a .pptx)."""
    # python-pptx is heavy and only needed when a deck is asked for
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    d = deck(dataset, rendered, date)
    pictures = render([(chart_figure(dataset, rendered, c, d.date, framed=False), "png", PICTURE) for c in d.charts])

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    prs.core_properties.title = d.title
    prs.core_properties.subject = d.filters
    prs.core_properties.author = f"{PRODUCT} dashboard"
    muted, ink = RGBColor.from_string(MUTED.lstrip("#")), RGBColor.from_string(INK.lstrip("#"))
    title_only = prs.slide_layouts[5]
    left, width = Inches(0.5), Inches(12.333)

    def text_box(slide, top, height, text, size, colour=muted, bold=False):
        frame = slide.shapes.add_textbox(left, top, width, height).text_frame
        frame.word_wrap = True
        para = frame.paragraphs[0]
        para.text = text
        para.font.size, para.font.bold, para.font.color.rgb = Pt(size), bold, colour
        return frame

    def content_slide(title: str, note: str | None = None):
        slide = prs.slides.add_slide(title_only)
        shape = slide.shapes.title
        shape.left, shape.top, shape.width, shape.height = left, Inches(0.3), width, Inches(0.75)
        shape.text = title
        para = shape.text_frame.paragraphs[0]
        para.font.size, para.font.bold, para.font.color.rgb = Pt(28), True, ink
        para.alignment = 1  # left
        if note:
            text_box(slide, Inches(1.02), Inches(0.4), note, 14)
        text_box(slide, Inches(7.0), Inches(0.35), source_line(d.date, dataset), 10)
        return slide

    # title slide
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    slide.shapes.title.text = d.title
    slide.shapes.title.left, slide.shapes.title.top = Inches(0.9), Inches(2.0)
    slide.shapes.title.width, slide.shapes.title.height = Inches(11.5), Inches(1.5)
    sub = slide.placeholders[1]
    sub.left, sub.top, sub.width, sub.height = Inches(0.9), Inches(3.7), Inches(11.5), Inches(2.2)
    sub.text_frame.text = d.filters
    for line in (long_date(d.date), d.numbers):
        sub.text_frame.add_paragraph().text = line
    text_box(slide, Inches(7.0), Inches(0.35), source_line(d.date, dataset), 10)

    # one slide per chart, the map first
    notes = {"map": rendered.map_caption}
    for chart, png in zip(d.charts, pictures):
        slide = content_slide(CHARTS[chart].title, subtitle(dataset, rendered))
        box_w, box_h = Inches(12.333), Inches(5.4)
        pic_w = min(box_w, int(box_h * PICTURE.width / PICTURE.height))
        pic = slide.shapes.add_picture(io.BytesIO(png), left + (box_w - pic_w) // 2, Inches(1.5), width=pic_w)
        pic._element.nvPicPr.cNvPr.set("descr", f"{CHARTS[chart].description} ({d.filters})")  # alt text
        slide.notes_slide.notes_text_frame.text = notes.get(chart, f"{CHARTS[chart].description}. {d.filters}.")

    # the projects, as many slides as the text needs
    col_in = [share * 12.333 for _, _, share in TABLE_COLUMNS]
    # 10 pt text: ~14 characters an inch in the widest stand-in for Calibri (DejaVu Sans, in LibreOffice);
    # 5.4 in of table holds ~30 lines of text and padding
    chars = {key: (w - 0.2) * 14.0 for (key, _, _), w in zip(TABLE_COLUMNS, col_in)}
    pages = paginate(d.rows, chars, max_lines=27)
    for n, page in enumerate(pages, start=1):
        label = f"Projects in view ({n} of {len(pages)})" if len(pages) > 1 else "Projects in view"
        slide = content_slide(label, d.table_note)
        if not page:
            text_box(slide, Inches(1.6), Inches(1), "No projects match these filters.", 18, ink)
            continue
        shape = slide.shapes.add_table(len(page) + 1, len(TABLE_COLUMNS), left, Inches(1.5), width,
                                       Inches(0.3 * (len(page) + 1)))
        table = shape.table
        for i, ((key, heading, _), w) in enumerate(zip(TABLE_COLUMNS, col_in)):
            table.columns[i].width = Inches(w)
            table.cell(0, i).text = heading
            for r, row in enumerate(page, start=1):
                table.cell(r, i).text = row[key]
        for r in range(len(page) + 1):
            table.rows[r].height = Inches(0.3)
            for i in range(len(TABLE_COLUMNS)):
                cell = table.cell(r, i)
                cell.margin_top = cell.margin_bottom = Inches(0.04)
                for para in cell.text_frame.paragraphs:
                    para.font.size = Pt(11 if r == 0 else 10)
                    para.font.bold = r == 0

    # sources
    items = d.sources or ["No projects in view."]
    per = 12
    groups = [items[i:i + per] for i in range(0, len(items), per)]
    for n, group in enumerate(groups, start=1):
        slide = content_slide("Sources" + (f" ({n} of {len(groups)})" if len(groups) > 1 else ""),
                              "Every project's source document, as cited in the data")
        frame = slide.shapes.add_textbox(left, Inches(1.5), width, Inches(5.3)).text_frame
        frame.word_wrap = True
        for i, doc in enumerate([*group, *([CREDITS] if n == len(groups) else [])]):
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            para.text = ("• " if doc != CREDITS else "") + doc
            para.font.size = Pt(13 if doc != CREDITS else 11)
            para.space_after = Pt(6)

    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------------------
# PDF: each page a Plotly figure printed by Chromium (vector), merged with pypdf


def _page(fig: go.Figure, title: str, note: str, date: _dt.date, dataset: Dataset) -> go.Figure:
    return decorate(fig, "page", title=title, note=note, source=source_line(date, dataset))


def _table_figure(header: list[str], columns: list[list[str]], widths: list[float]) -> go.Figure:
    fig = go.Figure(go.Table(
        columnwidth=widths,
        header=dict(values=[f"<b>{html_escape(h)}</b>" for h in header], align="left", fill_color="#eef2f6",
                    font=dict(family=FONT, size=14, color=INK), height=30),
        cells=dict(values=[[html_escape(v) for v in col] for col in columns], align="left",
                   fill_color=[["#ffffff", "#f8fafc"] * (len(columns[0]) // 2 + 1)] if columns and columns[0] else None,
                   font=dict(family=FONT, size=13, color=INK), height=24),
    ))
    fig.update_layout(font=dict(family=FONT))
    return fig


def pdf_bytes(dataset: Dataset, rendered: Rendered, date: _dt.date | None = None) -> bytes:
    """The briefing as one PDF of 16:9 pages: title, map, charts, project tables and sources."""
    from pypdf import PdfReader, PdfWriter  # only needed when a PDF pack is asked for

    d = deck(dataset, rendered, date)
    pages: list[go.Figure] = []

    cover = go.Figure()
    cover.update_layout(xaxis=dict(visible=False), yaxis=dict(visible=False), template="plotly_white",
                        font=dict(family=FONT, color=INK))
    for y, text, size, colour in ((0.66, d.title, 40, INK), (0.52, d.filters, 24, INK),
                                  (0.44, long_date(d.date), 20, MUTED), (0.37, d.numbers, 18, MUTED)):
        cover.add_annotation(text=html_escape(text), x=0.03, xanchor="left", y=y, xref="paper", yref="paper",
                             showarrow=False, font=dict(size=size, color=colour), align="left")
    pages.append(_page(cover, "", "", d.date, dataset))

    for chart in d.charts:
        pages.append(chart_figure(dataset, rendered, chart, d.date))

    widths = [share for _, _, share in TABLE_COLUMNS]
    chars = {key: share * 1550 / 7.4 for key, _, share in TABLE_COLUMNS}  # 13 px text on a 1600 px page
    groups = paginate(d.rows, chars, max_lines=38, row_padding=0.8)
    for n, group in enumerate(groups, start=1):
        label = f"Projects in view ({n} of {len(groups)})" if len(groups) > 1 else "Projects in view"
        note = d.table_note
        if group:
            fig = _table_figure([h for _, h, _ in TABLE_COLUMNS], [[r[k] for r in group] for k, _, _ in TABLE_COLUMNS],
                                widths)
        else:
            fig = go.Figure()
            fig.update_layout(xaxis=dict(visible=False), yaxis=dict(visible=False), template="plotly_white")
            fig.add_annotation(text="No projects match these filters.", x=0, xanchor="left", y=1, yanchor="top",
                               xref="paper", yref="paper", showarrow=False, font=dict(size=20, color=INK))
        pages.append(_page(fig, label, note, d.date, dataset))

    items = d.sources or ["No projects in view."]
    per = 14
    groups_s = [items[i:i + per] for i in range(0, len(items), per)]
    for n, group in enumerate(groups_s, start=1):
        rows = [*group, *([CREDITS] if n == len(groups_s) else [])]
        fig = _table_figure(["Source document"], [rows], [1.0])
        label = "Sources" + (f" ({n} of {len(groups_s)})" if len(groups_s) > 1 else "")
        pages.append(_page(fig, label, "Every project's source document, as cited in the data", d.date, dataset))

    pdfs = render([(fig, "pdf", PAGE) for fig in pages])
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({"/Title": d.title, "/Subject": d.filters, "/Creator": f"{PRODUCT} dashboard"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

