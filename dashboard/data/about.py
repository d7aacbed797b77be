"""Check ``about.json``, the sourced statements about the partnership: every statement has a known section, its
text and the document it comes from; a problem is reported with the file's line and column."""

from __future__ import annotations

import json

from dashboard.data._locate import line_col, locate
from dashboard.data.issues import DataIssue
from dashboard.model.about import SECTIONS, About, Statement

ABOUT_FILE = "about.json"
#: the keys a statement may have
KEYS = ("section", "text", "source", "briefing", "count", "counts")


def check_about(text: str, label: str, issues: list[DataIssue]) -> About | None:
    """The statements of an about file, or None with an issue for every problem (appended to ``issues``)."""
    def add(path: tuple, message: str, value: object = None, hint: str = "") -> None:
        line, col = locate(text, path)
        issues.append(DataIssue(label, line, col, message, value, hint))

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        line, col = line_col(text, exc.pos)
        issues.append(DataIssue(label, line, col, f"not valid JSON: {exc.msg}", hint="check the commas and quotes"))
        return None
    rows = data.get("statements") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not rows:
        add((), 'expected an object with a non-empty "statements" list',
            hint='{"statements": [{"section": "Launch", "text": "...", "source": "..."}]}')
        return None
    before = len(issues)
    out = []
    for i, row in enumerate(rows):
        where = ("statements", i)
        if not isinstance(row, dict):
            add(where, "a statement must be an object", type(row).__name__)
            continue
        for key in row:
            if key not in KEYS:
                add((*where, key), f"unknown key {key!r}", hint=f"a statement has: {', '.join(KEYS)}")
        for key in ("section", "text", "source"):
            value = row.get(key)
            if not isinstance(value, str) or not value.strip():
                hint = ("name the document, its publisher and date, e.g. \"U.S. Department of State fact sheet "
                        "'...', 2020-11-13\"") if key == "source" else ""
                add((*where, key) if key in row else where, f"the statement has no {key}", value, hint)
        if isinstance(row.get("section"), str) and row["section"].strip() and row["section"] not in SECTIONS:
            add((*where, "section"), "unknown section", row["section"], f"one of: {', '.join(SECTIONS)}")
        count = row.get("count")
        if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
            add((*where, "count"), "a count is a whole number", count)
        if count is not None and not str(row.get("counts", "")).strip():
            add((*where, "count"), 'a count needs "counts": what it counts, e.g. "launched projects"')
        if not isinstance(row.get("briefing", False), bool):
            add((*where, "briefing"), "briefing is true or false", row.get("briefing"))
        if len(issues) == before:
            out.append(Statement(row["section"], row["text"].strip(), row["source"].strip(),
                                 bool(row.get("briefing", False)), count, str(row.get("counts", "")).strip()))
    return About(tuple(out)) if len(issues) == before else None
