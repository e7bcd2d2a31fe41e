"""The ASGI application: the site with content negotiation on every resource IRI, the SPARQL
endpoint, and the live-reload hooks. Built by :func:`create_app` over a :class:`ServerState`,
so tests call it in process (``httpx.ASGITransport``) without a socket.
"""

from __future__ import annotations

import html
import mimetypes
import os
import posixpath
import threading
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from kzgraph.publish.serve.conneg import RESOURCE_TYPES, negotiate
from kzgraph.publish.site.rdf import MEDIA_TYPES

if TYPE_CHECKING:
    from kzgraph.publish.serve.queries import QueryPool

#: the file beside a resource's page that holds it in each media type
RESOURCE_FILES = {"text/html": "index.html",
                  **{media: f"index.{ext}" for ext, media in MEDIA_TYPES.items()}}
#: media types of the files the site holds that Python's table may not know
FILE_TYPES = {".ttl": "text/turtle", ".jsonld": "application/ld+json",
              ".nt": "application/n-triples", ".nq": "application/n-quads",
              ".trig": "application/trig", ".rdf": "application/rdf+xml",
              ".rq": "application/sparql-query", ".html": "text/html",
              ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css",
              ".json": "application/json", ".wasm": "application/wasm", ".svg": "image/svg+xml"}
TEXT_TYPES = ("text/", "application/ld+json", "application/n-", "application/trig",
              "application/rdf+xml", "application/json", "application/sparql-query")
LIVE_PATH = "/_kzgraph/live.js"
VERSION_PATH = "/_kzgraph/version"
LIVE_SCRIPT = f"""// kzgraph serve: reload the page when the site is rebuilt.
(function () {{
  var seen = null;
  function poll() {{
    fetch("{VERSION_PATH}", {{cache: "no-store"}}).then(function (r) {{ return r.json(); }})
      .then(function (v) {{
        if (seen !== null && v.version !== seen) {{ location.reload(); return; }}
        seen = v.version; setTimeout(poll, 500);
      }}, function () {{ setTimeout(poll, 1000); }});
  }}
  poll();
}})();
"""
_TAG = f'<script src="{LIVE_PATH}"></script>'.encode()


@dataclass
class ServerState:
    """What the server serves, swapped as a whole after each rebuild.

    :param site: the folder of the built site (None before the first good build)
    :param pool: the query workers over the published graph (None before the first good build)
    :param problems: the problems of the last build, as lines; with errors, pages show them
    :param failed: whether the last build failed (its content has errors)
    :param version: goes up by one with every build, good or failed (pages poll it to reload)
    :param live: whether pages get the live-reload script
    """

    site: Path | None = None
    pool: QueryPool | None = None
    problems: list[str] = field(default_factory=list)
    failed: bool = False
    version: int = 0
    live: bool = True
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


def _safe_path(root: Path, url_path: str) -> Path | None:
    """``url_path`` (already percent-decoded) as a path under ``root``, or None when it would
    lead outside: a ``..`` or ``.`` segment, a backslash or NUL, or a symbolic link pointing out
    of the site."""
    segments = [s for s in url_path.split("/") if s]
    if any(s in (".", "..") or "\\" in s or "\x00" in s for s in segments):
        return None
    candidate = root.joinpath(*segments) if segments else root
    try:
        real = candidate.resolve(strict=False)
        if not real.is_relative_to(root.resolve()):
            return None
    except (OSError, RuntimeError, ValueError):
        return None
    return candidate


def _media_type(path: Path) -> str:
    kind = FILE_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] \
        or "application/octet-stream"
    if kind.startswith(TEXT_TYPES) and "charset" not in kind:
        kind += "; charset=utf-8"
    return kind


#: files up to this size are read whole and sent from memory; larger ones are streamed
WHOLE = 1 << 20
CHUNK = 1 << 16


def _validators(status: os.stat_result, live: bool = False) -> dict[str, str]:
    """The headers a client revalidates a file with: an entity tag from the file's identity,
    time and size (as nginx makes its own; a rebuild that rewrites a file renames a new one
    into place, so its tag changes, and leaves an unchanged file alone, so its tag stays),
    ``-live`` for a page with the live-reload script added, and the time it was written.
    ``no-cache``: a client may keep it but asks again each time, so an edit shows at once."""
    tag = f'"{status.st_ino:x}-{status.st_mtime_ns:x}-{status.st_size:x}{"-live" if live else ""}"'
    return {"ETag": tag, "Last-Modified": formatdate(status.st_mtime, usegmt=True),
            "Cache-Control": "no-cache"}


def _not_modified(request: Request, validators: dict[str, str], modified: float) -> bool:
    """Whether the client's copy is current (RFC 9110, 13.1.2 and 13.1.3): ``If-None-Match``
    names the tag (weak comparison) or is ``*``; without it, ``If-Modified-Since`` is no earlier
    than the file's time. A date that does not parse is ignored, as the RFC says."""
    given = request.headers.get("if-none-match")
    if given is not None:
        tags = {t.strip().removeprefix("W/") for t in given.split(",")}
        return "*" in tags or validators["ETag"] in tags
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        when = parsedate_to_datetime(since)
    except (TypeError, ValueError, IndexError):
        return False
    if when.tzinfo is None:
        return False
    return int(modified) <= when.timestamp()  # HTTP dates are whole seconds


def _unchanged(validators: dict[str, str], headers: dict[str, str] | None) -> Response:
    """``304 Not Modified``, with the headers a 200 would have had that guide a cache."""
    return Response(status_code=304, headers={**(headers or {}), **validators})


