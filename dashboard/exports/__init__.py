"""Briefing exports — chart images, the briefing pack, data tables, offline HTML — behind one function.

``export(dataset, kind, chart, query, **size)`` takes the dashboard's own filter query
string, so a file holds what the page shows; the Flask routes (``routes.py``) and the
command line (``python -m dashboard export``) both call it. Everything is made in memory
and returned whole, so a failure never leaves half a file behind.
"""

from __future__ import annotations

from dashboard.charts import CHARTS, IMAGE_FORMATS
from dashboard.exports import briefing, images, offline, tables
from dashboard.exports.common import (
    KINDS, MIMETYPES, BadRequest, Exported, ExportError, NotFound, Unavailable, file_stem, split_name, today,
)
from dashboard.model.dataset import Dataset
from dashboard.model.filters import parse_query
from dashboard.model.render import render

__all__ = ["KINDS", "BadRequest", "ExportError", "Exported", "NotFound", "Unavailable", "export", "split_name"]


def export(dataset: Dataset, kind: str, chart: str, query: str | None, **size: object) -> Exported:
    """The file ``chart.kind`` (e.g. 'map'/'png', 'briefing'/'pptx', 'projects'/'csv') for the filters in ``query``.

    Parameters
    ----------
    kind : str
        The format: png, svg, pdf, pptx, csv, xlsx or html.
    chart : str
        map, sectors, countries, agencies, timeline; 'briefing' for the pack; 'projects' for the data.
    query : str
        A dashboard query string such as ``?sector=Water&country=THA``.
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
        Chromium is missing or fails (its message says what to install).
    """
    kind = (kind or "").lower()
    if (chart, kind) not in KINDS:
        raise NotFound(f"No export {chart!s:.40}.{kind!s:.10}. Charts: {', '.join(CHARTS)} as png, svg, pdf or html; "
                       "briefing as pptx or pdf; projects as csv or xlsx.")
    unknown = set(size) - {"width", "height", "scale"}
    if unknown:
        raise BadRequest(f"unknown option(s): {', '.join(sorted(unknown))}")
    state = parse_query(query or "", dataset.index)[0]
    date = today()
    name = f"{file_stem(chart, state, date)}.{kind}"
    if chart in CHARTS and kind in IMAGE_FORMATS:
        checked = images.size_from(size.get("width"), size.get("height"), size.get("scale"))
        content = images.chart_image(dataset, render(dataset, state), chart, kind, checked, date)
    elif chart in CHARTS:  # html
        content = offline.chart_html(dataset, render(dataset, state), chart, date)
    elif chart == "briefing":
        build = briefing.pptx_bytes if kind == "pptx" else briefing.pdf_bytes
        content = build(dataset, render(dataset, state), date)
    else:
        build = tables.csv_bytes if kind == "csv" else tables.xlsx_bytes
        content = build(dataset, render(dataset, state), date)
    return Exported(content, MIMETYPES[kind], name)
