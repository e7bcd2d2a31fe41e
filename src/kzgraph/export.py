"""Write statements in every format, byte for byte the same for the same statements.

All formats come from one place, chunk by chunk. A *chunk* is the statements of one part of the
data (one resource's pages, the reference data, ...), written on its own without any file
header: N-Triples and N-Quads by :mod:`kzgraph.ntriples`, Turtle, TriG and RDF/XML by
pyoxigraph's serialisers, JSON-LD by :mod:`kzgraph.jsonld`. A file is its header, its chunks in
order, and its footer. The build caches chunks per resource, so a rebuild after one edit only
writes one chunk anew; :func:`serialize` writes any small dataset as a single chunk.

Nothing here knows about Markdown.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator, Mapping

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from .formats import FORMATS, Format
from .jsonld import TAIL as JSON_TAIL, head as json_head, node_object, node_text
from .ntriples import term
from .vocab import PREFIXES, RDF

Triple = tuple[Node, Node, Node]
_TYPE = RDF.type
#: format name -> the chunk text it is written from
UNION_FORMATS = ("turtle", "ntriples", "xml", "jsonld")
DATASET_FORMATS = ("nquads", "trig")


_TYPE_NT = term(_TYPE)


def encoded(triples: Iterable[Triple]) -> list[tuple[str, Triple]]:
    """Each statement once with its N-Triples line, in file order: subjects in IRI order, each
    with its types first, then predicates and objects. Statements are told apart by their
    lines (hashing strings is far cheaper than hashing rdflib terms)."""
    seen: dict[str, tuple[tuple[str, bool, str, str], Triple]] = {}
    for t in triples:
        ts, tp, to = term(t[0]), term(t[1]), term(t[2])
        line = f"{ts} {tp} {to} .\n"
        if line not in seen:
            seen[line] = ((ts, tp != _TYPE_NT, tp, to), t)
    return [(line, t) for line, (_, t) in sorted(seen.items(), key=lambda kv: kv[1][0])]


def ordered(triples: Iterable[Triple]) -> list[Triple]:
    """Each statement once, in file order (see :func:`encoded`)."""
    return [t for _, t in encoded(triples)]


class Encoded:
    """Named graphs encoded once: each graph's statements and their union, as (N-Triples
    line, statement) pairs in file order."""

    def __init__(self, graphs: Mapping[URIRef | None, Iterable[Triple]]) -> None:
        self.graphs = {g: encoded(triples) for g, triples in graphs.items()}
        merged: dict[str, Triple] = {}
        for lines in self.graphs.values():
            for line, t in lines:
                merged.setdefault(line, t)
        keys = {line: _line_order(line, t) for line, t in merged.items()}
        self.union = [(line, merged[line]) for line in sorted(merged, key=keys.__getitem__)]

    @property
    def triples(self) -> list[Triple]:
        return [t for _, t in self.union]


def _line_order(line: str, t: Triple) -> tuple[str, bool, str, str]:
    ts = line[: line.index(" ")] if line.startswith("<") else term(t[0])
    tp = term(t[1])
    return (ts, tp != _TYPE_NT, tp, line)


# -- headers and footers ------------------------------------------------------------------------

def _prefix_lines(keyword: str = "@prefix") -> str:
    return "".join(f"{keyword} {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items())) + "\n"


_XML_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<rdf:RDF'
             + "".join(f'\n   xmlns:{p}="{ns}"' for p, ns in sorted(PREFIXES.items())) + ">\n")


def header(fmt: str) -> str:
    if fmt in ("turtle", "trig"):
        return _prefix_lines()
    if fmt == "xml":
        return _XML_HEAD
    return ""


def footer(fmt: str) -> str:
    return "</rdf:RDF>\n" if fmt == "xml" else ""


# -- chunks -------------------------------------------------------------------------------------

def _strip_prefixes(text: str) -> str:
    lines = text.split("\n")
    start = 0
    while start < len(lines) and lines[start].startswith("@prefix "):
        start += 1
    return "\n".join(lines[start:])


def _strip_envelope(text: str) -> str:
    """pyoxigraph's RDF/XML without its XML declaration and rdf:RDF element. A raw CR in a
    literal is written as a character reference: XML readers would turn it into LF."""
    if "</rdf:RDF>" not in text:
        return ""
    body = text[text.index(">", text.index("<rdf:RDF")) + 1:text.rindex("</rdf:RDF>")]
    return body.lstrip("\n").replace("\r", "&#13;")


def _ox(text: str, fmt: ox.RdfFormat) -> list:
    return list(ox.parse(text.encode("utf-8"), format=fmt)) if text else []


def chunk_texts(graphs: Mapping[URIRef | None, Iterable[Triple]] | Encoded,
                formats: Iterable[str] = tuple(f.name for f in FORMATS)) -> dict[str, str]:
    """One chunk in each of ``formats``: the union of ``graphs`` for the single-graph formats,
    each graph as named (``None``: the default graph) for N-Quads and TriG."""
    enc = graphs if isinstance(graphs, Encoded) else Encoded(graphs)
    formats = set(formats)
    out: dict[str, str] = {}
    if formats & set(UNION_FORMATS):
        union = enc.triples
        nt = "".join(line for line, _ in enc.union)
        if "ntriples" in formats:
            out["ntriples"] = nt
        if formats & {"turtle", "xml"}:
            parsed = [q.triple for q in _ox(nt, ox.RdfFormat.N_TRIPLES)]
            if "turtle" in formats:
                out["turtle"] = _strip_prefixes(
                    ox.serialize(parsed, format=ox.RdfFormat.TURTLE,
                                 prefixes=PREFIXES).decode("utf-8")) if parsed else ""
            if "xml" in formats:
                out["xml"] = _strip_envelope(
                    ox.serialize(parsed, format=ox.RdfFormat.RDF_XML,
                                 prefixes=PREFIXES).decode("utf-8")) if parsed else ""
        if "jsonld" in formats:
            by_subject: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
            for s, p, o in union:
                by_subject[s].append((p, o))
            out["jsonld"] = ",\n".join(node_text(node_object(s, pos))
                                       for s, pos in by_subject.items())
    if formats & set(DATASET_FORMATS):
        names = sorted(enc.graphs, key=lambda g: "" if g is None else str(g))
        nq = "".join(line if g is None else f"{line[:-3]} {term(g)} .\n"
                     for g in names for line, _ in enc.graphs[g])
        if "nquads" in formats:
            out["nquads"] = nq
        if "trig" in formats:
            quads = _ox(nq, ox.RdfFormat.N_QUADS)
            out["trig"] = _strip_prefixes(ox.serialize(
                quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES).decode("utf-8")) \
                if quads else ""
    return out


def opening(fmt: str) -> str:
    """What a file starts with, before its first chunk."""
    return json_head() if fmt == "jsonld" else header(fmt)


def closing(fmt: str) -> str:
    return JSON_TAIL if fmt == "jsonld" else footer(fmt)


def piece(fmt: str, chunk: str, first: bool) -> str:
    """A chunk as it stands in its file: JSON-LD nodes are comma-separated (``first``: no
    comma), the other formats' chunks end with a newline."""
    if not chunk:
        return ""
    if fmt == "jsonld":
        return chunk if first else ",\n" + chunk
    return chunk if chunk.endswith("\n") else chunk + "\n"


