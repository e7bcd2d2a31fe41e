"""Serialise the mapped graph, byte for byte the same for the same content, and write atomically.

Nothing here knows about Markdown: it takes a :class:`~kzgraph.mapping.Mapped` (or any rdflib
Dataset) and a :class:`~kzgraph.formats.Format`.
"""

from __future__ import annotations

import json
import os
from io import BytesIO
import tempfile
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.plugins.serializers.trig import TrigSerializer

from .formats import Format
from .resources import context
from .vocab import PREFIXES


def _key(triple) -> tuple[str, ...]:
    return tuple(term.n3() for term in triple)


def _bind(graph: Graph) -> None:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)


def canonical_graph(graph: Graph) -> Graph:
    """A copy of ``graph`` whose triples were added in sorted order, so serialisers that walk
    the store in insertion order write the same bytes every time."""
    out = Graph()
    _bind(out)
    for triple in sorted(graph, key=_key):
        out.add(triple)
    return out


def canonical_dataset(dataset: Dataset) -> Dataset:
    """A copy of ``dataset`` with its graphs, and each graph's triples, in sorted order."""
    out = Dataset()
    _bind(out)
    graphs = sorted((g for g in dataset.graphs() if len(g)), key=lambda g: g.identifier.n3())
    for g in graphs:
        target = out.graph(g.identifier)
        for triple in sorted(g, key=_key):
            target.add(triple)
    return out


class _SortedGraph(Graph):
    """A graph that hands out subjects and their statements in sorted order, for rdflib's
    RDF/XML writer, which walks ``subjects()`` and ``predicate_objects()`` in store order."""

    def subjects(self, predicate=None, object=None, unique=False):  # type: ignore[override]
        found = super().subjects(predicate, object, unique=True)
        return iter(sorted(found, key=lambda t: t.n3()))

    def predicate_objects(self, subject=None, unique=False):  # type: ignore[override]
        found = set(super().predicate_objects(subject, unique))
        return iter(sorted(found, key=lambda po: (po[0].n3(), po[1].n3())))


class _SortedTrigSerializer(TrigSerializer):
    """rdflib's TriG writer, with the named graphs in IRI order instead of store order."""

    def __init__(self, store: Graph) -> None:
        super().__init__(store)
        self.contexts = sorted(self.contexts, key=lambda g: g.identifier.n3())


def _sorted_json(value: object) -> object:
    """JSON-LD with every array and the node list in a stable order (none of ours is a @list)."""
    if isinstance(value, dict):
        return {k: _sorted_json(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def _sorted_lines(text: str) -> bytes:
    # split on LF only: str.splitlines() would also cut at U+2028, U+0085 and friends, which
    # N-Triples allows raw inside literals
    lines = sorted({line for line in text.split("\n") if line.strip()})
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def serialize(dataset: Dataset, graph: Graph, fmt: Format) -> bytes:
    """``graph`` (the union) or ``dataset`` (the named graphs) in ``fmt``, deterministically.

    N-Triples and N-Quads are sorted line by line; the other formats are written by rdflib from
    sorted copies. JSON-LD is compacted with the context kzgraph ships, embedded in the document.
    """
    if fmt.name == "ntriples":
        return _sorted_lines(graph.serialize(format="nt", encoding="utf-8").decode("utf-8"))
    if fmt.name == "nquads":
        return _sorted_lines(dataset.serialize(format="nquads", encoding="utf-8").decode("utf-8"))
    if fmt.name == "trig":
        out = BytesIO()
        _SortedTrigSerializer(canonical_dataset(dataset)).serialize(out, encoding="utf-8")
        return out.getvalue()
    if fmt.name == "jsonld":
        text = canonical_graph(graph).serialize(format="json-ld", context=context(),
                                                auto_compact=True)
        document = _sorted_json(json.loads(text))
        return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True)
                + "\n").encode("utf-8")
    if fmt.name == "xml":
        ordered = _SortedGraph()
        _bind(ordered)
        for triple in graph:
            ordered.add(triple)
        return ordered.serialize(format=fmt.rdflib, encoding="utf-8")
    return canonical_graph(graph).serialize(format=fmt.rdflib, encoding="utf-8")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename, so
    a reader never sees half a file and a failure leaves the old file as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
