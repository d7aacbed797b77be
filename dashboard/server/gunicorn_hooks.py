"""gunicorn hooks for `python -m dashboard serve`: the master starts one image renderer that every worker shares.

Used as ``gunicorn -c python:dashboard.server.gunicorn_hooks ...``. The master starts the
renderer process (``python -m dashboard renderer``) before it forks any worker and restarts
it if it dies; the workers find it through the environment they inherit. Without these
hooks (plain ``gunicorn dashboard.app:server``) each worker renders images in its own process.
"""

from __future__ import annotations

import sys

from dashboard.server.renderer import Supervisor

#: the master's renderer supervisor (one per master)
SUPERVISORS: list[Supervisor] = []


def on_starting(server) -> None:
    """Before the first worker is forked: start the shared renderer."""
    SUPERVISORS.append(Supervisor([sys.executable, "-m", "dashboard", "renderer"]).start())


def on_exit(server) -> None:
    """When the master stops: stop the renderer (and its Chromium)."""
    while SUPERVISORS:
        SUPERVISORS.pop().stop()


def post_worker_init(worker) -> None:
    """Say when a worker has loaded the app and takes requests (the load test times a replaced worker by it)."""
    # a thread waiting for the GIL (a /healthz or a filter beside an export building its deck) gets it after 1 ms,
    # not 5: in the load test /healthz's p95 went from 120 to 77 ms (one run each; the machine is noisy)
    sys.setswitchinterval(0.001)
    worker.log.info("Worker %s ready", worker.pid)
