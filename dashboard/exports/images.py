"""Chart images (PNG, SVG, PDF) rendered server-side by kaleido in the machine's own Chromium, fully offline.

Kaleido v1 drives a Chrome through ``choreographer``. We never let it look for (or
download) a browser of its own: :func:`chromium_path` finds the system Chromium
(``$BROWSER_PATH`` if set, else ``chromium`` on the PATH, else ``/usr/bin/chromium``) and
passes it to ``Kaleido(path=...)``. Kaleido's page loads the plotly.js that ships with
the ``plotly`` package (the same file Dash serves), MathJax is turned off (it would come
from a CDN), and a generated script preloads the app's own topojson into
``window.PlotlyGeoAssets`` — plotly.js looks there before it fetches a topojson URL — so a
map renders with no network at all.

Every render goes through :func:`render`, which hands the figures, as JSON, to the server's one
renderer behind a bounded queue (`dashboard.server.renderer`): the renderer process the
gunicorn master started, or, in a single process, a queue in this process. A full queue is
`Busy` (503 with Retry-After). Kaleido's, choreographer's and Chromium's own log lines are
silenced: an export logs one line, its request's.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import logging
import math
import os
import shutil
import tempfile
import textwrap
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import plotly.graph_objects as go
from plotly.utils import PlotlyJSONEncoder

from dashboard import PACKAGE_DIR
from dashboard.charts import CHARTS
from dashboard.config import Settings
from dashboard.exports.common import PRODUCT, BadRequest, Busy, Unavailable, script_json, source_line
from dashboard import figures
from dashboard.figures import FONT, INK, MUTED, html_escape
from dashboard.model.dataset import Dataset
from dashboard.model.render import Rendered
from dashboard.model.words import activities
from dashboard.server import renderer as render_queue

TOPOJSON_DIR = PACKAGE_DIR / "assets" / "topojson"
INSTALL_MESSAGE = (
    "Image export needs Chromium on the server, and none was found. Install it with "
    "'apt-get install chromium' (Debian/Ubuntu), or set BROWSER_PATH to a Chrome or Chromium "
    "executable, then retry. The dashboard's own camera button still downloads a PNG."
)
#: the loggers of kaleido, choreographer (which launches Chromium) and Chromium's own stderr ("browser_proc")
RENDERER_LOGGERS = ("kaleido", "choreographer", "logistro", "browser_proc", "chrome_wrapper")
START_TIMEOUT = 60.0  # seconds to launch Chromium and load plotly.js
RENDER_TIMEOUT = 60.0  # seconds for one image


@dataclass(frozen=True)
class Size:
    """Pixels of the figure and the factor the image is scaled by (PNG pixels = width x scale).

    The default, 960 x 540 at scale 2 (a 1920 x 1080 PNG), makes one CSS pixel one point when the
    image fills a 16:9 slide (13.33 in): the figure's 14 px minimum text reads at 14 pt on a projector.
    """

    width: int = 960
    height: int = 540
    scale: float = 2.0


#: the smallest text in an exported figure, in CSS pixels (14 pt on a full-width 16:9 slide at the default size)
MIN_TEXT = 14
#: the source line's average character width (em, DejaVu Sans) and line height (px): how it is wrapped to fit
SOURCE_CHAR_EM = 0.6
SOURCE_LINE_PX = 18
#: the keys of a figure's font settings
FONT_KEYS = frozenset({"font", "textfont", "tickfont", "insidetextfont", "outsidetextfont"})


def _raise_fonts(node: object, floor: float) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in FONT_KEYS and isinstance(value, dict):
                size = value.get("size")
                if isinstance(size, (int, float)) and not isinstance(size, bool) and size < floor:
                    value["size"] = floor
            if isinstance(value, (dict, list)):
                _raise_fonts(value, floor)
    elif isinstance(node, list):
        for value in node:
            if isinstance(value, (dict, list)):
                _raise_fonts(value, floor)


def legible(fig: go.Figure, floor: float = MIN_TEXT) -> go.Figure:
    """A copy of ``fig`` whose every text (axes, values, legend, annotations, tables) is at least ``floor`` px.

    The map's city names are left as they are: their places were worked out for their size (an image's
    names are laid out again for its size by `sized`; a page's are picked in the browser).
    """
    spec = fig.to_plotly_json()
    layout = spec.setdefault("layout", {})
    font = layout.setdefault("font", {})
    font["size"] = max(font.get("size") or 12, floor)  # plotly's default is 12
    # the map's names keep the size their layout was worked out for (here, or in the browser from layout.meta)
    _raise_fonts([t for t in spec.get("data", []) if t.get("name") != figures.LABEL_TRACE], floor)
    _raise_fonts({k: v for k, v in layout.items() if k != "meta"}, floor)
    return go.Figure(spec, _validate=False)


#: what a request may ask for; anything else answers 400 saying these bounds
WIDTH_RANGE = (200, 4000)
HEIGHT_RANGE = (200, 4000)
SCALE_RANGE = (0.25, 4.0)
MAX_PIXELS = 40_000_000  # of the output image: 3200 x 1800 at scale 2 is 23 million


def _number(name: str, value: object, bounds: tuple[float, float], whole: bool) -> float:
    low, high = bounds
    what = "a whole number" if whole else "a number"
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or (whole and number != int(number)) or not low <= number <= high:
        raise BadRequest(f"{name} must be {what} from {low:g} to {high:g} (got {str(value)[:20]!r})")
    return number


def size_from(width: object = None, height: object = None, scale: object = None, default: Size = Size()) -> Size:
    """A checked :class:`Size` from request or command-line values (strings or numbers; None keeps the default)."""
    w = default.width if width in (None, "") else int(_number("width", width, WIDTH_RANGE, whole=True))
    h = default.height if height in (None, "") else int(_number("height", height, HEIGHT_RANGE, whole=True))
    s = default.scale if scale in (None, "") else _number("scale", scale, SCALE_RANGE, whole=False)
    if w * h * s * s > MAX_PIXELS:
        raise BadRequest(f"width x height x scale² must stay under {MAX_PIXELS:,} pixels "
                         f"(got {w} x {h} at scale {s:g})")
    return Size(w, h, s)


# ---------------------------------------------------------------------------------------------------------------
# The figure as exported: the page's figure plus its title, the filters, the legend and a source line


def subtitle(dataset: Dataset, rendered: Rendered) -> str:
    return f"{rendered.state.describe(dataset.index)} — {activities(rendered.headlines['activities'])} in view"


def decorate(fig: go.Figure, chart: str, *, title: str | None, note: str | None, source: str | None,
             width: int = Size.width) -> go.Figure:
    """A copy of a page figure laid out for a file: a fixed white page, its words inside the image.

    ``title``/``note``/``source`` None leave that part out (a slide carries them as text instead).
    Data text is escaped: Plotly reads a few HTML tags in titles, and a title is never markup.
    The source line is wrapped to the image's ``width`` (CSS px), a line more at the foot for each.
    """
    out = go.Figure(fig)
    lines = (textwrap.wrap(source, max(40, int((width - 48) / (MIN_TEXT * SOURCE_CHAR_EM))), break_on_hyphens=False)
             if source else [])
    top = (40 if title else 16) + (30 if note else 0)
    bottom = {"map": 64, "timeline": 130}.get(chart, 16) + (16 + SOURCE_LINE_PX * len(lines) if lines else 0)
    out.update_layout(
        width=None, height=None, paper_bgcolor="#ffffff", plot_bgcolor="#ffffff", uirevision=None,
        font=dict(family=FONT, color=INK),
        margin=dict(l=24, r=24, t=top + 14, b=bottom),
        title=dict(text=html_escape(title), x=0.012, xanchor="left", y=0.985, yanchor="top", yref="container",
                   font=dict(size=24), subtitle=dict(text=html_escape(note or ""), font=dict(size=15, color=MUTED)))
        if title else dict(text=""),
    )
    if chart == "map":
        # one row of legend below the map, cities and sectors side by side
        out.update_layout(legend=dict(orientation="h", traceorder="normal", x=0, xanchor="left", y=0, yanchor="top",
                                      font=dict(size=14)))
    elif chart == "timeline":
        # a file is wide: the page's two-column legend (sized for a phone) becomes one row of one-line names again
        out.update_layout(legend=dict(orientation="h", x=0, xanchor="left", y=-0.1, yanchor="top", font=dict(size=14)))
        out.layout.legend.entrywidth = out.layout.legend.entrywidthmode = None
        out.for_each_trace(lambda t: t.update(name=str(t.name).replace("<br>", " ")))
    else:
        out.update_layout(margin_l=24)
    if source:
        out.add_annotation(text="<br>".join(html_escape(line) for line in lines), xref="paper", yref="paper", x=0,
                           xanchor="left", y=0,
                           yanchor="bottom", yshift=-(bottom - 10), showarrow=False, align="left",
                           font=dict(size=MIN_TEXT, color=MUTED))
    return legible(out)


def chart_figure(dataset: Dataset, rendered: Rendered, chart: str, date=None, framed: bool = True,
                 width: int = Size.width) -> go.Figure:
    """The figure of ``chart`` as a file ``width`` px wide shows it (``framed``: with title, filters and source
    inside the image)."""
    fig = rendered.figures[chart]
    if not framed:
        return decorate(fig, chart, title=None, note=None, source=None)
    return decorate(fig, chart, title=f"{CHARTS[chart].title} — {PRODUCT}", note=subtitle(dataset, rendered),
                    source=source_line(date, dataset), width=width)


# ---------------------------------------------------------------------------------------------------------------
# Chromium through kaleido: one browser per process, started on first use, driven from its own event-loop thread


def chromium_path() -> str | None:
    """The Chrome/Chromium kaleido drives: $BROWSER_PATH, else chromium on the PATH, else /usr/bin/chromium."""
    for candidate in (os.environ.get("BROWSER_PATH"), shutil.which("chromium"), shutil.which("chromium-browser"),
                      "/usr/bin/chromium"):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


@lru_cache(maxsize=4)
def geo_assets_js(names: tuple[str, ...] = ("world_110m", "world_50m")) -> str:
    """JavaScript that preloads the app's topojson, so plotly.js never fetches a map outline."""
    assets = {n: json.loads((TOPOJSON_DIR / f"{n}.json").read_text(encoding="utf-8")) for n in names}
    return ("window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};\n"
            "window.PlotlyGeoAssets.topojson = window.PlotlyGeoAssets.topojson || {};\n"
            f"Object.assign(window.PlotlyGeoAssets.topojson, {script_json(assets)});\n")


