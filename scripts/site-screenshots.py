"""Screenshots of the static site, for a reviewer: the home page, a source page, a category,
search with a Russian query and the SPARQL page with a saved query's rows, in English and
Russian; a source and search in Kazakh and a taxonomy term (``regions/almaty-region``) in English,
Russian and Kazakh where the site has them (a shot whose page the site lacks is skipped).
Builds the site from the content (or takes a built one), serves it on 127.0.0.1 and drives
Debian's chromium through Playwright.

    .venv/bin/python scripts/site-screenshots.py [--site DIR] [--output DIR] [--chromium PATH]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: file name -> (path in the site, what to do before the shot)
SHOTS = {
    "home": ("", None), "home.ru": ("index.ru.html", None),
    "source": ("sources/sources/feminita/", None),
    "source.ru": ("sources/sources/feminita/index.ru.html", None),
    "source.kk": ("sources/sources/feminita/index.kk.html", None),
    "term": ("regions/almaty-region/", None),
    "term.ru": ("regions/almaty-region/index.ru.html", None),
    "term.kk": ("regions/almaty-region/index.kk.html", None),
    "category": ("category/ingo", None), "category.ru": ("category/ingo/index.ru.html", None),
    "guide.ru": ("guides/kazakhstan/index.ru.html", None),
    "search.ru": ("search/index.ru.html", "search:Руководство"),
    "search": ("search/", "search:feminist"),
    "search.kk": ("search/index.kk.html", "search:Феминита"),
    "sparql": ("sparql/", "sparql:sources-by-category"),
    "sparql.ru": ("sparql/index.ru.html", "sparql:blind-spots"),
}


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript"}

    def log_message(self, *args: object) -> None:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build one)")
    parser.add_argument("--output", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            from kzgraph.config import find_settings
            from kzgraph.publish.site import build_site

            site = Path(tmp) / "public"
            build_site(find_settings(ROOT), site)
        httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(_Handler, directory=str(site)))
        url = f"http://127.0.0.1:{httpd.server_address[1]}/"
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        args.output.mkdir(parents=True, exist_ok=True)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=args.chromium,
                                            args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(viewport={"width": 1100, "height": 900})
                page.set_default_timeout(60_000)
                for name, (path, action) in SHOTS.items():
                    if not (site / path).is_file() and not (site / path / "index.html"
                                                            ).is_file():
                        print(f"{name}: skipped, the site has no {path}")
                        continue
                    page.goto(url + path)
                    if action and action.startswith("search:"):
                        page.locator(".pagefind-ui__search-input").fill(action[7:])
                        page.locator(".pagefind-ui__result-link").first.wait_for()
                    elif action and action.startswith("sparql:"):
                        page.wait_for_selector("body[data-sparql-ready]")
                        page.select_option("#examples", action[7:])
                        page.locator(".yasqe_queryButton").click()
                        page.locator(".yasr table tbody tr").first.wait_for()
                    target = args.output / f"{name}.png"
                    page.screenshot(path=str(target), full_page=True)
                    print(target)
                browser.close()
        finally:
            httpd.shutdown()
            httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
