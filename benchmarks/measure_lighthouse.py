"""Lighthouse (the npm package, pinned in benchmarks/lighthouse) against the dashboard under gunicorn, driving
Debian's Chromium offline: each page in Lighthouse's default mobile and desktop configurations, medians of runs.

    .venv/bin/python -m benchmarks.measure_lighthouse            # 3 runs per page and form factor
    .venv/bin/python -m benchmarks.measure_lighthouse --runs 1   # a quick look

Writes benchmarks/results/lighthouse.json and lighthouse.md.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.harness import RESULTS, ROOT, Gunicorn, data_dir
from dashboard.testing import CHROMIUM, CHROMIUM_ARGS

TOOL = ROOT / "benchmarks" / "lighthouse"
LIGHTHOUSE = TOOL / "node_modules" / ".bin" / "lighthouse"
PAGES = ("/", "/?sector=Water&country=THA", "/?city=phuket", "/embed/map")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = {"largest-contentful-paint": "lcp_ms", "total-blocking-time": "tbt_ms", "cumulative-layout-shift": "cls",
           "first-contentful-paint": "fcp_ms", "speed-index": "si_ms"}
#: the targets of the accessibility and performance issue
TARGETS = {"mobile": {"performance": 90, "accessibility": 100, "best-practices": 100, "seo": 100, "lcp_ms": 2000,
                      "tbt_ms": 200, "cls": 0.02},
           "desktop": {"performance": 98, "accessibility": 100, "best-practices": 100, "seo": 100}}


def ensure_tool() -> None:
    """Install the pinned Lighthouse from the npm registry if it is not there yet."""
    if not LIGHTHOUSE.exists():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=TOOL, check=True)


def one_run(url: str, form: str) -> dict:
    """Scores (0-100) and metrics of one Lighthouse run."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        flags = " ".join(["--headless=new", *CHROMIUM_ARGS, f"--user-data-dir={tmp}/profile"])
        cmd = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
               f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={flags}"]
        if form == "desktop":
            cmd.append("--preset=desktop")
        for attempt in (1, 2):  # Lighthouse now and then loses its Chromium ("exit status 1"): once more
            done = subprocess.run(cmd, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if done.returncode == 0 or attempt == 2:
                done.check_returncode()
                break
        report = json.loads(out.read_text())
    row = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
    for audit, key in METRICS.items():
        value = report["audits"][audit].get("numericValue")
        row[key] = round(value, 3 if key == "cls" else 0) if value is not None else None
    graded = {ref["id"] for c in CATEGORIES[1:] for ref in report["categories"][c]["auditRefs"] if ref.get("weight")}
    # a score of 0 is a failure too (None: not applicable)
    row["failed_audits"] = sorted(a for a in graded if report["audits"][a].get("score") is not None
                                  and report["audits"][a]["score"] < 1)
    return row


def median_row(rows: list[dict]) -> dict:
    out = {}
    for key in rows[0]:
        values = [r[key] for r in rows if r[key] is not None]
        if key == "failed_audits":
            out[key] = sorted({a for r in rows for a in r[key]})
        else:
            out[key] = statistics.median(values) if values else None
    return out


def markdown(results: dict) -> str:
    lines = [f"Lighthouse {results['lighthouse']} with Debian Chromium, {results['when']}; median of "
             f"{results['runs']} run(s) per page and form factor, on `python -m dashboard serve`-like gunicorn "
             "(2 workers) over the shipped data, offline.", "",
             "| page | form | performance | accessibility | best practices | SEO | LCP | TBT | CLS |",
             "|---|---|---|---|---|---|---|---|---|"]
    for page, forms in results["pages"].items():
        for form, r in forms.items():
            lines.append(f"| `{page}` | {form} | {r['performance']:.0f} | {r['accessibility']:.0f} | "
                         f"{r['best-practices']:.0f} | {r['seo']:.0f} | {r['lcp_ms'] / 1000:.1f} s | "
                         f"{r['tbt_ms']:.0f} ms | {r['cls']:.3f} |")
    lines += ["", "Targets: " + "; ".join(f"{form}: " + ", ".join(f"{k} {v}" for k, v in t.items())
                                          for form, t in TARGETS.items())]
    failed = sorted({a for forms in results["pages"].values() for r in forms.values() for a in r["failed_audits"]})
    if failed:
        lines += ["", "Audits not passed (accessibility, best practices, SEO): " + ", ".join(failed)]
    return "\n".join(lines) + "\n"


def warm(base: str, pages: list[str], rounds: int = 4) -> None:
    """Each page and its first view's still images, as an earlier visitor would have left them: a still is drawn
    on the first request for its filter state in each worker (about a second) and kept. A few rounds, so that
    every worker has seen each page."""
    for _ in range(rounds):
        for page in pages:
            text = urllib.request.urlopen(base + page, timeout=120).read().decode("utf-8")
            for src in sorted(set(re.findall(r'(?:src|srcset)="(/still/[^"]+)"', text))):
                urllib.request.urlopen(base + html.unescape(src), timeout=120).read()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.measure_lighthouse", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pages", default=",".join(PAGES))
    args = ap.parse_args(argv)
    ensure_tool()
    version = json.loads((TOOL / "node_modules" / "lighthouse" / "package.json").read_text())["version"]
    srv = Gunicorn("dashboard.app:server", data_dir("shipped"))
    if not srv.ready:
        srv.stop()
        print("the server did not start", file=sys.stderr)
        return 1
    results = {"when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "lighthouse": version,
               "runs": args.runs, "pages": {}}
    try:
        warm(srv.url, args.pages.split(","))
        for page in args.pages.split(","):
            results["pages"][page] = {}
            for form in ("mobile", "desktop"):
                rows = [one_run(srv.url + page, form) for _ in range(args.runs)]
                results["pages"][page][form] = median_row(rows)
                print(page, form, results["pages"][page][form], flush=True)
    finally:
        srv.stop()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "lighthouse.json").write_text(json.dumps(results, indent=1) + "\n")
    table = markdown(results)
    (RESULTS / "lighthouse.md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
