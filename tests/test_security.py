"""Production serving: callback fuzzing, headers, errors without tracebacks, limits, sign-in, live reloads, logs."""

from __future__ import annotations

import json
import logging
import os
import random
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from dashboard.__main__ import main
from dashboard.app import create_app
from dashboard.data.source import DataSource
from dashboard.ids import ids
from dashboard.layouts.banner import NO_DATA_TEXT, VISITOR_NOTE
from dashboard.model import render as render_module
from dashboard.server.security import configure_logging
from dashboard.testing import children, filter_body, outputs_of
from tests.conftest import FIXTURES, data_folder, touch_later


# ---------------------------------------------------------------- fuzzing the callback endpoint

NASTY = [None, True, 0, -1, 10**30, 1.5, float("inf"), "", " ", "x" * 100_000, "Water", "water", "🌊🚆", "\x00", "<script>",
         "' OR 1=1 --", [], [None], ["Water"] * 5000, list(range(3000)), {}, {"a": 1}, [{"points": [{"customdata": 1}]}],
         {"points": [{"customdata": [10**12]}]}, {"points": [{"lon": "x", "lat": None}]}, {"points": "x"}, "?sector=" * 500]


def _payloads(deps: list[dict], rng: random.Random, n: int):
    for i in range(n):
        cb = rng.choice(deps)
        inputs = [{"id": x["id"], "property": x["property"], "value": rng.choice(NASTY)} for x in cb["inputs"]]
        state = [{"id": x["id"], "property": x["property"], "value": rng.choice(NASTY)} for x in cb.get("state", [])]
        body = {"output": cb["output"], "outputs": outputs_of(cb["output"]), "inputs": inputs, "state": state,
                "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"] if inputs else []}
        mutation = i % 10
        if mutation == 1:
            body.pop(rng.choice(list(body)))  # a missing key
        elif mutation == 2:
            body["inputs"] = body["inputs"][:-1]  # too few inputs
        elif mutation == 3:
            body["output"] = "no-such.output"
        elif mutation == 4 and inputs:
            body["inputs"][0]["id"] = {"type": "x", "index": 1}  # a pattern id where none is used
        elif mutation == 5:
            body = rng.choice(NASTY)  # not an object at all
        elif mutation == 6:
            body["changedPropIds"] = [rng.choice(NASTY)]
        elif mutation == 7:
            body["outputs"] = rng.choice(NASTY)
        yield body


def test_fuzz_callback_endpoint_never_5xx(app, client):
    deps = client.get("/_dash-dependencies").get_json()
    rng = random.Random(20261122)
    statuses: dict[int, int] = {}
    for body in _payloads(deps, rng, 2000):
        r = client.post("/_dash-update-component", data=json.dumps(body, allow_nan=True), content_type="application/json")
        statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
        assert r.status_code < 500, (r.status_code, json.dumps(body)[:300], r.data[:300])
        assert b"Traceback" not in r.data and b'File "' not in r.data
    for raw in (b"", b"{", b"[1,2", b"\xff\xfe", b"null"):
        r = client.post("/_dash-update-component", data=raw, content_type="application/json")
        assert r.status_code < 500 and b"Traceback" not in r.data
    assert sum(statuses.values()) >= 2000 and statuses.get(200, 0) > 100  # many went through to the callbacks


# ---------------------------------------------------------------- headers, errors, limits


def _assert_common_headers(r):
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert "X-Request-Id" in r.headers


def test_headers_on_page_callback_export_and_embed(app, client):
    page = client.get("/")
    _assert_common_headers(page)
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "unsafe-eval" not in script_src and "unsafe-inline" not in script_src
    assert all(h in script_src for h in app.csp_hashes())
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in page.headers  # plain HTTP here
    assert client.get("/", base_url="https://dash.example.gov").headers["Strict-Transport-Security"].startswith("max-age=")
    deps = client.get("/_dash-dependencies").get_json()
    cb = client.post("/_dash-update-component", json=filter_body(deps, f"{ids.SECTOR}.value", {f"{ids.SECTOR}.value": ["Water"]}))
    assert cb.status_code == 200
    _assert_common_headers(cb)
    export = client.get("/export/projects.csv?sector=Water")
    _assert_common_headers(export)
    embed = client.get("/embed/map?sector=Water")
    _assert_common_headers(embed)
    assert "X-Frame-Options" not in embed.headers and "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    # Dash answers any unknown path with the whole app: under /embed/ too, and that must not be framable
    lookalike = client.get("/embed/map/anything")
    assert lookalike.headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in lookalike.headers["Content-Security-Policy"]