def _file(request: Request, path: Path, media_type: str,
          headers: dict[str, str] | None = None) -> Response:
    """A file as it is, read from one open handle: its length and bytes are those of one
    version of the file even when a rebuild replaces it meanwhile (it is replaced by a rename,
    never written in place). Starlette's ``FileResponse`` takes the length from the path and
    opens it again: a rebuild between the two sent a length and another version's bytes (seen
    while measuring the edit loop). A client whose copy is current gets ``304``."""
    handle = open(path, "rb")
    try:
        status = os.fstat(handle.fileno())
        size = status.st_size
        validators = _validators(status)
        if _not_modified(request, validators, status.st_mtime):
            handle.close()
            return _unchanged(validators, headers)
        headers = {**(headers or {}), **validators}
        if size <= WHOLE:
            with handle:
                return Response(handle.read(), headers=headers, media_type=media_type)
    except BaseException:
        handle.close()
        raise

    def chunks() -> Iterator[bytes]:
        with handle:
            left = size
            while left > 0:
                chunk = handle.read(min(CHUNK, left))
                if not chunk:
                    return
                left -= len(chunk)
                yield chunk

    return StreamingResponse(chunks(), headers={**headers, "Content-Length": str(size)},
                             media_type=media_type)


def _page(request: Request, state: ServerState, path: Path, status: int = 200,
          headers: dict[str, str] | None = None) -> Response:
    """An HTML file, with the live-reload script added when the server is live."""
    with open(path, "rb") as handle:
        opened = os.fstat(handle.fileno())
        validators = _validators(opened, state.live)
        if _not_modified(request, validators, opened.st_mtime):
            return _unchanged(validators, headers)
        body = handle.read()
    if state.live:
        at = body.rfind(b"</body>")
        body = body[:at] + _TAG + body[at:] if at >= 0 else body + _TAG
    return Response(body, status, headers={**(headers or {}), **validators},
                    media_type="text/html; charset=utf-8")


def error_page(state: ServerState) -> HTMLResponse:
    """The page shown for every HTML request while the content has errors."""
    items = "\n".join(f"<li><code>{html.escape(line)}</code></li>" for line in state.problems)
    live = _TAG.decode() if state.live else ""
    return HTMLResponse(
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>The content has errors</title></head><body><main>"
        f"<h1>The content has errors</h1><p>{len(state.problems)} problem(s); the site will be "
        "rebuilt as soon as a file is saved.</p>"
        f'<ol id="kzgraph-problems">\n{items}\n</ol></main>{live}</body></html>\n',
        status_code=500, headers={"Cache-Control": "no-store", "Vary": "Accept"})


async def resource(request: Request) -> Response:
    """Any path of the site: a file as it is, or a resource IRI answered in the media type the
    client prefers."""
    state: ServerState = request.app.state.kz
    url_path = request.url.path
    if state.failed or state.site is None:
        wants = negotiate(request.headers.get("accept"), ["text/html", "text/plain"])
        if wants == "text/html" or state.site is None:
            return error_page(state)
        return PlainTextResponse("The content has errors:\n" + "\n".join(state.problems) + "\n",
                                 status_code=503, headers={"Vary": "Accept"})
    root = state.site
    target = _safe_path(root, url_path)
    if target is None:
        return PlainTextResponse("Not found.\n", status_code=404)
    if target.is_file():
        if target.suffix == ".html":
            return _page(request, state, target)
        return _file(request, target, _media_type(target))
    if not target.is_dir():
        return PlainTextResponse(f"Nothing at {url_path}.\n", status_code=404)
    offered = [t for t in RESOURCE_TYPES if (target / RESOURCE_FILES[t]).is_file()]
    if not offered:
        return PlainTextResponse(f"Nothing at {url_path}.\n", status_code=404)
    chosen = negotiate(request.headers.get("accept"), offered)
    if chosen is None:
        return PlainTextResponse(
            f"{url_path} is available as: {', '.join(offered)}.\n", status_code=406,
            headers={"Vary": "Accept"})
    name = RESOURCE_FILES[chosen]
    location = posixpath.join(url_path if url_path.endswith("/") else url_path + "/", name)
    headers = {"Vary": "Accept", "Content-Location": location}
    if chosen == "text/html":
        return _page(request, state, target / name, headers=headers)
    return _file(request, target / name, _media_type(target / name), headers)


async def version(request: Request) -> Response:
    state: ServerState = request.app.state.kz
    return JSONResponse({"version": state.version, "failed": state.failed},
                        headers={"Cache-Control": "no-store"})


async def live_script(request: Request) -> Response:
    return Response(LIVE_SCRIPT, media_type="text/javascript; charset=utf-8",
                    headers={"Cache-Control": "no-store"})


def create_app(state: ServerState, lifespan=None) -> Starlette:  # type: ignore[no-untyped-def]
    """The application over ``state``. CORS is open (``*``) for reads: the data is public."""
    from kzgraph.publish.serve.sparql import sparql

    routes = [
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route(VERSION_PATH, version, methods=["GET"]),
        Route(LIVE_PATH, live_script, methods=["GET"]),
        Route("/{path:path}", resource, methods=["GET", "HEAD"]),
    ]
    middleware = [Middleware(CORSMiddleware, allow_origins=["*"],
                             allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
                             allow_headers=["Accept", "Content-Type"], max_age=86400)]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.kz = state
    return app
