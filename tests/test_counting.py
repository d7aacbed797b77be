"""What is counted, in the partnership's own words: rows are activities, never 'projects'; each has a kind; the
partnership's published count stands beside ours; the About statements are sourced and validated."""

from __future__ import annotations

import io
import json
import re
import shutil

import pytest
from docx import Document
from pptx import Presentation

from dashboard.__main__ import main
from dashboard.app import create_app
from dashboard.data import DataError, load_dataset, make_dataset
from dashboard.data.build import project, write_data
from dashboard.ids import ids
from dashboard.model.filters import FilterState, parse_query
from dashboard.model.words import kinds_mix
from dashboard.testing import filter_body
from tests.datasets import demo_cities, demo_projects

#: an about file the tests own: two sentences for the briefing and a published count
ABOUT = {"statements": [
    {"section": "Launch", "text": "The partnership began in 2018 in Singapore.", "source": "Test fact sheet, 2020-11-13",
     "briefing": True},
    {"section": "Goals", "text": "First goal of the test partnership.", "source": "Test fact sheet, 2020-11-13"},
    {"section": "What was counted", "text": "The test fact sheet counts 7 launched projects.",
     "source": "Test fact sheet, 2020-11-13", "briefing": True, "count": 7, "counts": "launched projects"},
]}
#: the one place the word may stand: the partnership's own count, quoted
OFFICIAL = "The test fact sheet counts 7 launched projects."


def kinds_rows() -> list[dict]:
    rows = demo_projects()
    for row, kind in zip(rows, ["exchange", "exchange", "exchange", "exchange", "exchange", "project", "project",
                                "project", "training", "event"]):
        row["kind"] = kind
    return rows


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = write_data(tmp_path_factory.mktemp("counting"), demo_cities(), kinds_rows())
    (out / "about.json").write_text(json.dumps(ABOUT, indent=1), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def dataset(folder):
    return load_dataset(folder)


@pytest.fixture(scope="module")
def client(dataset):
    return create_app(dataset).server.test_client()


#: where 'project' is right: one kind of activity among the others (the kinds' list, mix and filter options)
KIND_WORDS = ("(projects, programmes, events, exchanges and training)", "3 projects,", "\nProjects\n")


def projects_word(text: str) -> list[str]:
    """Where a text calls something 'project(s)' outside the quoted official count, the kind of that name and
    file names."""
    text = text.replace(OFFICIAL, "").replace("projects.csv", "").replace("projects.xlsx", "")
    for words in KIND_WORDS:
        text = text.replace(words, "")
    return [text[max(0, m.start() - 40):m.end() + 20] for m in re.finditer(r"\bprojects?\b", text, re.I)]


def page_text(client) -> str:
    layout = client.get("/_dash-layout").get_json()
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("children", "label", "placeholder", "aria-label", "title", "text", "hovertext",
                           "hovertemplate") and isinstance(value, str):
                    found.append(value)
                elif key in ("id", "className", "value"):
                    continue
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value) if not isinstance(value, str) else found.append(value)
    walk(layout)
    return "\n".join(found)


def test_the_page_never_calls_its_rows_projects(client):
    text = page_text(client)
    assert "10 activities" in text and OFFICIAL in text
    assert projects_word(text) == []


def test_exports_never_call_their_rows_projects(client):
    deck = Presentation(io.BytesIO(client.get("/export/briefing.pptx?slides=sectors,agencies,projects").data))
    words = "\n".join(sh.text_frame.text for s in deck.slides for sh in s.shapes if sh.has_text_frame)
    words += "\n".join(s.notes_slide.notes_text_frame.text for s in deck.slides)
    assert "Activities by sector" in words and projects_word(words) == []
    note = Document(io.BytesIO(client.get("/export/briefing.docx").data))
    text = "\n".join(p.text for p in note.paragraphs)
    assert "The partnership began in 2018 in Singapore." in text  # the background, from the about file
    assert projects_word(text) == []
    csv_head = client.get("/export/projects.csv").get_data(as_text=True).splitlines()[0]
    assert csv_head.lstrip("\ufeff").startswith("Activity ID,Activity,") and projects_word(csv_head) == []
    html = client.get("/export/sectors.html").get_data(as_text=True)
    assert projects_word(re.sub(r"<script.*?</script>", "", html, flags=re.S)) == []


def test_the_cli_says_activities(folder, capsys):
    assert main(["validate", "--data-dir", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "activities:        10 (rows of projects.csv; kinds: 5 exchanges, 3 projects, 1 training and 1 event)" in out
    assert projects_word(out.replace("rows of projects.csv", "").replace("3 projects", "")) == []


def test_the_briefing_carries_the_background_and_the_official_count(client):
    deck = Presentation(io.BytesIO(client.get("/export/briefing.pptx?slides=sectors").data))
    first = "\n".join(sh.text_frame.text for sh in deck.slides[0].shapes if sh.has_text_frame)
    assert "The partnership began in 2018 in Singapore." in first and OFFICIAL in first
    assert "Test fact sheet, 2020-11-13" in deck.slides[0].notes_slide.notes_text_frame.text


def test_kind_filters_like_the_others(dataset, client):
    state, ignored = parse_query("?kind=event", dataset.index)
    assert state == FilterState(kinds=("event",)) and ignored == []
    assert parse_query("?kind=Exchanges", dataset.index)[0].kinds == ("exchange",)  # the plural reads too
    state, ignored = parse_query("?kind=party", dataset.index)
    assert state == FilterState() and [str(i) for i in ignored] == ["kind 'party'"]
    deps = client.get("/_dash-dependencies").get_json()
    body = filter_body(deps, "url.search", {"url.search": "?kind=event&bogus=1"})
    resp = client.post("/_dash-update-component", json=body).get_json()["response"]
    assert [row[0] for row in resp[ids.TABLE_DATA]["data"]] == ["Trade events"]
    assert resp[ids.KIND]["value"] == ["event"]
    body = filter_body(deps, "url.search", {"url.search": "?kind=party"})
    assert "kind 'party'" in client.post("/_dash-update-component", json=body).get_json()["response"][ids.NOTICE]["children"]
    assert kinds_mix(dataset.projects["kind"]) == "5 exchanges, 3 projects, 1 training and 1 event"


def test_the_validator_rejects_an_unknown_kind_with_a_hint():
    rows = kinds_rows()
    rows[3]["kind"] = "exchang"
    with pytest.raises(DataError) as err:
        make_dataset(demo_cities(), rows)
    (issue,) = [i for i in err.value.issues if "kind" in i.message]
    assert issue.file == "projects.csv" and issue.line == 5 and "exchange" in str(issue)


def test_an_about_statement_without_a_source_is_an_error_with_its_line(tmp_path, folder):
    bad = tmp_path / "bad"
    shutil.copytree(folder, bad)
    about = json.loads(json.dumps(ABOUT))
    del about["statements"][1]["source"]
    about["statements"][2]["section"] = "Gossip"
    (bad / "about.json").write_text(json.dumps(about, indent=1), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_dataset(bad)  # everything or nothing: the good data files are not loaded either
    messages = [str(i) for i in err.value.issues]
    assert any(m.startswith("about.json:") and "no source" in m and "fact sheet" in m for m in messages)
    assert any("unknown section" in m and "Gossip" in m for m in messages)
    line = next(i.line for i in err.value.issues if "no source" in i.message)
    assert (bad / "about.json").read_text().splitlines()[line - 1].strip().startswith("{")


def test_a_folder_without_about_json_still_loads(tmp_path):
    ds = load_dataset(write_data(tmp_path, demo_cities(), [project("x", asean=["phuket"])]))
    assert ds.about is None
