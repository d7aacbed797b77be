"""Flask routes: /export/<name>.<format>, /embed/<chart> and its static files, /still/<variant>/<chart>.svg.

Every route reads the dashboard's filter query string and calls the same functions as the
command line. A failed export answers with a plain-text message and a 4xx/503 status —
never a half-written file, never a 500 for a bad parameter.

Framing is decided for every response in `dashboard.security`: /embed/ pages may be
framed by the sources in $USASCP_FRAME_ANCESTORS (default any), every other page by none.
"""

from __future__ import annotations

import logging
from pathlib import Path

from dash import Dash
from flask import Response, request

from dashboard.charts import CHARTS, IMAGE_FORMATS
from dashboard.data.source import DataSource
from dashboard.exports import ExportError, export, split_name
from dashboard.exports.common import NotFound
from dashboard.exports.offline import DRAW_JS, EMBED_HEIGHT_JS, EMBED_START_JS, RESIZE_JS, STYLE, embed_html
from dashboard.exports.stills import EMBED_VARIANTS, VARIANTS, Stills
from dashboard.exports.stills import query as still_query_of
from dashboard.model.filters import parse_query, to_query
from dashboard.model.render import RenderCache

log = logging.getLogger(__name__)

PLOTLY_PATH = "package_data/plotly.min.js"
#: the embed page needs only the app's own scripts; plotly.js sets inline styles
EMBED_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
             "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'")


def _message(exc: ExportError) -> Response:
    response = Response(f"{exc}\n", status=exc.status, mimetype="text/plain")
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:  # the renderer is busy: the Export menu waits this long and tries again
        response.headers["Retry-After"] = str(retry_after)
    return response


def register(app: Dash, source: DataSource, cache: RenderCache, template: Path | None = None) -> None:
    """Add the export and embed routes to ``app.server``, serving the data source's current dataset; decks are
    built in the PowerPoint ``template`` when one is given (read at each export, so a replaced file is used)."""
    server = app.server
    prefix = app.config.routes_pathname_prefix or "/"
    # the plotly.js the dashboard's graphs load (dash-renderer's URL, whatever build the app serves there);
    # registered here so that Dash serves it even before its first page has been requested
    app.registered_paths["plotly"].add(PLOTLY_PATH)
    plotly_src = app.get_relative_path(f"/_dash-component-suites/plotly/{PLOTLY_PATH}")
    # embed.js draws the chart and reports its height to the framing page; resize.js is what that page loads (the
    # Share panel's snippet) to fit the iframe to the height
    static = {"embed.js": (DRAW_JS + EMBED_HEIGHT_JS + EMBED_START_JS, "text/javascript"), "embed.css": (STYLE, "text/css"),
              "resize.js": (RESIZE_JS, "text/javascript")}

    def query() -> str:
        return request.query_string.decode("utf-8", errors="replace")

    def live_base() -> str:
        """The dashboard's own address, for the live-view link in a deck's speaker notes."""
        return request.host_url.rstrip("/") + app.get_relative_path("/")

    @server.route(f"{prefix}export/<name>", endpoint="usascp_export", methods=["GET"])
    def export_file(name: str):
        try:
            chart, kind = split_name(name)
            size = ({k: request.args[k] for k in ("width", "height", "scale") if k in request.args}
                    if chart in CHARTS and kind in IMAGE_FORMATS else {})
            content, mimetype, filename = export(source.dataset, kind, chart, query(), base_url=live_base(),
                                                 template=template if kind == "pptx" else None, render_state=cache.render,
                                                 **size)
        except ExportError as exc:
            return _message(exc)
        # content_type, not mimetype: Flask would add a second charset to 'text/csv; charset=utf-8'
        response = Response(content, content_type=mimetype)
        # the name is built on the server from the validated filters: letters, digits, '-' and '.'
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.headers["Cache-Control"] = "no-cache"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @server.route(f"{prefix}embed/<chart>", endpoint="usascp_embed", methods=["GET"])
    def embed(chart: str):
        if chart not in CHARTS:
            return _message(NotFound(f"No chart called {chart[:40]!r}. Charts: {', '.join(CHARTS)}."))
        dataset = source.dataset
        state = parse_query(query(), dataset.index)[0]
        still_query = still_query_of(state, source.version)
        page = embed_html(dataset, cache.render(dataset, state), chart, plotly_src=plotly_src,
                          static_url=app.get_relative_path("/embed/static/"),
                          topojson_url=app.get_asset_url("topojson/"),
                          dashboard_url=app.get_relative_path("/") + to_query(state),
                          still_src={v: app.get_relative_path(f"/still/{v}/{chart}.svg") + "?" + still_query
                                     for v in EMBED_VARIANTS})
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


def register_stills(app: Dash, source: DataSource, cache: RenderCache, kept: Stills) -> None:
    """Add /still/<variant>/<chart>.svg: a chart's still image for the query's filter state (the first view's map
    and charts). With ``v`` the data version it was drawn for, a browser may keep it; else it asks again."""
    prefix = app.config.routes_pathname_prefix or "/"

    @app.server.route(f"{prefix}still/<variant>/<name>", endpoint="usascp_still", methods=["GET"])
    def still(variant: str, name: str):
        chart, dot, kind = name.partition(".")
        if variant not in VARIANTS or chart not in CHARTS or (dot, kind) != (".", "svg"):
            return _message(NotFound(f"No still called {variant[:20]!r}/{name[:40]!r}."))
        dataset = source.dataset
        state = parse_query(request.query_string.decode("utf-8", errors="replace"), dataset.index)[0]
        version = source.version
        try:
            svg = kept.svg(version, cache.render(dataset, state), chart, variant)
        except ExportError as exc:
            return _message(exc)
        response = Response(svg, mimetype="image/svg+xml")
        current = request.args.get("v") == version
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable" if current else "no-cache"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