def test_debug_is_off_by_default_and_refused_off_loopback(app, capsys):
    assert app.server.debug is False and app._dev_tools.ui in (False, None)
    assert main(["run", "--host", "0.0.0.0", "--debug"]) == 2
    assert "refused on a non-loopback host" in capsys.readouterr().err


def test_forced_errors_show_no_traceback(demo, monkeypatch):
    app = create_app(demo)
    client = app.server.test_client()
    deps = client.get("/_dash-dependencies").get_json()

    def boom(*_a, **_k):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(render_module, "render", boom)
    r = client.post("/_dash-update-component", json=filter_body(deps, f"{ids.SECTOR}.value", {f"{ids.SECTOR}.value": ["Health"]}))
    assert r.status_code == 500
    assert b"secret internal detail" not in r.data and b"Traceback" not in r.data
    assert r.get_json()["reference"]
    missing = client.get("/assets/no-such-file.css")
    assert missing.status_code == 404 and b"Page not found" in missing.data and b"Traceback" not in missing.data


@pytest.mark.parametrize("opener", ["[", '{"a":', '{"output": "x", "inputs": [{"value": '])
def test_deeply_nested_bodies_are_a_400_not_a_500(client, caplog, opener):
    closer = {"[": "]", '{"a":': "}", '{"output": "x", "inputs": [{"value": ': "}]}"}[opener]
    raw = opener * 1000 + "1" + closer * 1000  # ~1,000 levels: json.loads itself gives up (RecursionError)
    r = client.post("/_dash-update-component", data=raw, content_type="application/json")
    assert r.status_code == 400 and "more than 64 levels deep" in r.get_json()["message"]
    assert b"Traceback" not in r.data and "Traceback" not in caplog.text


def test_depth_limit_counts_brackets_outside_strings_only():
    from dashboard.server.security import json_too_deep

    assert not json_too_deep(json.dumps({"a": "[" * 500, "b": ['\\"{' * 100]}).encode(), 64)
    assert not json_too_deep(b"[" * 64 + b"]" * 64, 64) and json_too_deep(b"[" * 65 + b"]" * 65, 64)


def test_request_bodies_are_capped(client):
    r = client.post("/_dash-update-component", data=b"x" * (2 * 1024 * 1024), content_type="application/json")
    assert r.status_code == 413


def test_one_json_log_line_per_request(client, caplog):
    caplog.set_level("INFO", logger="usascp.requests")
    client.get("/healthz")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "usascp.requests"]
    assert lines and lines[-1]["route"] == "/healthz" and lines[-1]["status"] == 200 and lines[-1]["ms"] >= 0


def test_the_development_server_does_not_log_each_request_a_second_time(caplog):
    configure_logging()
    caplog.set_level("INFO")
    werkzeug = logging.getLogger("werkzeug")
    werkzeug.info('%s - - [%s] %s\n', "127.0.0.1", "02/Dec/2026 01:41:39", '"GET /healthz HTTP/1.1" 200 -')
    werkzeug.info(" * Running on %s", "http://127.0.0.1:8050")
    assert [r.getMessage() for r in caplog.records if r.name == "werkzeug"] == [" * Running on http://127.0.0.1:8050"]


# ---------------------------------------------------------------- sign-in


def test_basic_auth_covers_everything_but_healthz(demo, tmp_path, monkeypatch):
    users = tmp_path / "users"
    users.write_text("# staff\nanalyst:correct horse\n")
    monkeypatch.setenv("USASCP_AUTH", "basic")
    monkeypatch.setenv("USASCP_BASIC_AUTH_FILE", str(users))
    client = create_app(demo).server.test_client()
    for url in ("/", "/_dash-layout", "/export/projects.csv", "/embed/map"):
        assert client.get(url).status_code == 401, url
    import base64

    auth = {"Authorization": "Basic " + base64.b64encode(b"analyst:correct horse").decode()}
    deps = client.get("/_dash-dependencies", headers=auth).get_json()
    body = filter_body(deps, f"{ids.SECTOR}.value", {f"{ids.SECTOR}.value": ["Water"]})
    assert client.post("/_dash-update-component", json=body).status_code == 401
    assert client.post("/_dash-update-component", json=body, headers=auth).status_code == 200
    assert client.post("/_dash-update-component", json={}).status_code in (400, 401)
    assert client.get("/healthz").status_code == 200

    assert client.get("/", headers=auth).status_code == 200
    assert client.get("/", headers={"Authorization": "Basic " + base64.b64encode(b"analyst:wrong").decode()}).status_code == 401


