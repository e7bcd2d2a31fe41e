"""SPARQL text, prepared: a small tokenizer that knows the query's form, its prefixes and its
top-level WHERE group, and :func:`prepare`, which adds the predeclared prefixes a query does not
declare itself and binds its parameters.

Parameters are RDF terms, never text: each one becomes a ``VALUES ?name { term }`` block placed
at the start of the query's top-level WHERE group, with the term written in strict N-Triples
syntax (every quote, backslash and line break escaped; IRIs refused when they hold a character an
IRI may not). A value such as ``x" } UNION { ?s ?p ?o }`` therefore stays one string literal.
(When the WHERE group holds only a sub-SELECT, the values go into the sub-SELECT's group.) A
sub-SELECT sees only its own variables, so a parameter is also bound at the start of the WHERE
group of every sub-SELECT that mentions it: the value is the same wherever the variable is
written, as rdflib's ``initBindings`` and Oxigraph's substitutions have it. (The saved queries
group and join in sub-SELECTs because Oxigraph joins those by hashing, several times faster on
large answers than probing its indexes row by row.) The same bound text runs locally and on an
endpoint, so both give the same answers; the tests also check them against rdflib's own term
binding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping, Sequence

from rdflib import Literal, URIRef
from rdflib.term import Node

from kzgraph.errors import KzgraphError
from kzgraph.vocab import LANGUAGE_IRI, PREFIXES, XSD

FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")


VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


#: characters an IRI written as <...> may not hold (SPARQL IRIREF, N-Triples IRIREF)
IRI_FORBIDDEN = re.compile(r'[<>"{}|^`\\\x00-\x20]')


LANG_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")


class QueryError(KzgraphError):
    """A query could not be prepared or run."""


class QuerySyntaxError(QueryError):
    """The query text is not SPARQL 1.1. ``line`` and ``column`` are 1-based, in the text as the
    user wrote it (the added prefixes and parameter values are not counted)."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None,
                 source: str | None = None) -> None:
        self.line, self.column, self.source = line, column, source
        super().__init__(message)


class EndpointError(QueryError):
    """A SPARQL endpoint refused the query, failed, or did not answer in time."""

    def __init__(self, message: str, status: int | None = None, body: str = "") -> None:
        self.status, self.body = status, body
        super().__init__(message)


def predeclared_prefixes(base: str) -> dict[str, str]:
    """Every prefix a query may use without declaring it: the vocabularies of
    :data:`kzgraph.vocab.PREFIXES`, then ``category:``, ``perspective:``, ``country:`` (under the
    configured base) and ``iso639:`` (the ISO 639-1 language IRIs)."""
    from kzgraph.graph.iris import Minter

    minter = Minter(base)
    out = dict(PREFIXES)
    for kind in ("category", "perspective", "country"):
        out.setdefault(kind, str(minter.scheme(kind)))
    out.setdefault("iso639", LANGUAGE_IRI)
    return out


_TOKEN = re.compile(r'''
    (?P<ws>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""
              | \'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
              | "(?:[^"\\\r\n]|\\.)*"
              | '(?:[^'\\\r\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<open>\{) | (?P<close>\}) | (?P<lparen>\() | (?P<rparen>\))
  | (?P<var>[?$]\w+)
  | (?P<word>[^\s{}()\[\],;<>"'\#?$]+)
  | (?P<other>.)
''', re.VERBOSE | re.DOTALL)


