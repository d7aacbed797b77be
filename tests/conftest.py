"""Shared fixtures: datasets the tests build themselves (never the shipped data/), apps, browsers and data folders."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from dashboard.app import create_app
from dashboard.data import load_dataset
from dashboard.testing import LiveServer, Watch, launch
from tests.datasets import demo as build_demo

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "data"
VALID = FIXTURES / "valid"


@pytest.fixture(scope="session")
def demo():
    """The demo partnership of tests/datasets.py: 12 cities, 10 projects, 5 city pairs."""
    return build_demo()


@pytest.fixture(scope="session")
def tiny():
    """Five cities, three projects: one pair, one single-city row, one region-wide row."""
    return load_dataset(VALID)


@pytest.fixture(scope="module")
def app(demo):
    """The dashboard on the demo data (a module may define its own, on other data)."""
    return create_app(demo)


@pytest.fixture()
def client(app):
    """Flask's test client for `app`."""
    return app.server.test_client()


def data_folder(tmp_path: Path, case: str | None = None) -> Path:
    """A data folder holding the valid fixture with one file replaced by ``case``'s."""
    out = tmp_path / (case or "valid")
    out.mkdir()
    for name in ("cities.geojson", "projects.csv"):
        src = FIXTURES / case / name if case and (FIXTURES / case / name).exists() else VALID / name
        shutil.copy(src, out / name)
    return out


def touch_later(path: Path) -> None:
    """Move a file's modification time on, as an editor saving it a moment later would."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))


# ---------------------------------------------------------------- real-browser fixtures (one Chromium per module)


@pytest.fixture(scope="module")
def server(demo):
    """The dashboard on the demo data, on a loopback port."""
    live = LiveServer(create_app(demo))
    yield live
    live.stop()


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium, driven by Playwright."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        try:
            b = launch(p)
        except RuntimeError as exc:  # Debian's chromium is missing
            pytest.fail(str(exc))
        yield b
        b.close()


@pytest.fixture()
def watch():
    """Records requests off the machine, console errors and CSP violations of the pages a test opens."""
    return Watch()
