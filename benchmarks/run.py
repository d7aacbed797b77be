"""The performance suite: one command, JSON + Markdown results, targets and ratios to a reference app.

    .venv/bin/python -m benchmarks.run                 # shipped, 1k/10k and 10k/100k
    .venv/bin/python -m benchmarks.run --sizes shipped # just the shipped data

Measures, for the dashboard and for the plain reference app (benchmarks/reference_app.py)
over the same files, in one run on this machine:
  - cold page load in headless Chromium (system chromium, non-loopback requests blocked):
    bytes on the wire and time from navigation to the map drawn (outlines and markers), on
    loopback and on an emulated 10 Mbit/s, 40 ms link;
  - filter callback server time (p50/p95 over >= 200 calls, through Flask's test client,
    with compression) and response sizes; browser time from a filter change to the map redrawn;
  - worker RSS after load, and filter-callback throughput under gunicorn with 2 workers (wrk).
Writes benchmarks/results/latest.json and latest.md, and the README's table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import DEFAULT_DATA_DIR  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
DATA_CACHE = ROOT / "benchmarks" / ".data"
PYTHON = sys.executable
SIZES = {"shipped": None, "1k-10k": (1000, 10000), "10k-100k": (10000, 100000)}
TARGETS = {
    "shipped": {"load_bytes": 1_000_000, "load_ms": 1000, "load_slow_ms": 1500, "server_p95_ms": 25,
                "redraw_p95_ms": 200, "response_bytes": 15_000, "throughput_rps": 300},
    "10k-100k": {"server_p95_ms": 100, "redraw_p95_ms": 400, "response_bytes": 1_000_000, "rss_mb": 400},
    "1k-10k": {"response_bytes": 1_000_000},
}
SLOW_LINK = {"offline": False, "latency": 40, "downloadThroughput": 10e6 / 8, "uploadThroughput": 10e6 / 8}


# ------------------------------------------------------------------ helpers


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def data_dir(size: str) -> Path:
    if SIZES[size] is None:
        return DEFAULT_DATA_DIR
    cities, projects = SIZES[size]
    out = DATA_CACHE / size
    if not (out / "projects.csv").exists():
        subprocess.run([PYTHON, "-m", "dashboard", "synth", "--cities", str(cities), "--projects", str(projects),
                        "-o", str(out)], check=True, cwd=ROOT)
    return out


class Gunicorn:
    """`gunicorn -w 2 APP` on a free loopback port, ready when / answers."""

    def __init__(self, app: str, data: Path, workers: int = 2, ready_timeout: float = 180):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "USASCP_DATA_DIR": str(data), "PYTHONPATH": str(ROOT), "USASCP_LOG_LEVEL": "WARNING"}
        # logs go to a file: an unread pipe would fill and stall the workers
        self.log = tempfile.NamedTemporaryFile("w+", prefix="bench-gunicorn-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{self.port}", "--timeout", "300",
             "--log-level", "warning", app], cwd=ROOT, env=env, stdout=self.log, stderr=self.log,
            start_new_session=True)
        deadline = time.time() + ready_timeout
        self.ready = False
        while time.time() < deadline and self.proc.poll() is None:
            try:
                with urllib.request.urlopen(self.url + "/", timeout=60) as r:
                    if r.status == 200:
                        self.ready = True
                        break
            except OSError:
                time.sleep(0.5)

    def worker_rss_mb(self) -> list[float]:
        from tests.test_security import children

        kids = children(self.proc.pid)
        out = []
        for pid in kids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            out.append(round(kb / 1024, 1))
        return out

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)


# ------------------------------------------------------------------ server side (in process)


def our_states(dataset) -> list[dict]:
    """Distinct filter events: each sector, several countries and agencies, statuses, cities, and combinations."""
    from dashboard import filters
    from dashboard.ids import ids

    allowed = filters.choices(dataset)
    busiest = dataset.project_cities["city_id"].value_counts().index[:6].tolist()
    events = [(f"{ids.SECTOR}.value", {f"{ids.SECTOR}.value": [s]}) for s in allowed.sectors]
    events += [(f"{ids.COUNTRY}.value", {f"{ids.COUNTRY}.value": [c]}) for c in allowed.countries[:8]]
    events += [(f"{ids.AGENCY}.value", {f"{ids.AGENCY}.value": [a]}) for a in allowed.agencies[:6]]
    events += [(f"{ids.STATUS}.value", {f"{ids.STATUS}.value": [s]}) for s in allowed.statuses]
    events += [(f"{ids.CITY}.value", {f"{ids.CITY}.value": c}) for c in busiest]
    events += [(f"{ids.SECTOR}.value", {f"{ids.SECTOR}.value": [s], f"{ids.COUNTRY}.value": [c]})
               for s in allowed.sectors[:3] for c in allowed.countries[:3]]
    return [{"trigger": t, "values": v} for t, v in events]


def server_side(data: Path, calls: int = 240) -> dict:
    """Filter-callback server time and response sizes through Flask's test client (compressed as a browser asks)."""
    import gzip

    from dashboard.app import create_app
    from dashboard.data import load_dataset
    from tests.payloads import filter_body

    t0 = time.perf_counter()
    dataset = load_dataset(data)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    app = create_app(dataset)
    create_s = time.perf_counter() - t0
    client = app.server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    bodies = [json.dumps(filter_body(deps, e["trigger"], e["values"])) for e in our_states(dataset)]
    first, all_ms, raw, wire = [], [], [], []
    headers = {"Accept-Encoding": "gzip, deflate, br", "Content-Type": "application/json"}
    for i in range(max(calls, len(bodies))):
        body = bodies[i % len(bodies)]
        t = time.perf_counter()
        r = client.post("/_dash-update-component", data=body, headers=headers)
        ms = (time.perf_counter() - t) * 1000
        assert r.status_code == 200, (r.status_code, r.data[:200])
        all_ms.append(ms)
        if i < len(bodies):
            first.append(ms)
            wire.append(len(r.data))
            raw.append(len(_decoded(r)))
    return {
        "load_data_s": round(load_s, 2), "create_app_s": round(create_s, 2), "calls": len(all_ms),
        "distinct_states": len(bodies),
        "server_p50_ms": round(pct(all_ms, 0.5), 1), "server_p95_ms": round(pct(all_ms, 0.95), 1),
        "server_uncached_p50_ms": round(pct(first, 0.5), 1), "server_uncached_p95_ms": round(pct(first, 0.95), 1),
        "response_raw_max_bytes": max(raw), "response_raw_median_bytes": int(statistics.median(raw)),
        "response_wire_max_bytes": max(wire), "response_wire_median_bytes": int(statistics.median(wire)),
        "_gzip": gzip.__name__,
    }


