"""Terms and statements in canonical N-Triples / N-Quads (RDF 1.1), fast and byte-stable.

The chunked writers build every format from these lines: N-Triples and N-Quads directly, the
others by handing the lines to pyoxigraph's serialisers.
"""

from __future__ import annotations

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

_XSD_STRING = str(XSD.string)


def term(node: Node) -> str:
    """One term in canonical N-Triples syntax."""
    kind = type(node)  # exact types first: isinstance() on rdflib's ABCs is slow
    if kind is URIRef:
        return f"<{node}>"
    if kind is Literal or isinstance(node, Literal):
        text = str(node)
        if "\\" in text or '"' in text or "\n" in text or "\r" in text:
            # four replace() calls, not str.translate(): translate looks every character of
            # a long body up in a table, 18 times slower (the backslash first)
            text = text.replace("\\", "\\\\").replace('"', '\\"').replace(
                "\n", "\\n").replace("\r", "\\r")
        if node.language:
            return f'"{text}"@{node.language}'
        if node.datatype is not None and str(node.datatype) != _XSD_STRING:
            return f'"{text}"^^<{node.datatype}>'
        return f'"{text}"'
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, BNode):
        return f"_:{node}"
    raise TypeError(f"not an RDF term: {node!r}")


def triple_line(s: Node, p: Node, o: Node) -> str:
    return f"{term(s)} {term(p)} {term(o)} .\n"


def quad_line(s: Node, p: Node, o: Node, g: Node | None) -> str:
    if g is None:
        return triple_line(s, p, o)
    return f"{term(s)} {term(p)} {term(o)} {term(g)} .\n"