#: a prefixed name's prefix inside a word token (``kz:`` in ``^^kz:x``, ``kz:a/kz:b``)
_PNAME = re.compile(r"(?<![\w.\-:])([A-Za-z](?:[\w.\-]*[\w\-])?)?:")


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int

    @property
    def keyword(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def tokens(text: str) -> Iterator[Token]:
    """The significant tokens of a SPARQL text (no white space, no comments)."""
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind not in ("ws", "comment"):
            yield Token(kind, m.group(), m.start(), m.end())


@dataclass(frozen=True)
class QueryShape:
    """What the binding needs to know about a query text.

    :param form: ``SELECT``, ``CONSTRUCT``, ``DESCRIBE`` or ``ASK`` (None when none was found)
    :param declared: the prefixes the query declares itself
    :param has_base: whether it declares its own BASE
    :param used: the prefixes its prefixed names use
    :param relative: whether it writes relative IRIs (``<sources/sources/feminita/>``)
    :param variables: every variable name the text mentions
    :param where: offsets of the ``{`` and the matching ``}`` of the WHERE group parameters are
        bound in: the top-level one, or when that holds only a sub-SELECT, the sub-SELECT's
    :param short_construct: ``CONSTRUCT WHERE { ... }``, whose group takes triples only
    :param subgroups: the WHERE groups of the other sub-SELECTs: the offset of each ``{`` and
        the variables written inside the group
    """

    form: str | None
    declared: frozenset[str]
    variables: frozenset[str]
    where: tuple[int, int] | None
    short_construct: bool = False
    has_base: bool = False
    used: frozenset[str] = frozenset()
    relative: bool = False
    subgroups: tuple[tuple[int, frozenset[str]], ...] = ()


def _matching(toks: Sequence[Token], i: int) -> int:
    """The index of the ``}`` closing the ``{`` at ``toks[i]``, or -1."""
    depth = 0
    for j in range(i, len(toks)):
        depth += {"open": 1, "close": -1}.get(toks[j].kind, 0)
        if depth == 0:
            return j
    return -1


def _group_at_depth0(toks: Sequence[Token], i: int) -> int:
    """The index of the first ``{`` from ``i`` on that is outside any parentheses, or -1."""
    parens = 0
    for j in range(i, len(toks)):
        kind = toks[j].kind
        parens += {"lparen": 1, "rparen": -1}.get(kind, 0)
        if kind == "open" and parens == 0:
            return j
    return -1


def analyse(text: str) -> QueryShape:
    """The query form, declared prefixes, variables and top-level WHERE group of ``text``."""
    toks = list(tokens(text))
    declared: set[str] = set()
    variables = frozenset(t.text[1:] for t in toks if t.kind == "var")
    used = frozenset(m.group(1) or "" for t in toks if t.kind == "word"
                     and not t.text.startswith("_:") for m in _PNAME.finditer(t.text))
    relative = any(t.kind == "iri" and not _SCHEME.match(t.text[1:]) for t in toks)
    extra = {"used": used, "relative": relative}
    i, form, has_base = 0, None, False
    while i < len(toks):
        key = toks[i].keyword
        if key == "PREFIX" and i + 1 < len(toks) and toks[i + 1].text.endswith(":"):
            declared.add(toks[i + 1].text[:-1])
            i += 3
        elif key == "BASE":
            has_base = True
            i += 2
        elif key in FORMS:
            form = key
            break
        else:
            break
    if form is None:
        return QueryShape(None, frozenset(declared), variables, None, has_base=has_base, **extra)
    start = i + 1
    short = False
    if form == "CONSTRUCT":
        nxt = toks[start] if start < len(toks) else None
        if nxt is not None and nxt.keyword == "WHERE":
            short = True
        else:
            template = _group_at_depth0(toks, start)
            start = _matching(toks, template) + 1 if template >= 0 else len(toks)
    open_i = _group_at_depth0(toks, start)
    # A group that is only a sub-SELECT: bind in that query's own WHERE group, where the
    # variables are in scope.
    while 0 <= open_i < len(toks) - 1 and toks[open_i + 1].keyword == "SELECT":
        open_i = _group_at_depth0(toks, open_i + 2)
    close_i = _matching(toks, open_i) if open_i >= 0 else -1
    if open_i < 0 or close_i < 0:
        return QueryShape(form, frozenset(declared), variables, None, short_construct=short,
                          has_base=has_base, **extra)
    return QueryShape(form, frozenset(declared), variables,
                      (toks[open_i].start, toks[close_i].start), short, has_base, **extra,
                      subgroups=_subgroups(toks, i + 1, open_i))


def _subgroups(toks: Sequence[Token], start: int, bound_at: int
               ) -> tuple[tuple[int, frozenset[str]], ...]:
    """The WHERE group of every sub-SELECT from ``toks[start]`` on, but the one at index
    ``bound_at``: where its ``{`` is and the variables written inside."""
    out = []
    for k in range(start, len(toks)):
        if toks[k].keyword != "SELECT":
            continue
        open_k = _group_at_depth0(toks, k + 1)
        close_k = _matching(toks, open_k) if open_k >= 0 else -1
        if open_k < 0 or close_k < 0 or open_k == bound_at:
            continue
        names = frozenset(t.text[1:] for t in toks[open_k:close_k] if t.kind == "var")
        out.append((toks[open_k].start, names))
    return tuple(out)


#: a character :func:`_escape` writes otherwise (most values have none)
_SPECIAL = re.compile(r'[\\"\x00-\x1f\x7f]')

_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b",
          "\f": "\\f"}