def _decoded(r) -> bytes:
    import gzip

    enc = r.headers.get("Content-Encoding")
    if enc == "br":
        import brotli

        return brotli.decompress(r.data)
    if enc == "gzip":
        return gzip.decompress(r.data)
    return r.data


def reference_server_side(data: Path, calls: int = 200, budget_s: float = 120) -> dict:
    """The reference app's callback, same method (no compression: it has none)."""
    env = {**os.environ, "USASCP_DATA_DIR": str(data)}
    code = f"""
import json, time, sys
sys.path.insert(0, {str(ROOT)!r})
t0 = time.perf_counter()
from benchmarks import reference_app as ref
create_s = time.perf_counter() - t0
c = ref.server.test_client()
sectors = sorted(ref.projects["sector"].unique())
ms, size = [], []
deadline = time.time() + {budget_s}
for i in range({calls}):
    if time.time() > deadline:
        break
    body = {{"output": "map.figure", "outputs": {{"id": "map", "property": "figure"}},
            "inputs": [{{"id": "sector", "property": "value", "value": sectors[i % len(sectors)]}}],
            "changedPropIds": ["sector.value"], "state": []}}
    t = time.perf_counter()
    r = c.post("/_dash-update-component", json=body, headers={{"Accept-Encoding": "gzip, br"}})
    ms.append((time.perf_counter() - t) * 1000)
    size.append(len(r.data))
print(json.dumps({{"create_app_s": create_s, "ms": ms, "size": size}}))
"""
    try:
        out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT,
                             timeout=budget_s * 3)
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish within {budget_s * 3:.0f} s"}
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr else "failed"}
    res = json.loads(out.stdout.strip().splitlines()[-1])
    ms, size = res["ms"], res["size"]
    return {"create_app_s": round(res["create_app_s"], 2), "calls": len(ms),
            "server_p50_ms": round(pct(ms, 0.5), 1), "server_p95_ms": round(pct(ms, 0.95), 1),
            "response_raw_max_bytes": max(size), "response_wire_max_bytes": max(size)}


