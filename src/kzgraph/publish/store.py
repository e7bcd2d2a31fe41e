"""A triple store spoken to over the SPARQL 1.1 Graph Store HTTP Protocol: ``PUT``, ``GET`` and
``DELETE`` of one named graph, with HTTP Basic, Digest or bearer authentication, bodies streamed
with chunked transfer encoding, and every failure a :class:`StoreError` that says what the store
answered."""

from __future__ import annotations

import base64
import hashlib
import http.client
import re
import secrets
import shutil
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator, TextIO
from urllib.parse import urlencode, urlsplit

from rdflib import Graph

from kzgraph.errors import ConfigError, KzgraphError
from kzgraph.formats.registry import by_media_type
from kzgraph.publish.payloads import NTRIPLES, GraphPayload


class StoreError(KzgraphError):
    """One request to the store failed (refused, unreachable, or an error status)."""


@dataclass
class _Response:
    status: int
    reason: str
    headers: http.client.HTTPMessage
    body: bytes


@dataclass
class GraphStore:
    """A Graph Store Protocol endpoint: ``GET``/``PUT``/``DELETE {endpoint}?graph=IRI``.

    :param endpoint: the Graph Store URL (``http://127.0.0.1:7878/store`` for Oxigraph,
        ``http://127.0.0.1:8890/sparql-graph-crud-auth`` for Virtuoso)
    :param user: user name for HTTP Basic or Digest authentication (whichever the store asks for)
    :param password: its password
    :param token: a bearer token, sent with every request (used when no user is given)
    :param graph_param: the query parameter naming the graph: ``graph`` in the standard
        (Virtuoso also accepts it; its own is ``graph-uri``)
    :param transfer: ``chunked``, ``length`` (count the bytes first, then send a
        Content-Length) or ``auto`` (``length`` for Virtuoso, ``chunked`` for the rest)
    :param timeout: seconds to wait on the network before giving up
    """

    endpoint: str
    user: str | None = None
    password: str | None = None
    token: str | None = None
    graph_param: str = "graph"
    transfer: str = "auto"
    timeout: float = 300.0
    server: str = ""
    _conn: http.client.HTTPConnection | None = field(default=None, repr=False)
    _scheme: str | None = field(default=None, repr=False)
    _challenge: dict[str, str] = field(default_factory=dict, repr=False)
    _nc: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        parts = urlsplit(self.endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"The endpoint {self.endpoint!r} must be an http(s) URL, such as "
                              "http://127.0.0.1:7878/store (Oxigraph's Graph Store).")
        if self.transfer not in ("auto", "chunked", "length"):
            raise ConfigError(f"Unknown transfer mode {self.transfer!r}: use auto, chunked or "
                              "length.")
        if (self.user is None) != (self.password is None):
            raise ConfigError("Give both --user and --password (or KZGRAPH_USER and "
                              "KZGRAPH_PASSWORD), or neither.")
        self._parts = parts

    # -- plumbing ---------------------------------------------------------------------------------
    def _target(self, graph: str) -> str:
        path = self._parts.path or "/"
        query = urlencode({self.graph_param: graph})
        return f"{path}?{self._parts.query}&{query}" if self._parts.query else f"{path}?{query}"

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            cls = http.client.HTTPSConnection if self._parts.scheme == "https" \
                else http.client.HTTPConnection
            self._conn = cls(self._parts.hostname, self._parts.port, timeout=self.timeout)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _authorization(self, method: str, target: str) -> str | None:
        if self.user is not None and self._scheme == "basic":
            pair = f"{self.user}:{self.password}".encode("utf-8")
            return "Basic " + base64.b64encode(pair).decode("ascii")
        if self.user is not None and self._scheme == "digest":
            return self._digest(method, target)
        if self.token:
            return f"Bearer {self.token}"
        return None

    def _digest(self, method: str, target: str) -> str:
        """RFC 7616 Digest (MD5, qop=auth), as Virtuoso's sparql-graph-crud-auth asks for."""
        c = self._challenge
        md5 = lambda text: hashlib.md5(text.encode("utf-8")).hexdigest()  # noqa: E731
        ha1 = md5(f"{self.user}:{c.get('realm', '')}:{self.password}")
        ha2 = md5(f"{method}:{target}")
        fields = {"username": self.user, "realm": c.get("realm", ""),
                  "nonce": c.get("nonce", ""), "uri": target}
        if "auth" in [q.strip() for q in c.get("qop", "").split(",")]:
            self._nc += 1
            nc, cnonce = f"{self._nc:08x}", secrets.token_hex(8)
            fields["response"] = md5(f"{ha1}:{fields['nonce']}:{nc}:{cnonce}:auth:{ha2}")
            extra = f", qop=auth, nc={nc}, cnonce=\"{cnonce}\""
        else:
            fields["response"] = md5(f"{ha1}:{fields['nonce']}:{ha2}")
            extra = ""
        if "opaque" in c:
            fields["opaque"] = c["opaque"]
        quoted = ", ".join(f'{k}="{v}"' for k, v in fields.items())
        return f"Digest {quoted}{extra}, algorithm=MD5"

    def _learn(self, response: _Response) -> bool:
        """Take up the authentication the store asked for; False when nothing new can be tried."""
        if self.user is None:
            return False
        challenges = response.headers.get_all("WWW-Authenticate") or []
        digest = next((c for c in challenges if c.lower().startswith("digest")), None)
        if digest is not None:
            params = {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
                      for m in _CHALLENGE.finditer(digest[len("digest"):])}
            stale = params.get("stale", "").lower() == "true"
            fresh = self._scheme != "digest" or stale or params.get("nonce") != \
                self._challenge.get("nonce")
            self._scheme, self._challenge, self._nc = "digest", params, 0
            return fresh
        if any(c.lower().startswith("basic") for c in challenges) and self._scheme != "basic":
            self._scheme = "basic"
            return True
        return False

    def _send(self, method: str, graph: str, body: Callable[[], Iterator[bytes]] | None,
              size: int | None, headers: dict[str, str]) -> _Response:
        target = self._target(graph)
        for attempt in range(3):
            h = dict(headers)
            auth = self._authorization(method, target)
            if auth:
                h["Authorization"] = auth
            conn = self._connection()
            try:
                try:
                    if body is None:
                        conn.request(method, target, headers=h)
                    elif size is None:
                        conn.request(method, target, body=body(), headers=h, encode_chunked=True)
                    else:
                        h["Content-Length"] = str(size)
                        conn.request(method, target, body=body(), headers=h)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the store answered before reading everything: read its answer
                raw = conn.getresponse()
                response = _Response(raw.status, raw.reason, raw.headers, raw.read())
                if raw.will_close:
                    self.close()
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                raise StoreError(f"{method} <{graph}> at {self.endpoint}: "
                                 f"{exc.__class__.__name__}: {exc or 'no answer'}") from exc
            self.server = response.headers.get("Server", self.server) or self.server
            if response.status == 401 and attempt < 2 and self._learn(response):
                self.close()
                continue
            return response
        return response

    def _check(self, method: str, graph: str, response: _Response, ok: tuple[int, ...]) -> None:
        if response.status in ok:
            return
        detail = response.body.decode("utf-8", errors="replace").strip()[:300]
        hint = ""
        if response.status == 401:
            hint = (" The store wants credentials: give --user/--password (or KZGRAPH_USER and "
                    f"KZGRAPH_PASSWORD) or a token in {TOKEN_VARIABLE}, or check them.")
        elif response.status == 403:
            hint = " The store refused these credentials for writing."
        elif response.status == 404 and method != "DELETE":
            hint = " Is the endpoint the store's Graph Store URL (such as .../store)?"
        raise StoreError(f"{method} <{graph}> at {self.endpoint}: HTTP {response.status} "
                         f"{response.reason}{': ' + detail if detail else ''}.{hint}")

    def _chunked(self) -> bool:
        if self.transfer == "auto":
            return "virtuoso" not in self.server.lower()
        return self.transfer == "chunked"

    # -- the protocol ---------------------------------------------------------------------------
    def get(self, graph: str) -> Graph | None:
        """The graph as the store holds it, or None when the store has no such graph."""
        response = self._send("GET", graph, None, None,
                              {"Accept": f"{NTRIPLES}, text/turtle;q=0.9"})
        if response.status == 404:
            return None
        self._check("GET", graph, response, (200,))
        media = response.headers.get("Content-Type", NTRIPLES)
        fmt = by_media_type(media)
        out = Graph()
        try:
            out.parse(data=response.body, format=fmt.rdflib if fmt else "nt")
        except Exception as exc:  # a parser error of whatever kind: the store's answer is bad
            raise StoreError(f"GET <{graph}> at {self.endpoint}: the store's answer "
                             f"({media}) does not parse: {exc}") from exc
        return out

    def put(self, payload: GraphPayload, progress: Progress | None = None) -> None:
        """Replace the graph ``payload.iri`` with the payload's triples."""
        def body() -> Iterator[bytes]:
            for chunk in payload.chunks():
                if progress is not None:
                    progress.advance(len(chunk))
                yield chunk

        size = None
        if not self._chunked():
            size = payload.size if payload.size is not None else \
                sum(len(c) for c in payload.chunks())
        response = self._send("PUT", payload.iri, body, size, {"Content-Type": NTRIPLES})
        self._check("PUT", payload.iri, response, (200, 201, 204))

    def delete(self, graph: str) -> bool:
        """Remove ``graph``; False when the store had no such graph."""
        response = self._send("DELETE", graph, None, None, {})
        if response.status == 404:
            return False
        self._check("DELETE", graph, response, (200, 202, 204))
        return True