class Renderer:
    """A kaleido session (one headless Chromium): in the server's renderer process, or in a single-process app.

    It is only ever called through a bounded queue (:func:`render`). Kaleido is asyncio; the callers are threads. The session lives on a private event
    loop in a daemon thread, and :meth:`render` hands it work and waits. A failure or
    timeout closes the session so that the next export starts a fresh browser.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None
        self._tmp: Path | None = None
        self._pid: int | None = None

    def _ensure(self, path: str):
        if self._kaleido is not None and self._pid == os.getpid():
            return self._kaleido, self._loop
        if self._pid != os.getpid():  # a forked worker: the parent's browser is not ours
            self._kaleido = self._loop = None
        from kaleido import Kaleido, PageGenerator  # heavy, and only needed once an image is asked for

        tmp = Path(tempfile.mkdtemp(prefix="usascp-kaleido-"))
        (tmp / "geo-assets.js").write_text(geo_assets_js(), encoding="utf-8")
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="usascp-kaleido", daemon=True).start()

        async def start():
            k = Kaleido(n=1, timeout=RENDER_TIMEOUT, path=path,
                        page_generator=PageGenerator(mathjax=False, others=[str(tmp / "geo-assets.js")]))
            await k.open()
            return k

        try:
            kaleido = asyncio.run_coroutine_threadsafe(start(), loop).result(START_TIMEOUT)
        except BaseException as exc:
            loop.call_soon_threadsafe(loop.stop)
            shutil.rmtree(tmp, ignore_errors=True)
            raise Unavailable(f"Chromium at {path} could not be started for image export ({type(exc).__name__}: "
                              f"{str(exc)[:200]}). Check that 'chromium --headless' runs on the server.") from exc
        self._kaleido, self._loop, self._tmp, self._pid = kaleido, loop, tmp, os.getpid()
        return kaleido, loop

    def render(self, jobs: list[dict]) -> list[bytes]:
        """Images of each job ({"figure": plotly JSON, "format", "width", "height", "scale"}), in order;
        raises Unavailable when Chromium is missing or fails."""
        path = chromium_path()
        if path is None:
            raise Unavailable(INSTALL_MESSAGE)
        with self._lock:
            quiet_renderer_logs()
            kaleido, loop = self._ensure(path)

        async def run() -> list[bytes]:
            return [await kaleido.calc_fig(job["figure"], opts=dict(format=job["format"], width=job["width"],
                                                                    height=job["height"], scale=job["scale"]))
                    for job in jobs]

        future = asyncio.run_coroutine_threadsafe(run(), loop)
        try:
            return future.result(RENDER_TIMEOUT * max(len(jobs), 1))
        except FutureTimeout as exc:
            future.cancel()
            self.close()
            raise Unavailable("Image rendering timed out in Chromium; please retry.") from exc
        except Exception as exc:
            self.close()
            raise Unavailable(f"Image rendering failed in Chromium ({type(exc).__name__}: {str(exc)[:200]}); "
                              "please retry.") from exc

    def close(self) -> None:
        """Close the browser (if any); the next render starts another."""
        with self._lock:
            kaleido, loop, tmp = self._kaleido, self._loop, self._tmp
            self._kaleido = self._loop = self._tmp = None
            if kaleido is not None and loop is not None and self._pid == os.getpid():
                try:
                    asyncio.run_coroutine_threadsafe(kaleido.close(), loop).result(15)
                except Exception:  # noqa: BLE001 - closing a broken browser is best effort
                    pass
                loop.call_soon_threadsafe(loop.stop)
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)


RENDERER = Renderer()
atexit.register(RENDERER.close)


def quiet_renderer_logs() -> None:
    """Silence kaleido, choreographer and Chromium below errors: an export logs its request's line, not theirs."""
    for name in RENDERER_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)


