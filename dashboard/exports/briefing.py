"""The briefing pack: a PowerPoint deck (python-pptx, native charts) and the same pages as one PDF (kaleido + pypdf).

Slides, in order: a title slide naming the filters and the date; the map (a picture); the city
pairs (native tables); the sector, country, agency and timeline charts as PowerPoint charts with
their data embedded (editable and restylable, in the sector palette); the projects in view as
table slides (rows paginated so the text fits); the sources. ``slides=`` picks which of the
charts and the projects table appear. A chart left with one category is one sentence instead; an
empty selection gives a deck that says so. Every slide's speaker notes carry the filters, the
date, the live-view link and the sources behind it. Chart text is at least 14 pt, titles 28 pt.
"""

from __future__ import annotations

import base64
import datetime as _dt
import io
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

import numpy as np
import plotly.graph_objects as go

from dashboard.charts import BRIEFING_SLIDES, CHARTS
from dashboard.exports.common import CREDITS, PRODUCT, BadRequest, source_line, today
from dashboard.exports.images import Size, chart_figure, decorate, render, subtitle
from dashboard.figures import (
    FONT, INK, MUTED, REGION_WIDE, Bars, Timeline, agency_bars, busiest_pairs, country_bars, html_escape, sector_bars,
    timeline_counts,
)
from dashboard.model.dataset import Dataset
from dashboard.model.filters import Selection, to_query
from dashboard.model.render import Rendered, project_rows
from dashboard.model.words import activities, counted
from dashboard.vocab import SECTOR_COLOURS, SECTORS

if TYPE_CHECKING:  # annotations only: python-pptx is imported when a deck is made
    from pptx.presentation import Presentation as PresentationType
    from pptx.slide import SlideLayout

#: the map picture: 800 x 360 CSS pixels at scale 4 (3200 px wide), so that on a 12.3 in wide slide
#: one pixel is about one point and the legend's 14 px text reads at 14 pt or more
PICTURE = Size(800, 360, 4.0)
#: a PDF page: 960 x 540, so that 14 px text is 14 pt when the page fills a 13.33 in (16:9) screen
PAGE = Size(960, 540, 1.0)
#: the smallest chart text (axis labels, values, legend) and the slide titles, in points
CHART_TEXT = 16
TITLE_TEXT = 28
#: category labels longer than this many characters are wrapped onto more lines, never shrunk
WRAP = 26
#: a bar chart slide shows at most this many bars (the most projects first); the table lists them all
MAX_BARS = 12
#: city pairs per table slide, and at most this many pairs in all (the busiest)
PAIRS_PER_SLIDE = 10
MAX_PAIRS = 60

#: what ``slides=`` may name: the charts of the registry and the projects table (the title and sources always come)
SLIDES: tuple[str, ...] = BRIEFING_SLIDES
#: the charts a deck draws as PowerPoint charts; the map is a picture, the city pairs a table
NATIVE: tuple[str, ...] = ("sectors", "countries", "agencies", "timeline")

#: the table slides' columns: (key, heading, share of the width)
TABLE_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("title", "Activity", 0.23), ("sector", "Sector", 0.13), ("cities", "Cities", 0.17),
    ("lead_agency", "Lead agency", 0.13), ("status", "Status", 0.1), ("source", "Source", 0.24),
)


def chosen_slides(query: str | None) -> tuple[str, ...]:
    """The slides ``?slides=map,pairs,sectors`` asks for, in the deck's order (default: all); BadRequest names an
    unknown one."""
    params = parse_qs((query or "").lstrip("?"))
    names = [v.strip().lower() for raw in params.get("slides", []) for v in raw.split(",") if v.strip()]
    if not names:
        return SLIDES
    unknown = [n for n in names if n not in SLIDES]
    if unknown:
        raise BadRequest(f"unknown slide {unknown[0][:40]!r}; slides: {', '.join(SLIDES)}")
    return tuple(name for name in SLIDES if name in names)


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


# ---------------------------------------------------------------------------------------------------------------
# What the slides say, worked out from the same counts as the page's figures


def chart_bars(dataset: Dataset, selection: Selection, chart: str) -> Bars:
    """The bars of a bar chart with the zero categories left out."""
    bars = {"sectors": lambda: sector_bars(selection), "countries": lambda: country_bars(dataset, selection),
            "agencies": lambda: agency_bars(selection)}[chart]()
    keep = [i for i, v in enumerate(bars.values) if v > 0]
    return Bars([bars.labels[i] for i in keep], [bars.values[i] for i in keep], [bars.colours[i] for i in keep])


