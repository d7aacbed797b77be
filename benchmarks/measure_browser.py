"""Browser measures in headless Chromium: cold page load (bytes, time to map drawn) and filter change to map redrawn."""

from __future__ import annotations

import statistics
import time
from typing import TYPE_CHECKING

from benchmarks.harness import pct
from dashboard.testing import Watch, open_page

if TYPE_CHECKING:  # annotations only: playwright is a test-only extra
    from playwright.sync_api import Browser

#: an emulated 10 Mbit/s link with 40 ms latency (Chrome DevTools Protocol network conditions)
SLOW_LINK = {"offline": False, "latency": 40, "downloadThroughput": 10e6 / 8, "uploadThroughput": 10e6 / 8}

DRAWN_JS = ("() => document.querySelectorAll('#map .scattergeo path.point').length > 0 "
            "&& !!document.querySelector('#map .geo .countries path')")

#: the first view's map shown: its still image (drawn by the server) decoded, before any script of the page runs
STILL_SHOWN_JS = ("() => { const i = document.querySelector('.first-view .map-graph img');"
                  " return !!i && i.complete && i.naturalWidth > 0; }")

REDRAW_JS = """async (search) => {
  const gd = document.querySelector('#map .js-plotly-plot');
  return await new Promise(resolve => {
    const t0 = performance.now();
    const timer = setTimeout(() => { gd.removeListener('plotly_afterplot', done); resolve(null); }, 15000);
    const done = () => { clearTimeout(timer); gd.removeListener('plotly_afterplot', done); resolve(performance.now() - t0); };
    gd.on('plotly_afterplot', done);
    history.pushState({}, '', search);
    window.dispatchEvent(new PopStateEvent('popstate'));
  });
}"""


def page_load(browser: Browser, url: str, slow: bool, runs: int, timeout_s: float = 120, live: bool = True) -> dict:
    """Median bytes on the wire and ms from navigation to the map on screen, cold browser cache each run.

    ``live``: the reader moves at once, and the map counts once the live page is in place with its map drawn by
    plotly.js; otherwise no one moves, and the map counts once the first view's still image of it is shown."""
    times, sizes, externals = [], [], 0
    for _ in range(runs):
        watch = Watch()
        page = open_page(browser, watch, live=live)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        if slow:
            cdp.send("Network.emulateNetworkConditions", SLOW_LINK)
        got: dict[str, float] = {}
        cdp.on("Network.loadingFinished", lambda e: got.__setitem__(e["requestId"], e["encodedDataLength"]))
        t = time.perf_counter()
        try:
            page.goto(url, timeout=timeout_s * 1000)
            page.wait_for_function(DRAWN_JS if live else STILL_SHOWN_JS, timeout=timeout_s * 1000, polling=20)
        except Exception as exc:  # noqa: BLE001 - a reference that never draws is a result, not a crash
            page.context.close()
            return {"error": f"map not drawn within {timeout_s:.0f} s ({type(exc).__name__})"}
        times.append((time.perf_counter() - t) * 1000)
        page.wait_for_load_state("networkidle", timeout=timeout_s * 1000)
        sizes.append(sum(got.values()))
        externals += len(watch.external)
        page.context.close()
    return {"ms": round(statistics.median(times), 0), "bytes": int(statistics.median(sizes)),
            "runs": runs, "external_requests": externals}


def redraw(browser: Browser, url: str, searches: list[str], rounds: int = 3) -> dict:
    """Browser time from a filter change (a link followed in the page) to the map redrawn."""
    page = open_page(browser, Watch())
    page.goto(url)
    page.wait_for_function(DRAWN_JS, timeout=120000)
    page.wait_for_load_state("networkidle")
    ms, missed = [], 0
    for _ in range(rounds):
        for search in searches:
            took = page.evaluate(REDRAW_JS, search)
            if took is None:
                missed += 1  # no redraw within 15 s: counted, not hidden
            else:
                ms.append(took)
    page.context.close()
    return {"redraw_p50_ms": round(pct(ms, 0.5), 0), "redraw_p95_ms": round(pct(ms, 0.95), 0), "changes": len(ms),
            "redraw_timeouts": missed}
