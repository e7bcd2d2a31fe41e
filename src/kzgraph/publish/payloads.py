"""What a push sends: each named graph as N-Triples, streamed in chunks from a dataset or from a
dump file (spooled graph by graph to a work folder), and the manifest graph that records what
the push put in the store."""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.serializers.nt import _nt_row

from kzgraph.errors import ConfigError
from kzgraph.vocab import PROV, RDF

NTRIPLES = "application/n-triples"


CHUNK = 256 * 1024

_TERM = r'<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[A-Za-z][A-Za-z0-9-]*|\^\^<[^>]*>)?'
_QUAD = re.compile(rf"[ \t]*({_TERM})[ \t]*({_TERM})[ \t]*({_TERM})[ \t]*({_TERM})?[ \t]*\.[ \t]*"
                   r"(?:#.*)?")


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
