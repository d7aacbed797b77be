"""The data banner: for staff, a rejected data update with its first error; for visitors, only a neutral note;
for everyone, newer data than the page shows."""

from __future__ import annotations

import time

from dash import dcc, html

from dashboard.ids import ids

#: all a visitor is told about a rejected update (the details name files and lines, and quote data)
VISITOR_NOTE = "The data shown may be out of date."
#: the page body (and the 503 answer to callbacks and exports) when there is no valid data at all
NO_DATA_TEXT = "The dashboard's data is not available right now. Please try again later."


def data_banner(source, page_version: str | None, staff: bool = False) -> tuple[list, bool]:
    """(children, hidden) for the banner, from the data source's state; details only when ``staff``."""
    parts: list = []
    rejected = getattr(source, "rejected", None)
    current = source.current
    if rejected and staff:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(rejected.at))
        n = len(rejected.errors)
        kept = ("the last-good snapshot" if getattr(source, "served_from", None) == "snapshot"
                else "the last valid data")
        parts += [
            html.Strong("Data update rejected" if current is not None else "No valid data loaded"),
            f" ({when}, {n} error{'s' if n != 1 else ''})",
            f"; the dashboard still shows {kept}. First: " if current is not None else ". First: ",
            html.Code(rejected.errors[0]) if rejected.errors else "",
            " — run `python -m dashboard validate` for the full list.",
        ]
    elif rejected and current is not None:  # with no data at all, the page body says so
        parts += [VISITOR_NOTE]
    if current is not None and page_version is not None and source.version != page_version:
        parts += [" " if parts else "", html.Strong("Newer data is available: "), html.A("reload the page", href="")]
    return parts, not parts


def banner_area(children: list, hidden: bool, version: str) -> html.Div:
    """The banner, the data version the page shows, and the poll that keeps the banner current."""
    return html.Div([
        html.Div(children, id=ids.DATA_BANNER, hidden=hidden, className="data-banner", role="status"),
        dcc.Store(id=ids.DATA_VERSION, data=version),
        dcc.Interval(id=ids.DATA_POLL, interval=60_000),
    ])


def no_data_body() -> html.Main:
    """The page's body when there is no valid data at all."""
    return html.Main(html.P(NO_DATA_TEXT), className="error-page")