def test_auth_misconfiguration_refuses_to_start(demo, monkeypatch):
    from dashboard.server.auth import AuthConfigError

    monkeypatch.setenv("USASCP_AUTH", "basic")
    monkeypatch.delenv("USASCP_BASIC_AUTH_FILE", raising=False)
    with pytest.raises(AuthConfigError):
        create_app(demo)


# ---------------------------------------------------------------- live reloads through the app


def test_app_follows_data_changes_and_keeps_serving_on_a_broken_one(tmp_path):
    folder = data_folder(tmp_path)
    source = DataSource(folder, poll_seconds=0, quiet_seconds=0)
    app = create_app(source)
    client = app.server.test_client()
    deps = client.get("/_dash-dependencies").get_json()

    def projects_shown():
        body = filter_body(deps, f"{ids.STATUS}.value", {f"{ids.STATUS}.value": ["announced", "planned"]})
        r = client.post("/_dash-update-component", json=body)
        assert r.status_code == 200
        return len(r.get_json()["response"][ids.TABLE_DATA]["data"])

    assert projects_shown() == 3
    assert client.get("/healthz").get_json()["counts"]["activities"] == 3
    csv_path = folder / "projects.csv"
    csv_path.write_text(csv_path.read_text() + "new-row,New row,Water,,Department of State,,phuket,,,planned,2025,,Test source,project\n")
    touch_later(csv_path)
    assert projects_shown() == 4
    health = client.get("/healthz").get_json()
    assert health["version"] == source.version and health["counts"]["activities"] == 4
    csv_path.write_bytes((FIXTURES / "bad_date" / "projects.csv").read_bytes())
    touch_later(csv_path)
    assert projects_shown() == 4  # the last good data
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json()["rejected_update"]["error_count"] == 1
    assert "not a date" not in health.get_data(as_text=True)  # public: counts, not the data's text
    banner = _poll_banner(client, source.version)
    assert banner.status_code == 200
    # sign-in is off: a visitor sees only a neutral note, never file, line or the data's text
    assert VISITOR_NOTE in banner.get_data(as_text=True) and "projects.csv:" not in banner.get_data(as_text=True)
    assert "projects.csv:" not in client.get("/_dash-layout").get_data(as_text=True)


def _poll_banner(client, version: str, headers: dict | None = None):
    return client.post("/_dash-update-component", headers=headers or {}, json={
        "output": "..data-banner.children...data-banner.hidden..",
        "outputs": [{"id": ids.DATA_BANNER, "property": "children"}, {"id": ids.DATA_BANNER, "property": "hidden"}],
        "inputs": [{"id": ids.DATA_POLL, "property": "n_intervals", "value": 1}],
        "state": [{"id": ids.DATA_VERSION, "property": "data", "value": version}],
        "changedPropIds": [f"{ids.DATA_POLL}.n_intervals"]})


def test_signed_in_staff_see_the_rejection_details(tmp_path, monkeypatch):
    import base64

    users = tmp_path / "users"
    users.write_text("analyst:correct horse\n")
    monkeypatch.setenv("USASCP_AUTH", "basic")
    monkeypatch.setenv("USASCP_BASIC_AUTH_FILE", str(users))
    folder = data_folder(tmp_path)
    source = DataSource(folder, poll_seconds=0, quiet_seconds=0)
    client = create_app(source).server.test_client()
    (folder / "projects.csv").write_bytes((FIXTURES / "bad_date" / "projects.csv").read_bytes())
    touch_later(folder / "projects.csv")
    auth = {"Authorization": "Basic " + base64.b64encode(b"analyst:correct horse").decode()}
    text = _poll_banner(client, source.version, auth).get_data(as_text=True)
    assert "Data update rejected" in text and "projects.csv:2:11" in text and VISITOR_NOTE not in text
    assert "projects.csv:2:11" in client.get("/_dash-layout", headers=auth).get_data(as_text=True)