TOKEN_VARIABLE = "KZGRAPH_TOKEN"


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


class Progress:
    """One self-rewriting status line on a terminal; silent when disabled."""

    def __init__(self, stream: TextIO | None, total_graphs: int, total_bytes: int | None,
                 interval: float = 0.2) -> None:
        self.stream = stream
        self.total_graphs = total_graphs
        self.total_bytes = total_bytes
        self.interval = interval
        self.sent = 0
        self.index = 0
        self.iri = ""
        self._last = 0.0

    def graph(self, index: int, iri: str) -> None:
        self.index, self.iri = index, iri
        self._draw(force=True)

    def advance(self, n: int) -> None:
        self.sent += n
        self._draw()

    def _draw(self, force: bool = False) -> None:
        if self.stream is None:
            return
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        share = f" ({100 * self.sent / self.total_bytes:.0f}%)" if self.total_bytes else ""
        line = (f"Pushing graph {self.index}/{self.total_graphs}, {_size(self.sent)} sent{share}:"
                f" {self.iri}")
        width = shutil.get_terminal_size((100, 20)).columns - 1
        self.stream.write("\r" + line[:width].ljust(width))
        self.stream.flush()

    def finish(self) -> None:
        if self.stream is not None:
            self.stream.write("\r" + " " * (shutil.get_terminal_size((100, 20)).columns - 1)
                              + "\r")
            self.stream.flush()


def terminal_progress(quiet: bool, stream: TextIO | None = None) -> TextIO | None:
    """stderr when progress should be shown (not quiet, and a terminal), else None."""
    stream = sys.stderr if stream is None else stream
    return None if quiet or not stream.isatty() else stream


_CHALLENGE = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|([^\s,]+))')
