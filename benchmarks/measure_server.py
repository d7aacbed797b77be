"""Server measures: filter-callback time and sizes in process (ours and the reference), and throughput under wrk."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

import brotli

from benchmarks.harness import PYTHON, ROOT, pct
from dashboard.app import create_app
from dashboard.data import load_dataset
from dashboard.data.build import search_texts
from dashboard.model.search import TextSearch
from dashboard.ids import ids
from dashboard.testing import filter_body

if TYPE_CHECKING:
    from dashboard.model.dataset import Dataset

# ------------------------------------------------------------------ the filter states we measure
# (the dashboard's internals are used only here and in server_side: repoint these when they move)


def our_states(dataset: Dataset) -> list[dict]:
    """Distinct filter events: each sector, several countries and agencies, statuses, cities, and combinations."""
    allowed = dataset.index.choices
    busiest = dataset.project_cities["city_id"].value_counts().index[:6].tolist()
    events = [(f"{ids.SECTOR}.value", {f"{ids.SECTOR}.value": [s]}) for s in allowed.sectors]
    events += [(f"{ids.COUNTRY}.value", {f"{ids.COUNTRY}.value": [c]}) for c in allowed.countries[:8]]
    events += [(f"{ids.AGENCY}.value", {f"{ids.AGENCY}.value": [a]}) for a in allowed.agencies[:6]]
    events += [(f"{ids.STATUS}.value", {f"{ids.STATUS}.value": [s]}) for s in allowed.statuses]
    events += [(f"{ids.CITY}.value", {f"{ids.CITY}.value": c}) for c in busiest]
    events += [(f"{ids.SECTOR}.value", {f"{ids.SECTOR}.value": [s], f"{ids.COUNTRY}.value": [c]})
               for s in allowed.sectors[:3] for c in allowed.countries[:3]]
    years = allowed.values["from"]
    events += [(f"{ids.YEAR_FROM}.value", {f"{ids.YEAR_FROM}.value": y, f"{ids.YEAR_TO}.value": y}) for y in years[:4]]
    events += [(f"{ids.QUERY}.value", {f"{ids.QUERY}.value": q}) for q in search_words(dataset)]
    return [{"trigger": t, "values": v} for t, v in events]


def search_words(dataset: Dataset, n: int = 6) -> list[str]:
    """Searches a person might type: the first word of a few project titles, and two words of one."""
    titles = list(dataset.projects["title"].iloc[:: max(1, len(dataset.projects) // n)][:n])
    out = [t.split()[0] for t in titles if t.split()]
    return out + [" ".join(titles[0].split()[:2])] if titles else out


def search_index(dataset: Dataset, queries: int = 200) -> dict:
    """The project search on its own: building its index for this dataset, and answering a search."""
    texts = search_texts(dataset.projects, dataset.index.city_names)
    t = time.perf_counter()
    index = TextSearch.build(texts)
    build_s = time.perf_counter() - t
    words = search_words(dataset) or ["a"]
    ms = []
    for i in range(queries):
        t = time.perf_counter()
        index.match(words[i % len(words)])
        ms.append((time.perf_counter() - t) * 1000)
    return {"search_build_s": round(build_s, 2), "search_p50_ms": round(pct(ms, 0.5), 2),
            "search_p95_ms": round(pct(ms, 0.95), 2), "projects": len(texts)}


def our_searches(data: Path) -> list[str]:
    """Page URLs' query strings for the redraw measure: each sector and a few countries, each followed by none."""
    allowed = load_dataset(data).index.choices
    out = [f"?sector={s.replace('&', '%26').replace(' ', '%20')}" for s in allowed.sectors]
    out += [f"?country={c}" for c in allowed.countries[:6]]
    # alternate with the unfiltered view so every step changes the map
    return [x for s in out for x in (s, "?")]


def our_bodies(url: str, data: Path, limit: int = 12) -> list[str]:
    """Callback bodies for the first ``limit`` filter states, built from the running server's own dependencies."""
    deps = json.loads(urllib.request.urlopen(url + "/_dash-dependencies").read())
    return [json.dumps(filter_body(deps, e["trigger"], e["values"])) for e in our_states(load_dataset(data))[:limit]]


def reference_bodies() -> list[str]:
    """Callback bodies for the reference app's one callback: a few sectors."""
    sectors = ["Water", "Transportation", "Health", "Capacity Building"]
    return [json.dumps({"output": "map.figure", "outputs": {"id": "map", "property": "figure"},
                        "inputs": [{"id": "sector", "property": "value", "value": s}],
                        "changedPropIds": ["sector.value"], "state": []}) for s in sectors]


# ------------------------------------------------------------------ callback time and sizes, in process


def server_side(data: Path, calls: int = 240) -> dict:
    """Filter-callback server time and response sizes through Flask's test client (compressed as a browser asks)."""
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
        **search_index(dataset),
        "load_data_s": round(load_s, 2), "create_app_s": round(create_s, 2), "calls": len(all_ms),
        "distinct_states": len(bodies),
        "server_p50_ms": round(pct(all_ms, 0.5), 1), "server_p95_ms": round(pct(all_ms, 0.95), 1),
        "server_uncached_p50_ms": round(pct(first, 0.5), 1), "server_uncached_p95_ms": round(pct(first, 0.95), 1),
        "response_raw_max_bytes": max(raw), "response_raw_median_bytes": int(statistics.median(raw)),
        "response_wire_max_bytes": max(wire), "response_wire_median_bytes": int(statistics.median(wire)),
    }


def _decoded(r) -> bytes:
    """A test-client response's body, uncompressed."""
    enc = r.headers.get("Content-Encoding")
    if enc == "br":
        return brotli.decompress(r.data)
    if enc == "gzip":
        return gzip.decompress(r.data)
    return r.data


REFERENCE_CALLS = """
import json, time, sys
sys.path.insert(0, {root!r})
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


def reference_server_side(data: Path, calls: int = 200, budget_s: float = 120) -> dict:
    """The reference app's callback, same method (no compression: it has none), in a fresh interpreter."""
    env = {**os.environ, "USASCP_DATA_DIR": str(data)}
    code = REFERENCE_CALLS.format(root=str(ROOT), budget_s=budget_s, calls=calls)
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


# ------------------------------------------------------------------ throughput under gunicorn


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
    """Filter callbacks per second that a running server answers under wrk, after warming every worker."""
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
