"""The load test's simulated officials (locust): open pages, change filters, check /healthz, export.

About one action in twenty is an image export (a map or chart PNG, an SVG, or a PowerPoint briefing with
its map picture). An image export answered 503 with Retry-After (the renderer's queue is full) is the
designed back-pressure: it is counted under its own name, "busy (503, Retry-After)", not as a failure;
any other non-2xx, and any broken connection, is a failure. Malformed callback bodies must answer 400.

Run by ``python -m benchmarks.load`` (which names the filter bodies in $USASCP_LOAD_BODIES); it imports
nothing from the dashboard, so locust's gevent patching never touches the app's code.
"""

from __future__ import annotations

import json
import os
import random

from locust import HttpUser, between, task

#: USASCP_LOAD_IMAGES=0: the same users with a filter change in place of each image export (the baseline)
IMAGES = os.environ.get("USASCP_LOAD_IMAGES", "1") != "0"
BODIES: list[str] = json.loads(open(os.environ["USASCP_LOAD_BODIES"], encoding="utf-8").read())
HEADERS = {"Content-Type": "application/json", "Accept-Encoding": "br, gzip"}
#: image exports, weighted as officials use them: mostly the map or a chart as PNG, some decks
EXPORTS = ([("/export/map.png?sector=Water", "export map.png")] * 3 + [("/export/sectors.png", "export sectors.png")] * 2
           + [("/export/countries.svg", "export countries.svg"), ("/export/briefing.pptx?sector=Water", "export briefing.pptx")])
#: bodies a broken or hostile client sends: deep nesting, not JSON, the wrong shape
BUSY = "busy (503, Retry-After)"
MALFORMED = ["[" * 1000 + "]" * 1000, "{not json", json.dumps({"output": "nope", "inputs": []}), json.dumps([1, 2, 3])]


class Official(HttpUser):
    wait_time = between(1, 3)

    @task(4)
    def open_page(self) -> None:
        self.client.get("/", name="page /")
        self.client.get("/_dash-layout", name="page /_dash-layout")
        self.client.get("/_dash-dependencies", name="page /_dash-dependencies")

    @task(10)
    def change_filter(self) -> None:
        self.client.post("/_dash-update-component", data=random.choice(BODIES), headers=HEADERS, name="filter callback")

    @task(3)
    def health(self) -> None:
        self.client.get("/healthz", name="/healthz")

    @task(1)
    def table_export(self) -> None:
        self.client.get("/export/projects.csv", name="export projects.csv")

    @task(1)
    def malformed(self) -> None:
        with self.client.post("/_dash-update-component", data=random.choice(MALFORMED), headers=HEADERS,
                              name="malformed body", catch_response=True) as r:
            if r.status_code == 400:
                r.success()
            else:
                r.failure(f"malformed body answered {r.status_code}, not 400")

    @task(1)
    def image_export(self) -> None:
        if not IMAGES:
            self.change_filter()
            return
        url, name = random.choice(EXPORTS)
        with self.client.get(url, name=name, catch_response=True) as r:
            if r.status_code == 503 and r.headers.get("Retry-After"):
                r.request_meta["name"] = BUSY  # reported under its own name, not in the export's times
                r.success()
            elif r.status_code != 200:
                r.failure(f"{name} answered {r.status_code}")