#: one category left: (what all the projects share, plural verb; singular verb)
STATEMENTS: dict[str, tuple[str, str]] = {
    "sectors": ("are in the {} sector", "is in the {} sector"),
    "countries": ("concern {}", "concerns {}"),
    "agencies": ("are led by the {}", "is led by the {}"),
    "timeline": ("were announced in {}", "was announced in {}"),
}


def statement(chart: str, label: str, value: int, total: int) -> str:
    """'All 5 activities are led by the Department of Transportation': a chart with one category, in words."""
    plural, single = STATEMENTS[chart]
    if chart == "countries" and label == REGION_WIDE:
        plural, single, label = "are region-wide programmes (all ASEAN){}", "is a region-wide programme (all ASEAN){}", ""
    if value == total:
        subject, one = (f"All {activities(total)}", False) if total != 1 else ("The one activity in view", True)
    else:
        subject, one = f"{value:,} of the {activities(total)}", value == 1
    return f"{subject} {(single if one else plural).format(label)}"


def chart_statement(dataset: Dataset, selection: Selection, chart: str) -> str | None:
    """The sentence that replaces ``chart`` when it has a single category (None when it has more, or none)."""
    total = len(selection.projects)
    if chart == "timeline":
        counted = timeline_counts(selection)
        years = [(y, sum(v[i] for v in counted.counts.values())) for i, y in enumerate(counted.years)]
        years = [(y, n) for y, n in years if n]
        return statement(chart, *years[0], total) if len(years) == 1 else None
    bars = chart_bars(dataset, selection, chart)
    return statement(chart, bars.labels[0], bars.values[0], total) if len(bars.labels) == 1 else None


@dataclass(frozen=True)
class Pair:
    """A city pair in view: its two cities (with the country or state), sector, projects and newest announcement."""

    asean: str
    asean_place: str
    us: str
    us_place: str
    sector: str
    projects: int
    newest: str  # the newest of its projects' announcement dates, as written
    newest_date: _dt.date | None = None  # the same, as a date (a year or year-month: its first day)

    @property
    def names(self) -> str:
        return f"{self.asean} – {self.us}"


def pair_rows(dataset: Dataset, selection: Selection) -> list[Pair]:
    """Every city pair in view, one per (ASEAN city, U.S. city, sector), in the sectors' order then by ASEAN city."""
    pairs, _ = busiest_pairs(selection.links, limit=len(selection.links))
    if pairs.empty:
        return []
    announced = dataset.projects["announced_date"].to_numpy()
    written = dataset.projects["announced"].to_numpy()
    newest: dict[tuple[str, str, str], int] = {}
    for a, u, sec, pidx in zip(selection.links["asean_city_id"], selection.links["us_city_id"],
                               selection.links["sector"].astype(str), selection.links["pidx"]):
        key = (a, u, sec)
        if key not in newest or announced[pidx] > announced[newest[key]]:
            newest[key] = int(pidx)
    cities = dataset.cities
    names = dataset.index.city_names

    def place(cid: str) -> str:
        row = cities.loc[cid]
        return str(row["admin1"] if row["region"] == "US" and row["admin1"] else row["country"])

    rows = []
    for a, u, sec, k in zip(pairs["asean_city_id"], pairs["us_city_id"], pairs["sector"], pairs["projects"]):
        pidx = newest[(a, u, str(sec))]
        when = announced[pidx]
        rows.append(Pair(names[a], place(a), names[u], place(u), str(sec), int(k), str(written[pidx]),
                         None if when != when else _dt.date.fromisoformat(str(when)[:10])))
    rows.sort(key=lambda p: (SECTORS.index(p.sector), p.asean, p.us))
    return rows


