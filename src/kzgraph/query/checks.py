"""What the query helper checks before and after a query runs, so "No match." is never the whole
answer to a typo.

- Slug parameters (``category``, ``perspective``, ``source``, ``guide``) must name a resource of
  that kind in the graph; otherwise a :class:`ParameterError` lists the nearest slugs.
- An IRI of our namespaces (the ontology's, or the data's under the base) that a query names and
  that neither the ontology nor the data holds gets a warning with the nearest term.
- A query sent to an endpoint that finds nothing, where the endpoint's default graph is empty
  but its named graphs are not, gets a hint on asking for their union.
"""

from __future__ import annotations

import re
import urllib.parse
from functools import lru_cache
from typing import Mapping, Sequence

from rdflib import URIRef
from rdflib.term import Node

from kzgraph.errors import nearest, quoted
from kzgraph.query.saved import Param, ParameterError
from kzgraph.query.sparql import PreparedQuery, predeclared_prefixes, prepare, tokens
from kzgraph.vocab import KZ

SLUG_CLASSES = {"category": KZ.Category, "perspective": KZ.Perspective, "source": KZ.Source,
                "guide": KZ.Guide}
#: the folder each kind's IRIs are minted under (:class:`kzgraph.graph.iris.Minter`)
_SLUG_PREFIX = {"category": "category/", "perspective": "perspective/",
                "source": "sources/sources/", "guide": "guides/"}


def _ask(engine, text: str, base: str) -> bool:
    return bool(engine.run(prepare(text, base)).boolean)


def _subjects(engine, text: str, base: str) -> list[str]:
    result = engine.run(prepare(text, base))
    return [str(row[0]) for row in result.rows if row and row[0] is not None]


def _slug(iri: str, kind: str, base: str) -> str | None:
    prefix = base + _SLUG_PREFIX[kind]
    if not iri.startswith(prefix):
        return None
    rest = iri[len(prefix):]
    rest = rest[:-1] if rest.endswith("/") else rest
    return urllib.parse.unquote(rest) if rest and "/" not in rest else None


def check_slug_params(engine, params: Sequence[Param], bindings: Mapping[str, Node],
                      base: str) -> None:
    """Raise ParameterError for a slug parameter naming no resource of its kind in the graph,
    with the nearest slugs that exist."""
    for p in params:
        term = bindings.get(p.name)
        cls = SLUG_CLASSES.get(p.type)
        if cls is None or not isinstance(term, URIRef):
            continue
        if _ask(engine, f"ASK {{ <{term}> a <{cls}> }}", base):
            continue
        slug = _slug(str(term), p.type, base) or str(term)
        existing = [s for s in (_slug(i, p.type, base) for i in
                                _subjects(engine, f"SELECT DISTINCT ?s {{ ?s a <{cls}> }}", base))
                    if s is not None]
        close = nearest(slug, existing)
        hint = (f" Did you mean {quoted(close)}?" if close else
                f" The graph has {len(existing)}: {', '.join(sorted(existing)[:12])}"
                f"{', ...' if len(existing) > 12 else ''}." if existing else
                f" The graph has no {p.type} at all.")
        raise ParameterError(f"--param {p.name}={slug}: there is no {p.type} '{slug}' in the "
                             f"graph.{hint}")


# -- IRIs of our namespaces that nothing holds ---------------------------------------------------

_DECLARED = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_PREFIXED = re.compile(r"(?<![\w.\-:])([A-Za-z](?:[\w.\-]*[\w\-])?)?:((?:[\w\-]|\.(?=[\w\-]))+)")


def named_iris(text: str, base: str) -> dict[str, str]:
    """Each IRI a query text names (outside strings and comments) -> how it was written."""
    prefixes = dict(predeclared_prefixes(base))
    prefixes.update({(m.group(1) or ""): m.group(2) for m in _DECLARED.finditer(text)})
    found: dict[str, str] = {}
    for tok in tokens(text):
        if tok.kind == "iri":
            found.setdefault(urllib.parse.urljoin(base, tok.text[1:-1]), tok.text)
        elif tok.kind == "word":
            for m in _PREFIXED.finditer(tok.text):
                prefix = m.group(1) or ""
                if prefix in prefixes:
                    found.setdefault(prefixes[prefix] + m.group(2), m.group(0))
    return found


@lru_cache(maxsize=1)
def _ontology_terms() -> frozenset[str]:
    from rdflib import Graph

    from kzgraph.resources import ontology_file

    g = Graph().parse(ontology_file(), format="turtle")
    return frozenset(str(s) for s in g.subjects() if str(s).startswith(str(KZ)))


def _shown(iri: str, base: str) -> str:
    for prefix, namespace in predeclared_prefixes(base).items():
        if iri.startswith(namespace) and re.fullmatch(r"[\w\-]+", iri[len(namespace):]):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri[len(base):]}>" if iri.startswith(base) else f"<{iri}>"


def unknown_terms(engine, prepared: PreparedQuery, base: str) -> list[str]:
    """Warnings for the IRIs of our namespaces the query names that the ontology and the data
    do not hold, each with the nearest term that exists."""
    warnings = []
    ontology = _ontology_terms()
    for iri, written in sorted(named_iris(prepared.text, base).items()):
        if iri.startswith(str(KZ)):
            if iri in ontology:
                continue
            choices = ontology
        elif iri.startswith(base) and not iri.startswith(str(KZ)):
            if _ask(engine, f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} "
                            f"UNION {{ ?s <{iri}> ?o }} }}", base):
                continue
            folder = iri[: iri.rstrip("/").rfind("/") + 1]
            choices = frozenset(_subjects(
                engine, f"SELECT DISTINCT ?s {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "
                        f"\"{folder}\")) }} LIMIT 5000", base))
        else:
            continue
        local = {c: c[len(str(KZ)):] if c.startswith(str(KZ)) else c.rstrip("/").rsplit("/", 1)[-1]
                 for c in choices}
        word = iri[len(str(KZ)):] if iri.startswith(str(KZ)) else iri.rstrip("/").rsplit("/", 1)[-1]
        by_local: dict[str, list[str]] = {}
        for c, name in local.items():
            by_local.setdefault(name, []).append(c)
        close = [sorted(by_local[n])[0] for n in nearest(word, by_local)]
        hint = f" Did you mean {', '.join(_shown(c, base) for c in close)}?" if close else ""
        where = "kzgraph's ontology" if iri.startswith(str(KZ)) else "the data"
        warnings.append(f"{written} is not in {where}: this part of the query can match "
                        f"nothing.{hint}")
    return warnings


def union_hint(engine, url: str) -> str | None:
    """For an endpoint whose default graph is empty while its named graphs are not: how to ask
    for their union (or None)."""
    if _ask(engine, "ASK { ?s ?p ?o }", "http://example.org/"):
        return None
    if not _ask(engine, "ASK { GRAPH ?g { ?s ?p ?o } }", "http://example.org/"):
        return None
    joined = url + ("&" if urllib.parse.urlsplit(url).query else "?") + "union-default-graph"
    return (f"The endpoint's default graph is empty: the store keeps the data in named graphs "
            f"(as 'kzgraph push' puts it). Ask for their union: with Oxigraph, use {joined}; "
            "with other stores, wrap the patterns in GRAPH ?g { ... } or add FROM clauses.")