# ------------------------------------------------------------------ browser


DRAWN_JS = ("() => document.querySelectorAll('#map .scattergeo path.point').length > 0 "
            "&& !!document.querySelector('#map .geo .countries path')")


def page_load(browser, url: str, slow: bool, runs: int, timeout_s: float = 120) -> dict:
    """Median bytes on the wire and ms from navigation to map drawn, cold cache each run."""
    from tests.browser import Watch, open_page

    times, sizes, externals = [], [], 0
    for _ in range(runs):
        watch = Watch()
        page = open_page(browser, watch)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        if slow:
            cdp.send("Network.emulateNetworkConditions", SLOW_LINK)
        got: dict[str, float] = {}
        cdp.on("Network.loadingFinished", lambda e: got.__setitem__(e["requestId"], e["encodedDataLength"]))
        t = time.perf_counter()
        try:
            page.goto(url, timeout=timeout_s * 1000)
            page.wait_for_function(DRAWN_JS, timeout=timeout_s * 1000, polling=20)
        except Exception as exc:  # noqa: BLE001 - a reference that never draws is a result, not a crash
            page.context.close()
            return {"error": f"map not drawn within {timeout_s:.0f} s ({type(exc).__name__})"}
        times.append((time.perf_counter() - t) * 1000)
        page.wait_for_load_state("networkidle", timeout=timeout_s * 1000)
        sizes.append(sum(got.values()))
        externals += len(watch.external)
        page.context.close()
    return {"ms": round(statistics.median(times), 0), "bytes": int(statistics.median(sizes)),
            "runs": runs, "external_requests": externals}


REDRAW_JS = """async (search) => {
  const gd = document.querySelector('#map .js-plotly-plot');
  return await new Promise(resolve => {
    const t0 = performance.now();
    const timer = setTimeout(() => { gd.removeListener('plotly_afterplot', done); resolve(null); }, 15000);
    const done = () => { clearTimeout(timer); gd.removeListener('plotly_afterplot', done); resolve(performance.now() - t0); };
    gd.on('plotly_afterplot', done);
    history.pushState({}, '', search);
    window.dispatchEvent(new PopStateEvent('popstate'));
  });
}"""


def redraw(browser, url: str, searches: list[str], rounds: int = 3) -> dict:
    """Browser time from a filter change (a link followed in the page) to the map redrawn."""
    from tests.browser import Watch, open_page

    page = open_page(browser, Watch())
    page.goto(url)
    page.wait_for_function(DRAWN_JS, timeout=120000)
    page.wait_for_load_state("networkidle")
    ms, missed = [], 0
    for _ in range(rounds):
        for search in searches:
            took = page.evaluate(REDRAW_JS, search)
            if took is None:
                missed += 1  # no redraw within 15 s: counted, not hidden
            else:
                ms.append(took)
    page.context.close()
    return {"redraw_p50_ms": round(pct(ms, 0.5), 0), "redraw_p95_ms": round(pct(ms, 0.95), 0), "changes": len(ms),
            "redraw_timeouts": missed}


def our_searches(data: Path) -> list[str]:
    from dashboard import filters
    from dashboard.data import load_dataset

    allowed = filters.choices(load_dataset(data))
    out = [f"?sector={s.replace('&', '%26').replace(' ', '%20')}" for s in allowed.sectors]
    out += [f"?country={c}" for c in allowed.countries[:6]]
    # alternate with the unfiltered view so every step changes the map
    return [x for s in out for x in (s, "?")]


# ------------------------------------------------------------------ throughput


WRK_LUA = """
local bodies = {BODIES}
local i = 0
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", "/_dash-update-component",
    {{["Content-Type"] = "application/json", ["Accept-Encoding"] = "gzip"}}, bodies[i])
end
"""


