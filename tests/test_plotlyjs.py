"""The custom plotly.js bundle: in step with plotly (Python), served instead of the full one, enough for the page."""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
from pathlib import Path

import dash
import plotly
import pytest
from dash import Dash, dcc, html
from plotly.offline import get_plotlyjs_version

from dashboard import PACKAGE_DIR
from dashboard.server import plotlyjs
from dashboard.app import create_app
from dashboard.testing import MAP_STATE_JS, open_page

VENDOR = PACKAGE_DIR / "vendor"
BUNDLE = VENDOR / "plotly-usascp.min.js"
ENTRY = PACKAGE_DIR.parent / "plotlyjs" / "index.js"
FULL = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
REBUILD = "run scripts/build_plotly.sh and commit dashboard/vendor/"
SMALL = 2_000_000  # bytes: the bundle is about 1.4 MB, the full plotly.min.js 4.8 MB
#: where dash-renderer's lazy loader fetches plotly.js when window.Plotly is missing
DASH_LAZY_URL = "/_dash-component-suites/plotly/package_data/plotly.min.js"


@pytest.fixture(scope="module")
def manifest():
    return json.loads((VENDOR / "plotly-usascp.json").read_text())


@pytest.fixture(scope="module")
def app(tiny):
    return create_app(tiny)


@pytest.fixture()
def client(app):
    return app.server.test_client()


def script_urls(page_html: str) -> list[str]:
    return re.findall(r'<script[^>]*\ssrc="([^"]+)"', page_html)


def plotly_script_url(client) -> str:
    found = [u for u in script_urls(client.get("/").get_data(as_text=True)) if "plotly" in u]
    assert len(found) == 1, f"expected one plotly.js script on the page, found {found}"
    return found[0]


class Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture()
def warnings_logged():
    handler = Records()
    plotlyjs.log.addHandler(handler)
    yield handler.messages
    plotlyjs.log.removeHandler(handler)


# --- the committed build -------------------------------------------------------------------------

def test_bundle_is_built_for_the_plotlyjs_that_plotly_python_bundles(manifest):
    assert manifest["plotly_js_version"] == get_plotlyjs_version(), (
        f"dashboard/vendor/plotly-usascp.min.js is plotly.js {manifest['plotly_js_version']}, but the installed "
        f"plotly (Python) bundles plotly.js {get_plotlyjs_version()}: {REBUILD}")


def test_bundle_matches_its_manifest(manifest):
    body = BUNDLE.read_bytes()
    assert hashlib.sha256(body).hexdigest() == manifest["sha256"], f"the bundle was changed by hand: {REBUILD}"
    assert len(body) == manifest["bytes"] < SMALL
    assert gzip.decompress((VENDOR / "plotly-usascp.min.js.gz").read_bytes()) == body
    assert manifest["traces"] == ["scatter", "scattergeo", "bar"]
    assert manifest["built_with"].startswith("esbuild ")
    assert "MIT" in (VENDOR / "plotly.js-LICENSE.txt").read_text()
    assert body.startswith(f"/*! plotly.js v{manifest['plotly_js_version']}".encode())


def test_entry_file_registers_the_manifest_traces(manifest):
    required = re.findall(r"require\('plotly\.js/lib/(\w+)'\)", ENTRY.read_text())
    assert required[0] == "core"
    assert ["scatter", *required[1:]] == manifest["traces"], f"plotlyjs/index.js changed: {REBUILD}"


def figures(node):
    """Every figure in a /_dash-layout response: a dcc.Graph's, or one waiting in its store."""
    if isinstance(node, dict):
        for prop in ("figure", "data"):
            if isinstance(node.get(prop), dict) and "data" in node[prop] and "layout" in node[prop]:
                yield node[prop]
        for value in node.values():
            yield from figures(value)
    elif isinstance(node, list):
        for value in node:
            yield from figures(value)


def test_figures_use_only_bundled_traces_and_typed_arrays(client, manifest):
    response = client.get("/_dash-layout")
    found = list(figures(response.get_json()))
    assert len(found) >= 6  # the map and the charts
    # (layout.template.data may name other trace types: plotly.js only uses those for traces of that type)
    types = {trace.get("type", "scatter") for fig in found for trace in fig["data"]}
    missing = types - set(manifest["traces"])
    assert not missing, f"the page draws {missing}: register them in plotlyjs/index.js, then {REBUILD}"
    # plotly.py 7 sends numpy arrays as base64 typed arrays ({dtype, bdata}); the bundle must decode them
    assert '"bdata"' in json.dumps([fig["data"] for fig in found])


# --- the Flask side ------------------------------------------------------------------------------

def test_page_asks_for_the_small_bundle_and_gets_it(client, manifest):
    url = plotly_script_url(client)
    assert manifest["sha256"][:16] in url and "plotly.min.js" not in url
    r = client.get(url)
    assert r.status_code == 200
    assert r.mimetype == "text/javascript"
    assert len(r.data) == manifest["bytes"] < SMALL
    assert hashlib.sha256(r.data).hexdigest() == manifest["sha256"]
    assert "max-age=31536000" in r.headers["Cache-Control"]


def test_dash_renderer_lazy_plotly_url_serves_the_bundle_too(client, manifest):
    renderer = (Path(dash.__file__).parent / "dash-renderer" / "build" / "dash_renderer.min.js").read_text()
    assert "_dash-component-suites/plotly/package_data/plotly.min.js" in renderer, (
        "dash-renderer no longer loads plotly.js from that URL: check dashboard/plotlyjs.py against the new Dash")
    for url in (DASH_LAZY_URL, DASH_LAZY_URL.replace("plotly.min.js", "plotly.v7_1_0m1700000000.min.js")):
        r = client.get(url)
        assert r.status_code == 200, url
        assert hashlib.sha256(r.data).hexdigest() == manifest["sha256"], url
        assert r.headers["Cache-Control"] == "no-cache"