_LOCAL: dict[int, render_queue.BoundedRenderer] = {}


def local_queue() -> render_queue.BoundedRenderer:
    """This process's own bounded queue in front of `RENDERER` (one per process; $USASCP_RENDER_QUEUE jobs)."""
    pid = os.getpid()
    if pid not in _LOCAL:
        _LOCAL.clear()  # a forked child does not share its parent's queue
        _LOCAL[pid] = render_queue.BoundedRenderer(RENDERER.render, Settings.from_env().render_queue)
    return _LOCAL[pid]


def render(jobs: list[tuple[go.Figure, str, Size]]) -> list[bytes]:
    """Images of each (figure, format, size); a map's city names are laid out again for the image's size.

    The figures go to the server's renderer process when there is one (`serve`), else to this
    process's queue. Raises Busy when the queue is full, Unavailable when Chromium is missing or fails.
    """
    specs = [{"figure": sized(fig, size).to_plotly_json(), "format": fmt, "width": size.width,
              "height": size.height, "scale": size.scale} for fig, fmt, size in jobs]
    remote = render_queue.from_environment()
    try:
        if remote is not None:
            return remote.render(specs, encoder=PlotlyJSONEncoder)
        return local_queue().render(specs)
    except render_queue.RendererBusy as exc:
        raise Busy(str(exc), exc.retry_after) from exc
    except render_queue.RendererFailed as exc:
        raise Unavailable(str(exc)) from exc