def test_without_valid_data_callbacks_and_exports_answer_503(tmp_path):
    client = create_app(DataSource(data_folder(tmp_path, "bad_date"), poll_seconds=0, quiet_seconds=0)).server.test_client()
    r = client.get("/healthz")
    assert r.status_code == 503 and r.get_json()["status"] == "no valid data"
    assert client.get("/").status_code == 200  # the page still answers, saying the data is not available
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert NO_DATA_TEXT in layout and "0 project" not in layout and "projects.csv:" not in layout
    deps = client.get("/_dash-dependencies").get_json()
    cb = client.post("/_dash-update-component", json=filter_body(deps, f"{ids.SECTOR}.value", {f"{ids.SECTOR}.value": ["Water"]}))
    assert cb.status_code == 503 and cb.mimetype == "text/plain" and cb.get_data(as_text=True).strip() == NO_DATA_TEXT
    for url in ("/export/projects.csv", "/export/projects.xlsx", "/export/map.html", "/embed/map"):
        r = client.get(url)
        assert r.status_code == 503 and NO_DATA_TEXT in r.get_data(as_text=True), url


# ---------------------------------------------------------------- the production command


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(tmp_path, workers: int = 2):
    """`python -m dashboard serve` on a free loopback port, once /healthz answers: (process, port, first health).

    Its output goes to files, not pipes: a pipe nobody reads while the test waits fills up (64 KB, a few
    hundred request log lines) and then every process of the server blocks on its next log line."""
    port = _free_port()
    out, err = (open(tmp_path / f"serve-{port}.{name}", "w+b") for name in ("out", "err"))
    proc = subprocess.Popen([sys.executable, "-m", "dashboard", "serve", "--workers", str(workers), "--port", str(port),
                             "--data-dir", str(data_folder(tmp_path))], stdout=out, stderr=err,
                            start_new_session=True)
    proc.logs = (out, err)
    deadline, body = time.time() + 60, None
    while time.time() < deadline and body is None and proc.poll() is None:
        try:
            body = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read())
        except OSError:
            time.sleep(0.3)
    return proc, port, body


def _stop(proc) -> tuple[str, str]:
    """Stop the server; what it wrote to stdout and stderr."""
    os.killpg(proc.pid, 15)
    proc.wait(timeout=30)
    texts = []
    for log in proc.logs:
        log.seek(0)
        texts.append(log.read().decode(errors="replace"))
        log.close()
    return texts[0], texts[1]


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _tree(pid: int) -> list[int]:
    """``pid``'s descendants."""
    out = []
    for kid in children(pid):
        out += [kid, *_tree(kid)]
    return out


def _renderers(master: int) -> list[int]:
    return [pid for pid in children(master) if "dashboard renderer" in _cmdline(pid)]


def _browsers(pid: int) -> list[int]:
    """Chromium's main processes under ``pid`` (its helpers carry --type=...)."""
    return [p for p in _tree(pid) if "chrom" in _cmdline(p).split(" ")[0] and "--type=" not in _cmdline(p)]


def test_serve_runs_gunicorn_workers(tmp_path):
    proc, port, body = _serve(tmp_path)
    try:
        assert body and body["counts"]["activities"] == 3
        assert len(set(children(proc.pid)) - set(_renderers(proc.pid))) == 2
        # any worker answers any request the same way, and names the data by the same version
        pages = {urllib.request.urlopen(f"http://127.0.0.1:{port}/_dash-layout", timeout=10).read() for _ in range(6)}
        assert len(pages) == 1
        versions = {json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10).read())["version"]
                    for _ in range(6)}
        assert versions == {body["version"]}
    finally:
        _, err = _stop(proc)
    # one log line per request (not one from us and another from a second handler)
    lines = [line for line in err.splitlines() if '"route": "/_dash-layout"' in line]
    assert len(lines) == 6, err[-3000:]


