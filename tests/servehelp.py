"""Helpers for the ``kzgraph serve`` tests: the site builder to use, an in-process client over
the ASGI application, and the saved queries with parameter values for those that need them."""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path
from typing import Any, Callable

import httpx

from kzgraph.config import Settings

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


def site_builder() -> Callable[[Settings, Path], object]:
    """The real static site builder when it is installed, else the tests' stand-in."""
    if importlib.util.find_spec("kzgraph.publish.site") is not None:
        from kzgraph.publish.serve.preview import default_site_builder

        return default_site_builder
    from sitefake import build_fake_site

    return build_fake_site


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
