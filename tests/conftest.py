"""Shared fixtures: the shipped dataset, a tiny valid dataset, and temporary data folders."""

from __future__ import annotations

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


def data_folder(tmp_path: Path, case: str | None = None) -> Path:
    """A data folder holding the valid fixture with one file replaced by ``case``'s."""
    out = tmp_path / (case or "valid")
    out.mkdir()
    for name in ("cities.geojson", "projects.csv"):
        src = FIXTURES / case / name if case and (FIXTURES / case / name).exists() else VALID / name
        shutil.copy(src, out / name)
    return out
