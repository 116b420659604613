"""Screenshot every page at desktop and phone width: `make screenshots` (needs the test extra).

Headless Chromium will not lay a window out narrower than 500 px, so `--window-size=390,…`
would crop a 500 px page; this sets a true viewport through the DevTools protocol instead.
"""

import argparse
import base64
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options

PAGES = {
    "overview": "/",
    "segments": "/segments",
    "model": "/model",
    "what-if": "/what-if",
    "runs": "/runs",
}
WIDTHS = {"desktop": (1400, 1000), "mobile": (390, 844)}
OUT = Path(__file__).resolve().parent


def capture(driver: webdriver.Chrome, url: str, width: int, height: int, out: Path) -> None:
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    driver.get(url)
    time.sleep(6)  # callbacks and Plotly drawing
    full_height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": full_height})
    time.sleep(2)  # responsive figures redraw for the new viewport
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    out.write_bytes(base64.b64decode(shot["data"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8050", help="a running dashboard")
    args = parser.parse_args()
    options = Options()
    options.binary_location = "/usr/bin/chromium"
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
            for size, (width, height) in WIDTHS.items():
                out = OUT / f"{name}-{size}.png"
                capture(driver, args.url.rstrip("/") + path, width, height, out)
                print(f"wrote {out.relative_to(OUT.parent.parent)}")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
