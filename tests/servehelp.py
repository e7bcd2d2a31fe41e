"""Helpers for the ``kzgraph serve`` tests: the site builder to use, an in-process client over
the ASGI application, and the saved queries with parameter values for those that need them."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable

import httpx

from servers import free_port

from kzgraph.config import Settings

KZGRAPH = str(Path(sys.executable).parent / "kzgraph")
#: values for the saved queries' required parameters (the others take their defaults)
REQUIRED_PARAMS = {
    "describe": {"resource": "category:ingo"},
    "modified-since": {"since": "2020-01-01"},
    "sources-by-keyword": {"text": "gender"},
}
TURTLE, JSONLD, NTRIPLES = "text/turtle", "application/ld+json", "application/n-triples"
RDF_TYPES = (TURTLE, JSONLD, NTRIPLES)
BROWSER = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
           "*/*;q=0.8")
#: one resource IRI of each kind, relative to the base
IRI_KINDS = {
    "home": "",
    "guide": "guides/kazakhstan/",
    "source": "sources/sources/feminita/",
    "category": "category/ingo",
    "perspective": "perspective/local-voices",
    "country": "country/kz",
    "person": "people/aizada-arystanbek",
}


def site_builder() -> Callable[[Settings, Path, bool], object]:
    """The static site builder the server uses (:mod:`kzgraph.publish.site`)."""
    from kzgraph.publish.serve.preview import default_site_builder

    return default_site_builder


class Client:
    """Synchronous requests to an ASGI application, in process (no socket)."""

    def __init__(self, app: Any, base: str) -> None:
        self.app, self.base = app, base

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url=self.base) as client:
                return await client.request(method, path, **kwargs)
        return asyncio.run(go())

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def raw_path(self, raw: bytes) -> tuple[int, bytes]:
        """GET a path exactly as given (no client-side clean-up of ``..``), decoded as uvicorn
        decodes it; the status and body."""
        from urllib.parse import unquote

        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": "GET", "scheme": "http", "path": unquote(raw.decode("latin-1")),
                 "raw_path": raw, "query_string": b"", "root_path": "",
                 "headers": [(b"host", b"localhost")], "server": ("127.0.0.1", 80),
                 "client": ("127.0.0.1", 1)}
        sent: dict[str, Any] = {"body": b""}

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                sent["status"] = message["status"]
            elif message["type"] == "http.response.body":
                sent["body"] += message.get("body", b"")

        asyncio.run(self.app(scope, receive, send))
        return sent["status"], sent["body"]


class Served:
    """``kzgraph serve`` started in ``folder`` (which holds a kzgraph.toml naming the content
    and the server's own origin as the base, so ``kzgraph query`` there sees the same IRIs)."""

    def __init__(self, folder: Path, content: Path, *extra: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "kzgraph.toml").write_text(f'base = "{self.url}"\ncontent = "{content}"\n',
                                             encoding="utf-8")
        self.log = folder / "serve.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [KZGRAPH, "serve", "--port", str(self.port), "--timeout", "2", *extra],
                cwd=folder, stdout=log, stderr=subprocess.STDOUT)

    def wait(self, timeout: float = 120.0) -> "Served":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"kzgraph serve exited: {self.output}")
            try:
                urllib.request.urlopen(self.url + "_kzgraph/version", timeout=2).read()
                return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"kzgraph serve did not answer within {timeout} s: {self.output}")

    @property
    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def get(self, path: str, accept: str | None = None) -> tuple[int, dict, bytes]:
        headers = {"Accept": accept} if accept is not None else {}
        request = urllib.request.Request(self.url + path.lstrip("/"), headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, dict(answer.headers), answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        return self.process.returncode
