"""Project search: words folded for case and accents, an index of word prefixes built once per dataset, and the
spans of a text that a search matched (for highlighting, as text)."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: letters NFKD does not take apart, folded by hand (Vietnamese đ, Nordic ø, German ß, ...)
_EXTRA = {"đ": "d", "ð": "d", "ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"}
_NOT_WORD = re.compile(r"[^0-9a-z]+")
#: at most this many words of a search are used (a longer one is not a real search)
MAX_WORDS = 12


def fold_char(ch: str) -> str:
    """One character folded: lower case, accents dropped, anything but a letter or digit a space."""
    low = ch.casefold()
    low = "".join(_EXTRA.get(c, c) for c in low)
    out = "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", out)


def fold(text: str) -> str:
    """Text folded for search: 'Hồ Chí Minh City' -> 'ho chi minh city'."""
    text = str(text)
    if text.isascii():  # most text: no accents to take apart
        return _NOT_WORD.sub(" ", text.lower())
    low = text.casefold()
    if any(c in _EXTRA for c in low):
        low = "".join(_EXTRA.get(c, c) for c in low)
    out = "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", out)


def words(query: str | None) -> tuple[str, ...]:
    """The distinct folded words of a search, in order (at most `MAX_WORDS`)."""
    if not isinstance(query, str):
        return ()
    return tuple(dict.fromkeys(fold(query).split()))[:MAX_WORDS]


@dataclass(frozen=True)
class TextSearch:
    """Every word of every project's searchable text, sorted, with the projects it occurs in.

    A search word matches the projects holding a word that starts with it ("bike" finds "bikes");
    several words must all match. Built once per dataset: a search is a few binary searches.
    """

    n: int
    #: the distinct folded words, sorted
    tokens: tuple[str, ...]
    #: project positions, grouped by word in `tokens` order; word i's are positions[offsets[i]:offsets[i + 1]]
    positions: np.ndarray = field(repr=False)
    offsets: np.ndarray = field(repr=False)

    @classmethod
    def build(cls, texts: list[str]) -> TextSearch:
        """The index of ``texts`` (one per project, in the projects' order)."""
        folded = pd.Series([fold(t) for t in texts], dtype=object).str.split().explode().dropna()
        if folded.empty:
            return cls(len(texts), (), np.empty(0, np.int32), np.zeros(1, np.int64))
        codes, uniques = pd.factorize(folded.to_numpy(), sort=True)
        pidx = folded.index.to_numpy(np.int64)
        # one entry per (word, project): sort by word, then project, and drop repeats
        key = np.sort(codes.astype(np.int64) * (len(texts) + 1) + pidx)
        key = key[np.concatenate(([True], key[1:] != key[:-1]))]  # (np.unique hashes: ten times slower here)
        word, project = np.divmod(key, len(texts) + 1)
        offsets = np.searchsorted(word, np.arange(len(uniques) + 1))
        return cls(len(texts), tuple(uniques), project.astype(np.int32), offsets.astype(np.int64))

    def match(self, query: str | None) -> np.ndarray:
        """Per project: does its text hold every word of ``query`` (as a word or a word's start)?"""
        mask = np.ones(self.n, dtype=bool)
        for w in words(query):
            lo, hi = bisect_left(self.tokens, w), bisect_left(self.tokens, w + "\U0010ffff")
            hit = np.zeros(self.n, dtype=bool)
            hit[self.positions[self.offsets[lo]:self.offsets[hi]]] = True
            mask &= hit
        return mask


def spans(text: str, found: tuple[str, ...]) -> list[list[int]]:
    """[start, end) character ranges of ``text`` where a word starts with one of the folded words ``found``,
    merged and in order: what the table highlights."""
    if not found or not text:
        return []
    folded, where = [], []
    for i, ch in enumerate(text):
        f = fold_char(ch)
        folded.append(f)
        where.extend([i] * len(f))
    flat = "".join(folded)
    hits = []
    for w in found:
        for m in re.finditer(r"(?<![0-9a-z])" + re.escape(w), flat):
            hits.append([where[m.start()], where[m.end() - 1] + 1])
    hits.sort()
    merged: list[list[int]] = []
    for start, end in hits:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged
