"""Helpers for the site tests: a site built once per session from the real content, a small
static file server on 127.0.0.1 (a thread, stopped with the session), the Debian browser and
nginx, and what to do when one is missing (skip on a developer's machine, fail under CI)."""

from __future__ import annotations

import http.server
import shutil
import threading
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, Iterator

import pytest

from tools import need

CHROMIUM = "/usr/bin/chromium"


def chromium_path() -> str:
    path = shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).exists() else None)
    need(path, "chromium", "apt-get install chromium (or run .ci/run)")
    return str(path)


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's chromium under Playwright, closed when the block ends (a module's tests share
    one: ``with chromium() as b: yield b`` in a module-scoped fixture)."""
    executable = chromium_path()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable,
                                    args=["--no-sandbox", "--disable-gpu",
                                          "--disable-dev-shm-usage"])
        try:
            yield browser
        finally:
            browser.close()


def no_serious_violations(pg: Any) -> None:
    """axe-core (axe-playwright-python) finds no serious or critical violation on the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(pg)
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, serious


def nginx_path() -> str:
    path = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    need(path, "nginx", "apt-get install nginx-light (or run .ci/run)")
    return str(path)


def apache_path() -> str:
    path = shutil.which("apache2") or (
        "/usr/sbin/apache2" if Path("/usr/sbin/apache2").exists() else None)
    need(path, "apache2", "apt-get install apache2 (or run .ci/run)")
    return str(path)


def caddy_path() -> str:
    path = shutil.which("caddy")
    need(path, "caddy", "apt-get install caddy (or run .ci/run)")
    return str(path)


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript",
                      ".ttl": "text/turtle", ".nt": "application/n-triples",
                      ".jsonld": "application/ld+json"}

    def log_message(self, *args: object) -> None:  # quiet
        pass


class StaticServer:
    """A folder served over HTTP on 127.0.0.1 at a free port, in a thread."""

    def __init__(self, folder: Path) -> None:
        handler = partial(_Handler, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "StaticServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)
