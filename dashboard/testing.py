"""Tools that drive the dashboard in a real browser and over HTTP, shared by the tests and the benchmarks."""

# Like dash.testing, this ships in the package but only the tests and benchmarks use it. Playwright
# is a test-only extra, so it is never imported here at run time: launch() is handed the playwright
# object by its caller. In the browser, every request to a host other than the loopback server is
# aborted and recorded, and every console error is recorded, so a caller can assert that a page
# needed nothing from outside.

from __future__ import annotations

import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from werkzeug.serving import make_server

from dashboard.ids import ids

if TYPE_CHECKING:  # annotations only: neither is imported when the module runs
    from dash import Dash
    from playwright.sync_api import Browser, Page, Playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


# ---------------------------------------------------------------- the app on a loopback port, and its processes


class LiveServer:
    """A Dash app's Flask server on 127.0.0.1 and a free port, in a daemon thread."""

    def __init__(self, app: Dash):
        self._server = make_server("127.0.0.1", 0, app.server, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Shut the server down."""
        self._server.shutdown()


def children(pid: int) -> list[int]:
    """Child process ids, from /proc (no `ps` needed)."""
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


# ---------------------------------------------------------------- headless Debian Chromium with the network shut


@dataclass
class Watch:
    """What a page did that it should not: requests off the machine, console errors, page errors."""

    external: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    pages: list = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        """Content-Security-Policy violations reported by the pages still open."""
        out = []
        for page in self.pages:
            try:
                out += page.evaluate("() => window.__cspViolations || []")
            except Exception:  # noqa: BLE001 - a closed page has nothing more to say
                pass
        return out

    def assert_clean(self) -> None:
        """Fail unless nothing left the machine, the console stayed clean and the CSP was kept."""
        assert self.external == [], f"requests left the machine: {self.external}"
        assert self.console_errors == [], f"browser console errors: {self.console_errors}"
        assert self.csp_violations() == [], f"Content-Security-Policy violations: {self.csp_violations()}"


def launch(playwright: Playwright) -> Browser:
    """Debian's headless Chromium through ``playwright`` (never a downloaded browser); RuntimeError if absent."""
    if not os.path.exists(CHROMIUM):
        raise RuntimeError("Debian's chromium is not installed: run scripts/test.sh as root, "
                           "or apt-get install chromium chromium-driver")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


#: what stands in for a still image in a page whose scripts start at once
BLANK_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>'
#: what a reader's first move does (assets/hydrate.js), done as soon as the page is parsed
START_AT_ONCE = "document.addEventListener('DOMContentLoaded', () => window.usascpStart && window.usascpStart());"
#: the live page has taken the first view's place (assets/hydrate.js removes the first view once the live page's
#: map and dropdowns are drawn), or the page never had one
HANDED_OVER = "() => !document.querySelector('.first-view')"


#: the gaps, in whole pixels, between side-by-side elements matching a selector (a segmented control's buttons)
SEGMENT_GAPS = """s => { const r = [...document.querySelectorAll(s)].map(e => e.getBoundingClientRect()), gaps = [];
  for (let i = 1; i < r.length; i++) {
    if (Math.abs(r[i].top - r[i - 1].top) < 1) { gaps.push(Math.round(r[i].left - r[i - 1].right)); } }
  return gaps; }"""


def open_page(browser: Browser, watch: Watch, width: int = 1440, height: int = 900, live: bool = True) -> Page:
    """A new page whose non-loopback requests are blocked and counted.

    ``live``: the dashboard's scripts start as the page loads, as if the reader moved at once, the first view's
    still images are blank stand-ins, and ``page.goto`` returns once the live page has taken the first view's place
    (until then both are in the document, and a selector can match either). Otherwise the page shows its first view,
    still images and all, until the first pointer, touch, scroll or key."""
    context = browser.new_context(viewport={"width": width, "height": height})
    if live:
        context.add_init_script(START_AT_ONCE)

    def route(r):
        host = urlparse(r.request.url).hostname
        if host in ("127.0.0.1", "localhost", "::1") or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            watch.external.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    if live:  # the still images wait for no one: the live page is drawn at once over them (tests with live=False
        # see the real ones), so the server is spared drawing them for every state a test opens
        context.route("**/still/**", lambda r: r.fulfill(status=200, content_type="image/svg+xml", body=BLANK_SVG))
    context.add_init_script("""window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation',
        e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));""")
    page = context.new_page()
    watch.pages.append(page)
    page.on("console", lambda m: watch.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watch.console_errors.append(str(e)))
    if live:
        goto = page.goto

        def goto_live(url: str, **kw):
            response = goto(url, **kw)
            page.wait_for_function(HANDED_OVER, timeout=60000)
            return response

        page.goto = goto_live
    return page


MAP_STATE_JS = """() => {
  const gd = document.querySelector('#map .js-plotly-plot');
  const countries = document.querySelector('#map .geo .countries path');
  const traces = (gd && gd._fullData) || [];  // decoded typed arrays
  // the city pairs' arcs (not the leader lines of moved city names)
  const lines = traces.filter(t => t.mode === 'lines' && t.name !== 'City names');
  const leaders = traces.filter(t => t.mode === 'lines' && t.name === 'City names' && t.visible === true).length;
  const arcs = {};
  for (const t of lines) {
    const lon = Array.from(t.lon || []);
    const gaps = lon.filter(v => v === null || Number.isNaN(v)).length;
    arcs[t.name] = (arcs[t.name] || 0) + gaps;
  }
  // the invisible hover targets along the arcs are drawn as points too, but are no cities
  // and so are the invisible markers the city names sit beside
  const invisible = traces.filter(t => t.visible === true && String(t.mode).includes('markers') && t.marker &&
                                       t.marker.opacity === 0);
  // the main map's markers (the ASEAN inset draws its cities a second time)
  const markers = traces.filter(t => t.mode === 'markers' && !invisible.includes(t) && (t.geo || 'geo') === 'geo');
  const inset = traces.filter(t => t.mode === 'markers' && !invisible.includes(t) && t.geo === 'geo2');
  const targets = invisible.reduce((n, t) => n + (t.lon || []).length, 0);
  return {
    outline_chars: countries ? (countries.getAttribute('d') || '').length : 0,
    drawn_points: document.querySelectorAll('#map .scattergeo path.point').length - targets,
    hover_targets: targets,
    drawn_lines: document.querySelectorAll('#map .scattergeo path.js-line').length - leaders,
    arcs: arcs,
    markers: Object.fromEntries(markers.map(t => [t.name, (t.lon || []).length])),
    inset_points: inset.reduce((n, t) => n + (t.lon || []).length, 0),
    // [name, projects in view] for every labelled marker
    cities: markers.filter(t => t.text && t.customdata).flatMap(t => Array.from(t.text).map((text, i) => [
      text.replace(/<[^>]+>/g, '|').split('|').filter(Boolean)[0], Number(t.customdata[i][1])])),
  };
}"""


# ---------------------------------------------------------------- request bodies for Dash's callback endpoint
# (built from the app's own /_dash-dependencies)

#: the main callback's inputs at their initial values
DEFAULTS = {
    f"{ids.URL}.search": "", f"{ids.SECTOR}.value": [], f"{ids.COUNTRY}.value": [], f"{ids.AGENCY}.value": [],
    f"{ids.STATUS}.value": [], f"{ids.KIND}.value": [], f"{ids.YEAR_FROM}.value": None, f"{ids.YEAR_TO}.value": None, f"{ids.QUERY}.value": "",
    f"{ids.CITY}.value": None, f"{ids.MAP}.clickData": None,
    f"{ids.RESET}.n_clicks": 0, f"{ids.DETAILS_CLOSE}.n_clicks": 0, f"{ids.TABLE_SORT}.data": None,
}


def main_callback(deps: list[dict]) -> dict:
    """The filter callback's entry in /_dash-dependencies."""
    return next(d for d in deps if f"{ids.HEADLINES}.children" in d["output"])


def outputs_of(output: str) -> list[dict] | dict:
    """The `outputs` field Dash's renderer sends for a callback's output key."""
    if "." not in output:  # a clientside callback with no outputs: never sent to the server
        return []
    if output.startswith(".."):
        return [{"id": o.rsplit(".", 1)[0], "property": o.rsplit(".", 1)[1]} for o in output.strip(".").split("...")]
    ident, prop = output.rsplit(".", 1)
    return {"id": ident, "property": prop}


def filter_body(deps: list[dict], trigger: str, values: dict | None = None) -> dict:
    """A /_dash-update-component body for the filter callback: ``trigger`` changed, ``values`` override defaults."""
    cb = main_callback(deps)
    current = {**DEFAULTS, **(values or {})}
    return {
        "output": cb["output"], "outputs": outputs_of(cb["output"]),
        "inputs": [{"id": i["id"], "property": i["property"], "value": current.get(f"{i['id']}.{i['property']}")}
                   for i in cb["inputs"]],
        "changedPropIds": [trigger],
        "state": [{"id": x["id"], "property": x["property"], "value": current.get(f"{x['id']}.{x['property']}")}
                  for x in cb.get("state", [])],
    }


#: every city marker drawn on the map, by its position in the dataset: {name, x, y (viewport px), geo}; where a
#: city is drawn twice (the main map and the ASEAN inset) the inset's, where it is larger
CITY_MARKERS_JS = """() => {
  const gd = document.querySelector('#map .js-plotly-plot'); const full = gd._fullLayout;
  const svg = gd.querySelector('.main-svg').getBoundingClientRect();
  const out = {};
  for (const t of gd._fullData) {
    if (!(t.visible === true && String(t.mode).includes('markers') && t.customdata && !(t.marker && t.marker.opacity === 0))) continue;
    const g = t.geo || 'geo'; const proj = full[g]._subplot.projection; const clip = proj.clipExtent();
    for (let i = 0; i < t.lon.length; i++) {
      const p = proj([t.lon[i], t.lat[i]]);
      if (!p || p[0] < clip[0][0] || p[0] > clip[1][0] || p[1] < clip[0][1] || p[1] > clip[1][1]) continue;
      const pos = Number(t.customdata[i][0]);
      const name = t.text[i].replace(/<[^>]+>/g, '|').split('|').filter(Boolean)[0];
      if (!out[pos] || g === 'geo2') out[pos] = {name: name, x: svg.left + p[0], y: svg.top + p[1], geo: g};
    }
  }
  return out;
}"""

#: the boxes (viewport px) of the city names the map shows: [name, left, top, right, bottom]
NAME_BOXES_JS = """() => [...document.querySelectorAll('#map .scattergeo text')]
  .map(t => [t.textContent, t.getBoundingClientRect()]).filter(([n, r]) => n && r.width > 0)
  .map(([n, r]) => [n, r.left, r.top, r.right, r.bottom])"""


def open_every_city(page, url: str) -> tuple[dict[str, str], int]:
    """Click each city's marker on the map at ``url`` (positions taken from the figure), through the chooser
    where one opens; returns {city name: the title of the panel that opened} and how often the chooser opened.

    After each city the panel is closed and the map is back at its first frame before the next click."""
    frame_js = "() => JSON.stringify(document.querySelector('#map .js-plotly-plot')._fullLayout.geo.lonaxis.range)"
    page.goto(url)
    page.wait_for_function("() => document.querySelector('#map .geo .countries path')", timeout=30000)
    page.wait_for_load_state("networkidle")
    # the whole map on the screen, as a person scrolls to it (on a phone the header and numbers push its foot
    # below the first screen, and a click there would land nowhere)
    page.evaluate("() => document.querySelector('#map').scrollIntoView({block: 'center'})")
    page.wait_for_timeout(200)
    first = page.evaluate(frame_js)
    opened, choosers = {}, 0
    page.evaluate("() => { window.__mapDrawn = true; }")
    for position in sorted(page.evaluate(CITY_MARKERS_JS)):
        # the map redrawn since the panel closed, at its first frame
        page.wait_for_function(f"() => window.__mapDrawn && ({frame_js})() === {first!r} && "
                               "!document.querySelector('.details:not([hidden])')", timeout=10000)
        # and settled: closing the panel widens the map, and plotly resizes it a moment after the redraw
        city = page.evaluate(CITY_MARKERS_JS).get(position)
        for _ in range(30):
            page.wait_for_timeout(120)
            again = page.evaluate(CITY_MARKERS_JS).get(position)
            if again == city:
                break
            city = again
        for attempt in range(2):  # once more if the map was still resizing under the first click
            page.mouse.click(city["x"], city["y"])
            # the chooser opens within the click's own handler (no round trip), so it is there now or not at all
            chooser = page.locator(".city-chooser")
            if chooser.count():
                choosers += 1
                # each choice reads "Name, Country"
                chooser.get_by_role("button", name=re.compile("^" + re.escape(city["name"]) + ",")).click()
            try:
                page.wait_for_function("(n) => { const t = document.querySelector('.details:not([hidden]) h2');"
                                       " return t && t.textContent === n; }", arg=city["name"], timeout=5000)
                break
            except Exception:  # noqa: BLE001 - reported below as the wrong (or no) panel
                if attempt or page.locator(".details:not([hidden])").count():
                    break  # a wrong panel is a failure, not a timing matter
                page.wait_for_timeout(500)
                city = page.evaluate(CITY_MARKERS_JS).get(position, city)
        opened[city["name"]] = page.evaluate("() => { const t = document.querySelector('.details:not([hidden]) h2');"
                                             " return t ? t.textContent : null; }")
        if opened[city["name"]] is not None:
            page.evaluate("() => { window.__mapDrawn = false; document.querySelector('#map .js-plotly-plot')"
                          ".once('plotly_afterplot', () => { window.__mapDrawn = true; }); }")
            page.locator(".details:not([hidden]) button.close").click()
        else:
            page.goto(url)
            page.wait_for_function("() => document.querySelector('#map .geo .countries path')", timeout=30000)
            page.evaluate("() => { window.__mapDrawn = true; }")
    return opened, choosers
