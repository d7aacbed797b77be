"""The data-edit smoke test: staff add a city and a project to data/, and only test_shipped_data.py may notice.

A copy of the shipped data gets one city (added the documented way, `geocode --add`) and one
project row; the copy must validate, and the unit and app tests pointed at it
($USASCP_TEST_DATA_DIR) must all pass except the shipped-data facts, which must notice.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from dashboard import DEFAULT_DATA_DIR
from dashboard.__main__ import main
from dashboard.data import load_dataset
from dashboard.data.build import project, projects_text

ROOT = Path(__file__).resolve().parent.parent


def edited_copy(tmp_path: Path) -> Path:
    """data/ with Seattle added by `geocode --add` and a Bangkok – Seattle water pair appended to projects.csv."""
    folder = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, folder)
    assert main(["geocode", "Seattle, WA, US", "--add", "--id", "seattle-test", "--data-dir", str(folder)]) == 0
    row = project("test-bangkok-seattle", asean=["bangkok"], us=["seattle-test"], title="Test pair: Bangkok – Seattle",
                  announced="2026-11-24", source="Data-edit smoke test row (not a real document)")
    with open(folder / "projects.csv", "a", encoding="utf-8", newline="") as fh:
        fh.write(projects_text([row]).split("\n", 1)[1])  # the row without the header
    return folder


def test_only_shipped_data_facts_notice_a_data_edit(tmp_path):
    folder = edited_copy(tmp_path)
    before, after = load_dataset(DEFAULT_DATA_DIR).counts(), load_dataset(folder).counts()
    assert (after["cities"], after["activities"], after["city_pairs"]) == (
        before["cities"] + 1, before["activities"] + 1, before["city_pairs"] + 1)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not browser", "-rfE",
         "--ignore", str(Path(__file__).resolve())],
        cwd=ROOT, env={**os.environ, "USASCP_TEST_DATA_DIR": str(folder)}, capture_output=True, text=True, timeout=900,
    )
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+?)(?:::| )", run.stdout, flags=re.M)
    assert failed, f"nothing failed: the suite did not read the edited copy\n{run.stdout[-3000:]}"
    others = sorted({f for f in failed if not f.endswith("test_shipped_data.py")})
    assert others == [], f"tests outside test_shipped_data.py depend on the shipped data:\n{run.stdout[-5000:]}"
    assert re.search(r"\d+ passed", run.stdout), run.stdout[-3000:]


def test_no_other_test_reads_the_shipped_data():
    own = {"test_shipped_data.py", Path(__file__).name}
    readers = [p.name for p in (ROOT / "tests").glob("*.py")
               if p.name not in own and re.search(r"DEFAULT_DATA_DIR|[\"']data/", p.read_text(encoding="utf-8"))]
    assert readers == []
