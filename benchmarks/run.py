"""The performance suite's command line: measure each size, write JSON + Markdown results and the README's table."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import urllib.request
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from benchmarks.harness import RESULTS, ROOT, SIZES, Gunicorn, data_dir
from benchmarks.measure_browser import page_load, redraw
from benchmarks.measure_server import (our_bodies, our_searches, reference_bodies, reference_server_side,
                                       server_side, throughput)
from benchmarks.report import markdown, update_readme
from dashboard.testing import launch

if TYPE_CHECKING:  # annotations only: playwright is a test-only extra
    from playwright.sync_api import Browser

ABOUT = """\
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


def measure_size(size: str, browser: Browser, quick: bool) -> dict:
    """Every measure of one data size, for the dashboard and the reference app."""
    data = data_dir(size)
    print(f"[{size}] data: {data}", flush=True)
    res: dict = {"data": str(data.relative_to(ROOT)) if data.is_relative_to(ROOT) else str(data)}
    res["ours"] = server_side(data, calls=80 if quick else 240)
    print(f"[{size}] server: {res['ours']}", flush=True)
    res["reference"] = reference_server_side(data, calls=40 if quick else 200, budget_s=60 if quick else 120)
    print(f"[{size}] reference server: {res['reference']}", flush=True)

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
            if name == "ours":  # the map as the first view's still image, before any script runs
                res[name]["load_still"] = page_load(browser, srv.url + "/", slow=False, runs=runs, live=False)
            res[name]["load_slow_link"] = page_load(browser, srv.url + "/", slow=True, runs=max(1, runs // 2))
            res[name]["rss_mb_per_worker"] = srv.worker_rss_mb()
            if name == "ours":
                res[name].update(redraw(browser, srv.url + "/", our_searches(data), rounds=1 if quick else 3))
                bodies = our_bodies(srv.url, data)
            else:
                bodies = reference_bodies()
            res[name]["throughput"] = throughput(srv.url, bodies, seconds=4 if quick else 8)
        finally:
            srv.stop()
        print(f"[{size}] {name}: load {res[name].get('load')}, slow {res[name].get('load_slow_link')}, "
              f"rss {res[name].get('rss_mb_per_worker')}, tput {res[name].get('throughput')}", flush=True)
    return res


def main(argv: list[str] | None = None) -> int:
    """Run the suite for the sizes asked for; write the results (and the README's table unless --quick)."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=ABOUT,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default=",".join(SIZES), help=f"comma-separated, from {', '.join(SIZES)}")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run, not for the README)")
    ap.add_argument("--keep", action="store_true", help="keep the last run's figures for the sizes not measured now")
    args = ap.parse_args(argv)
    # playwright is a test-only extra: imported only when a run actually needs the browser
    from playwright.sync_api import sync_playwright

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
