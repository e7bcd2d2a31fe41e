"""Write statements in every format, byte for byte the same for the same statements.

All formats come from one place, chunk by chunk. A *chunk* is the statements of one part of the
data (one resource's pages, the reference data, ...), written on its own without any file
header: N-Triples and N-Quads by :mod:`kzgraph.formats.ntriples`, Turtle, TriG and RDF/XML by
pyoxigraph's serialisers, JSON-LD by :mod:`kzgraph.jsonld`. A file is its header, its chunks in
order, and its footer. The build caches chunks per resource, so a rebuild after one edit only
writes one chunk anew; :func:`serialize` writes any small dataset as a single chunk.

Nothing here knows about Markdown.
"""

from __future__ import annotations

import errno
import os
import queue
import tempfile
import threading
from collections import defaultdict
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator, Mapping

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from kzgraph.formats.registry import FORMATS, Format
from kzgraph.formats.jsonld import TAIL as JSON_TAIL, head as json_head, node_object, node_text
from kzgraph.formats.ntriples import term
from kzgraph.formats.turtle import chunk as turtle_chunk
from kzgraph.vocab import PREFIXES, RDF

Triple = tuple[Node, Node, Node]
_TYPE = RDF.type
#: format name -> the chunk text it is written from
UNION_FORMATS = ("turtle", "ntriples", "xml", "jsonld")
DATASET_FORMATS = ("nquads", "trig")


_TYPE_NT = term(_TYPE)


def _keyed(triples: Iterable[Triple]) -> dict[str, tuple[tuple[str, bool, str, str], Triple]]:
    """Each statement once, by its N-Triples line, with the key that puts it in file order."""
    seen: dict[str, tuple[tuple[str, bool, str, str], Triple]] = {}
    iri = URIRef
    for t in triples:
        s, p, o = t
        # IRIs, most terms, written here: a call to term() for each costs more than the rest
        ts = f"<{s}>" if type(s) is iri else term(s)
        tp = f"<{p}>" if type(p) is iri else term(p)
        to = f"<{o}>" if type(o) is iri else term(o)
        line = f"{ts} {tp} {to} .\n"
        if line not in seen:
            seen[line] = ((ts, tp != _TYPE_NT, tp, to), t)
    return seen


def _in_order(seen: dict[str, tuple[tuple[str, bool, str, str], Triple]]
              ) -> list[tuple[str, Triple]]:
    return [(line, t) for line, (_, t) in sorted(seen.items(), key=lambda kv: kv[1][0])]


def encoded(triples: Iterable[Triple]) -> list[tuple[str, Triple]]:
    """Each statement once with its N-Triples line, in file order: subjects in IRI order, each
    with its types first, then predicates and objects. Statements are told apart by their
    lines (hashing strings is far cheaper than hashing rdflib terms)."""
    return _in_order(_keyed(triples))


def ordered(triples: Iterable[Triple]) -> list[Triple]:
    """Each statement once, in file order (see :func:`encoded`)."""
    return [t for _, t in encoded(triples)]


class Encoded:
    """Named graphs encoded once: each graph's statements and their union, as (N-Triples
    line, statement) pairs in file order."""

    def __init__(self, graphs: Mapping[URIRef | None, Iterable[Triple]]) -> None:
        self._keyed = keyed = {g: _keyed(triples) for g, triples in graphs.items()}
        if len(keyed) == 1:
            self.union = _in_order(next(iter(keyed.values())))
            return
        merged: dict[str, tuple[tuple[str, bool, str, str], Triple]] = {}
        for seen in keyed.values():
            for line, value in seen.items():
                merged.setdefault(line, value)
        self.union = _in_order(merged)

    @cached_property
    def graphs(self) -> dict[URIRef | None, list[tuple[str, Triple]]]:
        """Each graph's own, in file order: put in order only for the dataset formats (a
        ``validate`` writes none)."""
        if len(self._keyed) == 1:
            return {next(iter(self._keyed)): self.union}
        return {g: _in_order(seen) for g, seen in self._keyed.items()}

    @property
    def triples(self) -> list[Triple]:
        return [t for _, t in self.union]


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


