"""The load test: locust's simulated officials against `python -m dashboard serve --workers 2` on loopback.

    .venv/bin/pip install -e '.[bench]'          # locust
    .venv/bin/python -m benchmarks.load          # 50 users, 60 s, steady and with a worker killed at 20 s

Three runs, each on a fresh server: a baseline with a filter change in place of each image export,
steady with image exports, and with one worker killed (SIGKILL) 20 s in. The mix is
in benchmarks/locustfile.py (page opens, filter callbacks, /healthz, a CSV, malformed bodies, and
about one image export in twenty actions). Writes benchmarks/results/load.json and load.md and the
README's copy of the table: requests/s, p50/p95/p99 per request type, failures, busy answers, 5xx,
log lines, memory, and how long the killed worker took to be replaced (until its successor had
loaded the app). Only ever against 127.0.0.1, bounded in users and time.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.harness import PYTHON, RESULTS, ROOT, free_port
from benchmarks.measure_server import our_bodies
from benchmarks.report import update_readme
from dashboard import DEFAULT_DATA_DIR
from dashboard.testing import children

LOCUSTFILE = ROOT / "benchmarks" / "locustfile.py"
#: the targets of issue 14, with one image export in twenty actions
TARGETS = {"filter callback": 150, "/healthz": 50}
#: most users and seconds this command will run (it is a benchmark, not a soak test)
MAX_USERS, MAX_SECONDS = 200, 600
BUSY = "busy (503, Retry-After)"
RENDERER_NOISE = re.compile(r"kaleido|choreographer|logistro|browser_proc|chrome_wrapper|DevTools|\[\d+:\d+:\d+/", re.I)


class Server:
    """`python -m dashboard serve --workers N` on a free loopback port, its log in a file, ready once /healthz answers."""

    def __init__(self, data: Path, workers: int) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(tempfile.mkstemp(prefix="load-serve-", suffix=".log")[1])
        self.log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "dashboard", "serve", "--workers", str(workers), "--host", "127.0.0.1",
             "--port", str(self.port), "--data-dir", str(data)],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=self.log, stderr=self.log,
            start_new_session=True)
        deadline = time.time() + 120
        while time.time() < deadline and self.proc.poll() is None:
            try:
                if urllib.request.urlopen(self.url + "/healthz", timeout=10).status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"the server did not start: {self.log_path.read_text()[-2000:]}")

    def renderers(self) -> list[int]:
        return [p for p in children(self.proc.pid) if b"dashboard\0renderer" in _cmdline(p)]

    def workers(self) -> list[int]:
        return sorted(set(children(self.proc.pid)) - set(self.renderers()))

    def rss_mb(self) -> dict:
        """Resident memory: each worker, and the renderer with its Chromium."""
        return {"workers": [_rss(p) for p in self.workers()],
                "renderer_and_chromium": round(sum(_rss(p) for r in self.renderers() for p in [r, *_tree(r)]), 1)}

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _tree(pid: int) -> list[int]:
    out = []
    for kid in children(pid):
        out += [kid, *_tree(kid)]
    return out


def _loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def _rss(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    return round(next((int(x.split()[1]) for x in status.splitlines() if x.startswith("VmRSS:")), 0) / 1024, 1)


def kill_a_worker(server: Server, at: float, started: float, out: dict) -> None:
    """At ``at`` s after ``started``, SIGKILL one worker; then time until its successor says it has loaded the app."""
    time.sleep(max(0.0, started + at - time.monotonic()))
    before = server.workers()
    victim = before[0]
    os.kill(victim, signal.SIGKILL)
    killed = time.monotonic()
    out.update(at_s=round(killed - started, 1), pid=victim)
    while time.monotonic() - killed < 60:
        new = [p for p in server.workers() if p not in before]
        if new and f"Worker {new[0]} ready" in server.log_path.read_text(errors="replace"):
            out["recovery_s"] = round(time.monotonic() - killed, 2)
            out["successor"] = new[0]
            return
        time.sleep(0.05)
    out["recovery_s"] = None


def run_once(data: Path, bodies: Path, users: int, seconds: int, workers: int, kill_at: float | None,
             folder: Path, images: bool = True) -> dict:
    """One locust run against a fresh server; its figures."""
    server = Server(data, workers)
    kill: dict = {}
    try:
        # warm: the renderer's Chromium starts on the first image, as it would once a day in production
        urllib.request.urlopen(server.url + "/export/sectors.png", timeout=120).read()
        prefix = folder / ("kill" if kill_at is not None else "steady" if images else "baseline")
        load_before = _loadavg()
        started = time.monotonic()
        locust = subprocess.Popen(
            [PYTHON, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", server.url, "-u", str(users),
             "-r", str(max(1, users // 5)), "-t", f"{seconds}s", "--stop-timeout", "30", "--csv", str(prefix),
             "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, env={**os.environ, "USASCP_LOAD_BODIES": str(bodies), "USASCP_LOAD_IMAGES": "1" if images else "0"},
            stdout=subprocess.DEVNULL, stderr=(folder / "locust.log").open("a"))
        killer = None
        if kill_at is not None:
            killer = threading.Thread(target=kill_a_worker, args=(server, kill_at, started, kill), daemon=True)
            killer.start()
        locust.wait(timeout=seconds + 120)
        if killer is not None:
            killer.join(70)
        rss = server.rss_mb()
        load_after = _loadavg()
    finally:
        server.stop()
    result = summarise(prefix, server.log_path.read_text(errors="replace"))
    result["rss_mb"] = rss
    result["loadavg_1min"] = {"before": load_before, "after": load_after}  # the machine's, all processes
    if kill_at is not None:
        result["kill"] = kill
    server.log_path.unlink(missing_ok=True)
    return result


def _num(value: str) -> float | None:
    try:
        return round(float(value), 1)
    except ValueError:
        return None


def summarise(prefix: Path, log: str) -> dict:
    """Per request type and overall, from locust's CSVs; 5xx, request lines and renderer noise from the server's log."""
    stats = list(csv.DictReader(Path(f"{prefix}_stats.csv").open()))
    failures = list(csv.DictReader(Path(f"{prefix}_failures.csv").open()))
    by_type = {}
    for row in stats:
        if row["Name"] == "Aggregated":
            continue
        by_type[row["Name"]] = {"count": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                                "rps": _num(row["Requests/s"]), "p50_ms": _num(row["50%"]),
                                "p95_ms": _num(row["95%"]), "p99_ms": _num(row["99%"])}
    total = next(r for r in stats if r["Name"] == "Aggregated")
    lines = [json.loads(x.split(" usascp.requests ", 1)[1]) for x in log.splitlines() if " usascp.requests " in x]
    noise = [x[:300] for x in log.splitlines() if RENDERER_NOISE.search(x) and " usascp.requests " not in x]
    fivexx = [x for x in lines if x["status"] >= 500 and not (x["status"] == 503 and x["route"].startswith("/export/"))]
    return {
        "requests": int(total["Request Count"]), "rps": _num(total["Requests/s"]),
        "failures": int(total["Failure Count"]),
        "failure_kinds": {f"{r['Name']}: {r['Error'][:120]}": int(r["Occurrences"]) for r in failures},
        "busy_503": by_type.get(BUSY, {}).get("count", 0),
        "server_5xx_other_than_busy": len(fivexx),
        "malformed_body_5xx": sum(int(r["Occurrences"]) for r in failures
                                  if r["Name"] == "malformed body" and re.search(r"answered 5\d\d", r["Error"])),
        "log": {"request_lines": len(lines), "renderer_lines": len(noise), "renderer_samples": noise[:3],
                "tracebacks": log.count("Traceback")},
        "by_type": by_type,
    }


ORDER = ["filter callback", "/healthz", "page /", "page /_dash-layout", "page /_dash-dependencies", "export projects.csv",
         "malformed body", "export map.png", "export sectors.png", "export countries.svg", "export briefing.pptx", BUSY]


def markdown(results: dict) -> str:
    """The load test's tables: one row per request type and run, then the totals and the targets."""
    runs = results["runs"]
    out = [f"Load test {results['when']} on {results['machine']} ({results['cpus']} cores): locust, {results['users']} "
           f"users for {results['seconds']} s (1-3 s between actions, about one image export in twenty actions) against "
           f"`python -m dashboard serve --workers {results['workers']}` on loopback, shipped data.", ""]
    out += ["| request | run | count | req/s | p50 ms | p95 ms | p99 ms | failures |", "|---|---|---|---|---|---|---|---|"]
    for name in ORDER + sorted({n for r in runs.values() for n in r["by_type"]} - set(ORDER)):
        for run, r in runs.items():
            s = r["by_type"].get(name)
            if s:
                target = f" (target ≤ {TARGETS[name]})" if name in TARGETS else ""
                out.append(f"| {name} | {run} | {s['count']} | {s['rps']} | {s['p50_ms']:g} | {s['p95_ms']:g}{target} | "
                           f"{s['p99_ms']:g} | {s['failures']} |")
    out += ["", "| run | requests | req/s | failures | busy 503s | other 5xx | 5xx from malformed bodies | "
                "request log lines | renderer log lines | worker killed | recovery |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for run, r in runs.items():
        k = r.get("kill") or {}
        killed = f"at {k['at_s']} s" if k else "–"
        recovery = f"{k['recovery_s']} s" if k.get("recovery_s") is not None else "–"
        out.append(f"| {run} | {r['requests']} | {r['rps']} | {r['failures']} | {r['busy_503']} | "
                   f"{r['server_5xx_other_than_busy']} | {r['malformed_body_5xx']} | {r['log']['request_lines']} | "
                   f"{r['log']['renderer_lines']} | {killed} | {recovery} |")
    kinds = {f"{run}: {k}": n for run, r in runs.items() for k, n in r["failure_kinds"].items()}
    if kinds:
        out += ["", "Failures: " + "; ".join(f"{k} ({n})" for k, n in kinds.items()) + "."]
    mem = "; ".join(f"{run}: workers {r['rss_mb']['workers']} MB, renderer + Chromium "
                    f"{r['rss_mb']['renderer_and_chromium']} MB" for run, r in runs.items())
    load = "; ".join(f"{run}: {r['loadavg_1min']['before']:g} before, {r['loadavg_1min']['after']:g} after"
                     for run, r in runs.items())
    out += ["", f"Memory at the end (RSS, Chromium's processes summed): {mem}.",
            "", f"The machine's 1-minute load average (every process on it, not only this test): {load}.", ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--kill-at", type=float, default=20.0, help="seconds into the second run to kill a worker")
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    ap.add_argument("--no-readme", action="store_true", help="do not copy the table into the README")
    args = ap.parse_args(argv)
    if not (1 <= args.users <= MAX_USERS and 1 <= args.seconds <= MAX_SECONDS):
        ap.error(f"--users must be 1-{MAX_USERS} and --seconds 1-{MAX_SECONDS}")
    folder = Path(tempfile.mkdtemp(prefix="usascp-load-"))
    server = Server(args.data_dir, 1)  # the filter bodies come from the app's own dependencies
    try:
        bodies = folder / "bodies.json"
        bodies.write_text(json.dumps(our_bodies(server.url, args.data_dir, limit=40)))
    finally:
        server.stop()
        server.log_path.unlink(missing_ok=True)
    results = {"when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": platform.machine(),
               "cpus": os.cpu_count(), "users": args.users, "seconds": args.seconds, "workers": args.workers,
               "runs": {}}
    plan = [("no image exports", None, False), ("steady", None, True),
            (f"worker killed at {args.kill_at:g} s", args.kill_at, True)]
    for run, kill_at, images in plan:
        print(f"[load] {run}: {args.users} users for {args.seconds} s", flush=True)
        results["runs"][run] = run_once(args.data_dir, bodies, args.users, args.seconds, args.workers, kill_at, folder,
                                        images)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(results, indent=1) + "\n")
    table = markdown(results)
    (RESULTS / "load.md").write_text(table)
    if not args.no_readme:
        update_readme(table, "load")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
