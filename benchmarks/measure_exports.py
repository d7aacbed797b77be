"""Warm build times of the briefing exports: the full PPTX pack, the DOCX note, the PDF pack and a map PNG.

    .venv/bin/python -m benchmarks.measure_exports                  # shipped data, 5 warm runs each
    .venv/bin/python -m benchmarks.measure_exports --runs 9 --size 1k-10k --query '?sector=Water'

Calls `dashboard.exports.export` in this process, as a server worker does: one cold build of each
(Chromium started, python-pptx imported, caches filled), then ``--runs`` warm builds; the median,
minimum and maximum of the warm ones are written to benchmarks/results/exports.json and .md. The
issue's target: a warm full PPTX pack under 2 s.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from datetime import datetime, timezone

from benchmarks.harness import RESULTS, SIZES, data_dir
from dashboard.data import load_dataset
from dashboard.exports import export

#: (label, format, export name): what is timed
CASES: tuple[tuple[str, str, str], ...] = (
    ("PPTX briefing pack (all slides)", "pptx", "briefing"),
    ("DOCX briefing note", "docx", "briefing"),
    ("PDF briefing pack (all slides)", "pdf", "briefing"),
    ("PNG map (960 x 540, scale 2)", "png", "map"),
)
TARGET_PPTX_S = 2.0


def measure(size: str, runs: int, query: str) -> dict:
    """Cold and warm build times (seconds) and file sizes of each case, for the data of ``size``."""
    dataset = load_dataset(data_dir(size))
    out: dict = {}
    for label, kind, chart in CASES:
        started = time.perf_counter()
        first = export(dataset, kind, chart, query)
        cold = time.perf_counter() - started
        warm = []
        for _ in range(runs):
            started = time.perf_counter()
            export(dataset, kind, chart, query)
            warm.append(time.perf_counter() - started)
        out[label] = {"format": kind, "cold_s": round(cold, 3), "median_s": round(statistics.median(warm), 3),
                      "min_s": round(min(warm), 3), "max_s": round(max(warm), 3), "runs": runs,
                      "bytes": len(first.content)}
        print(f"{label}: median {out[label]['median_s']:.2f} s over {runs} warm runs (cold {cold:.2f} s)", flush=True)
    return out


def markdown(result: dict) -> str:
    """The results as a Markdown table."""
    lines = [f"# Export build times ({result['size']} data, query `{result['query'] or '(none)'}`)", "",
             f"{result['when']} · {result['machine']} · warm runs: median (min–max)", "",
             "| export | warm median | min – max | cold | size |", "|---|---|---|---|---|"]
    for label, r in result["cases"].items():
        lines.append(f"| {label} | {r['median_s']:.2f} s | {r['min_s']:.2f} – {r['max_s']:.2f} s | "
                     f"{r['cold_s']:.2f} s | {r['bytes'] / 1024:,.0f} KiB |")
    pptx = result["cases"][CASES[0][0]]["median_s"]
    verdict = "met" if pptx < TARGET_PPTX_S else "missed"
    lines += ["", f"Target: a warm full PPTX pack under {TARGET_PPTX_S:.0f} s — {verdict} ({pptx:.2f} s)."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.measure_exports", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=tuple(SIZES), default="shipped")
    parser.add_argument("--runs", type=int, default=5, help="warm runs per export (default 5)")
    parser.add_argument("--query", default="", help="the dashboard filter query, e.g. '?sector=Water'")
    args = parser.parse_args(argv)
    result = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
              "size": args.size, "query": args.query,
              "cases": measure(args.size, max(1, args.runs), args.query)}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "exports.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (RESULTS / "exports.md").write_text(markdown(result), encoding="utf-8")
    print(f"wrote {RESULTS / 'exports.json'} and exports.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
