"""Serve the dashboard's own small plotly.js build instead of Dash's full 4.8 MB plotly.min.js.

``dashboard/vendor/plotly-usascp.min.js`` is plotly.js core plus only the trace types the
dashboard draws (scatter, scattergeo, bar), built by ``scripts/build_plotly.sh`` from the
plotly.js version the installed Python ``plotly`` bundles.

How Dash loads plotly.js (4.4): ``Dash._setup_plotlyjs`` adds ``plotly/package_data/plotly.min.js``
to ``dcc._js_dist`` as an ``async: "eager"`` resource, which is *not* written into the page
(unless ``eager_loading=True``). Instead dash-renderer sets ``window._dashPlotlyJSURL`` to the
unfingerprinted ``<prefix>_dash-component-suites/plotly/package_data/plotly.min.js``, and the
first ``dcc.Graph`` to mount loads that URL only if ``window.Plotly`` is not there yet.

:func:`install` therefore, for one app and without touching the module-global ``dcc._js_dist``:

* adds a ``<script>`` for the bundle to that app's page (``app.scripts``), at a URL carrying the
  bundle's sha256, so ``window.Plotly`` exists before any graph mounts and the browser may cache
  the file for a year;
* answers that URL, and also the plotly.min.js URL above (fingerprinted or not, as a safety net
  should dash-renderer still ask for it), from a ``before_request`` hook on the app's Flask
  server, choosing the precompressed ``.br`` / ``.gz`` copy the browser accepts.

If the bundle is missing, damaged or built for another plotly.js version, it logs a warning
and leaves Dash's default behaviour alone.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import dash
import flask
from dash.fingerprint import check_fingerprint
from plotly.offline import get_plotlyjs_version

from dashboard import PACKAGE_DIR

log = logging.getLogger(__name__)

VENDOR_DIR = PACKAGE_DIR / "vendor"
NAME = "plotly-usascp"
#: where Dash (and dash-renderer's lazy loader) fetch plotly.js from, under the app's prefix
DASH_PLOTLY_DIR = "_dash-component-suites/plotly/package_data/"
DASH_PLOTLY_FILE = "plotly.min.js"
#: where this module serves the bundle, under the app's prefix; {} is the sha256's first 16 hex digits
BUNDLE_URL = "_dash-component-suites/dashboard/vendor/" + NAME + ".{}.min.js"
#: best first; "" is the file as it is
ENCODINGS = (("br", ".br"), ("gzip", ".gz"), ("", ""))
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"  # the plotly.min.js URL does not change with the bundle: check the ETag each time

_INSTALLED = "_usascp_plotlyjs_installed"


class BundleError(Exception):
    """The vendored bundle cannot be used; the message says why."""


@dataclass(frozen=True)
class Bundle:
    plotly_js_version: str
    traces: tuple[str, ...]
    sha256: str
    #: content-coding ("br", "gzip", "") -> bytes; "" is always there
    bodies: dict[str, bytes]

    @property
    def tag(self) -> str:
        return self.sha256[:16]


@functools.lru_cache(maxsize=4)
def load_bundle(vendor_dir: Path = VENDOR_DIR) -> Bundle:
    """The bundle, its manifest and its precompressed copies, checked against the manifest; read once per folder."""
    vendor_dir = Path(vendor_dir)
    try:
        manifest = json.loads((vendor_dir / f"{NAME}.json").read_text())
        body = (vendor_dir / f"{NAME}.min.js").read_bytes()
    except (OSError, ValueError) as e:
        raise BundleError(f"cannot read the custom plotly.js bundle in {vendor_dir}: {e}") from e
    sha = hashlib.sha256(body).hexdigest()
    if sha != manifest.get("sha256"):
        raise BundleError(f"{NAME}.min.js does not match the sha256 in {NAME}.json: run scripts/build_plotly.sh")
    bodies = {"": body}
    for coding, suffix in ENCODINGS:
        copy = vendor_dir / f"{NAME}.min.js{suffix}"
        if suffix and copy.is_file():
            data = copy.read_bytes()
            if len(data) == manifest.get(f"{'brotli' if coding == 'br' else coding}_bytes"):
                bodies[coding] = data
            else:  # left over from another build: serve the plain file rather than a stale copy
                log.warning("%s does not match %s.json; not serving it", copy.name, NAME)
    return Bundle(str(manifest.get("plotly_js_version")), tuple(manifest.get("traces") or ()), sha, bodies)


def _plotlyjs_version() -> str:
    """The plotly.js version the installed plotly (Python) bundles: the one Dash would serve."""
    return get_plotlyjs_version()


def install(app: dash.Dash, vendor_dir: Path | None = None) -> None:
    """Make ``app``'s page load the custom plotly.js bundle, never the full plotly.min.js.

    Idempotent per app; affects only this app (its page scripts and its own URL prefix).
    """
    if getattr(app, _INSTALLED, False):
        return
    server = app.server
    if not isinstance(server, flask.Flask):
        log.warning("custom plotly.js bundle not installed: the app's server is %r, not Flask; "
                    "Dash will serve the full plotly.min.js", type(server).__name__)
        return
    try:
        bundle = load_bundle(Path(vendor_dir) if vendor_dir else VENDOR_DIR)
        wanted = _plotlyjs_version()
        if bundle.plotly_js_version != wanted:
            raise BundleError(f"the bundle is plotly.js {bundle.plotly_js_version} but plotly (Python) "
                              f"bundles {wanted}: run scripts/build_plotly.sh")
    except BundleError as e:
        log.warning("%s; Dash will serve the full plotly.min.js", e)
        return

    routes = app.config.routes_pathname_prefix
    bundle_path = BUNDLE_URL.format(bundle.tag)
    own = routes + bundle_path
    dash_dir = routes + DASH_PLOTLY_DIR

    def serve_plotlyjs():
        if flask.request.method not in ("GET", "HEAD"):
            return None
        path = flask.request.path
        if path == own:
            cache = IMMUTABLE
        elif path.startswith(dash_dir) and check_fingerprint(path[len(dash_dir):])[0] == DASH_PLOTLY_FILE:
            cache = REVALIDATE
        else:
            return None
        return _response(bundle, cache)

    server.before_request(serve_plotlyjs)
    if not app.config.eager_loading:
        # With eager_loading Dash writes its own (fingerprinted) plotly.min.js tag, which the hook
        # answers with the bundle; a second tag would only load it twice.
        app.scripts.append_script({"external_url": app.config.requests_pathname_prefix + bundle_path,
                                   "external_only": True})
    setattr(app, _INSTALLED, True)
    log.debug("serving plotly.js %s (%s) at %s", bundle.plotly_js_version, ", ".join(bundle.traces), own)


def _response(bundle: Bundle, cache: str) -> flask.Response:
    accepted = flask.request.accept_encodings
    coding = next(c for c, _ in ENCODINGS if c in bundle.bodies and (not c or accepted[c] > 0))
    response = flask.Response(bundle.bodies[coding], mimetype="text/javascript")
    if coding:
        response.content_encoding = coding
    response.vary.add("Accept-Encoding")
    response.set_etag(f"{bundle.tag}-{coding or 'identity'}")
    response.headers["Cache-Control"] = cache
    return response.make_conditional(flask.request)
