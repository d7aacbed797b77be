"""Process control for the benchmarks: paths and sizes, free ports, data folders, gunicorn with worker RSS, percentiles."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # measure this checkout's dashboard, whatever else the virtualenv has installed

from dashboard import DEFAULT_DATA_DIR  # noqa: E402
from dashboard.testing import children  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
DATA_CACHE = ROOT / "benchmarks" / ".data"
PYTHON = sys.executable
#: size name -> (cities, projects) to synthesise, or None for the shipped data
SIZES = {"shipped": None, "1k-10k": (1000, 10000), "10k-100k": (10000, 100000)}


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile of ``values``, linearly interpolated; NaN when there are none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def free_port() -> int:
    """A loopback port nobody is listening on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def data_dir(size: str) -> Path:
    """The data folder for ``size``: the shipped one, or synthetic data made once and cached."""
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
        """Resident memory of each worker, in MB, from /proc."""
        out = []
        for pid in children(self.proc.pid):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            out.append(round(kb / 1024, 1))
        return out

    def stop(self) -> None:
        """Stop the master and its workers (the whole process group)."""
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)