def test_idle_connections_do_not_block_the_server(tmp_path):
    """Two clients that connect and send nothing (a browser's preconnect) used to hold both sync workers."""
    proc, port, body = _serve(tmp_path)
    idle = []
    try:
        assert body is not None
        for _ in range(2):
            idle.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        time.sleep(0.5)  # let the workers take the idle connections
        # not a speed check: with the connections held, /healthz did not answer at all within 5 s
        answer = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read())
        assert answer["status"] == "ok"
    finally:
        for sock in idle:
            sock.close()
        _stop(proc)


def _export_until_ok(url: str, seconds: float = 90) -> list:
    """GET ``url`` until it answers 200: every answer, a 503 as (503, its Retry-After)."""
    answers: list = []
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            answers.append(urllib.request.urlopen(url, timeout=120).status)
            break
        except urllib.error.HTTPError as exc:
            answers.append((exc.code, exc.headers.get("Retry-After")))
            time.sleep(0.5)
    return answers


def test_serve_renders_every_image_in_one_shared_renderer(tmp_path):
    """One Chromium per server, under the renderer the master started, whichever worker takes the export.

    (The renderer's restart after it dies is tested on the Supervisor itself, in tests/test_renderer.py. A
    kill-and-wait version of this test passed alone and failed twice inside the full suite, the first renderer
    still alive at the end and the workers refused by its socket after the kill: see the closing note of
    2026-12-02, to be understood before it comes back.)"""
    proc, port, body = _serve(tmp_path)
    url = f"http://127.0.0.1:{port}/export/sectors.png"
    try:
        assert body is not None
        [rend] = _renderers(proc.pid)
        for _ in range(4):  # gunicorn hands connections to either worker (the first may find the renderer starting)
            assert _export_until_ok(url)[-1] == 200
        workers = set(children(proc.pid)) - {rend}
        assert len(workers) == 2 and all(_browsers(w) == [] for w in workers)
        assert len(_browsers(rend)) == 1
    finally:
        _, err = _stop(proc)
    assert "Traceback" not in err and "kaleido" not in err and "choreographer" not in err, err[-3000:]


# ---------------------------------------------------------------- review findings, kept fixed


def test_xlsx_strips_control_characters_before_neutralising(tmp_path):
    import io as _io

    from openpyxl import load_workbook

    from dashboard.data import load_dataset
    from dashboard.exports import export

    folder = data_folder(tmp_path)
    text = (folder / "projects.csv").read_text().replace("Digital economy research", '\x01=HYPERLINK("http://x.invalid")')
    (folder / "projects.csv").write_text(text)
    content, _, _ = export(load_dataset(folder), "xlsx", "projects", "")
    sheet = load_workbook(_io.BytesIO(content))["Activities"]
    cell = next(row[1] for row in sheet.iter_rows(min_row=2) if "HYPERLINK" in str(row[1].value))  # the title column
    assert cell.value.startswith("'=") and cell.data_type == "s"  # text, not a formula


@pytest.mark.parametrize("bad_geojson", [
    '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]},'
    ' "properties": {"city_id": "x", "name": "X", "country": "X", "iso3": [], "region": "ASEAN", "ascn_pilot": true}}]}',
    '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [1' + "0" * 5000 + ', 2]}}]}',
])
def test_odd_json_is_a_data_error_not_a_crash(tmp_path, bad_geojson):
    from dashboard.data import DataError, load_dataset

    folder = data_folder(tmp_path)
    (folder / "cities.geojson").write_text(bad_geojson)
    with pytest.raises(DataError):
        load_dataset(folder)


def test_any_failure_to_load_is_a_rejected_update(tmp_path, monkeypatch):
    from dashboard.data import source as source_module

    folder = data_folder(tmp_path)
    src = DataSource(folder, poll_seconds=0, quiet_seconds=0)
    good = src.current

    def broken(_folder):
        raise PermissionError("no access")

    monkeypatch.setattr(source_module, "load_files", broken)
    touch_later(folder / "projects.csv")
    assert src.current is good and "PermissionError" in src.rejected.errors[0]


def test_commas_in_an_agency_are_refused(tmp_path):
    from dashboard.data import DataError, load_dataset

    folder = data_folder(tmp_path)
    text = (folder / "projects.csv").read_text().replace(",Department of State,U.S.", ',"Department of State, Bureau X",U.S.')
    (folder / "projects.csv").write_text(text)
    with pytest.raises(DataError, match="lead_agency: no commas"):
        load_dataset(folder)
