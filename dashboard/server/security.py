"""Secure serving defaults: security headers and CSP, framing rules, request size and JSON depth caps,
error pages with no traceback, and one structured log line per request.

Settings come from `dashboard.config`; the defaults are the safe ones.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
import uuid

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from dashboard.config import Settings

log = logging.getLogger("usascp.requests")

#: the Flask endpoints of the embed pages (dashboard/exports/routes.py): the only responses that may be framed.
#: Decided by route, not path: Dash answers any unknown path (/embed/x/y) with the full app.
EMBED_ENDPOINTS = frozenset({"usascp_embed", "usascp_embed_static"})
#: responses a browser may render as a document (and so run scripts in)
DOCUMENT_TYPES = frozenset({"text/html", "image/svg+xml", "application/xhtml+xml", "text/xml", "application/xml"})
def with_frame_ancestors(csp: str, sources: str) -> str:
    """``csp`` with its frame-ancestors directive set to ``sources``."""
    kept = [d.strip() for d in csp.split(";") if d.strip() and not d.strip().lower().startswith("frame-ancestors")]
    return "; ".join([*kept, f"frame-ancestors {sources}"])


def content_security_policy(script_hashes: list[str], frame_ancestors: str) -> str:
    """The CSP: everything from this origin; inline scripts only by hash; no eval.

    ``script_hashes`` are CSP sources as Dash's ``csp_hashes()`` gives them ("'sha256-...'").
    """
    scripts = " ".join(["'self'", *script_hashes])
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        # Plotly and Dash set element styles at run time
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {frame_ancestors}",
    ])


ERROR_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{code} · U.S.-ASEAN Smart Cities Partnership</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/assets/style.css"></head>
<body><header class="site-header"><h1>U.S.-ASEAN Smart Cities Partnership</h1></header>
<main class="error-page"><h2>{title}</h2><p>{text}</p><p><a href="/">Back to the dashboard</a></p>
<p class="caption">Reference: {ref}</p></main></body></html>"""

MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Forbidden", "You do not have access to this page."),
    404: ("Page not found", "There is no page at this address."),
    405: ("Method not allowed", "This address does not accept that kind of request."),
    413: ("Request too large", "The request was larger than this server accepts."),
    500: ("Something went wrong", "The server could not complete the request. It has been logged."),
}


def _wants_json() -> bool:
    return request.path.startswith(("/_dash", "/export", "/healthz")) or request.is_json


def error_response(code: int, detail: str | None = None) -> Response:
    """The error page (or JSON for callbacks, exports and /healthz) for ``code``; ``detail`` replaces the generic text."""
    title, text = MESSAGES.get(code, MESSAGES[500])
    text = detail or text
    ref = getattr(g, "request_id", "-")
    if _wants_json():
        body = json.dumps({"error": title, "message": text, "status": code, "reference": ref})
        return Response(body, status=code, mimetype="application/json")
    return Response(ERROR_PAGE.format(code=code, title=title, text=text, ref=ref), status=code, mimetype="text/html")


def install(app, settings: Settings | None = None) -> Settings:
    """Apply headers, limits, error pages and request logs to a Dash app (call after its callbacks exist)."""
    settings = settings or Settings.from_env()
    server: Flask = app.server
    server.config["MAX_CONTENT_LENGTH"] = settings.max_body
    server.config["PROPAGATE_EXCEPTIONS"] = False

    @server.before_request
    def _start() -> None:
        g.started = time.perf_counter()
        g.request_id = uuid.uuid4().hex[:12]

    hashes: list[str] = []

    @server.after_request
    def _headers(response: Response) -> Response:
        if not hashes:  # Dash's inline scripts are known once its callbacks are registered
            hashes.extend([*app.csp_hashes(), *settings.script_hashes])
        embed = request.endpoint in EMBED_ENDPOINTS
        frames = settings.frame_ancestors if embed else "'none'"
        own = response.headers.get("Content-Security-Policy")  # a route's stricter policy is kept
        if own or response.mimetype in DOCUMENT_TYPES:  # a policy means something only to a document
            response.headers["Content-Security-Policy"] = (
                with_frame_ancestors(own, frames) if own else content_security_policy(hashes, frames))
        if embed:
            response.headers.pop("X-Frame-Options", None)
        else:
            response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "geolocation=(), camera=(), microphone=()"
        if settings.hsts and request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        response.headers["X-Request-Id"] = getattr(g, "request_id", "-")
        return response

    @server.after_request
    def _log(response: Response) -> Response:
        started = getattr(g, "started", None)
        log.info(json.dumps({
            "event": "request", "id": getattr(g, "request_id", "-"), "method": request.method,
            "route": request.path, "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            "bytes": response.calculate_content_length(),
        }))
        return response

    for code in (400, 403, 404, 405, 413):
        server.register_error_handler(code, lambda exc, code=code: error_response(code))

    @server.errorhandler(Exception)
    def _crash(exc: Exception):
        if isinstance(exc, HTTPException):
            return error_response(exc.code or 500)
        log.exception(json.dumps({"event": "error", "id": getattr(g, "request_id", "-"), "route": request.path}))
        return error_response(500)

    return settings


