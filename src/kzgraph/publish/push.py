"""Send the graph to a triple store over the SPARQL 1.1 Graph Store HTTP Protocol.

Each named graph is sent with ``PUT {endpoint}?graph=IRI`` as N-Triples, which replaces that
graph and nothing else. The store keeps a manifest of what the last push put there: the graph
``{base}graph/push-manifest`` says ``<manifest> prov:hadMember <graph>`` for each graph. A push

1. reads the manifest (graphs of earlier pushes);
2. writes the manifest as old ∪ new, so that whatever happens next, it names every graph a push
   may have written;
3. replaces every new graph, in IRI order;
4. deletes the graphs of earlier pushes that are no longer in the content;
5. writes the manifest as exactly the new graphs.

Pushing twice gives the store the first push gave it; graphs that no push of ours wrote are never
read, replaced or deleted. When a step fails, :class:`PushError` says which graphs were replaced
and which were not; the manifest still names every graph of ours, so the next push finishes the
job.

Bodies are streamed from generators in chunks (``Transfer-Encoding: chunked``, or a
``Content-Length`` counted beforehand for stores that need it, such as Virtuoso, which accepts a
chunked body but stores nothing of it), so a large graph is never one request in memory.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import re
import secrets
import shutil
import sys
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence, TextIO
from urllib.parse import urlencode, urlsplit

from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.serializers.nt import _nt_row

from kzgraph.errors import ConfigError, KzgraphError
from kzgraph.formats.registry import by_media_type
from kzgraph.vocab import PROV, RDF

if TYPE_CHECKING:
    from kzgraph.config import Settings
    from kzgraph.errors import Problem

MANIFEST_GRAPH = "push-manifest"
NTRIPLES = "application/n-triples"
CHUNK = 256 * 1024
TOKEN_VARIABLE = "KZGRAPH_TOKEN"


class StoreError(KzgraphError):
    """One request to the store failed (refused, unreachable, or an error status)."""


class PushError(KzgraphError):
    """A push stopped part-way; says what was and was not replaced.

    :param replaced: graphs replaced by this push
    :param not_replaced: graphs this push should have replaced but did not
    :param deleted: graphs of an earlier push removed by this one
    :param not_deleted: graphs of an earlier push that should have been removed but were not
    """

    def __init__(self, message: str, replaced: Sequence[str] = (),
                 not_replaced: Sequence[str] = (), deleted: Sequence[str] = (),
                 not_deleted: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.replaced = list(replaced)
        self.not_replaced = list(not_replaced)
        self.deleted = list(deleted)
        self.not_deleted = list(not_deleted)


# -- what is sent ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class GraphPayload:
    """One graph to send: its IRI and a way to stream its N-Triples.

    :param iri: the graph's IRI
    :param chunks: returns a fresh iterator over the N-Triples bytes each time it is called
        (a request may have to be sent again, after an authentication challenge)
    :param size: the number of bytes, when known without reading them
    :param triples: the number of triples, when known
    """

    iri: str
    chunks: Callable[[], Iterator[bytes]]
    size: int | None = None
    triples: int | None = None


def _batched(lines: Iterable[bytes], size: int = CHUNK) -> Iterator[bytes]:
    """Lines joined into chunks of about ``size`` bytes."""
    batch: list[bytes] = []
    n = 0
    for line in lines:
        batch.append(line)
        n += len(line)
        if n >= size:
            yield b"".join(batch)
            batch, n = [], 0
    if batch:
        yield b"".join(batch)


def _lines_payload(iri: str, lines: list[bytes]) -> GraphPayload:
    return GraphPayload(iri, lambda: _batched(lines), sum(map(len, lines)), len(lines))


def _graph_lines(graph: Graph) -> Iterator[bytes]:
    """One graph's statements as sorted N-Triples lines, made when the request is sent."""
    return (row.encode("utf-8") for row in sorted(_nt_row(t) for t in graph))


def payloads_from_dataset(dataset: Dataset, graph: str | None = None) -> list[GraphPayload]:
    """One payload per non-empty named graph of ``dataset`` (or, with ``graph``, every graph's
    statements one after the other in that one graph), as N-Triples serialised graph by graph
    while the request is sent, so no more than one graph's text is in memory at a time. (A
    statement in two graphs is sent twice with ``graph``; the store keeps it once.)"""
    graphs = sorted((g for g in dataset.graphs() if len(g)), key=lambda g: str(g.identifier))
    if graph is not None:
        return [GraphPayload(graph, lambda: _batched(line for g in graphs
                                                     for line in _graph_lines(g)),
                             None, sum(len(g) for g in graphs))]
    return [GraphPayload(str(g.identifier), lambda g=g: _batched(_graph_lines(g)), None, len(g))
            for g in graphs]


_TERM = r'<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[A-Za-z][A-Za-z0-9-]*|\^\^<[^>]*>)?'
_QUAD = re.compile(rf"[ \t]*({_TERM})[ \t]*({_TERM})[ \t]*({_TERM})[ \t]*({_TERM})?[ \t]*\.[ \t]*"
                   r"(?:#.*)?")


