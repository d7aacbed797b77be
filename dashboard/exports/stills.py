"""The page's map and charts as still SVG images, drawn on the server for a filter state: what the page's first
view shows before its scripts run (`dashboard.app`, `assets/hydrate.js`), at the size the page draws each graph.

A still is the page's own figure (not an export's framed one), rendered by the same Chromium as the exports,
with its outlines' coordinates rounded to whole pixels (a third of the bytes; no visible change at 1x or 2x).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

from dashboard.charts import CHARTS
from dashboard.exports import images
from dashboard.exports.images import Size
from dashboard.model.filters import FilterState, to_query
from dashboard.model.render import Rendered

#: the graph sizes the page draws (CSS px), measured in Chromium: 'wide' at 1440 px (the map across the content,
#: two charts a row), 'wide-city' its map beside a city's panel, 'phone' at 390 px; the page picks the phone's or
#: the wide screen's by the screen's width (`PHONE_MEDIA`)
MAP_SIZE = {"wide": (1068, 567), "wide-city": (712, 378), "phone": (364, 450)}
CHART_WIDTH = {"wide": 511, "wide-city": 511, "phone": 340}
#: an embed's chart fills its frame (exports/offline.py): its figure as a file lays it out (white, the legend
#: below), 16:9 on a wide screen; on a phone the map square and a chart 4:5, as the embed's style sheet does
EMBED_SIZE = {"embed-wide": {"map": (960, 540), "chart": (960, 540)},
              "embed-phone": {"map": (360, 360), "chart": (360, 450)}}
EMBED_VARIANTS = tuple(EMBED_SIZE)
VARIANTS = (*MAP_SIZE, *EMBED_VARIANTS)
#: the variants that show one chart (drawn alone); the others' charts are all drawn at once, as a page shows them
ONE_CHART = frozenset({"wide-city", *EMBED_VARIANTS})
#: the screens that get the phone still (assets/style.css puts the phone layout at the same width)
PHONE_MEDIA = "(max-width: 599px)"
#: filter states whose stills are kept (each a few tens of KB)
KEEP = 64

_NUMBER = re.compile(r"(-?\d+)\.\d+")
_PATH = re.compile(r' d="([^"]*)"')


def rounded_paths(svg: bytes) -> bytes:
    """``svg`` with every path's coordinates rounded down to whole pixels (plotly writes up to 15 digits)."""
    text = svg.decode("utf-8")
    return _PATH.sub(lambda m: ' d="' + _NUMBER.sub(r"\1", m.group(1)) + '"', text).encode("utf-8")


def query(state: FilterState, version: str) -> str:
    """A still's query string (no '?'): the state's filters and the data version it is drawn for."""
    return "&".join(q for q in (to_query(state).lstrip("?"), f"v={version}") if q)


def size_of(rendered: Rendered, chart: str, variant: str) -> Size:
    """The pixels ``chart`` takes on the page in ``variant``: the map's box, a chart's width and its own height."""
    if variant in EMBED_SIZE:
        width, height = EMBED_SIZE[variant]["map" if chart == "map" else "chart"]
    elif chart == "map":
        width, height = MAP_SIZE[variant]
    else:
        width, height = CHART_WIDTH[variant], int(rendered.figures[chart].layout.height or 300)
    return Size(width=width, height=height, scale=1)


def figure_of(rendered: Rendered, chart: str, variant: str):
    """The figure a still shows: the page's own, or for an embed the figure as a file lays it out."""
    figure = rendered.figures[chart]
    if variant in EMBED_SIZE:
        return images.decorate(figure, chart, title=None, note=None, source=None)
    return figure


class Stills:
    """Stills of each filter state and variant, drawn on first use (a page's charts all at once, an embed's or a
    map's beside a city panel alone; between the sizes measured, a still is scaled to its box) and kept (least
    recently used dropped); one render at a time per process, so that a burst of first views cannot fill the
    export renderer's queue."""

    def __init__(self, keep: int = KEEP):
        self.keep = keep
        self._lock = threading.Lock()
        self._render_lock = threading.Lock()
        self._version: str | None = None
        self._kept: OrderedDict[tuple[FilterState, str, str], dict[str, bytes]] = OrderedDict()

    def _get(self, version: str, key: tuple[FilterState, str, str]) -> dict[str, bytes] | None:
        with self._lock:
            if version != self._version:
                self._version, self._kept = version, OrderedDict()
            hit = self._kept.get(key)
            if hit is not None:
                self._kept.move_to_end(key)
            return hit

    def svg(self, version: str, rendered: Rendered, chart: str, variant: str) -> bytes:
        """``chart``'s still for ``rendered``'s state in ``variant``; raises `images.Busy`/`Unavailable` as an
        image export does."""
        names = [chart] if variant in ONE_CHART else list(CHARTS)
        key = (rendered.state, variant, chart if variant in ONE_CHART else "")
        hit = self._get(version, key)
        if hit is None:
            with self._render_lock:
                hit = self._get(version, key)  # another request may have drawn it while this one waited
                if hit is None:
                    jobs = [(figure_of(rendered, name, variant), "svg", size_of(rendered, name, variant))
                            for name in names]
                    hit = {name: rounded_paths(out) for name, out in zip(names, images.render(jobs))}
                    with self._lock:
                        if version == self._version:
                            self._kept[key] = hit
                            while len(self._kept) > self.keep:
                                self._kept.popitem(last=False)
        return hit[chart]
