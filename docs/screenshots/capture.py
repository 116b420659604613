"""Screenshot every page at desktop and phone width: `make screenshots` (needs the test extra and
Chromium with its driver, `make browser`), from a dashboard serving both bundled samples, as
`make run` does.

Headless Chromium will not lay a window out narrower than 500 px, so `--window-size=390,…`
would crop a 500 px page; this sets a true viewport through the DevTools protocol instead.
Each shot is the page's top, at most MAX_HEIGHT pixels of it: the PNGs are committed, and a
phone's whole page would be several screens long.
"""

import argparse
import base64
import shutil
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options

PAGES = {
    "overview": "/",
    "customers": "/customers",
    "segments": "/segments",
    "model": "/model",
    "what-if": "/what-if",
    "runs": "/runs",
    "not-found": "/no-such-page",
}
WIDTHS = {"desktop": (1400, 1000), "mobile": (390, 844)}
MAX_HEIGHT = {"desktop": 2000, "mobile": 1700}
OUT = Path(__file__).resolve().parent
# The page's height once drawn (no callback under way, every graph with its SVG), else null.
DRAWN_HEIGHT = """
const drawn = document.querySelector('[data-dash-is-loading="true"]') === null
    && [...document.querySelectorAll('.dash-graph')].every((g) => g.querySelector('.main-svg'));
return drawn ? document.documentElement.scrollHeight : null;
"""


def wait_until_drawn(driver: webdriver.Chrome, timeout: float = 30) -> int:
    """The page's height once it is drawn and has kept that height for a second."""
    time.sleep(2)  # the page's own callbacks start
    heights = [None]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(1)
        heights.append(driver.execute_script(DRAWN_HEIGHT))
        if heights[-1] is not None and heights[-1] == heights[-2]:
            return heights[-1]
    raise TimeoutError(f"{driver.current_url} was still drawing after {timeout} s")


def capture(driver: webdriver.Chrome, url: str, size: str, out: Path) -> None:
    width, height = WIDTHS[size]
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    driver.get(url)
    shown = min(wait_until_drawn(driver), MAX_HEIGHT[size])
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": shown})
    time.sleep(2)  # responsive figures redraw for the new viewport
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    out.write_bytes(base64.b64decode(shot["data"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8050", help="a running dashboard")
    args = parser.parse_args()
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options)
    try:
        for name, path in PAGES.items():
            for size in WIDTHS:
                out = OUT / f"{name}-{size}.png"
                capture(driver, args.url.rstrip("/") + path, size, out)
                print(f"wrote {out.relative_to(OUT.parent.parent)}")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