def _oxigraph_turtle(triples: list) -> str:
    return _strip_prefixes(ox.serialize(triples, format=ox.RdfFormat.TURTLE,
                                        prefixes=PREFIXES).decode("utf-8")) if triples else ""


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
        if "turtle" in formats:
            # written here when every term is one whose Turtle we know pyoxigraph's to be
            fast = turtle_chunk(line for line, _ in enc.union)
            if fast is not None:
                out["turtle"] = fast
        turtle_left = "turtle" in formats and "turtle" not in out
        if "xml" in formats or turtle_left:
            parsed = [q.triple for q in _ox(nt, ox.RdfFormat.N_TRIPLES)]
            if turtle_left:
                out["turtle"] = _oxigraph_turtle(parsed)
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
        nq = "".join(line if g is None else f"{line[:-3]} {graph_term} .\n"
                     for g in names for graph_term in [None if g is None else term(g)]
                     for line, _ in enc.graphs[g])
        out.update(dataset_texts(nq, formats))
    return out


def dataset_texts(nq: str, formats: Iterable[str]) -> dict[str, str]:
    """An N-Quads chunk in each of the dataset formats among ``formats``."""
    out: dict[str, str] = {}
    formats = set(formats)
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


@contextmanager
def atomic_file(path: Path, durable: bool = True) -> Iterator[BinaryIO]:
    """An unbuffered file that becomes ``path`` only when the block ends without error
    (written to a temporary file in the same folder, synced, then renamed); on error the
    temporary file is removed and ``path`` stays as it was.

    ``durable=False`` leaves out the sync: a reader still never sees half a file, but a
    crash of the machine (not of the process) may lose what was written. For a caller
    writing many files, which flushes them all at once at the end (:func:`flush_written`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb", buffering=0) as handle:
            yield handle
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


#: where a part's piece lies in some file: (file, offset, length in bytes, first). ``first`` says
#: the bytes are the piece as it opens a file (a JSON-LD piece with no leading ``,\n``)
Piece = tuple[str, int, int, bool]
#: where each part's piece lies in a file written: (key, version of the part) -> (offset,
#: length, first)
Layout = dict[tuple[str, str], tuple[int, int, bool]]

_NO_COPY_RANGE = {errno.EXDEV, errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EBADF}


def copy_range(source: int, target: int, offset: int, length: int) -> None:
    """Append ``length`` bytes of ``source`` from ``offset`` to ``target``: by the kernel
    (``copy_file_range``, no bytes through Python) where it can, else read and written."""
    done = 0
    while done < length:
        try:
            n = os.copy_file_range(source, target, length - done, offset + done)
        except OSError as exc:
            if exc.errno not in _NO_COPY_RANGE:
                raise
            n = -1
        if n < 0:  # another filesystem, or no kernel support: copy through a buffer
            while done < length:
                data = os.pread(source, min(length - done, 1 << 20), offset + done)
                if not data:
                    raise OSError(f"{length - done} bytes missing from a piece's file")
                _write_all(target, data)
                done += len(data)
            return
        if n == 0:
            raise OSError(f"{length - done} bytes missing from a piece's file")
        done += n


def _write_all(fd: int, data: bytes | bytearray | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def read_piece(fmt: str, where: Piece, handles: dict[str, int]) -> bytes:
    """The bytes of a piece as it stands after another piece (a JSON-LD piece with its
    comma); ``handles`` keeps the files opened, by name, for the caller to close."""
    name, offset, length, was_first = where
    if not length:
        return b""
    fd = handles.get(name)
    if fd is None:
        fd = handles[name] = os.open(name, os.O_RDONLY)
    data = os.pread(fd, length, offset)
    if len(data) != length:
        raise OSError(f"{name}: {length - len(data)} bytes missing from a piece")
    return b",\n" + data if fmt == "jsonld" and was_first else data


#: how much is copied before the checksum's reader is told (so that it reads while the kernel
#: copies the next stretch, not after a gigabyte)
_STRETCH = 1 << 26


class _Follower:
    """A checksum of a file made while it is written: a thread reads back each stretch as soon
    as it is written (from the page cache) and hashes it, so the hash is done when the writing
    is. (Hashing the 2.2 GB of a 100,000-page build after writing it took most of a second of
    wall time after the last file was written.)"""

    def __init__(self, fd: int, hasher: Any) -> None:
        self.fd, self.hasher = fd, hasher
        self.error: BaseException | None = None
        self._queue: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="checksum", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        position = 0
        try:
            while (end := self._queue.get()) is not None:
                while position < end:
                    data = os.pread(self.fd, min(end - position, 1 << 22), position)
                    if not data:
                        raise OSError("the file being written is shorter than written")
                    self.hasher.update(data)  # hashlib lets other threads run meanwhile
                    position += len(data)
        except BaseException as exc:  # raised by finish(), in the writing thread
            self.error = exc

    def written(self, end: int) -> None:
        """The file now holds ``end`` bytes."""
        self._queue.put(end)

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join()

    def finish(self) -> None:
        """Wait for the reader; its error, if it had one, is raised here."""
        self.stop()
        if self.error is not None:
            raise self.error


def write_spliced(path: Path, fmt: str, parts: Iterable[tuple[str, str, Piece]],
                  tail: Iterable[str], checksum: Any = None) -> tuple[int, Layout]:
    """Write a file from the pieces of ``parts`` (in order) and then the chunks of ``tail``,
    through a temporary file renamed into place.

    ``parts`` are (key, version, where the part's piece lies): in a file a worker wrote in this
    run, or in a file written before (its layout says where). The bytes are copied by the
    kernel (``copy_file_range``), pieces that lie side by side in one call, never decoded or
    encoded again: a build writes a gigabyte of pieces in about a second. Returns the size and
    the layout of the new file (where each part's piece now lies). ``checksum``, a ``hashlib``
    object, is given the file's bytes while they are written (see :class:`_Follower`).
    """
    layout: Layout = {}
    handles: dict[str, int] = {}
    follower: _Follower | None = None
    try:
        with atomic_file(path) as out:
            target = out.fileno()
            if checksum is not None:  # the temporary file is open for reading too
                follower = _Follower(target, checksum)
            try:
                size = 0
                buffer = bytearray()
                # pieces that lie side by side in one file are copied in one call
                pending: list = [None, 0, 0]  # file descriptor, offset, length

                def flush() -> None:
                    nonlocal size
                    source, offset, length = pending
                    for at in range(0, length, _STRETCH):
                        stretch = min(length - at, _STRETCH)
                        copy_range(source, target, offset + at, stretch)
                        size += stretch
                        if follower is not None:
                            follower.written(size)
                    pending[:] = [None, 0, 0]
                    if buffer:
                        _write_all(target, buffer)
                        size += len(buffer)
                        buffer.clear()
                        if follower is not None:
                            follower.written(size)

                def text(data: bytes) -> None:
                    if pending[2]:
                        flush()
                    buffer.extend(data)
                    if len(buffer) > 1 << 20:
                        flush()

                def position() -> int:
                    return size + len(buffer) + pending[2]

                text(opening(fmt).encode("utf-8"))
                first = True
                for key, version, (name, offset, length, was_first) in parts:
                    if not length:
                        layout[(key, version)] = (position(), 0, first)
                        continue
                    start = position()
                    if fmt == "jsonld" and first != was_first:
                        if first:  # the piece opened no file before: drop its comma
                            offset, length = offset + 2, length - 2
                        else:
                            text(b",\n")
                    fd = handles.get(name)
                    if fd is None:
                        fd = handles[name] = os.open(name, os.O_RDONLY)
                    if buffer or not (pending[0] == fd and pending[1] + pending[2] == offset):
                        flush()
                        pending[:] = [fd, offset, 0]
                    pending[2] += length
                    layout[(key, version)] = (start, position() - start, first)
                    first = False
                for chunk in tail:
                    if chunk:
                        text(piece(fmt, chunk, first).encode("utf-8"))
                        first = False
                text(closing(fmt).encode("utf-8"))
                flush()
            except BaseException:
                if follower is not None:  # its reader stops before the file is closed
                    follower.stop()
                raise
            if follower is not None:
                follower.finish()
    finally:
        for fd in handles.values():
            os.close(fd)
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


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename, so
    a reader never sees half a file and a failure leaves the old file as it was
    (``durable``: see :func:`atomic_file`)."""
    with atomic_file(path, durable) as handle:
        handle.write(data)


def flush_written() -> None:
    """Put on disk everything written so far (``sync``): one flush for a batch of files written
    with ``durable=False``. A flush per file costs a disk commit each: the static site's
    3,100 files at 1,000 pages took 21 s with one per file and 7 s with one for all."""
    os.sync()
