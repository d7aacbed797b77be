"""Compressed responses: static files compressed once and kept, dynamic JSON compressed per response.

Brotli when the browser offers it (and the `brotli` package is installed), else gzip.
Static files (Dash's component bundles, assets, map outlines) are compressed at the highest
useful level on first request and served from memory afterwards — never re-compressed per
request. (The plotly.js build ships pre-compressed and is served by `dashboard.server.plotlyjs`.)
"""

from __future__ import annotations

import gzip
import threading

from flask import Flask, Response, request

try:  # optional: better ratios than gzip
    import brotli
except ImportError:  # pragma: no cover - exercised where brotli is absent
    brotli = None

MIN_BYTES = 1024
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")


def _encode(data: bytes, encoding: str, static: bool) -> bytes:
    if encoding == "br":
        return brotli.compress(data, quality=9 if static else 4)
    return gzip.compress(data, compresslevel=9 if static else 5, mtime=0)


def choose_encoding(accept: str | None) -> str | None:
    """'br' or 'gzip' from an Accept-Encoding header (q=0 excluded), or None."""
    offered = {}
    for part in (accept or "").split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if name:
            offered[name.strip().lower()] = q
    if brotli is not None and offered.get("br", 0) > 0:
        return "br"
    if offered.get("gzip", 0) > 0 or offered.get("*", 0) > 0:
        return "gzip"
    return None


class StaticCache:
    """Compressed bodies of static responses, keyed by path, encoding and the body's identity."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024):
        self._items: dict[tuple, bytes] = {}
        self._size = 0
        self._max = max_bytes
        self._lock = threading.Lock()

    def get(self, key: tuple, make) -> bytes:
        with self._lock:
            hit = self._items.get(key)
        if hit is not None:
            return hit
        body = make()
        with self._lock:
            if self._size + len(body) <= self._max:
                self._items[key] = body
                self._size += len(body)
        return body


def install(server: Flask) -> StaticCache:
    """Compress this Flask server's responses; returns the static cache (for tests and benchmarks)."""
    cache = StaticCache()

    @server.after_request
    def _compress(response: Response) -> Response:
        if (response.status_code != 200 or response.headers.get("Content-Encoding")
                or not (response.mimetype or "").startswith(COMPRESSIBLE) or request.method == "HEAD"):
            return response
        encoding = choose_encoding(request.headers.get("Accept-Encoding"))
        response.vary.add("Accept-Encoding")
        if encoding is None:
            return response
        static = request.path.startswith(STATIC_PREFIXES)
        response.direct_passthrough = False
        data = response.get_data()
        if len(data) < MIN_BYTES:
            return response
        if static:
            key = (request.path, encoding, len(data), response.headers.get("ETag"))
            body = cache.get(key, lambda: _encode(data, encoding, True))
        else:
            body = _encode(data, encoding, False)
        response.set_data(body)
        response.headers["Content-Encoding"] = encoding
        response.headers["Content-Length"] = str(len(body))
        return response

    return cache