def _escape(value: str) -> str:
    """The inside of a SPARQL string literal holding exactly ``value``.

    Quotes, backslashes and line breaks get their two-character escapes; other control
    characters, and a ``u``/``U`` right after a backslash, are written ``\\UXXXXXXXX``. So the
    text holds no ``\\u`` that a processor expanding escapes before parsing (SPARQL 1.1 section
    19.2, as rdflib does) could read differently from one that expands them inside strings
    (Oxigraph): every reading gives back ``value``.
    """
    if not _SPECIAL.search(value):
        return value  # nothing to escape (most values): what _escape_each gives back
    return _escape_each(value)


def _escape_each(value: str) -> str:
    """:func:`_escape`, character by character."""
    out = []
    for i, ch in enumerate(value):
        if ch == "\\":
            out.append("\\\\")
        elif ch in "uU" and i and value[i - 1] == "\\":
            out.append(f"\\U{ord(ch):08X}")
        elif ch in _ECHAR:
            out.append(_ECHAR[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\U{ord(ch):08X}")
        else:
            out.append(ch)
    return "".join(out)


def check_iri(value: str) -> str:
    """``value`` if it is an absolute IRI that can be written between ``<`` and ``>``."""
    bad = IRI_FORBIDDEN.search(value)
    if bad:
        raise QueryError(f"{value!r} is not an IRI: it holds {bad.group()!r}, which an IRI may "
                         "not contain (percent-encode it).")
    if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", value):
        raise QueryError(f"{value!r} is not an absolute IRI: it needs a scheme such as 'https:'.")
    return value


def term_syntax(term: Node) -> str:
    """``term`` in N-Triples syntax, which SPARQL reads as the same term. Raises QueryError for
    what cannot be a parameter (a blank node, an invalid IRI or language tag)."""
    if isinstance(term, URIRef):
        return f"<{check_iri(str(term))}>"
    if isinstance(term, Literal):
        text = f'"{_escape(str(term))}"'
        if term.language:
            if not LANG_TAG.fullmatch(term.language):
                raise QueryError(f"{term.language!r} is not a language tag (such as 'en' or "
                                 "'ru').")
            return f"{text}@{term.language}"
        if term.datatype is not None and str(term.datatype) != str(XSD.string):
            return f"{text}^^<{check_iri(str(term.datatype))}>"
        return text
    raise QueryError(f"{term!r} cannot be a parameter: give an IRI or a literal.")


def values_block(name: str, terms: Iterable[Node]) -> str:
    """``VALUES ?name { t1 t2 ... }`` with every term in N-Triples syntax."""
    if not VARNAME.fullmatch(name):
        raise QueryError(f"{name!r} is not a parameter name: use letters, digits and '_'.")
    return f"VALUES ?{name} {{ {' '.join(term_syntax(t) for t in terms)} }}"


@dataclass(frozen=True)
class PreparedQuery:
    """A query text with its prefixes and parameter values, ready for any engine.

    :param text: the query as written (a saved query's file, header comments included)
    :param prefixes: the predeclared prefixes the text does not declare itself
    :param base: the base IRI relative IRIs resolve against (None when the text has a BASE)
    :param bindings: parameter name -> RDF term (a list of terms gives one row each)
    :param shape: what :func:`analyse` found in the text
    :param source: where the text came from, for messages (a file, or None)
    """

    text: str
    prefixes: Mapping[str, str]
    bindings: Mapping[str, Node | Sequence[Node]]
    shape: QueryShape
    source: str | None = None
    base: str | None = None

    @property
    def form(self) -> str:
        return self.shape.form or "SELECT"

    @property
    def bound_text(self) -> str:
        """The text with one VALUES block per parameter at the start of its WHERE group, and
        at the start of the WHERE group of each sub-SELECT that mentions it."""
        if not self.bindings:
            return self.text
        if self.shape.short_construct:
            raise QueryError("Parameters cannot be bound in the short form 'CONSTRUCT WHERE "
                             "{ ... }': write 'CONSTRUCT { template } WHERE { pattern }'.")
        if self.shape.where is None:
            raise QueryError("Parameters need a WHERE clause to be bound in; this query has "
                             "none.")
        blocks = {name: values_block(name, [t] if isinstance(t, Node) else t)
                  for name, t in self.bindings.items()}
        at = [(self.shape.where[0], " ".join(blocks.values()))]
        at += [(open_at, " ".join(block for name, block in blocks.items() if name in names))
               for open_at, names in self.shape.subgroups]
        text = self.text
        for open_at, block in sorted(at, reverse=True):
            if block:
                text = text[:open_at + 1] + f" {block} " + text[open_at + 1:]
        return text

    @property
    def prologue(self) -> str:
        """The declarations the text needs and lacks, on one line: the base when it writes
        relative IRIs, and the predeclared prefixes it uses without declaring them."""
        declared = [f"BASE <{self.base}>"] if self.base and self.shape.relative else []
        declared += [f"PREFIX {p}: <{iri}>" for p, iri in self.prefixes.items()
                     if p in self.shape.used]
        return " ".join(declared)

    @property
    def full_text(self) -> str:
        """What is sent to an endpoint: the prologue, then the bound text on the same line, so
        the line numbers in the endpoint's error messages are those of the text as written."""
        prologue = self.prologue
        return f"{prologue} {self.bound_text}" if prologue else self.bound_text


def prepare(text: str, base: str, bindings: Mapping[str, Node | Sequence[Node]] | None = None,
            source: str | None = None) -> PreparedQuery:
    """Prepare ``text`` with the predeclared prefixes of ``base`` and the given bindings.
    Relative IRIs (``<sources/sources/feminita/>``) resolve against ``base`` unless the text
    declares a BASE of its own."""
    shape = analyse(text)
    missing = {p: iri for p, iri in predeclared_prefixes(base).items()
               if p not in shape.declared}
    return PreparedQuery(text, missing, dict(bindings or {}), shape, source,
                         None if shape.has_base else base)


_POSITION = re.compile(r"error at (\d+):(\d+): ?(.*)", re.DOTALL)


def _syntax_error(prepared: PreparedQuery, message: str) -> QuerySyntaxError:
    where = f" in {prepared.source}" if prepared.source else ""
    m = _POSITION.match(message)
    if not m:
        return QuerySyntaxError(f"The query{where} is not valid SPARQL: {message}",
                                source=prepared.source)
    line, column, detail = int(m.group(1)), int(m.group(2)), " ".join(m.group(3).split())
    if len(detail) > 240:
        detail = detail[:240] + "..."
    lines = prepared.text.splitlines() or [""]
    shown = lines[line - 1] if 0 < line <= len(lines) else ""
    caret = " " * (max(column, 1) - 1) + "^"
    return QuerySyntaxError(
        f"Syntax error{where} at line {line}, column {column}: {detail}\n"
        f"  {shown}\n  {caret}", line, column, prepared.source)


def unknown_prefix(prepared: PreparedQuery) -> QuerySyntaxError | None:
    """A syntax error naming the first prefixed name whose prefix is neither declared by the
    query nor predeclared, where it is; None when every prefix is known."""
    known = set(prepared.prefixes) | set(prepared.shape.declared)
    for tok in tokens(prepared.text):
        if tok.kind != "word" or tok.text.startswith("_:"):
            continue
        for m in _PNAME.finditer(tok.text):
            prefix = m.group(1) or ""
            if prefix in known:
                continue
            at = tok.start + m.start()
            line = prepared.text.count("\n", 0, at) + 1
            column = at - (prepared.text.rfind("\n", 0, at) + 1) + 1
            return _syntax_error(prepared, f"error at {line}:{column}: the prefix '{prefix}:' "
                                 "is not declared; declare it (PREFIX " + prefix + ": <...>) "
                                 "or use a predeclared one ('kzgraph prefixes' lists them)")
    return None
