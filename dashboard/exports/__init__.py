"""Briefing exports — chart images, the briefing pack, data tables, offline HTML — behind one function.

``export(dataset, kind, chart, query, **size)`` takes the dashboard's own filter query
string, so a file holds what the page shows; the Flask routes (``routes.py``) and the
command line (``python -m dashboard export``) both call it. Everything is made in memory
and returned whole, so a failure never leaves half a file behind.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dashboard.charts import CHARTS, IMAGE_FORMATS
from dashboard.exports import briefing, images, note, offline, tables
from dashboard.exports.briefing import TemplateError
from dashboard.exports.common import (
    KINDS, MIMETYPES, BadRequest, Busy, Exported, ExportError, NotFound, Unavailable, file_stem, refusal, split_name, today,
)
from dashboard.model.dataset import Dataset
from dashboard.model.filters import FilterState, parse_query
from dashboard.model.render import Rendered, render

__all__ = ["KINDS", "BadRequest", "Busy", "ExportError", "Exported", "NotFound", "TemplateError", "Unavailable",
           "export", "split_name"]

#: how `export` turns filters into the page's content (`render`, or an app's render cache)
RenderFn = Callable[[Dataset, FilterState], Rendered]


def export(dataset: Dataset, kind: str, chart: str, query: str | None, *, base_url: str = "",
           template: Path | bytes | None = None, render_state: RenderFn = render, **size: object) -> Exported:
    """The file ``chart.kind`` (e.g. 'map'/'png', 'briefing'/'pptx', 'projects'/'csv') for the filters in ``query``.

    Parameters
    ----------
    kind : str
        The format: png, svg, pdf, pptx, docx, csv, xlsx or html.
    chart : str
        map, pairs, sectors, countries, agencies, timeline (pptx: a deck of that slide); 'briefing' for the pack
        (pptx, pdf) or the one-page note (docx); 'projects' for the data.
    query : str
        A dashboard query string such as ``?sector=Water&country=THA``; a briefing also reads ``slides=``.
        A filter value that matches nothing is refused (BadRequest naming it and the nearest valid value):
        a file must hold exactly what was asked for.
    base_url : str
        The dashboard's address, for the live-view link in a deck's notes (default: a relative link).
    template : Path or bytes, optional
        A PowerPoint file whose slide master, layouts and theme a deck (pptx) is built in; other kinds ignore it.
        One that cannot be used is refused (``TemplateError``, a BadRequest saying why).
    render_state : callable, optional
        ``(dataset, state) -> Rendered``: the app passes its render cache's, so that an export of a state the
        page has shown builds no figure again (default: render afresh).
    **size
        ``width``, ``height`` and ``scale`` of a chart image (strings or numbers; checked here).

    Returns
    -------
    Exported
        ``(content, mimetype, filename)``; the name is made here, never taken from the caller.

    Raises
    ------
    ExportError
        ``NotFound`` for an unknown export, ``BadRequest`` for a bad size, ``Unavailable`` when
        Chromium is missing or fails (its message says what to install), ``Busy`` (an Unavailable with
        ``retry_after``) when the image renderer's queue is full.
    """
    kind = (kind or "").lower()
    if (chart, kind) not in KINDS:
        raise NotFound(f"No export {chart!s:.40}.{kind!s:.10}. Charts: {', '.join(CHARTS)} as png, svg, pdf, html or "
                       "pptx; briefing as pptx, pdf or docx; projects as csv or xlsx.")
    unknown = set(size) - {"width", "height", "scale"}
    if unknown:
        raise BadRequest(f"unknown option(s): {', '.join(sorted(unknown))}")
    state, ignored = parse_query(query or "", dataset.index)
    if ignored:
        raise BadRequest(refusal(ignored, dataset.index))
    date = today()
    rendered = render_state(dataset, state)
    name = f"{file_stem(chart, state, date)}.{kind}"
    if chart in CHARTS and kind in IMAGE_FORMATS:
        checked = images.size_from(size.get("width"), size.get("height"), size.get("scale"))
        content = images.chart_image(dataset, rendered, chart, kind, checked, date)
    elif chart in CHARTS and kind == "html":
        content = offline.chart_html(dataset, rendered, chart, date)
    elif chart in CHARTS:  # pptx: the chart's slide alone
        content = briefing.pptx_bytes(dataset, rendered, date, (chart,), base_url, template)
    elif chart == "briefing" and kind == "docx":
        content = note.docx_bytes(dataset, rendered, date, base_url)
    elif chart == "briefing" and kind == "pptx":
        content = briefing.pptx_bytes(dataset, rendered, date, briefing.chosen_slides(query), base_url,
                                      template)
    elif chart == "briefing":
        content = briefing.pdf_bytes(dataset, rendered, date, briefing.chosen_slides(query), base_url)
    else:
        build = tables.csv_bytes if kind == "csv" else tables.xlsx_bytes
        content = build(dataset, rendered, date)
    return Exported(content, MIMETYPES[kind], name)
