"""Compare graphs across implementations: rdflib and pyoxigraph terms as one set of triples."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD

OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG,
    "xml": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD,
}


def _term(t):
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.Literal):
        if t.language:
            return Literal(t.value, lang=t.language)
        dt = None if t.datatype.value == str(XSD.string) else URIRef(t.datatype.value)
        return Literal(t.value, datatype=dt)
    raise AssertionError(f"unexpected term {t!r} (blank nodes are not published)")


def oxigraph_triples(data: bytes, fmt: str) -> set[tuple]:
    return {(_term(q.subject), _term(q.predicate), _term(q.object))
            for q in ox.parse(data, format=OX_FORMATS[fmt])}


def oxigraph_quads(data: bytes, fmt: str) -> set[tuple]:
    return {(_term(q.subject), _term(q.predicate), _term(q.object), _term(q.graph_name))
            for q in ox.parse(data, format=OX_FORMATS[fmt])}


def rdflib_triples(data: bytes, fmt: str) -> set[tuple]:
    name = {"jsonld": "json-ld", "ntriples": "nt", "xml": "xml"}.get(fmt, fmt)
    if fmt in ("nquads", "trig"):
        ds = Dataset()
        ds.parse(data=data, format=name)
        return {(s, p, o) for s, p, o, _ in ds.quads((None, None, None, None))}
    return set(Graph().parse(data=data, format=name))


def rdflib_quads(data: bytes, fmt: str) -> set[tuple]:
    ds = Dataset()
    ds.parse(data=data, format=fmt)
    return {(s, p, o, g) for s, p, o, g in ds.quads((None, None, None, None))}


def read(path: Path) -> bytes:
    return Path(path).read_bytes()
