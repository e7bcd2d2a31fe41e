"""Turtle chunks straight from N-Triples lines, byte for byte as pyoxigraph writes them.

pyoxigraph's Turtle serialiser needs its own terms, so writing a chunk through it means parsing
the chunk's N-Triples first: a sixth of the build's work per page. Our statements are plain
(IRIs, simple and tagged literals, a few typed ones), and for those pyoxigraph's output is easy
to state: statements grouped by subject and predicate as they come, ``rdf:type`` as ``a``,
IRIs under a prefix as prefixed names, literals as in N-Triples with their datatype
abbreviated, and integers, decimals, doubles and booleans bare when their text allows.

:func:`chunk` writes exactly that, and returns None for any statement whose terms it has not
been checked against pyoxigraph on (blank nodes, a local name that pyoxigraph would escape, a
control character in a literal, an upper-case language tag, ...): the caller then asks
pyoxigraph. ``tests/test_turtle.py`` compares the two on real and generated statements.
"""

from __future__ import annotations

import re
from typing import Iterable

from kzgraph.vocab import PREFIXES, RDF

#: local names pyoxigraph writes as they are (checked by the tests); anything else is left to it
_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
#: characters a literal may hold for the fast path: pyoxigraph escapes controls (and, it
#: turns out, some non-characters) its own way
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufff0-\uffff]|"
                     "[\U0001fffe-\U0010ffff]")
_TYPE = f"<{RDF.type}>"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?[0-9]*\.[0-9]+")
_DOUBLE = re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+")
_BARE = {f"<{_XSD}integer>": _INTEGER, f"<{_XSD}decimal>": _DECIMAL,
         f"<{_XSD}double>": _DOUBLE,
         f"<{_XSD}boolean>": re.compile("true|false")}
_NAMESPACES = sorted(((ns, p) for p, ns in PREFIXES.items()), key=lambda x: -len(x[0]))

#: N-Triples term -> Turtle term (None: not for the fast path), per process: IRIs and short
#: literals (keywords, names, dates, numbers), which recur. A literal longer than
#: ``_KEPT_LITERAL`` characters (a title, a description, a section's text) is met once: kept,
#: they filled the 200,000 places with 90 MB of a build worker's memory at 100,000 heavy
#: pages, for no hit (measured: 28,807 literals over 256 characters, none met twice)
_terms: dict[str, str | None] = {}
_KEPT_LITERAL = 64


def _iri(nt: str) -> str | None:
    iri = nt[1:-1]
    for ns, prefix in _NAMESPACES:
        if iri.startswith(ns):
            local = iri[len(ns):]
            return f"{prefix}:{local}" if _LOCAL.fullmatch(local) else None
    return nt


def _literal(nt: str) -> str | None:
    if _UNSAFE.search(nt):
        return None
    end = nt.rindex('"')
    rest = nt[end + 1:]
    if not rest:
        return nt
    if rest[0] == "@":
        return nt if rest == rest.lower() else None
    datatype = rest[2:]  # after ^^
    bare = _BARE.get(datatype)
    if bare is not None and bare.fullmatch(nt[1:end]):
        return nt[1:end]
    short = _iri(datatype)
    return None if short is None else nt[:end + 1] + "^^" + short


def _term(nt: str) -> str | None:
    found = _terms.get(nt, _terms)
    if found is _terms:
        if nt[0] == "<":
            found = _iri(nt)
        elif nt[0] == '"':
            found = _literal(nt)
        else:
            found = None
        if len(_terms) < 200_000 and (nt[0] == "<" or len(nt) <= _KEPT_LITERAL):
            _terms[nt] = found
    return found  # type: ignore[return-value]


def chunk(lines: Iterable[str]) -> str | None:
    """The Turtle of N-Triples ``lines`` (in file order: by subject, types first), without
    prefix declarations; None if a term is one pyoxigraph writes its own way."""
    out: list[str] = []
    last_s = last_p = None
    for line in lines:
        s, p, o = line[:-3].split(" ", 2)
        to = _term(o)
        if to is None:
            return None
        if s == last_s:
            if p == last_p:
                out.append(" , " + to)
                continue
            tp = "a" if p == _TYPE else _term(p)
            if tp is None:
                return None
            out.append(f" ;\n\t{tp} {to}")
        else:
            ts = _term(s)
            tp = "a" if p == _TYPE else _term(p)
            if ts is None or tp is None:
                return None
            out.append(f" .\n{ts} {tp} {to}" if out else f"{ts} {tp} {to}")
        last_s, last_p = s, p
    if out:
        out.append(" .\n")
    return "".join(out)
