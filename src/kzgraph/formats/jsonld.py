"""Compact JSON-LD with kzgraph's context, written directly from triples.

rdflib's JSON-LD writer compacts too, but walks the whole graph at once and takes about a
minute at two million triples; pyoxigraph writes expanded JSON-LD only. This writer turns each
subject's statements into one node object using the shipped context (``contexts/kzgraph.jsonld``):
``title`` as a language map, ``category`` as an IRI, ``created`` as a date, and so on. A value that
does not fit its term's definition is written under the compact IRI (``dcterms:title``) as a full
value object, so nothing is ever bent to fit. The tests read the output back with pyld, rdflib and
Oxigraph and compare the triples.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from json.encoder import encode_basestring as _string  # the C encoder
from typing import Any, Iterable

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from kzgraph.resources import context

_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_TYPE = RDF.type
_same = str.__eq__  # IRIs compared as text, in C (rdflib's == is a Python call)
_XSD_STRING = str(XSD.string)


@dataclass(frozen=True)
class _Term:
    name: str
    kind: str            # "language", "id", "typed" or "plain"
    datatype: str | None = None


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, _Term], dict[str, str], dict[str, str]]:
    """(predicate IRI -> term, class IRI -> term name, prefix -> namespace) from the context."""
    ctx = context()
    prefixes = {k: v for k, v in ctx.items()
                if isinstance(v, str) and not k.startswith("@") and v.endswith(("#", "/"))}

    def expand(value: str) -> str:
        prefix, _, local = value.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else value

    predicates: dict[str, _Term] = {}
    classes: dict[str, str] = {}
    for name, definition in sorted(ctx.items()):
        if name.startswith("@") or name in prefixes:
            continue
        if isinstance(definition, str):
            if definition.startswith("@"):
                continue
            iri = expand(definition)
            if name[:1].isupper():
                classes[iri] = name
            else:
                predicates.setdefault(iri, _Term(name, "plain"))
            continue
        iri = expand(definition["@id"])
        if definition.get("@container") == "@language":
            predicates[iri] = _Term(name, "language")
        elif definition.get("@type") == "@id":
            predicates[iri] = _Term(name, "id")
        elif "@type" in definition:
            predicates[iri] = _Term(name, "typed", expand(definition["@type"]))
        else:
            predicates[iri] = _Term(name, "plain")
    return predicates, classes, prefixes


@lru_cache(maxsize=1)
def _longest_namespaces_first() -> list[tuple[str, str]]:
    return sorted(_tables()[2].items(), key=lambda kv: -len(kv[1]))


def _compact_iri(iri: str) -> str:
    for prefix, namespace in _longest_namespaces_first():
        if iri.startswith(namespace) and _LOCAL.fullmatch(iri[len(namespace):]):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _node_id(node: Node) -> str:
    if type(node) is URIRef:  # most nodes: no isinstance() on rdflib's ABCs (slow)
        return str(node)
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _value_object(value: Node) -> dict[str, str]:
    if isinstance(value, Literal):
        if value.language:
            return {"@value": str(value), "@language": value.language}
        if value.datatype is not None and str(value.datatype) != _XSD_STRING:
            return {"@value": str(value), "@type": str(value.datatype)}
        return {"@value": str(value)}
    return {"@id": _node_id(value)}


def _sort_key(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _one_or_many(values: list[Any]) -> Any:
    if len(values) == 1:
        return values[0]
    # in the order of their JSON text; for strings that is the C encoder's (json.dumps of a
    # string, without its Python call)
    key = _string if all(type(v) is str for v in values) else _sort_key
    return sorted(values, key=key)


def _fits(term: _Term, values: list[Node]) -> bool:
    if term.kind == "language":
        return all(isinstance(v, Literal) and v.language for v in values)
    if term.kind == "id":
        return all(isinstance(v, URIRef) for v in values)
    if term.kind == "typed":
        return all(isinstance(v, Literal) and not v.language and v.datatype is not None
                   and str(v.datatype) == term.datatype for v in values)
    return True


def node_object(subject: Node, statements: Iterable[tuple[Node, Node]]) -> dict[str, Any]:
    """One subject's (predicate, object) pairs as a compact node object."""
    predicates, classes, _ = _tables()
    by_predicate: dict[Node, list[Node]] = defaultdict(list)
    for p, o in statements:
        by_predicate[p].append(o)
    node: dict[str, Any] = {"id": _node_id(subject)}
    for p, values in by_predicate.items():
        if _same(p, _TYPE) and all(isinstance(v, URIRef) for v in values):
            node["type"] = _one_or_many([classes.get(str(v)) or _compact_iri(str(v))
                                         for v in values])
            continue
        term = predicates.get(str(p))
        if term is not None and _fits(term, values):
            if term.kind == "language":
                by_lang: dict[str, list[str]] = defaultdict(list)
                for v in values:
                    by_lang[v.language].append(str(v))
                node[term.name] = {lang: _one_or_many(texts) for lang, texts in by_lang.items()}
            elif term.kind == "id":
                node[term.name] = _one_or_many([str(v) for v in values])
            elif term.kind == "typed":
                node[term.name] = _one_or_many([str(v) for v in values])
            else:
                node[term.name] = _one_or_many(
                    [str(v) if isinstance(v, Literal) and not v.language and (
                        v.datatype is None or str(v.datatype) == _XSD_STRING)
                     else _value_object(v) for v in values])
            continue
        key = _compact_iri(str(p)) if p != _TYPE else "rdf:type"
        node[key] = _one_or_many([_value_object(v) for v in values])
    return node


def node_text(node: dict[str, Any]) -> str:
    """A node object as it appears inside the document's ``@graph``: the text of
    ``json.dumps(node, ensure_ascii=False, sort_keys=True, indent=2)``, every line indented by
    four more spaces. Written here because ``json.dumps`` with an indent runs its pure-Python
    encoder (a tenth of a large build's JSON-LD time); strings still go through the C one."""
    out: list[str] = ["    "]
    _json(node, "    ", out)
    return "".join(out)


def _json(value: Any, indent: str, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(_string(value))
        return
    labels: list[str] | None = None
    if isinstance(value, dict):
        opening, closing = "{", "}"
        keys = sorted(value)
        labels = [_string(key) + ": " for key in keys]
        values = [value[key] for key in keys]
    elif isinstance(value, list):
        opening, closing, values = "[", "]", value
    else:
        out.append(json.dumps(value))
        return
    if not values:
        out.append(opening + closing)
        return
    inner = indent + "  "
    out.append(opening + "\n" + inner)
    for i, item in enumerate(values):
        if i:
            out.append(",\n" + inner)
        if labels is not None:
            out.append(labels[i])
        if type(item) is str:  # most values: written here, without a call
            out.append(_string(item))
        else:
            _json(item, inner, out)
    out.append("\n" + indent + closing)


def head() -> str:
    """The document up to its first node: the context embedded (so it reads offline)."""
    text = json.dumps({"@context": context()}, ensure_ascii=False, sort_keys=True, indent=2)
    return text[: text.rstrip().rfind("}")].rstrip() + ',\n  "@graph": [\n'


TAIL = "\n  ]\n}\n"