@dataclass(frozen=True)
class Deck:
    """What every briefing shows, worked out once for the PPTX, the PDF and the note."""

    title: str
    filters: str
    date: _dt.date
    numbers: str
    charts: tuple[str, ...]
    rows: list[dict]  # the first ROW_LIMIT projects in view
    total: int  # all projects in view
    sources: list[str]
    #: the chosen slides (`SLIDES`), in order
    slides: tuple[str, ...] = SLIDES
    #: the dashboard showing these filters (absolute when the server's address is known)
    link: str = ""
    #: two or three sentences on what the partnership is (data/about.json), and their sources
    background: str = ""
    background_sources: tuple[str, ...] = ()
    #: when the data was last changed and its newest source ('Data as of ...')
    as_of: str = ""

    @property
    def table_note(self) -> str:
        n = activities(self.total)
        if self.total > len(self.rows):
            n += f"; the first {len(self.rows):,} are listed, the CSV export has them all"
        return f"{self.filters} — {n}"

    def notes(self, sources: list[str], lead: str = "") -> str:
        """Speaker notes: what the slide shows, the filters, the date, the live view and its sources."""
        lines = [lead] if lead else []
        lines += [f"Filters: {self.filters}", f"Date: {long_date(self.date)} ({self.date.isoformat()})",
                  f"Live view: {self.link}", "Sources behind this slide:", *(f"• {s}" for s in sources)]
        return "\n".join(lines)


#: a deck lists at most this many projects (a briefing, not a database; the CSV/XLSX carry every row)
ROW_LIMIT = 200


def deck(dataset: Dataset, rendered: Rendered, date: _dt.date | None, slides: tuple[str, ...] = SLIDES,
         base_url: str = "") -> Deck:
    h = rendered.headlines
    numbers = " · ".join(counted(v, k) for k, v in h.items())
    about = dataset.about
    total = len(rendered.selection.projects)
    rows = project_rows(dataset, rendered.selection, ROW_LIMIT)
    return Deck(title=f"{PRODUCT}: briefing", filters=rendered.state.describe(dataset.index), date=date or today(),
                numbers=numbers, charts=tuple(c for c in CHARTS if c in slides), rows=slide_rows(rows), total=total,
                sources=source_documents(rows)[:SOURCE_LIMIT], slides=slides,
                link=(base_url or "./") + to_query(rendered.state),
                background=about.background if about else "",
                background_sources=tuple(dict.fromkeys(s.source for s in about.statements if s.briefing)) if about else (),
                as_of=dataset.as_of())


SOURCE_LIMIT = 120


