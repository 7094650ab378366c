"""Open a report.html in headless Chromium and check that every image decodes and nothing is fetched.

    python benchmarks/check_report_render.py OUT/report.html [--screenshot page.png] [--chromium PATH]

Prints one line per image (status, alt text, width×height) and exits 1 if any image fails to
load, or if the page asks for anything beyond the file itself and its data: URIs. Needs
playwright (``pip install playwright``) and a Chromium: /usr/bin/chromium when present, else
playwright's own (``playwright install chromium``).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
IMAGES_JS = """() => Array.from(document.images).map(img => ({
    alt: img.alt, complete: img.complete, width: img.naturalWidth, height: img.naturalHeight}))"""


@dataclass
class ImageCheck:
    """One ``<img>`` as the browser saw it once the page had loaded."""

    alt: str
    complete: bool
    width: int
    height: int

    @property
    def ok(self) -> bool:
        return self.complete and self.width > 0 and self.height > 0


def check_report(html_path: str | Path, screenshot: str | Path | None = None,
                 executable_path: str | None = None) -> tuple[list[ImageCheck], list[str]]:
    """The page's images as loaded, and the URLs it requested from outside the file (should be none).

    ``executable_path`` None means /usr/bin/chromium when it exists, else playwright's bundled Chromium.
    """
    from playwright.sync_api import sync_playwright

    if executable_path is None and CHROMIUM.is_file():
        executable_path = str(CHROMIUM)
    url = Path(html_path).resolve().as_uri()
    outside: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(headless=True, executable_path=executable_path, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda request: outside.append(request.url)
                    if not request.url.startswith(("data:", url)) else None)
            page.goto(url, wait_until="load")
            images = [ImageCheck(str(i["alt"]), bool(i["complete"]), int(i["width"]), int(i["height"]))
                      for i in page.evaluate(IMAGES_JS)]
            if screenshot:
                page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return images, outside


INSTALL = ("install one: sudo apt-get install chromium (Debian, Ubuntu), or python -m playwright install chromium; "
           "or pass --chromium PATH")


def browser_problem(chromium: str | None) -> str | None:
    """Why no browser can be started, in one line; None when playwright and a Chromium are there.
    ``chromium`` None means the default; '' means playwright's own was tried and is missing."""
    import importlib.util

    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed: pip install playwright (it drives the Chromium)"
    if chromium:
        return None if Path(chromium).is_file() else f"no Chromium at {chromium}; {INSTALL}"
    if chromium is None and CHROMIUM.is_file():
        return None
    if chromium is None:
        return None  # playwright's own Chromium: known only once it is launched
    return f"no Chromium at {CHROMIUM} and playwright has none of its own; {INSTALL}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report_html", type=Path)
    parser.add_argument("--screenshot", type=Path, help="also save a full-page screenshot here (PNG)")
    parser.add_argument("--chromium", help=f"Chromium executable (default: {CHROMIUM} if present, else playwright's)")
    args = parser.parse_args(argv)
    if not args.report_html.is_file():
        print(f"error: no such file: {args.report_html}", file=sys.stderr)
        return 2
    problem = browser_problem(args.chromium)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    try:
        images, outside = check_report(args.report_html, args.screenshot, args.chromium)
    except Exception as error:  # playwright's Error: a browser that will not start, with a boxed essay
        if type(error).__module__.startswith("playwright") and "Executable doesn't exist" in str(error):
            print(f"error: {browser_problem('')}", file=sys.stderr)
            return 2
        raise
    for image in images:
        print(f"{'ok  ' if image.ok else 'FAIL'}  {image.alt or '(no alt text)'}  {image.width}×{image.height}")
    for request in outside:
        print(f"FAIL  the page requested {request}")
    failed = sum(not image.ok for image in images) + len(outside)
    shot = f"; screenshot: {args.screenshot}" if args.screenshot else ""
    print(f"{len(images)} image(s), {failed} problem(s){shot}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
