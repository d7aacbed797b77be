"""Real-browser helpers: the app on a loopback port, and headless Debian Chromium with the network shut.

Every request to a host other than the loopback server is aborted and recorded, and every
console error is recorded, so a test can assert that a page needed nothing from outside.
"""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


class LiveServer:
    """A Dash app's Flask server on 127.0.0.1 and a free port, in a daemon thread."""

    def __init__(self, app):
        self._server = make_server("127.0.0.1", 0, app.server, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()


@dataclass
class Watch:
    """What a page did that it should not: requests off the machine, console errors, page errors."""

    external: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    pages: list = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        out = []
        for page in self.pages:
            try:
                out += page.evaluate("() => window.__cspViolations || []")
            except Exception:  # noqa: BLE001 - a closed page has nothing more to say
                pass
        return out

    def assert_clean(self) -> None:
        assert self.external == [], f"requests left the machine: {self.external}"
        assert self.console_errors == [], f"browser console errors: {self.console_errors}"
        assert self.csp_violations() == [], f"Content-Security-Policy violations: {self.csp_violations()}"


def launch(playwright):
    import os

    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is not installed: run scripts/test.sh as root, or apt-get install chromium chromium-driver")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def open_page(browser, watch: Watch, width: int = 1440, height: int = 900):
    """A new page whose non-loopback requests are blocked and counted."""
    context = browser.new_context(viewport={"width": width, "height": height})

    def route(r):
        host = urlparse(r.request.url).hostname
        if host in ("127.0.0.1", "localhost", "::1") or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            watch.external.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    context.add_init_script("""window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation',
        e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));""")
    page = context.new_page()
    watch.pages.append(page)
    page.on("console", lambda m: watch.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watch.console_errors.append(str(e)))
    return page


MAP_STATE_JS = """() => {
  const gd = document.querySelector('#map .js-plotly-plot');
  const countries = document.querySelector('#map .geo .countries path');
  const traces = (gd && gd._fullData) || [];  // decoded typed arrays
  const lines = traces.filter(t => t.mode === 'lines');
  const arcs = {};
  for (const t of lines) {
    const lon = Array.from(t.lon || []);
    const gaps = lon.filter(v => v === null || Number.isNaN(v)).length;
    arcs[t.name] = (arcs[t.name] || 0) + gaps;
  }
  const markers = traces.filter(t => t.mode === 'markers');
  return {
    outline_chars: countries ? (countries.getAttribute('d') || '').length : 0,
    drawn_points: document.querySelectorAll('#map .scattergeo path.point').length,
    drawn_lines: document.querySelectorAll('#map .scattergeo path.js-line').length,
    arcs: arcs,
    markers: Object.fromEntries(markers.map(t => [t.name, (t.lon || []).length])),
    // [name, projects in view] for every labelled marker
    cities: markers.filter(t => t.text && t.customdata).flatMap(t => Array.from(t.text).map((text, i) => [
      text.replace(/<[^>]+>/g, '|').split('|').filter(Boolean)[0], Number(t.customdata[i][1])])),
  };
}"""