def long_date(date: _dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def wrapped(label: str, width: int = WRAP) -> str:
    """A category label on as many lines as it needs (a chart wraps it; it never shrinks its text)."""
    return "\n".join(textwrap.wrap(label, width)) or label


# ---------------------------------------------------------------------------------------------------------------
# PowerPoint


class TemplateError(BadRequest):
    """A PowerPoint template that cannot be used: unreadable, not a .pptx, or without a layout that has a title."""


#: placeholders PowerPoint leaves to the master (python-pptx never copies them onto a new slide)
_MASTER_ONLY = frozenset({"DATE", "FOOTER", "SLIDE_NUMBER"})


def _kinds(layout: SlideLayout) -> list[str]:
    return [ph.placeholder_format.type.name for ph in layout.placeholders
            if ph.placeholder_format.type.name not in _MASTER_ONLY]


def template_layouts(prs: PresentationType) -> tuple[SlideLayout, SlideLayout]:
    """The (title slide, content slide) layouts of ``prs``: a layout with a centred title (or a title and a
    subtitle) for the first slide; a title-only layout for the rest, else a title-and-content one."""
    layouts = list(prs.slide_layouts)
    titled = [lay for lay in layouts if {"TITLE", "CENTER_TITLE"} & set(_kinds(lay))]
    if not titled:
        raise TemplateError("the PowerPoint template has no slide layout with a title placeholder")
    opening = next((lay for lay in titled if "CENTER_TITLE" in _kinds(lay)), None) or next(
        (lay for lay in titled if "SUBTITLE" in _kinds(lay)), titled[0])
    content = next((lay for lay in titled if _kinds(lay) == ["TITLE"]), None) or next(
        (lay for lay in titled if "TITLE" in _kinds(lay) and len(_kinds(lay)) == 2), titled[0])
    return opening, content


def open_template(template: bytes | Path | str | None) -> PresentationType:
    """The presentation a deck is built in: python-pptx's default, or an organisation's template (its slide master,
    layouts, theme fonts and colours) with any slides it holds removed. TemplateError says what is wrong with it."""
    from pptx import Presentation  # heavy; only needed when a deck is asked for

    if template is None:
        return Presentation()
    name = "the PowerPoint template"
    if not isinstance(template, bytes):
        name = f"the PowerPoint template {Path(template).name!r}"
        try:
            template = Path(template).read_bytes()
        except OSError as exc:
            raise TemplateError(f"cannot read {name}: {exc.strerror or exc}") from None
    try:
        prs = Presentation(io.BytesIO(template))
    except Exception as exc:  # a zip that is no deck, a .potx, damaged XML...: python-pptx raises many kinds
        raise TemplateError(f"{name} is not a PowerPoint (.pptx) file that can be read "
                            f"({type(exc).__name__}); save it from PowerPoint as .pptx") from None
    template_layouts(prs)  # refuse it now if it has no layout with a title
    slide_ids = prs.slides._sldIdLst  # the template's own example slides are not part of the briefing
    for slide_id in list(slide_ids):
        prs.part.drop_rel(slide_id.rId)
        slide_ids.remove(slide_id)
    return prs


def pptx_bytes(dataset: Dataset, rendered: Rendered, date: _dt.date | None = None,
               slides: tuple[str, ...] = SLIDES, base_url: str = "", template: bytes | Path | None = None) -> bytes:
    """The briefing as a 16:9 PowerPoint deck (bytes of a .pptx) with the ``slides`` chosen (`SLIDES`), in
    ``template``'s slide master and layouts when one is given (TemplateError when it cannot be used)."""
    # python-pptx is heavy and only needed when a deck is asked for
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches, Pt

    prs = open_template(template)  # before any drawing: a template that cannot be used fails fast
    d = deck(dataset, rendered, date, slides, base_url)
    empty = d.total == 0
    selection = rendered.selection
    pictures = dict(zip(["map"], render([(chart_figure(dataset, rendered, "map", d.date, framed=False), "png",
                                          PICTURE)]))) if "map" in d.charts and not empty else {}

    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    opening, title_only = template_layouts(prs)
    # an organisation's template: its master (logo, background), theme fonts and title colours stand; the boxes
    # are placed as on the plain deck, which the charts and tables are laid out around
    themed = template is not None
    prs.core_properties.title = d.title
    prs.core_properties.subject = d.filters
    prs.core_properties.author = f"{PRODUCT} dashboard"
    muted, ink = RGBColor.from_string(MUTED.lstrip("#")), RGBColor.from_string(INK.lstrip("#"))
    left, width = Inches(0.5), Inches(12.333)
    top, height = Inches(1.55), Inches(5.4)  # the area under a slide's title and note, above the source line

    def rgb(colour: str) -> RGBColor:
        return RGBColor.from_string(colour.lstrip("#"))

    def text_box(slide, top, height, text, size, colour=muted, bold=False, align=None):
        frame = slide.shapes.add_textbox(left, top, width, height).text_frame
        frame.word_wrap = True
        para = frame.paragraphs[0]
        para.text = text
        para.font.size, para.font.bold, para.font.color.rgb = Pt(size), bold, colour
        if align is not None:
            para.alignment = align
        return frame

    def content_slide(title: str, note: str | None, notes: str):
        slide = prs.slides.add_slide(title_only)
        for placeholder in list(slide.placeholders):  # a title-and-content layout's empty content box
            if placeholder.placeholder_format.type.name not in ("TITLE", "CENTER_TITLE"):
                placeholder._element.getparent().remove(placeholder._element)
        shape = slide.shapes.title
        shape.left, shape.top, shape.width, shape.height = left, Inches(0.3), width, Inches(0.75)
        shape.text = title
        para = shape.text_frame.paragraphs[0]
        para.font.size, para.font.bold = Pt(TITLE_TEXT), True
        para.alignment = PP_ALIGN.LEFT
        if not themed:
            para.font.color.rgb = ink
        if note:
            text_box(slide, Inches(1.02), Inches(0.45), note, 16)
        text_box(slide, Inches(7.05), Inches(0.4), source_line(d.date, dataset), 12)
        slide.notes_slide.notes_text_frame.text = notes
        return slide

    def statement_slide(title: str, sentence: str, notes: str):
        slide = content_slide(title, subtitle(dataset, rendered), notes)
        text_box(slide, Inches(3.0), Inches(1.5), sentence, 36, ink, bold=True, align=PP_ALIGN.CENTER)
        return slide

    def alt_text(shape, text: str) -> None:
        element = shape._element
        props = element.nvGraphicFramePr if hasattr(element, "nvGraphicFramePr") else element.nvPicPr
        props.cNvPr.set("descr", text)

    def style_chart(chart) -> None:
        chart.font.size, chart.font.color.rgb = Pt(CHART_TEXT), ink  # every text of the chart at least this
        chart.has_title = False

    def bar_chart(slide, bars: Bars, what: str):
        data = CategoryChartData()
        data.categories = [wrapped(label) for label in bars.labels]
        data.add_series("Activities", bars.values)
        lines = sum(len(textwrap.wrap(label, WRAP)) or 1 for label in bars.labels)
        tall = min(height, Inches(0.3 + 0.42 * max(lines, 2) + 0.18 * len(bars.labels)))
        frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, left, top, width, tall, data)
        alt_text(frame, what)
        chart = frame.chart
        style_chart(chart)
        chart.has_legend = False
        plot = chart.plots[0]
        plot.gap_width, plot.vary_by_categories = 45, False
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.font.size, labels.font.bold, labels.font.color.rgb = Pt(CHART_TEXT), True, ink
        labels.number_format, labels.number_format_is_linked = "0", False
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
        for point, colour in zip(plot.series[0].points, bars.colours):
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = rgb(colour)
        axis = chart.category_axis
        axis.reverse_order = True  # the first category at the top, as on the page
        axis.tick_labels.font.size, axis.tick_labels.font.color.rgb = Pt(CHART_TEXT), ink
        axis.has_major_gridlines = False
        axis.format.line.color.rgb = rgb("#c9d0d8")
        values = chart.value_axis
        values.visible, values.has_major_gridlines = False, False
        values.minimum_scale, values.maximum_scale = 0, max(bars.values) * 1.12 + 0.5  # room for the numbers

    def timeline_chart(slide, counted: Timeline, what: str):
        data = CategoryChartData()
        data.categories = counted.years
        for sector, values in counted.counts.items():
            data.add_series(sector, values)
        frame = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_STACKED, left, top, width, height, data)
        alt_text(frame, what)
        chart = frame.chart
        style_chart(chart)
        chart.has_legend = True
        chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.BOTTOM, False
        chart.legend.font.size = Pt(CHART_TEXT)
        plot = chart.plots[0]
        plot.gap_width, plot.overlap = 40, 100
        for series, sector in zip(plot.series, counted.counts):
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = rgb(SECTOR_COLOURS[sector])
        axis = chart.category_axis
        axis.tick_labels.font.size, axis.tick_labels.font.color.rgb = Pt(CHART_TEXT), ink
        values = chart.value_axis
        values.tick_labels.font.size, values.tick_labels.font.color.rgb = Pt(CHART_TEXT), ink
        values.has_major_gridlines = True
        values.major_gridlines.format.line.color.rgb = rgb("#e6e9ed")
        values.minimum_scale = 0
        peak = max(sum(v[i] for v in counted.counts.values()) for i in range(len(counted.years)))
        if peak <= 12:
            values.major_unit = 1
        values.has_title = True
        values.axis_title.text_frame.text = "Activities announced"
        values.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(CHART_TEXT)
        values.axis_title.text_frame.paragraphs[0].runs[0].font.bold = False

    def pair_slides() -> None:
        """The city pairs as native table slides: a swatch of the sector's colour, the two cities, sector, projects."""
        pairs = pair_rows(dataset, rendered.selection)
        title = CHARTS["pairs"].title
        if not pairs:
            statement_slide(title, f"No city pairs among the {activities(d.total)} in view",
                            d.notes(d.sources, CHARTS["pairs"].description))
            return
        shown = sorted(pairs, key=lambda p: -p.projects)[:MAX_PAIRS] if len(pairs) > MAX_PAIRS else pairs
        if len(shown) < len(pairs):
            shown = [p for p in pairs if p in shown]
        groups = [shown[i:i + PAIRS_PER_SLIDE] for i in range(0, len(shown), PAIRS_PER_SLIDE)]
        columns = (("", 0.22), ("ASEAN city", 4.2), ("U.S. partner city", 4.2), ("Sector", 2.4), ("Activities", 1.313))
        for n, group in enumerate(groups, start=1):
            note = f"{d.filters} — {len(pairs):,} city pair{'s' if len(pairs) != 1 else ''}"
            if len(shown) < len(pairs):
                note += f"; the {len(shown)} with the most activities are listed"
            slide = content_slide(title + (f" ({n} of {len(groups)})" if len(groups) > 1 else ""), note,
                                  d.notes(d.sources, CHARTS["pairs"].description))
            shape = slide.shapes.add_table(len(group) + 1, len(columns), Inches(0.5), Inches(1.55), Inches(12.333),
                                           Inches(0.45 * (len(group) + 1)))
            table = shape.table
            for i, (heading, w) in enumerate(columns):
                table.columns[i].width = Inches(w)
                table.cell(0, i).text = heading
            for r, pair in enumerate(group, start=1):
                texts = ("", f"{pair.asean}, {pair.asean_place}", f"{pair.us}, {pair.us_place}", pair.sector,
                         str(pair.projects))
                for i, text in enumerate(texts):
                    table.cell(r, i).text = text
                swatch = table.cell(r, 0)
                swatch.fill.solid()
                swatch.fill.fore_color.rgb = rgb(SECTOR_COLOURS[pair.sector])
            for r in range(len(group) + 1):
                table.rows[r].height = Inches(0.45)
                for i in range(len(columns)):
                    for para in table.cell(r, i).text_frame.paragraphs:
                        para.font.size, para.font.bold = Pt(16), r == 0
                        if i == len(columns) - 1:
                            para.alignment = PP_ALIGN.RIGHT

    # title slide
    slide = prs.slides.add_slide(opening)
    slide.shapes.title.text = d.title
    # the title and its lines high enough that the background (up to three sentences) fits below them
    top = Inches(1.0) if d.background else Inches(2.0)
    slide.shapes.title.left, slide.shapes.title.top = Inches(0.9), top
    slide.shapes.title.width, slide.shapes.title.height = Inches(11.5), Inches(1.5)
    subs = [ph for ph in slide.placeholders if ph.placeholder_format.type.name not in ("TITLE", "CENTER_TITLE")]
    for extra in subs[1:]:
        extra._element.getparent().remove(extra._element)
    if subs:
        sub = subs[0]
        sub.left, sub.top, sub.width, sub.height = Inches(0.9), top + Inches(1.7), Inches(11.5), Inches(2.2)
        frame = sub.text_frame
    else:  # a title layout with no subtitle box
        frame = slide.shapes.add_textbox(Inches(0.9), top + Inches(1.7), Inches(11.5), Inches(2.2)).text_frame
        frame.word_wrap = True
    frame.text = d.filters
    for line in (long_date(d.date), d.numbers):
        frame.add_paragraph().text = line
    if d.background:
        text_box(slide, Inches(5.1), Inches(1.8), d.background, 16, colour=ink)
    text_box(slide, Inches(7.05), Inches(0.4), source_line(d.date, dataset), 12)
    slide.notes_slide.notes_text_frame.text = d.notes([*d.background_sources, *d.sources],
                                                      "The briefing pack: " + "; ".join(
                                                          CHARTS[s].title if s in CHARTS else "the activities table"
                                                          for s in d.slides) + ".")

    everything = [*d.sources, CREDITS]
    if empty:
        statement_slide("No activities match these filters",
                        f"Nothing in the data matches {d.filters}.",
                        d.notes([CREDITS], "An empty selection: the deck has no charts to show."))
    for chart in () if empty else d.charts:
        title, what = CHARTS[chart].title, f"{CHARTS[chart].description} ({d.filters})"
        if chart == "map":
            slide = content_slide(title, subtitle(dataset, rendered), d.notes(everything, rendered.map_caption))
            pic_w = min(width, int(height * PICTURE.width / PICTURE.height))
            pic = slide.shapes.add_picture(io.BytesIO(pictures["map"]), left + (width - pic_w) // 2, top, width=pic_w)
            alt_text(pic, what)
        elif chart == "pairs":
            pair_slides()
        elif (sentence := chart_statement(dataset, selection, chart)) is not None:
            statement_slide(title, sentence, d.notes(d.sources, f"{CHARTS[chart].description}: {sentence}."))
        elif chart == "timeline":
            slide = content_slide(title, subtitle(dataset, rendered), d.notes(d.sources, CHARTS[chart].description))
            timeline_chart(slide, timeline_counts(selection), what)
        else:
            bars = chart_bars(dataset, selection, chart)
            note = subtitle(dataset, rendered)
            if len(bars.labels) > MAX_BARS:
                note += f"; the {MAX_BARS} with the most activities of {len(bars.labels)}"
                bars = Bars(bars.labels[:MAX_BARS], bars.values[:MAX_BARS], bars.colours[:MAX_BARS])
            slide = content_slide(title, note, d.notes(d.sources, CHARTS[chart].description))
            bar_chart(slide, bars, what)

    # the projects, as many slides as the text needs
    col_in = [share * 12.333 for _, _, share in TABLE_COLUMNS]
    # 12 pt text: ~11.5 characters an inch in the widest stand-in for Calibri (DejaVu Sans, in LibreOffice);
    # 5.5 in of table holds ~23 lines of text and padding
    chars = {key: (w - 0.2) * 11.5 for (key, _, _), w in zip(TABLE_COLUMNS, col_in)}
    pages = paginate(d.rows, chars, max_lines=22) if "projects" in d.slides and not empty else []
    for n, page in enumerate(pages, start=1):
        label = f"Activities in view ({n} of {len(pages)})" if len(pages) > 1 else "Activities in view"
        slide = content_slide(label, d.table_note, d.notes(source_documents(page), "The activities in view."))
        shape = slide.shapes.add_table(len(page) + 1, len(TABLE_COLUMNS), left, top, width,
                                       Inches(0.34 * (len(page) + 1)))
        table = shape.table
        for i, ((key, heading, _), w) in enumerate(zip(TABLE_COLUMNS, col_in)):
            table.columns[i].width = Inches(w)
            table.cell(0, i).text = heading
            for r, row in enumerate(page, start=1):
                table.cell(r, i).text = row[key]
        for r in range(len(page) + 1):
            table.rows[r].height = Inches(0.34)
            for i in range(len(TABLE_COLUMNS)):
                cell = table.cell(r, i)
                cell.margin_top = cell.margin_bottom = Inches(0.04)
                for para in cell.text_frame.paragraphs:
                    para.font.size = Pt(13 if r == 0 else 12)
                    para.font.bold = r == 0

    # sources
    items = d.sources or ["No activities in view."]
    per = 10
    groups = [items[i:i + per] for i in range(0, len(items), per)]
    for n, group in enumerate(groups, start=1):
        slide = content_slide("Sources" + (f" ({n} of {len(groups)})" if len(groups) > 1 else ""),
                              "Every activity's source document, as cited in the data",
                              d.notes([*group, CREDITS], "The sources of the activities in view."))
        frame = slide.shapes.add_textbox(left, top, width, height).text_frame
        frame.word_wrap = True
        for i, doc in enumerate([*group, *([CREDITS] if n == len(groups) else [])]):
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            para.text = ("• " if doc != CREDITS else "") + doc
            para.font.size = Pt(16 if doc != CREDITS else 14)
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


def _statement_figure(sentence: str) -> go.Figure:
    """A page holding one sentence, large, where a chart would show a single category (or nothing)."""
    fig = go.Figure()
    fig.update_layout(xaxis=dict(visible=False), yaxis=dict(visible=False), template="plotly_white",
                      font=dict(family=FONT, color=INK))
    fig.add_annotation(text="<br>".join(html_escape(line) for line in textwrap.wrap(sentence, 48)), x=0.5, y=0.55,
                       xref="paper", yref="paper", showarrow=False, align="center",
                       font=dict(size=32, color=INK, family=FONT))
    return fig


def without_zero_bars(fig: go.Figure) -> go.Figure:
    """A copy of a bar chart figure with the bars of zero projects left out (as on the deck's native charts)."""
    out = go.Figure(fig)
    for trace in out.data:
        if trace.type != "bar" or trace.orientation != "h" or trace.x is None:
            continue
        counts = _numbers(trace.x)
        keep = [i for i, v in enumerate(counts) if v]
        if len(keep) == len(counts):
            continue
        trace.x = [int(counts[i]) for i in keep]
        trace.y = [trace.y[i] for i in keep]
        for attr in ("customdata", "text"):
            values = getattr(trace, attr)
            if values is not None and not isinstance(values, str) and len(values) == len(counts):
                setattr(trace, attr, [values[i] for i in keep])
        colours = trace.marker.color
        if colours is not None and not isinstance(colours, str) and len(colours) == len(counts):
            trace.marker.color = [colours[i] for i in keep]
    return out


def _numbers(value: object) -> list[float]:
    """A trace's array as numbers (plotly keeps NumPy arrays as {"dtype", "bdata"}, base64)."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"])).astype(float).tolist()
    return [float(v) for v in value]


def pdf_chart_page(dataset: Dataset, rendered: Rendered, chart: str, date: _dt.date) -> go.Figure:
    """A chart's page of the PDF pack, by the deck's rules: zero categories left out, one category a sentence."""
    if chart in NATIVE and (sentence := chart_statement(dataset, rendered.selection, chart)) is not None:
        return _page(_statement_figure(sentence), CHARTS[chart].title, subtitle(dataset, rendered), date, dataset)
    fig = chart_figure(dataset, rendered, chart, date)
    return without_zero_bars(fig) if chart in ("sectors", "countries", "agencies") else fig


def pdf_bytes(dataset: Dataset, rendered: Rendered, date: _dt.date | None = None,
              slides: tuple[str, ...] = SLIDES, base_url: str = "") -> bytes:
    """The briefing as one PDF of 16:9 pages: title, map, charts, project tables and sources (``slides`` chosen)."""
    from pypdf import PdfReader, PdfWriter  # only needed when a PDF pack is asked for

    d = deck(dataset, rendered, date, slides, base_url)
    pages: list[go.Figure] = []

    cover = go.Figure()
    cover.update_layout(xaxis=dict(visible=False), yaxis=dict(visible=False), template="plotly_white",
                        font=dict(family=FONT, color=INK))
    for y, text, size, colour in ((0.72, d.title, 34, INK), (0.6, d.filters, 24, INK),
                                  (0.52, long_date(d.date), 20, MUTED), (0.45, d.numbers, 18, MUTED),
                                  (0.3, d.background, 15, INK)):
        cover.add_annotation(text="<br>".join(html_escape(part) for part in textwrap.wrap(text, 120)), x=0.03,
                             xanchor="left", y=y, xref="paper", yref="paper", yanchor="top" if y < 0.4 else "middle",
                             showarrow=False, font=dict(size=size, color=colour), align="left")
    pages.append(_page(cover, "", "", d.date, dataset))

    if d.total == 0:  # as the deck: say so, rather than draw empty charts
        pages.append(_page(_statement_figure(f"Nothing in the data matches {d.filters}."),
                           "No projects match these filters", "", d.date, dataset))
    for chart in () if d.total == 0 else d.charts:
        pages.append(pdf_chart_page(dataset, rendered, chart, d.date))

    widths = [share for _, _, share in TABLE_COLUMNS]
    chars = {key: share * 900 / 8.0 for key, _, share in TABLE_COLUMNS}  # 14 px text on a 960 px page
    groups = paginate(d.rows, chars, max_lines=17, row_padding=0.8) if "projects" in d.slides else []
    for n, group in enumerate(groups, start=1):
        label = f"Activities in view ({n} of {len(groups)})" if len(groups) > 1 else "Activities in view"
        note = d.table_note
        if group:
            fig = _table_figure([h for _, h, _ in TABLE_COLUMNS], [[r[k] for r in group] for k, _, _ in TABLE_COLUMNS],
                                widths)
        else:
            fig = go.Figure()
            fig.update_layout(xaxis=dict(visible=False), yaxis=dict(visible=False), template="plotly_white")
            fig.add_annotation(text="No activities match these filters.", x=0, xanchor="left", y=1, yanchor="top",
                               xref="paper", yref="paper", showarrow=False, font=dict(size=20, color=INK))
        pages.append(_page(fig, label, note, d.date, dataset))

    items = d.sources or ["No activities in view."]
    per = 8
    groups_s = [items[i:i + per] for i in range(0, len(items), per)]
    for n, group in enumerate(groups_s, start=1):
        rows = [*group, *([CREDITS] if n == len(groups_s) else [])]
        fig = _table_figure(["Source document"], [rows], [1.0])
        label = "Sources" + (f" ({n} of {len(groups_s)})" if len(groups_s) > 1 else "")
        pages.append(_page(fig, label, "Every activity's source document, as cited in the data", d.date, dataset))

    pdfs = render([(fig, "pdf", PAGE) for fig in pages])
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({"/Title": d.title, "/Subject": d.filters, "/Creator": f"{PRODUCT} dashboard"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

