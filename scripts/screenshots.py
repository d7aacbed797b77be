"""Take the review screenshots (1440 px and 390 px wide) of a running dashboard, network shut.

    .venv/bin/python scripts/screenshots.py [http://127.0.0.1:8050] [out-dir]
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from dashboard.testing import Watch, launch, open_page  # noqa: E402

PAGES = [("all", "/"), ("asean", "/?view=asean"), ("tha", "/?country=THA"), ("singapore", "/?city=singapore"),
         ("water", "/?sector=Water"), ("innovation", "/?sector=Innovation%20%26%20Research"),
         ("empty", "/?sector=Health&country=USA")]


def main() -> int:
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8050"
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "screenshots")
    out.mkdir(exist_ok=True)
    watch = Watch()
    with sync_playwright() as p:
        browser = launch(p)
        for width, height in ((1440, 900), (390, 844)):
            for name, path in PAGES:
                page = open_page(browser, watch, width=width, height=height)
                page.goto(base + path)
                page.wait_for_function("() => document.querySelector('#map .geo .countries path')", timeout=20000)
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(800)
                page.screenshot(path=str(out / f"{name}-{width}.png"), full_page=True)
                page.screenshot(path=str(out / f"{name}-{width}-top.png"))
                page.close()
        browser.close()
    print(f"wrote {out}/; external requests: {len(watch.external)}; console errors: {watch.console_errors}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
