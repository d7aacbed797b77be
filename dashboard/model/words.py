"""What the dashboard calls the things it counts, singular and plural, in one place.

A row of projects.csv is an *activity* (a project, programme, event, exchange or training, `dashboard.vocab.KINDS`):
the partnership's own documents count "projects", a narrower thing, so the dashboard never calls its rows that.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from dashboard.vocab import KINDS

#: the headline numbers' nouns, singular and plural: the page, its captions and every export count in these words
NOUNS: dict[str, tuple[str, str]] = {"cities": ("city", "cities"), "countries": ("country", "countries"),
                                     "activities": ("activity", "activities"), "city pairs": ("city pair", "city pairs")}


def counted(n: int, key: str) -> str:
    """'1 city pair', '10 city pairs', '1 activity': a number in words, with the noun `NOUNS` gives ``key``."""
    one, many = NOUNS[key]
    return f"{n:,} {one if n == 1 else many}"


def activities(n: int) -> str:
    """'1 activity', '26 activities'."""
    return counted(n, "activities")


def kinds_mix(kinds: Iterable[str]) -> str:
    """'11 exchanges, 5 projects, 4 programmes, 3 events and 3 training', most first, from each row's kind."""
    parts = [f"{n:,} {KINDS[k] if n != 1 else k}" for k, n in Counter(kinds).most_common()]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)