def throughput(url: str, bodies: list[str], seconds: int = 8, connections: int = 4) -> dict:
    if not shutil.which("wrk"):
        return {"error": "wrk not installed (apt-get install wrk)"}
    lua = WRK_LUA.replace("{BODIES}", "{" + ",".join(json.dumps(b) for b in bodies) + "}").replace("{{", "{").replace("}}", "}")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(lua)
    # warm every worker's render cache first, as a real server is warm after its first visitors
    for b in bodies * 2:
        req = urllib.request.Request(url + "/_dash-update-component", data=b.encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req, timeout=300).read()
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", fh.name, url],
                         capture_output=True, text=True).stdout
    os.unlink(fh.name)
    rps = next((float(line.split()[1]) for line in out.splitlines() if line.startswith("Requests/sec")), float("nan"))
    bad = next((int(line.split()[-1]) for line in out.splitlines() if "Non-2xx" in line), 0)
    return {"rps": round(rps, 0), "non_2xx": bad, "seconds": seconds, "connections": connections}


# ------------------------------------------------------------------ the run


def measure_size(size: str, browser, quick: bool) -> dict:
    data = data_dir(size)
    print(f"[{size}] data: {data}", flush=True)
    res: dict = {"data": str(data.relative_to(ROOT)) if data.is_relative_to(ROOT) else str(data)}
    res["ours"] = server_side(data, calls=80 if quick else 240)
    print(f"[{size}] server: {res['ours']}", flush=True)
    res["reference"] = reference_server_side(data, calls=40 if quick else 200, budget_s=60 if quick else 120)
    print(f"[{size}] reference server: {res['reference']}", flush=True)
    from dashboard.data import load_dataset
    from tests.payloads import filter_body

    for name, app in (("ours", "dashboard.app:server"), ("reference", "benchmarks.reference_app:server")):
        slow_build = res[name].get("create_app_s", 0) > 30
        if slow_build:  # e.g. the reference at 100,000 projects: a minute per worker before its first page
            note = f"not measured in the browser: the app takes {res[name]['create_app_s']:.0f} s to build its figure"
            res[name].update(load={"error": note}, load_slow_link={"error": note})
            print(f"[{size}] {name}: {note}", flush=True)
            continue
        srv = Gunicorn(app, data)
        if not srv.ready:
            res[name]["gunicorn"] = {"error": "server did not start within 180 s"}
            srv.stop()
            continue
        try:
            urllib.request.urlopen(srv.url + "/", timeout=300).read()  # warm
            runs = 2 if quick else 5
            res[name]["load"] = page_load(browser, srv.url + "/", slow=False, runs=runs)
            res[name]["load_slow_link"] = page_load(browser, srv.url + "/", slow=True, runs=max(1, runs // 2))
            res[name]["rss_mb_per_worker"] = srv.worker_rss_mb()
            if name == "ours":
                res[name].update(redraw(browser, srv.url + "/", our_searches(data), rounds=1 if quick else 3))
                client_deps = json.loads(urllib.request.urlopen(srv.url + "/_dash-dependencies").read())
                ds = load_dataset(data)
                bodies = [json.dumps(filter_body(client_deps, e["trigger"], e["values"])) for e in our_states(ds)[:12]]
            else:
                sectors = ["Water", "Transportation", "Health", "Capacity Building"]
                bodies = [json.dumps({"output": "map.figure", "outputs": {"id": "map", "property": "figure"},
                                      "inputs": [{"id": "sector", "property": "value", "value": s}],
                                      "changedPropIds": ["sector.value"], "state": []}) for s in sectors]
            res[name]["throughput"] = throughput(srv.url, bodies, seconds=4 if quick else 8)
        finally:
            srv.stop()
        print(f"[{size}] {name}: load {res[name].get('load')}, slow {res[name].get('load_slow_link')}, "
              f"rss {res[name].get('rss_mb_per_worker')}, tput {res[name].get('throughput')}", flush=True)
    return res


def ratio(a, b) -> str:
    try:
        return f"{b / a:.1f}x" if a and b else "–"
    except TypeError:
        return "–"


def markdown(results: dict) -> str:
    lines = [f"Run {results['when']} on {results['machine']} ({results['cpus']} cores); "
             "reference = a plain Dash app over the same files (full plotly.js, one trace per pair, no compression).",
             "",
             "| data | metric | dashboard | target | reference | reference / dashboard |",
             "|---|---|---|---|---|---|"]

    def get(d, *path):
        for p in path:
            if not isinstance(d, dict) or p not in d:
                return None
            d = d[p]
        return d

    def fmt(v, unit=""):
        if v is None:
            return "–"
        if isinstance(v, float) and v != v:
            return "–"
        if unit == "KB":
            return f"{v / 1000:,.0f} KB"
        if unit == "ms":
            return f"{v:,.0f} ms"
        return f"{v:,}" if isinstance(v, int) else str(v)

    for size, r in results["sizes"].items():
        t = TARGETS.get(size, {})
        o, ref = r["ours"], r["reference"]
        rows = [
            ("cold load, bytes on the wire", get(o, "load", "bytes"), "KB", t.get("load_bytes"), get(ref, "load", "bytes")),
            ("cold load to map drawn", get(o, "load", "ms"), "ms", t.get("load_ms"), get(ref, "load", "ms")),
            ("… on 10 Mbit/s, 40 ms", get(o, "load_slow_link", "ms"), "ms", t.get("load_slow_ms"), get(ref, "load_slow_link", "ms")),
            ("filter callback, server p50", get(o, "server_p50_ms"), "ms", None, get(ref, "server_p50_ms")),
            ("filter callback, server p95", get(o, "server_p95_ms"), "ms", t.get("server_p95_ms"), get(ref, "server_p95_ms")),
            ("… first visit of a state, p95", get(o, "server_uncached_p95_ms"), "ms", None, None),
            ("filter change to map redrawn, p95", get(o, "redraw_p95_ms"), "ms", t.get("redraw_p95_ms"), None),
            ("largest callback response, on the wire", get(o, "response_wire_max_bytes"), "KB", t.get("response_bytes"), get(ref, "response_wire_max_bytes")),
            ("largest callback response, uncompressed", get(o, "response_raw_max_bytes"), "KB", None, get(ref, "response_raw_max_bytes")),
            ("worker RSS after load", max(get(o, "rss_mb_per_worker") or [0]) or None, "", t.get("rss_mb"), max(get(ref, "rss_mb_per_worker") or [0]) or None),
            ("filter callbacks/s, gunicorn 2 workers", get(o, "throughput", "rps"), "", t.get("throughput_rps"), get(ref, "throughput", "rps")),
        ]
        for label, val, unit, target, refv in rows:
            tgt = "–" if target is None else (("≤ " if "callbacks/s" not in label else "≥ ") + fmt(target, unit) + (" MB" if label.startswith("worker") else ""))
            shown = fmt(val, unit) + (" MB" if label.startswith("worker") and val else "")
            refs = (fmt(refv, unit) + (" MB" if label.startswith("worker") and refv else "")) if refv is not None else (
                get(ref, "error") or get(ref, "load", "error") or "–") if label.startswith("cold load") else fmt(refv, unit)
            better_high = "callbacks/s" in label
            rat = ratio(refv, val) if better_high else ratio(val, refv)
            lines.append(f"| {size} | {label} | {shown} | {tgt} | {refs} | {rat} |")
    return "\n".join(lines) + "\n"


def update_readme(table: str) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        readme.write_text(f"{head}{start}\n{table}{end}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run")
    ap.add_argument("--sizes", default=",".join(SIZES), help=f"comma-separated, from {', '.join(SIZES)}")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run, not for the README)")
    ap.add_argument("--keep", action="store_true", help="keep the last run's figures for the sizes not measured now")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from tests.browser import launch

    results = {"when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": platform.machine(),
               "cpus": os.cpu_count(), "python": platform.python_version(), "quick": args.quick, "sizes": {}}
    RESULTS.mkdir(parents=True, exist_ok=True)
    latest = RESULTS / "latest.json"
    if args.keep and latest.exists():  # measure some sizes again, keep the others' last figures
        results["sizes"] = json.loads(latest.read_text())["sizes"]
    with sync_playwright() as p:
        browser = launch(p)
        for size in args.sizes.split(","):
            results["sizes"][size.strip()] = measure_size(size.strip(), browser, args.quick)
            latest.write_text(json.dumps(results, indent=1) + "\n")  # after each size: a crash loses one
        browser.close()
    results["sizes"] = {k: results["sizes"][k] for k in SIZES if k in results["sizes"]}
    latest.write_text(json.dumps(results, indent=1) + "\n")
    table = markdown(results)
    (RESULTS / "latest.md").write_text(table)
    if not args.quick:
        update_readme(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