#: the font exported images are set in (Debian's fonts-dejavu-core); without it Chromium falls back to another
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
ENABLE_COMMAND = "sudo apt-get install -y chromium fonts-dejavu-core"


def unavailable_exports() -> str | None:
    """What to say at start-up when image, PowerPoint and PDF exports cannot work here, and the command that enables
    them (None when they can)."""
    if chromium_path() is None:
        return ("Image exports are unavailable: no Chromium was found ($BROWSER_PATH, chromium on the PATH, "
                "/usr/bin/chromium). Until it is installed, /export/<chart>.png, .svg and .pdf, /export/map.pptx, "
                "/export/briefing.pdf, /export/briefing.docx and a /export/briefing.pptx with the map slide answer 503 "
                "(CSV, XLSX, offline HTML and decks without the map work). To enable them: "
                f"{ENABLE_COMMAND} (or set BROWSER_PATH to a Chrome or Chromium), then restart the dashboard.")
    if not DEJAVU.exists():
        return ("Exported images will use a fallback font: DejaVu Sans is missing. To install it: "
                "sudo apt-get install -y fonts-dejavu-core")
    return None


def sized(fig: go.Figure, size: Size) -> go.Figure:
    """``fig`` with its city names (if it has any) laid out for a plot of ``size``, less the figure's margins."""
    meta = fig.layout.meta
    if not isinstance(meta, dict) or not meta.get("labels"):
        return fig
    m = fig.layout.margin
    left, top = m.l or 0, m.t or 0
    width, height = size.width - left - (m.r or 0), size.height - top - (m.b or 0)
    arrangement = "stacked" if height > width * 0.9 else "overlay"
    return figures.add_labels(fig, ((width, height, arrangement),), left=left, top=top)


def chart_image(dataset: Dataset, rendered: Rendered, chart: str, fmt: str, size: Size, date=None) -> bytes:
    """One chart as PNG, SVG or PDF bytes, framed with its title, filters, legend and source line."""
    return render([(chart_figure(dataset, rendered, chart, date, width=size.width), fmt, size)])[0]
