"""Shared fixtures: the shipped dataset, a tiny valid dataset, and temporary data folders."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from dashboard import DEFAULT_DATA_DIR
from dashboard.data import load_dataset

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "data"
VALID = FIXTURES / "valid"


@pytest.fixture(scope="session")
def shipped():
    """The dataset in data/, as the dashboard serves it."""
    return load_dataset(DEFAULT_DATA_DIR)


@pytest.fixture(scope="session")
def tiny():
    """Five cities, three projects: one pair, one single-city row, one region-wide row."""
    return load_dataset(VALID)


@pytest.fixture(scope="module")
def app(shipped):
    """The dashboard on the shipped data (a module may define its own, on other data)."""
    from dashboard.app import create_app

    return create_app(shipped)


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
def server(shipped):
    """The dashboard on the shipped data, on a loopback port."""
    from dashboard.app import create_app
    from tests.browser import LiveServer

    live = LiveServer(create_app(shipped))
    yield live
    live.stop()


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium, driven by Playwright."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from tests.browser import launch

    with sync_api.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture()
def watch():
    """Records requests off the machine, console errors and CSP violations of the pages a test opens."""
    from tests.browser import Watch

    return Watch()