def _file_chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def _file_payload(iri: str, path: Path, triples: int | None = None) -> GraphPayload:
    return GraphPayload(iri, lambda: _file_chunks(path), path.stat().st_size, triples)


class _Spool:
    """Lines appended to one temporary file per graph, with a bounded number of files open."""

    def __init__(self, folder: Path, max_open: int = 64) -> None:
        self.folder = folder
        self.max_open = max_open
        self.files: dict[str, Path] = {}
        self.counts: dict[str, int] = {}
        self.open: OrderedDict[str, object] = OrderedDict()

    def add(self, graph: str, line: bytes) -> None:
        handle = self.open.get(graph)
        if handle is None:
            if graph not in self.files:
                self.files[graph] = self.folder / f"{len(self.files):08d}.nt"
                self.counts[graph] = 0
            if len(self.open) >= self.max_open:
                _, oldest = self.open.popitem(last=False)
                oldest.close()  # type: ignore[attr-defined]
            handle = open(self.files[graph], "ab")
            self.open[graph] = handle
        else:
            self.open.move_to_end(graph)
        handle.write(line)  # type: ignore[attr-defined]
        self.counts[graph] += 1

    def close(self) -> None:
        for handle in self.open.values():
            handle.close()  # type: ignore[attr-defined]
        self.open.clear()


