"""What both validators share: hints naming the nearest valid value, and the spreadsheet-formula warning."""

from __future__ import annotations

import difflib
import re

from dashboard.data.gazetteer import normalise
from dashboard.data.issues import DataIssue
from dashboard.vocab import FORMULA_PREFIXES

#: a city_id: lowercase words joined by '-'
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def suggest(value: str, choices: list[str] | tuple[str, ...]) -> str:
    """A hint naming the closest valid value, or listing them all."""
    key = normalise(value)
    for c in choices:
        if normalise(c) == key:
            return f"did you mean {c!r}?"
    close = difflib.get_close_matches(value.strip(), list(choices), n=1, cutoff=0.6)
    if not close:
        lowered = {c.casefold(): c for c in choices}
        close = [lowered[m] for m in difflib.get_close_matches(value.strip().casefold(), list(lowered), n=1, cutoff=0.6)]
    if close:
        return f"did you mean {close[0]!r}?"
    shown = ", ".join(repr(c) for c in list(choices)[:12])
    return f"use one of {shown}{', ...' if len(choices) > 12 else ''}"


def formula_warning(label: str, line: int, col: int, column: str, text: str) -> DataIssue | None:
    """A warning for text a spreadsheet would run as a formula, or None."""
    if text.startswith(FORMULA_PREFIXES):
        return DataIssue(label, line, col, f"{column}: text starts with {text[0]!r}", text,
                         "allowed, but a spreadsheet would run it as a formula; exports neutralise it", "warning")
    return None


def normalise_keep_spaces(text: str) -> str:
    """Case folded, runs of white space as one space."""
    return re.sub(r"\s+", " ", text.strip().casefold())


def country_choices(countries: dict, value: object) -> list[str]:
    """The ISO3 code a value names by ISO2 code or name, or every code (for `suggest`)."""
    if isinstance(value, str):
        iso2 = {normalise(v["iso2"]): k for k, v in countries.items()}
        names = {normalise(v["name"]): k for k, v in countries.items()}
        for table in (iso2, names):
            if normalise(value) in table:
                return [table[normalise(value)]]
    return sorted(countries)

