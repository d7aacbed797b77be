"""Flask routes: /export/<name>.<format>, /embed/<chart> and its static files, and the framing headers.

Every route reads the dashboard's filter query string and calls the same functions as the
command line. A failed export answers with a plain-text message and a 4xx/503 status —
never a half-written file, never a 500 for a bad parameter.

Framing: the /embed/ pages may be framed (``frame-ancestors *``, or the space-separated
sources in $USASCP_FRAME_ANCESTORS); every other response sends ``X-Frame-Options: DENY``
and ``frame-ancestors 'none'``.
"""

from __future__ import annotations

import logging
import os
import re

from dash import Dash
from flask import Response, request

from dashboard.data import Dataset
from dashboard.exports import CHARTS, IMAGE_FORMATS, ExportError, export, split_name, state_from_query
from dashboard.exports.common import NotFound

log = logging.getLogger(__name__)

PLOTLY_PATH = "package_data/plotly.min.js"
EMBED_ENDPOINTS = frozenset({"usascp_embed", "usascp_embed_static"})
#: the embed page needs only the app's own scripts; plotly.js sets inline styles
EMBED_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
             "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'")
_SOURCE = re.compile(r"^(\*|'self'|'none'|https?:|https?://(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:(\d{1,5}|\*))?/?)$",
                     re.IGNORECASE)


def frame_ancestors(value: str | None = None) -> str:
    """The CSP sources allowed to frame /embed/ pages, from $USASCP_FRAME_ANCESTORS (default ``*``).

    Sources are separated by spaces or commas: ``*``, ``'self'``, ``https:`` or
    ``https://host[:port]`` (``*.`` allowed before the host). A value holding anything else
    fails closed — ``'none'``, logged — rather than frame more than was meant.
    """
    raw = os.environ.get("USASCP_FRAME_ANCESTORS") if value is None else value
    if raw is None or not raw.strip():
        return "*"
    tokens = [t for t in re.split(r"[\s,]+", raw.strip()) if t]
    bad = [t[:60] for t in tokens if not _SOURCE.match(t)]
    if bad:
        log.warning("USASCP_FRAME_ANCESTORS holds %s, not CSP sources: embeds may not be framed at all", bad)
        return "'none'"
    if "'none'" in tokens and len(tokens) > 1:
        tokens.remove("'none'")
    return " ".join(tokens)


def _with_frame_ancestors(csp: str | None, sources: str) -> str:
    kept = [d.strip() for d in (csp or "").split(";") if d.strip() and not d.strip().lower().startswith("frame-ancestors")]
    return "; ".join([*kept, f"frame-ancestors {sources}"])


def _message(exc: ExportError) -> Response:
    return Response(f"{exc}\n", status=exc.status, mimetype="text/plain")


def register(app: Dash, dataset: Dataset) -> None:
    """Add the export and embed routes, and the framing headers, to ``app.server``."""
    from dashboard.exports.offline import RENDER_JS, STYLE, embed_html
    from dashboard.filters import to_query
    from dashboard.views import render

    server = app.server
    prefix = app.config.routes_pathname_prefix or "/"
    ancestors = frame_ancestors()
    # the plotly.js the dashboard's graphs load (dash-renderer's URL, whatever build the app serves there);
    # registered here so that Dash serves it even before its first page has been requested
    app.registered_paths["plotly"].add(PLOTLY_PATH)
    plotly_src = app.get_relative_path(f"/_dash-component-suites/plotly/{PLOTLY_PATH}")
    static = {"embed.js": (RENDER_JS, "text/javascript"), "embed.css": (STYLE, "text/css")}

    def query() -> str:
        return request.query_string.decode("utf-8", errors="replace")

    @server.route(f"{prefix}export/<name>", endpoint="usascp_export", methods=["GET"])
    def export_file(name: str):
        try:
            chart, kind = split_name(name)
            size = ({k: request.args[k] for k in ("width", "height", "scale") if k in request.args}
                    if chart in CHARTS and kind in IMAGE_FORMATS else {})
            content, mimetype, filename = export(dataset, kind, chart, query(), **size)
        except ExportError as exc:
            return _message(exc)
        response = Response(content, mimetype=mimetype)
        # the name is built on the server from the validated filters: letters, digits, '-' and '.'
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.headers["Cache-Control"] = "no-cache"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @server.route(f"{prefix}embed/<chart>", endpoint="usascp_embed", methods=["GET"])
    def embed(chart: str):
        if chart not in CHARTS:
            return _message(NotFound(f"No chart called {chart[:40]!r}. Charts: {', '.join(CHARTS)}."))
        state = state_from_query(dataset, query())
        page = embed_html(dataset, render(dataset, state), chart, plotly_src=plotly_src,
                          static_url=app.get_relative_path("/embed/static/"),
                          topojson_url=app.get_asset_url("topojson/"),
                          dashboard_url=app.get_relative_path("/") + to_query(state))
        response = Response(page, mimetype="text/html")
        response.headers["Content-Security-Policy"] = EMBED_CSP
        return response

    @server.route(f"{prefix}embed/static/<name>", endpoint="usascp_embed_static", methods=["GET"])
    def embed_static(name: str):
        if name not in static:
            return _message(NotFound(f"No file {name[:40]!r}."))
        text, mimetype = static[name]
        response = Response(text, mimetype=mimetype)
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response

    @server.after_request
    def framing(response: Response) -> Response:
        if request.endpoint in EMBED_ENDPOINTS:
            response.headers.pop("X-Frame-Options", None)
            response.headers["Content-Security-Policy"] = _with_frame_ancestors(
                response.headers.get("Content-Security-Policy"), ancestors)
        else:
            response.headers["X-Frame-Options"] = "DENY"
            response.headers["Content-Security-Policy"] = _with_frame_ancestors(
                response.headers.get("Content-Security-Policy"), "'none'")
        return response