def _join(fmt: str, chunks: Iterable[str]) -> Iterator[str]:
    """A whole file from its chunks."""
    yield opening(fmt)
    first = True
    for chunk in chunks:
        if chunk:
            yield piece(fmt, chunk, first)
            first = False
    yield closing(fmt)


def assemble(fmt: str, chunks: Iterable[str]) -> bytes:
    return "".join(_join(fmt, chunks)).encode("utf-8")


def write_chunks(path: Path, fmt: str, chunks: Iterable[str]) -> int:
    """Write a file from its chunks through a temporary file; returns its size in bytes."""
    return write_spliced(path, fmt, [], lambda key: "", chunks)[0]


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """An unbuffered file that becomes ``path`` only when the block ends without error
    (written to a temporary file in the same folder, synced, then renamed); on error the
    temporary file is removed and ``path`` stays as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb", buffering=0) as handle:
            yield handle
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


#: where each part's piece lies in a file written before:
#: (key, version of the part's chunk) -> (offset, length, first)
Layout = dict[tuple[str, str], tuple[int, int, bool]]


def write_spliced(path: Path, fmt: str, parts: Iterable[tuple[str, str]],
                  fetch: Callable[[str], str], tail: Iterable[str],
                  previous: tuple[Path, Layout] | None = None) -> tuple[int, Layout]:
    """Write a file from the chunks of ``parts`` (in order) and then ``tail``, through a
    temporary file renamed into place.

    ``parts`` are (key, version) pairs; ``fetch(key)`` gives a part's current chunk. When
    ``previous`` names the file written last time and where each part's piece lay in it, the
    pieces of parts whose chunk is the very version written there are copied by the kernel
    (``copy_file_range``) instead of being fetched and encoded again: a rebuild after one edit
    rewrites a gigabyte in about a second. Returns the size and the new layout.
    """
    layout: Layout = {}
    old_fd = None
    old_layout: Layout = {}
    if previous is not None:
        try:
            old_fd = os.open(previous[0], os.O_RDONLY)
            old_layout = previous[1]
        except OSError:
            old_fd = None
    try:
        with atomic_file(path) as out:
            size = 0
            buffer = bytearray()

            def flush() -> None:
                nonlocal size
                if buffer:
                    out.write(buffer)
                    size += len(buffer)
                    buffer.clear()

            def text(data: str) -> None:
                buffer.extend(data.encode("utf-8"))
                if len(buffer) > 1 << 20:
                    flush()

            # unchanged pieces that lay side by side in the old file are copied in one call
            pending = [0, 0]  # offset in the old file, length

            def copy() -> None:
                nonlocal size
                offset, length = pending
                copied = 0
                while copied < length:
                    n = os.copy_file_range(old_fd, out.fileno(), length - copied,
                                           offset + copied)
                    if n <= 0:
                        raise OSError(f"could not copy from {previous[0]}")
                    copied += n
                size += length
                pending[:] = [0, 0]

            text(opening(fmt))
            first = True
            for key, version in parts:
                old = old_layout.get((key, version)) if old_fd is not None else None
                if old is not None and old[2] == first and old[1]:
                    flush()
                    offset, length = old[0], old[1]
                    if pending[1] and pending[0] + pending[1] != offset:
                        copy()
                    if not pending[1]:
                        pending[0] = offset
                    layout[(key, version)] = (size + pending[1], length, first)
                    pending[1] += length
                    first = False
                    continue
                if pending[1]:
                    copy()
                chunk = fetch(key)
                if chunk:
                    data = piece(fmt, chunk, first).encode("utf-8")
                    flush()
                    layout[(key, version)] = (size, len(data), first)
                    buffer.extend(data)
                    flush()
                    first = False
            if pending[1]:
                copy()
            for chunk in tail:
                if chunk:
                    text(piece(fmt, chunk, first))
                    first = False
            text(closing(fmt))
            flush()
    finally:
        if old_fd is not None:
            os.close(old_fd)
    return size, layout


# -- whole datasets -----------------------------------------------------------------------------

def serialize(dataset: Dataset, graph: Graph, fmt: Format) -> bytes:
    """``graph`` (the single-graph formats) or the named graphs of ``dataset`` (N-Quads, TriG)
    in ``fmt``, as one chunk: deterministic, whatever the store's order."""
    if fmt.dataset:
        graphs: dict[URIRef | None, list[Triple]] = {}
        for g in dataset.graphs():
            if len(g):
                name = g.identifier
                default = str(name) == "urn:x-rdflib:default"
                graphs[None if default else name] = list(g)
    else:
        graphs = {None: list(graph)}
    return assemble(fmt.name, [chunk_texts(graphs, [fmt.name])[fmt.name]])


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename, so
    a reader never sees half a file and a failure leaves the old file as it was."""
    with atomic_file(path) as handle:
        handle.write(data)
