"""City names on the map, laid out in pixels so that no two overlap and none covers another city's marker.

A label sits beside its city's marker at one of plotly's text positions; the layout is greedy by importance
(the chosen city, then the busiest cities), and a label with no free position is left out. Pure functions:
the map builder lays labels out for each size it is drawn at (no Dash here).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: the label font size (px) on the page and in exports
FONT_SIZE = 12
#: positions tried, in order of preference (plotly's textposition values)
POSITIONS: tuple[str, ...] = ("middle right", "middle left", "top center", "bottom center",
                              "top right", "top left", "bottom right", "bottom left")
#: free space kept around every label box (px)
PAD = 2.0
#: where a name that fits nowhere beside its marker may move to, joined to it by a leader line: (dx, dy) px
LEADER_STEPS: tuple[tuple[float, float], ...] = tuple(
    (d * ux, d * uy) for d in (22.0, 34.0, 48.0)
    for ux, uy in ((1, 0), (-1, 0), (0, -1), (0, 1), (0.7, -0.7), (-0.7, -0.7), (0.7, 0.7), (-0.7, 0.7)))
#: character widths as a share of the font size (a generous sans-serif estimate: too wide is safe)
_NARROW, _WIDE, _UPPER, _OTHER = set("iljtfr.,;:'!| ()[]"), set("mwMW@"), set("ABCDEFGHIJKLNOPQRSTUVXYZ"), 0.6


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """An upper estimate of the rendered width of ``text`` in pixels."""
    units = sum(0.33 if c in _NARROW else 0.9 if c in _WIDE else 0.7 if c in _UPPER else _OTHER for c in text)
    return units * size + 3


def label_box(x: float, y: float, radius: float, position: str, width: float,
              size: float = FONT_SIZE) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a label at ``position`` beside a marker of ``radius`` at (x, y), as plotly
    places scatter text (components/drawing textPointPosition): offset r = radius / 0.8 + 1 from the centre."""
    r = radius / 0.8 + 1 if radius else 0.0
    if "left" in position:
        x0 = x - r - width
    elif "right" in position:
        x0 = x + r
    else:
        x0 = x - width / 2
    if "top" in position:
        baseline = y - r - 0.25 * size
    elif "bottom" in position:
        baseline = y + r + 0.75 * size
    else:
        baseline = y + 0.25 * size
    return x0, baseline - 0.9 * size, x0 + width, baseline + 0.3 * size


@dataclass(frozen=True)
class Candidate:
    """A city that wants a label: its marker's index among ``markers``, its name and its importance."""

    marker: int
    text: str
    priority: float


def _hits(boxes: np.ndarray, obstacles: np.ndarray) -> np.ndarray:
    """For each box (rows of left, top, right, bottom) and each obstacle box, whether they come within `PAD`."""
    b, o = boxes[:, None, :], obstacles[None, :, :]
    return ((o[..., 0] < b[..., 2] + PAD) & (o[..., 2] > b[..., 0] - PAD)
            & (o[..., 1] < b[..., 3] + PAD) & (o[..., 3] > b[..., 1] - PAD))


def _hit_rows(boxes: np.ndarray, obstacles: np.ndarray) -> np.ndarray:
    """For each box, whether it comes within `PAD` of any obstacle box."""
    if not len(obstacles):
        return np.zeros(len(boxes), dtype=bool)
    return _hits(boxes, obstacles).any(axis=1)


@dataclass(frozen=True)
class Placed:
    """Where a name went: a plotly text position beside its anchor, its box, and the anchor when the name had
    to move away from its marker (a leader line joins them); None when it sits beside the marker."""

    position: str
    box: tuple[float, float, float, float]
    anchor: tuple[float, float] | None = None


def _toward(dx: float, dy: float) -> str:
    """The text position that puts a moved name on the far side of its anchor from the marker."""
    v = "top" if dy < -1 else "bottom" if dy > 1 else "middle"
    h = "right" if dx > 1 else "left" if dx < -1 else "center"
    return f"{v} {h}" if (v, h) != ("middle", "center") else "middle right"


# every place a name may go, in order: beside its marker at each position, then moved out on a leader line
_TRY_POSITIONS = (*POSITIONS, *(_toward(dx, dy) for dx, dy in LEADER_STEPS))
_TRY_DX = np.array([0.0] * len(POSITIONS) + [dx for dx, _ in LEADER_STEPS])
_TRY_DY = np.array([0.0] * len(POSITIONS) + [dy for _, dy in LEADER_STEPS])
_TRY_BESIDE = np.arange(len(_TRY_POSITIONS)) < len(POSITIONS)
_TRY_H = np.array([-1 if "left" in p else 1 if "right" in p else 0 for p in _TRY_POSITIONS])
_TRY_V = np.array([-1 if "top" in p else 1 if "bottom" in p else 0 for p in _TRY_POSITIONS])


