"""What the server says about its paths: a real robots.txt, 404 for a path that is no page (Dash would answer any
path with the app, a "soft 404"), and how long a browser may keep each static file."""

from __future__ import annotations

from pathlib import Path

from dash import Dash
from dash.fingerprint import check_fingerprint
from flask import Response, request

ROBOTS = "User-agent: *\nAllow: /\nDisallow: /export/\n"
NOT_FOUND = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Page not found — U.S.-ASEAN Smart Cities Partnership</title></head>
<body><main><h1>Page not found</h1><p>There is no page at this address. <a href="{home}">Open the dashboard</a>.</p>
</main></body></html>
"""
#: a year, for files whose URL changes when they do (Dash's fingerprints, assets' ?m=)
IMMUTABLE = "public, max-age=31536000, immutable"
#: a day, for static files whose URL stays the same (map outlines, Dash's lazily loaded chunks): they change only
#: with an upgrade of the dashboard
DAILY = "public, max-age=86400"
#: the plotly.js dash-renderer loads lazily, by a URL that does not change with the bundle served there
DASH_PLOTLY = "/_dash-component-suites/plotly/package_data/plotly.min.js"


def cache_control(path: str, query: str) -> str | None:
    """The Cache-Control a static file gets (None: leave the response's own)."""
    if path.startswith("/assets/"):
        return IMMUTABLE if "m=" in query else DAILY
    if path.startswith("/_dash-component-suites/"):
        if check_fingerprint(path)[0].endswith(DASH_PLOTLY):  # plotly.js at dash-renderer's fixed URL: revalidated
            return None  # (dashboard.server.plotlyjs sets it: that URL outlives a bundle)
        return IMMUTABLE if check_fingerprint(path)[1] else DAILY
    return None


def install(app: Dash) -> None:
    """robots.txt, real 404s and cache lifetimes on this app's server."""
    server = app.server
    home = app.get_relative_path("/")

    @server.get(app.get_relative_path("/robots.txt"))
    def robots() -> Response:
        return Response(ROBOTS, mimetype="text/plain")

    @server.get(app.get_relative_path("/favicon.ico"))
    def favicon() -> Response:
        """The icon a browser asks for by itself on pages without a <link rel="icon"> (embeds, 404s, refusals)."""
        icon = Path(app.config.assets_folder) / "favicon.ico"
        return Response(icon.read_bytes(), mimetype="image/x-icon", headers={"Cache-Control": DAILY})

    # Dash routes every other path to its page; this app has one page, so anything else is not found
    def not_found(path: str = "") -> Response:
        return Response(NOT_FOUND.format(home=home), status=404, mimetype="text/html")

    catch_all = app.config.routes_pathname_prefix + "<path:path>"
    for rule in server.url_map.iter_rules():
        if rule.rule == catch_all:
            server.view_functions[rule.endpoint] = not_found

    @server.after_request
    def _cache(response: Response) -> Response:
        if response.status_code in (200, 304) and request.method in ("GET", "HEAD"):
            value = cache_control(request.path, request.query_string.decode("latin-1"))
            # a component suite's own choice stands (e.g. no-cache on plotly.js's unfingerprinted URL); assets
            # come with Flask's default no-cache, which their ?m= fingerprint makes needless
            own = response.headers.get("Cache-Control")
            if value and (own is None or (request.path.startswith("/assets/") and "immutable" not in own)):
                response.headers["Cache-Control"] = value
        return response