def payloads_from_dump(path: Path, workdir: Path, graph: str | None = None) -> list[GraphPayload]:
    """Payloads from an N-Quads (``.nq``) or N-Triples (``.nt``) dump, read once as a stream.

    An N-Quads dump is split by graph into temporary files under ``workdir`` (on disk, not in
    memory); with ``graph``, all of it goes into that one graph. An N-Triples dump needs
    ``graph`` and is sent as it is.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".nq", ".nt"):
        raise ConfigError(f"{path}: push reads N-Quads (.nq) or N-Triples (.nt) dumps; "
                          "write one with 'kzgraph export -f nq -o FILE'.")
    if suffix == ".nt":
        if graph is None:
            raise ConfigError(f"{path} is N-Triples, which has no graph names: say which graph "
                              "it goes into with --graph IRI.")
        return [_file_payload(graph, path)]
    spool = _Spool(Path(workdir))
    try:
        with open(path, "rb") as handle:
            for number, raw in enumerate(handle, 1):
                text = raw.decode("utf-8", errors="strict").strip()
                if not text or text.startswith("#"):
                    continue
                m = _QUAD.fullmatch(text)
                if m is None:
                    raise ConfigError(f"{path}:{number}: this line is not an N-Quads statement.")
                s, p, o, g = m.groups()
                if graph is not None:
                    target = graph
                elif g is None or not g.startswith("<"):
                    raise ConfigError(f"{path}:{number}: this statement is in the default graph "
                                      "(or a blank-node graph); push it with --graph IRI.")
                else:
                    target = g[1:-1]
                spool.add(target, f"{s} {p} {o} .\n".encode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc}).") from exc
    finally:
        spool.close()
    if not spool.files:
        raise ConfigError(f"{path} holds no statements; pushing it would empty every graph of the "
                          "previous push. Check the file.")
    return [_file_payload(iri, spool.files[iri], spool.counts[iri]) for iri in sorted(spool.files)]


def manifest_payload(manifest: str, members: Iterable[str]) -> GraphPayload:
    """The manifest graph: ``<manifest> a prov:Collection; prov:hadMember <graph>`` ..."""
    m = URIRef(manifest)
    rows = [_nt_row((m, RDF.type, PROV.Collection))]
    rows += [_nt_row((m, PROV.hadMember, URIRef(g))) for g in sorted(set(members))]
    return _lines_payload(manifest, sorted(r.encode("utf-8") for r in rows))


# -- progress -------------------------------------------------------------------------------------

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


# -- the store ------------------------------------------------------------------------------------

_CHALLENGE = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|([^\s,]+))')


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


# -- the push -------------------------------------------------------------------------------------

@dataclass
class PushReport:
    """What a push did."""

    endpoint: str
    replaced: list[str]
    deleted: list[str]
    triples: int | None
    bytes: int
    seconds: float


def _listing(graphs: Sequence[str], limit: int = 10) -> str:
    shown = ", ".join(f"<{g}>" for g in graphs[:limit])
    more = f" and {len(graphs) - limit} more" if len(graphs) > limit else ""
    return (shown + more) if graphs else "none"


def push(store: GraphStore, payloads: Sequence[GraphPayload], manifest: str,
         progress: TextIO | None = None) -> PushReport:
    """Replace in ``store`` what the previous push put there with ``payloads``.

    :param store: the Graph Store endpoint
    :param payloads: the graphs to send (each IRI once)
    :param manifest: the IRI of the manifest graph (``{base}graph/push-manifest``)
    :param progress: where to draw a progress line (a terminal), or None for silence
    :raises PushError: a step failed; the message says what was and was not replaced
    """
    try:
        return _push(store, payloads, manifest, progress)
    finally:
        store.close()


def _push(store: GraphStore, payloads: Sequence[GraphPayload], manifest: str,
          progress: TextIO | None) -> PushReport:
    started = time.monotonic()
    names = [p.iri for p in payloads]
    if len(set(names)) != len(names):
        raise ConfigError("Two payloads name the same graph.")
    if manifest in names:
        raise ConfigError(f"<{manifest}> is the push manifest; push the data into another graph.")
    where = store.endpoint
    try:
        held = store.get(manifest)
    except StoreError as exc:
        raise PushError(f"Could not read the push manifest: {exc} Nothing in the store was "
                        "changed.", not_replaced=names) from exc
    old = sorted({str(o) for o in held.objects(URIRef(manifest), PROV.hadMember)}) \
        if held is not None else []
    stale = [g for g in old if g not in set(names)]
    try:
        store.put(manifest_payload(manifest, [*old, *names]))
    except StoreError as exc:
        raise PushError(f"Could not write the push manifest: {exc} Nothing in the store was "
                        "changed.", not_replaced=names) from exc

    sizes = [p.size for p in payloads]
    bar = Progress(progress, len(payloads), sum(s for s in sizes if s is not None)
                   if None not in sizes else None)
    replaced: list[str] = []
    for index, payload in enumerate(payloads, 1):
        bar.graph(index, payload.iri)
        try:
            store.put(payload, bar)
        except StoreError as exc:
            bar.finish()
            rest = names[index - 1:]
            raise PushError(
                f"Push to {where} failed at graph {index} of {len(names)}: {exc}\n"
                f"Replaced ({len(replaced)}): {_listing(replaced)}.\n"
                f"Not replaced ({len(rest)}): {_listing(rest)}.\n"
                + (f"Not removed ({len(stale)}): graphs of the previous push that are no longer "
                   f"in the content: {_listing(stale)}.\n" if stale else "")
                + f"The store now holds part of this push and part of the previous one. The "
                f"manifest <{manifest}> names every graph of both, so the next push finishes "
                "the job.",
                replaced, rest, [], stale) from exc
        replaced.append(payload.iri)
    bar.finish()
    deleted: list[str] = []
    for index, graph in enumerate(stale):
        try:
            store.delete(graph)
        except StoreError as exc:
            raise PushError(
                f"Push to {where}: all {len(names)} graphs were replaced, but removing the graphs "
                f"no longer in the content failed: {exc}\n"
                f"Removed ({len(deleted)}): {_listing(deleted)}.\n"
                f"Not removed ({len(stale) - index}): {_listing(stale[index:])}.\n"
                f"The manifest <{manifest}> still names them, so the next push removes them.",
                replaced, [], deleted, stale[index:]) from exc
        deleted.append(graph)
    try:
        store.put(manifest_payload(manifest, names))
    except StoreError as exc:
        raise PushError(
            f"Push to {where}: all {len(names)} graphs were replaced and {len(deleted)} removed, "
            f"but the manifest could not be rewritten: {exc} It still names the removed graphs; "
            "the next push rewrites it.", replaced, [], deleted, []) from exc
    triples = [p.triples for p in payloads]
    return PushReport(where, replaced, deleted,
                      None if None in triples else sum(t for t in triples if t is not None),
                      bar.sent, time.monotonic() - started)


def token_from_environment(environ: dict[str, str] | None = None) -> str | None:
    """The bearer token in ``KZGRAPH_TOKEN``, if set."""
    value = (os.environ if environ is None else environ).get(TOKEN_VARIABLE, "").strip()
    return value or None


def push_content(settings: "Settings", store: GraphStore, *, graph: str | None = None,
                 dump: Path | None = None, lang: str = "en",
                 progress: TextIO | None = None) -> tuple[PushReport, list["Problem"]]:
    """Check the content (as ``build`` does) and push its published dataset, or push ``dump``.

    Content with errors is not pushed (:class:`~kzgraph.errors.ContentError`). The manifest is
    ``{base}graph/push-manifest``.
    """
    import tempfile

    from kzgraph.errors import ContentError
    from kzgraph.graph.mapping import Minter
    from kzgraph.formats.registry import get_format
    from kzgraph.build.pipeline import export_file

    manifest = str(Minter(settings.base).graph(MANIFEST_GRAPH))
    if dump is not None:
        with tempfile.TemporaryDirectory(prefix="kzgraph-push-") as tmp:
            payloads = payloads_from_dump(Path(dump), Path(tmp), graph)
            return push(store, payloads, manifest, progress), []
    with tempfile.TemporaryDirectory(prefix="kzgraph-push-") as tmp:
        dump_file = Path(tmp) / "kzgraph.nq"
        try:
            _, problems = export_file(settings, get_format("nquads"), dump_file)
        except ContentError as exc:
            raise ContentError(exc.problems, "Refusing to push") from None
        payloads = payloads_from_dump(dump_file, Path(tmp), graph)
        return push(store, payloads, manifest, progress), problems