def _try_boxes(x: float, y: float, radius: float, width: float, size: float) -> np.ndarray:
    """The box of every try (rows of left, top, right, bottom): `label_box` for each, in one go."""
    r = np.where(_TRY_BESIDE, radius / 0.8 + 1 if radius else 0.0, 0.0)
    ax, ay = x + _TRY_DX, y + _TRY_DY
    x0 = np.where(_TRY_H < 0, ax - r - width, np.where(_TRY_H > 0, ax + r, ax - width / 2))
    base = np.where(_TRY_V < 0, ay - r - 0.25 * size, np.where(_TRY_V > 0, ay + r + 0.75 * size, ay + 0.25 * size))
    return np.column_stack([x0, base - 0.9 * size, x0 + width, base + 0.3 * size])


def place(markers: np.ndarray, candidates: list[Candidate], area: tuple[float, float, float, float],
          size: float = FONT_SIZE, blocked: tuple[float, float, float, float] | None = None,
          ) -> dict[int, Placed]:
    """Lay out labels: marker index -> `Placed` for every candidate that fits, most important first.

    ``markers`` is an (n, 3) array of marker centres and radii (plotly's: half the marker size) in pixels; a
    marker keeps a pixel of clear space around it. ``area`` is the (left, top, right,
    bottom) the labels must stay inside, ``blocked`` a box they must keep out of (an inset). A label may not
    overlap another label or any marker but its own; one that fits nowhere beside its marker moves a little
    away (`LEADER_STEPS`) and is joined to it by a line.
    """
    markers = np.asarray(markers, dtype=float).reshape(-1, 3)
    reach = markers[:, 2] + 1
    marker_boxes = np.column_stack([markers[:, 0] - reach, markers[:, 1] - reach,
                                    markers[:, 0] + reach, markers[:, 1] + reach])
    placed: dict[int, Placed] = {}
    taken = np.array([blocked], dtype=float) if blocked is not None else np.empty((0, 4))
    left, top, right, bottom = area
    # the markers in order of x, so that each name looks only at those within its reach (thousands of cities)
    by_x = np.argsort(markers[:, 0], kind="stable")
    xs = markers[by_x, 0]
    beside = np.arange(len(_TRY_POSITIONS)) < len(POSITIONS)  # a moved name keeps clear of its own marker too
    for cand in sorted(candidates, key=lambda c: (-c.priority, c.text)):
        x, y, r = markers[cand.marker]
        if not (left <= x <= right and top <= y <= bottom) or cand.marker in placed:
            continue  # off the visible map
        width = text_width(cand.text, size)
        reach = width + 80  # no try reaches further than this (the farthest leader step is 48 px)
        window = by_x[np.searchsorted(xs, x - reach):np.searchsorted(xs, x + reach, side="right")]
        # markers that overlap this one (a city beside another, as Singapore and Johor Bahru) cannot be kept
        # clear of its name; the name keeps clear of every other marker
        gap = np.hypot(markers[window, 0] - x, markers[window, 1] - y)
        near = gap < reach
        apart = near & (gap >= (markers[window, 2] + r) * 0.8) & (window != cand.marker)
        boxes = _try_boxes(x, y, r, width, size)
        ok = (boxes[:, 0] >= left) & (boxes[:, 1] >= top) & (boxes[:, 2] <= right) & (boxes[:, 3] <= bottom)
        ok &= ~_hit_rows(boxes, taken)
        hits = _hits(boxes, marker_boxes[window[near]])  # (tries, nearby markers)
        ok &= ~np.where(beside, hits[:, apart[near]].any(axis=1), hits.any(axis=1))
        if ok.any():
            k = int(np.argmax(ok))
            box = tuple(float(v) for v in boxes[k])
            anchor = None if k < len(POSITIONS) else (x + _TRY_DX[k], y + _TRY_DY[k])
            placed[cand.marker] = Placed(_TRY_POSITIONS[k], box, anchor)
            taken = np.vstack([taken, box])
    return placed


def overlaps(boxes: list[tuple[float, float, float, float]]) -> list[tuple[int, int]]:
    """Pairs of boxes that overlap (for tests and checks)."""
    out = []
    for i, a in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            b = boxes[j]
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                out.append((i, j))
    return out