class _NoAccessLines(logging.Filter):
    """Drops the development server's own line per request: the JSON request line already says it."""

    _ACCESS = re.compile(r'^\S+ - - \[[^\]]*\] "')

    def filter(self, record: logging.LogRecord) -> bool:
        return not self._ACCESS.match(record.getMessage())


def configure_logging(level: str | None = None) -> None:
    """One line per record on stderr; request lines are JSON, and each request is logged once."""
    logging.basicConfig(level=(level or os.environ.get("USASCP_LOG_LEVEL", "INFO")).upper(),
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, _NoAccessLines) for f in werkzeug.filters):
        werkzeug.addFilter(_NoAccessLines())


def _expected_inputs(app) -> dict[str, list[tuple[str, str]]]:
    """For each callback output key, the (id, property) of its inputs and states, in order."""
    table = {}
    for key, cb in app.callback_map.items():
        if "callback" not in cb:  # clientside: the server has nothing to run
            continue
        ins = [(i["id"], i["property"]) for i in cb.get("inputs", [])]
        states = [(s["id"], s["property"]) for s in cb.get("state", [])]
        table[key] = (ins, states, _outputs_of(key))
    return table


def _outputs_of(key: str) -> list[tuple[str, str]] | tuple[str, str]:
    """The (id, property) outputs a callback key names: a list for a multi-output callback."""
    if key.startswith(".."):
        return [tuple(part.rsplit(".", 1)) for part in key.strip(".").split("...")]
    return tuple(key.rsplit(".", 1))


def _pairs(items) -> list[tuple[str, str]] | None:
    if not isinstance(items, list):
        return None
    out = []
    for item in items:
        if isinstance(item, list):  # wildcard groups are not used by this app
            return None
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not isinstance(item.get("property"), str):
            return None
        out.append((item["id"], item["property"]))
    return out


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


def json_too_deep(raw: bytes, limit: int) -> bool:
    """True if the JSON text ``raw`` nests arrays and objects more than ``limit`` levels deep (told without parsing it)."""
    depth = 0
    for m in _JSON_BRACKET.finditer(_JSON_STRING.sub(b'""', raw)):
        if m.group() in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def guard_callbacks(app, settings: Settings | None = None) -> None:
    """Refuse a callback request that is too large (413), nested too deeply (400) or whose shape does not match
    a registered callback (400), before anything parses it; the callbacks themselves validate the values."""
    settings = settings or Settings.from_env()
    server: Flask = app.server
    path = app.config.requests_pathname_prefix + "_dash-update-component"
    expected: dict = {}

    @server.before_request
    def _guard():
        if request.path != path or request.method != "POST":
            return None
        if not expected:
            expected.update(_expected_inputs(app))
        if (request.content_length or 0) > settings.max_body:
            return error_response(413)
        try:
            raw = request.get_data(cache=True)
        except RequestEntityTooLarge:
            return error_response(413)
        if len(raw) > settings.max_body:
            return error_response(413)
        if json_too_deep(raw, settings.max_json_depth):
            return error_response(400, f"The request body nests arrays and objects more than "
                                       f"{settings.max_json_depth} levels deep.")
        try:
            body = request.get_json(silent=True)
        except RecursionError:  # not reached with a sane depth limit; never a 500 all the same
            return error_response(400)
        if not isinstance(body, dict) or not isinstance(body.get("output"), str) or body["output"] not in expected:
            return error_response(400)
        ins, states, outs = expected[body["output"]]
        if _pairs(body.get("inputs")) != ins or _pairs(body.get("state", [])) != states:
            return error_response(400)
        sent = body.get("outputs")
        sent = _pairs(sent) if isinstance(outs, list) else (_pairs([sent]) or [None])[0] if isinstance(sent, dict) else None
        if sent != outs:
            return error_response(400)
        changed = body.get("changedPropIds", [])
        if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
            return error_response(400)
        return None