def test_precompressed_copies_are_served_to_browsers_that_accept_them(client, manifest):
    url = plotly_script_url(client)
    r = client.get(url, headers={"Accept-Encoding": "gzip, deflate"})
    assert r.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in r.headers["Vary"]
    assert len(r.data) == manifest["gzip_bytes"]
    assert hashlib.sha256(gzip.decompress(r.data)).hexdigest() == manifest["sha256"]
    br = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert br.headers["Content-Encoding"] == "br" and len(br.data) == manifest["brotli_bytes"]
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_install_is_per_app_idempotent_and_leaves_dcc_alone(tiny):
    first = create_app(tiny)
    dist_before = list(dcc._js_dist)
    plotlyjs.install(first)  # again
    second = create_app(tiny)  # Dash() itself appends to dcc._js_dist; install must add nothing there
    assert dcc._js_dist[:len(dist_before)] == dist_before
    assert not any("plotly-usascp" in str(d) for d in dcc._js_dist)
    for a in (first, second):
        assert plotly_script_url(a.server.test_client()).count("plotly-usascp") == 1
    bare = Dash(__name__)
    bare.layout = html.Div()
    assert [u for u in script_urls(bare.server.test_client().get("/").get_data(as_text=True)) if "plotly" in u] == []


def test_with_eager_loading_dashs_own_plotly_tag_gets_the_bundle(manifest):
    eager = Dash(__name__, eager_loading=True)
    eager.layout = dcc.Graph()
    plotlyjs.install(eager)
    client = eager.server.test_client()
    # one URL: Dash's own tag, not a second one of ours. (Dash repeats that tag once per Dash() built in
    # the process, as every Dash() appends plotly.js to the module-global dcc._js_dist again.)
    found = {u for u in script_urls(client.get("/").get_data(as_text=True)) if "plotly" in u}
    assert len(found) == 1 and "/plotly/package_data/plotly.v" in next(iter(found))
    assert hashlib.sha256(client.get(found.pop()).data).hexdigest() == manifest["sha256"]


def test_without_the_bundle_dash_serves_the_full_plotlyjs(tmp_path, warnings_logged):
    bare = Dash(__name__)
    bare.layout = dcc.Graph()
    plotlyjs.install(bare, vendor_dir=tmp_path)
    assert any("cannot read the custom plotly.js bundle" in m for m in warnings_logged)
    client = bare.server.test_client()
    assert [u for u in script_urls(client.get("/").get_data(as_text=True)) if "plotly" in u] == []
    assert len(client.get(DASH_LAZY_URL).data) == FULL.stat().st_size


def test_a_bundle_for_another_plotlyjs_is_not_used(monkeypatch, warnings_logged):
    monkeypatch.setattr(plotlyjs, "_plotlyjs_version", lambda: "0.0.1")
    bare = Dash(__name__)
    bare.layout = dcc.Graph()
    plotlyjs.install(bare)
    assert any("scripts/build_plotly.sh" in m for m in warnings_logged)
    assert [u for u in script_urls(bare.server.test_client().get("/").get_data(as_text=True)) if "plotly" in u] == []


# --- a real browser ------------------------------------------------------------------------------

@pytest.mark.browser
def test_browser_downloads_only_the_small_bundle_and_the_map_draws(server, browser, watch, manifest):
    page = open_page(browser, watch)
    responses = []
    page.on("response", lambda r: responses.append(r))
    page.goto(server.url + "/")
    page.wait_for_function("() => document.querySelectorAll('#map .scattergeo path.point').length > 0 "
                           "&& document.querySelector('#map .geo .countries path')", timeout=20000)
    page.wait_for_load_state("networkidle")
    state = page.evaluate(MAP_STATE_JS)
    version = page.evaluate("() => window.Plotly && window.Plotly.version")

    # the modebar's download button still works and honours toImageButtonOptions
    page.hover("#map .js-plotly-plot")
    with page.expect_download(timeout=20000) as download:
        page.click('#map .modebar-btn[data-title^="Download plot"]')
    filename = download.value.suggested_filename

    sizes = {}
    for r in responses:
        try:
            sizes[r.url] = len(r.body())
        except Exception:  # a redirect or a response without a body
            sizes[r.url] = 0

    big = {u: n for u, n in sizes.items() if n > 3_000_000}
    assert big == {}, f"downloaded more than 3 MB at once: {big}"
    assert not any("plotly.min.js" in u for u in sizes), [u for u in sizes if "plotly" in u]
    bundle = [u for u in sizes if "plotly-usascp" in u]
    assert len(bundle) == 1 and sizes[bundle[0]] == manifest["bytes"]
    assert version == manifest["plotly_js_version"]
    assert any("/assets/topojson/" in u for u in sizes)  # config.topojsonURL: outlines from the app itself
    assert state["outline_chars"] > 10000
    assert state["drawn_points"] == 12 + 7  # and the seven ASEAN cities again, in the enlarged inset
    assert state["inset_points"] == 7  # the demo data's twelve cities
    assert state["markers"] == {"ASCN pilot city": 6, "Other ASEAN city": 1, "U.S. partner city": 5}  # decoded from typed arrays
    assert re.fullmatch(r"usascp-map-\d{4}-\d{2}-\d{2}\.png", filename)  # named for the filters and the day
    watch.assert_clean()
