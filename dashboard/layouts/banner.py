"""The discreet staff banner: a rejected data update, or newer data than the page shows."""

from __future__ import annotations

import time

from dash import dcc, html

from dashboard.ids import ids


def data_banner(source, page_version: int | None) -> tuple[list, bool]:
    """(children, hidden) for the banner, from the data source's state."""
    parts = []
    rejected = getattr(source, "rejected", None)
    if rejected:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(rejected.at))
        n = len(rejected.errors)
        parts += [
            html.Strong("Data update rejected"),
            f" ({when}, {n} error{'s' if n != 1 else ''}); the dashboard still shows the last valid data. First: ",
            html.Code(rejected.errors[0]) if rejected.errors else "",
            " — run `python -m dashboard validate` for the full list.",
        ]
    if source.current is None:
        parts = [html.Strong("No valid data loaded. "), *parts[1:]]
    elif page_version is not None and source.version != page_version:
        parts += [" " if parts else "", html.Strong("Newer data is available: "), html.A("reload the page", href="")]
    return parts, not parts


def banner_area(children: list, hidden: bool, version: int) -> html.Div:
    """The banner, the data version the page shows, and the poll that keeps the banner current."""
    return html.Div([
        html.Div(children, id=ids.DATA_BANNER, hidden=hidden, className="data-banner", role="status"),
        dcc.Store(id=ids.DATA_VERSION, data=version),
        dcc.Interval(id=ids.DATA_POLL, interval=60_000),
    ])
