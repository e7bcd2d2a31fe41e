"""Run SPARQL 1.1 queries over the graph: locally on an embedded Oxigraph store, or on any
SPARQL 1.1 Protocol endpoint.

A query is *prepared* once (:func:`prepare`): the predeclared prefixes it does not declare itself
are added, and its parameters are bound. Parameters are RDF terms, never text: each one becomes a
``VALUES ?name { term }`` block placed at the start of the query's top-level WHERE group, with the
term written in strict N-Triples syntax (every quote, backslash and line break escaped; IRIs
refused when they hold a character an IRI may not). A value such as ``x" } UNION { ?s ?p ?o }``
therefore stays one string literal. (When the WHERE group holds only a sub-SELECT, the values
go into the sub-SELECT's group.) The same bound text runs locally and on an endpoint, so both
give the same answers; the tests also check them against rdflib's own term binding.

The engines (:class:`LocalEngine`, :class:`RdflibEngine`, :class:`EndpointEngine`) all return a
:class:`QueryResult` holding rdflib terms.
"""

from __future__ import annotations

import gc
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping, Protocol, Sequence

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kzgraph.errors import KzgraphError, Problem
from kzgraph.vocab import LANGUAGE_IRI, PREFIXES, XSD

if TYPE_CHECKING:
    import pyoxigraph as ox

    from kzgraph.config import Settings
    from kzgraph.graph.mapping import Mapped

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


# --------------------------------------------------------------------------- prefixes


def predeclared_prefixes(base: str) -> dict[str, str]:
    """Every prefix a query may use without declaring it: the vocabularies of
    :data:`kzgraph.vocab.PREFIXES`, then ``category:``, ``perspective:``, ``country:`` (under the
    configured base) and ``iso639:`` (the ISO 639-1 language IRIs)."""
    from kzgraph.graph.mapping import Minter

    minter = Minter(base)
    out = dict(PREFIXES)
    for kind in ("category", "perspective", "country"):
        out.setdefault(kind, str(minter.scheme(kind)))
    out.setdefault("iso639", LANGUAGE_IRI)
    return out


# --------------------------------------------------------------------------- the text

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
    """

    form: str | None
    declared: frozenset[str]
    variables: frozenset[str]
    where: tuple[int, int] | None
    short_construct: bool = False
    has_base: bool = False
    used: frozenset[str] = frozenset()
    relative: bool = False


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
                      (toks[open_i].start, toks[close_i].start), short, has_base, **extra)


# --------------------------------------------------------------------------- terms


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


# --------------------------------------------------------------------------- prepared queries


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
        """The text with one VALUES block per parameter at the start of its WHERE group."""
        if not self.bindings:
            return self.text
        if self.shape.short_construct:
            raise QueryError("Parameters cannot be bound in the short form 'CONSTRUCT WHERE "
                             "{ ... }': write 'CONSTRUCT { template } WHERE { pattern }'.")
        if self.shape.where is None:
            raise QueryError("Parameters need a WHERE clause to be bound in; this query has "
                             "none.")
        blocks = " ".join(values_block(name, [t] if isinstance(t, Node) else t)
                          for name, t in self.bindings.items())
        open_at = self.shape.where[0]
        return self.text[:open_at + 1] + f" {blocks} " + self.text[open_at + 1:]

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


# --------------------------------------------------------------------------- results


Row = tuple[Node | None, ...]


@dataclass
class QueryResult:
    """The answer to a query: rows (SELECT), a boolean (ASK) or a graph (CONSTRUCT/DESCRIBE)."""

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None

    @property
    def is_graph(self) -> bool:
        return self.graph is not None

    def __len__(self) -> int:
        if self.graph is not None:
            return len(self.graph)
        if self.boolean is not None:
            return int(self.boolean)
        return len(self.rows)


def _converter() -> Callable[[object], Node | None]:
    """A function turning pyoxigraph terms into rdflib terms (None stays None: unbound)."""
    import pyoxigraph as ox

    from kzgraph.graph.mapping import text_literal

    named, literal, blank = ox.NamedNode, ox.Literal, ox.BlankNode
    xsd_string = str(XSD.string)

    def convert(term: object) -> Node | None:
        kind = type(term)
        if kind is literal:
            # text (most literals in an answer) without rdflib's ~10 µs of checks: pyoxigraph
            # has checked the language tag already
            language = term.language  # type: ignore[attr-defined]
            if language:
                return text_literal(term.value, language)  # type: ignore[attr-defined]
            dt = term.datatype.value  # type: ignore[attr-defined]
            if dt == xsd_string:
                return text_literal(term.value)  # type: ignore[attr-defined]
            return Literal(term.value, datatype=URIRef(dt))  # type: ignore[attr-defined]
        if kind is named:
            return URIRef(term.value)  # type: ignore[attr-defined]
        if kind is blank:
            return BNode(term.value)  # type: ignore[attr-defined]
        if term is None:
            return None
        raise QueryError(f"kzgraph cannot show the term {term!r} (RDF-star triples are not "
                         "supported).")

    return convert


@contextmanager
def _no_gc() -> Iterator[None]:
    """No cyclic garbage collection while many term objects (none of them cyclic) are made:
    on a 50,000-row answer the collector's passes cost as much as the query itself."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def result_from_ox(answer: object, form: str) -> QueryResult:
    """A :class:`QueryResult` from what pyoxigraph returns (query or parsed results)."""
    import pyoxigraph as ox

    if isinstance(answer, ox.QueryBoolean) or isinstance(answer, bool):
        return QueryResult("ASK", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        convert = _converter()
        cache: dict[object, Node | None] = {None: None}

        def term(t: object) -> Node | None:
            found = cache.get(t, cache)
            if found is cache:  # a term seen before (a date, a category) is converted once
                found = cache[t] = convert(t)
            return found  # type: ignore[return-value]

        with _no_gc():
            rows = [tuple(map(term, solution)) for solution in answer]
        return QueryResult("SELECT", variables, rows)
    convert = _converter()
    graph = Graph()
    for triple in answer:  # type: ignore[attr-defined]
        graph.add((convert(triple.subject), convert(triple.predicate),  # type: ignore
                   convert(triple.object)))
    return QueryResult(form, graph=graph)


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


# --------------------------------------------------------------------------- engines


class Engine(Protocol):
    """Anything that runs a prepared query."""

    def run(self, prepared: PreparedQuery) -> QueryResult: ...


#: the keywords by which a query names graphs (GRAPH, FROM, FROM NAMED), found outside IRIs,
#: strings and comments; a variable named ?graph only sends a query to the fuller store
_NAMES_GRAPHS = re.compile("|".join([
    r"<[^<>\"{}|^`\\\s]*>",                     # an IRI
    r'"""(?:[^"\\]|\\.|"(?!""))*"""',            # long strings
    r"'''(?:[^'\\]|\\.|'(?!''))*'''",
    r'"(?:[^"\\\n]|\\.)*"',                      # strings
    r"'(?:[^'\\\n]|\\.)*'",
    r"#[^\n]*",                                  # comments
    r"\b(graph|from)\b"]), re.IGNORECASE)


def names_graphs(text: str) -> bool:
    """Whether a query may read named graphs (and so needs the store that has them)."""
    return any(m.group(1) for m in _NAMES_GRAPHS.finditer(text))


class LocalEngine:
    """In-memory Oxigraph: the union of all graphs as the default graph, and every named
    graph as it is (so ``GRAPH ?g { ... }`` finds which file a statement came from).

    Queries that name no graph run on a store that holds the union alone: Oxigraph answers
    them 35-40% faster there than beside two million quads of named graphs (measured at
    100,000 pages). The store with the named graphs is made when a query first needs it.
    """

    def __init__(self, store: ox.Store,
                 dataset: ox.Store | Callable[[], ox.Store] | None = None) -> None:
        """``store``: the default graph; ``dataset``: the store with the named graphs too
        (its default graph the same union), or a function that makes it; by default
        ``store`` itself."""
        self.store = store
        self._dataset = dataset

    @property
    def dataset(self) -> ox.Store:
        if self._dataset is None:
            return self.store
        if callable(self._dataset):
            self._dataset = self._dataset()
        return self._dataset

    @classmethod
    def from_mapped(cls, mapped: Mapped) -> LocalEngine:
        """Load the mapped content (its union graph; its N-Quads when a query needs them)."""
        import pyoxigraph as ox

        from kzgraph.formats.writers import serialize
        from kzgraph.formats.registry import get_format

        union = serialize(mapped.dataset, mapped.graph, get_format("ntriples"))
        store = ox.Store()
        store.load(union, format=ox.RdfFormat.N_TRIPLES)

        def dataset() -> ox.Store:
            full = ox.Store()
            full.load(serialize(mapped.dataset, mapped.graph, get_format("nquads")),
                      format=ox.RdfFormat.N_QUADS)
            full.load(union, format=ox.RdfFormat.N_TRIPLES)
            return full
        return cls(store, dataset)

    @classmethod
    def from_file(cls, path: Path) -> LocalEngine:
        """Load an RDF file (format from its extension). A dataset format (N-Quads, TriG) puts
        its named graphs in the store and their union in the default graph."""
        import pyoxigraph as ox

        path = Path(path)
        fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
        if fmt is None:
            raise QueryError(f"{path}: kzgraph cannot tell the RDF format from the extension "
                             f"'{path.suffix}' (use .ttl, .nt, .nq, .trig, .rdf or .jsonld).")

        def load(union_only: bool) -> ox.Store:
            store = ox.Store()
            try:
                store.load(path=str(path), format=fmt)
                if fmt.supports_datasets:
                    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
                    if union_only:
                        store.update("DROP NAMED")
            except (OSError, SyntaxError, ValueError) as exc:
                raise QueryError(f"{path}: cannot load it: {exc}") from exc
            return store

        if not fmt.supports_datasets:
            return cls(load(False))
        return cls(load(True), lambda: load(False))

    def run(self, prepared: PreparedQuery) -> QueryResult:
        text = prepared.bound_text
        store = self.dataset if names_graphs(text) else self.store
        try:
            answer = store.query(text, prefixes=dict(prepared.prefixes), base_iri=prepared.base)
        except SyntaxError as exc:
            raise self._located(prepared, str(exc)) from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise QueryError(f"The query failed: {exc}") from exc
        return result_from_ox(answer, prepared.form)

    @staticmethod
    def _located(prepared: PreparedQuery, message: str) -> QueryError:
        """The error located in the text as written (without the bound values)."""
        import pyoxigraph as ox

        unknown = unknown_prefix(prepared)
        if unknown is not None:
            return unknown
        if not prepared.bindings:
            return _syntax_error(prepared, message)
        try:
            ox.Store().query(prepared.text, prefixes=dict(prepared.prefixes),
                             base_iri=prepared.base)
        except SyntaxError as exc:
            return _syntax_error(prepared, str(exc))
        return QueryError(f"The query could not take its parameters: {message}")


class RdflibEngine:
    """rdflib's own SPARQL engine over a graph or a dataset (its default graph the union). It
    binds parameters with ``initBindings``, leaving the text as written; ``bind_as_values``
    makes it run the VALUES-bound text instead. Used to check answers and to measure."""

    def __init__(self, graph: Graph, bind_as_values: bool = False) -> None:
        self.graph = graph
        self.bind_as_values = bind_as_values

    @classmethod
    def from_mapped(cls, mapped: Mapped, bind_as_values: bool = False) -> RdflibEngine:
        from rdflib import Dataset

        return cls(Dataset(store=mapped.dataset.store, default_union=True), bind_as_values)

    def run(self, prepared: PreparedQuery) -> QueryResult:
        from pyparsing import ParseException

        single = all(isinstance(t, Node) for t in prepared.bindings.values())
        use_values = self.bind_as_values or not single
        try:
            answer = self.graph.query(
                prepared.bound_text if use_values else prepared.text,
                initNs=dict(prepared.prefixes), base=prepared.base,
                initBindings=None if use_values else dict(prepared.bindings))
        except ParseException as exc:
            raise _syntax_error(prepared, f"error at {exc.lineno}:{exc.col}: {exc.msg}") from None
        if answer.type == "ASK":
            return QueryResult("ASK", boolean=bool(answer.askAnswer))
        if answer.type in ("CONSTRUCT", "DESCRIBE"):
            graph = Graph()
            for triple in answer.graph or ():
                graph.add(triple)
            return QueryResult(answer.type, graph=graph)
        variables = [str(v) for v in answer.vars or ()]
        return QueryResult("SELECT", variables, [tuple(row) for row in answer])  # type: ignore


RESULTS_ACCEPT = ("application/sparql-results+json, application/sparql-results+xml;q=0.9, "
                  "text/tab-separated-values;q=0.5")
GRAPH_ACCEPT = ("application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5, "
                "application/ld+json;q=0.4")


class EndpointEngine:
    """A remote SPARQL 1.1 Protocol endpoint: the query is POSTed as a form (``query=``), with
    the predeclared prefixes and VALUES-bound parameters in its text. Query parameters already
    in ``url`` (such as Oxigraph's ``union-default-graph``) are kept."""

    def __init__(self, url: str, timeout: float = 60.0) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise QueryError(f"{url!r} is not an http(s) URL of a SPARQL endpoint.")
        self.url, self.timeout = url, timeout

    def post(self, text: str, accept: str) -> tuple[bytes, str]:
        """Send ``text`` and return the body and media type of the answer."""
        from kzgraph import __version__

        try:
            body = urllib.parse.urlencode({"query": text}).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise QueryError(f"The query holds text that is not valid Unicode: {exc}") from None
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Accept": accept, "User-Agent": f"kzgraph/{__version__}"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read(), response.headers.get_content_type()
        except urllib.error.HTTPError as exc:
            text_back = exc.read().decode("utf-8", errors="replace").strip()
            if len(text_back) > 2000:
                text_back = text_back[:2000] + "..."
            raise EndpointError(f"The endpoint {self.url} answered HTTP {exc.code} "
                                f"{exc.reason}: {text_back or '(no message)'}",
                                exc.code, text_back) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                raise self._timeout() from None
            raise EndpointError(f"Cannot reach the endpoint {self.url}: {exc.reason}. Check the "
                                "URL and that the server is running.") from None
        except (TimeoutError, socket.timeout):
            raise self._timeout() from None
        except (ConnectionError, OSError) as exc:
            raise EndpointError(f"The connection to {self.url} failed: {exc}") from None

    def _timeout(self) -> EndpointError:
        return EndpointError(f"The endpoint {self.url} did not answer within {self.timeout:g} s "
                             "(raise --timeout, or make the query narrower).")

    def run(self, prepared: PreparedQuery) -> QueryResult:
        import pyoxigraph as ox

        graph_form = prepared.form in ("CONSTRUCT", "DESCRIBE")
        data, media_type = self.post(prepared.full_text,
                                     GRAPH_ACCEPT if graph_form else RESULTS_ACCEPT)
        try:
            if graph_form:
                fmt = ox.RdfFormat.from_media_type(media_type)
                if fmt is None:
                    raise EndpointError(f"The endpoint {self.url} answered with {media_type}, "
                                        "which is not an RDF format kzgraph reads.")
                return result_from_ox(ox.parse(data, format=fmt), prepared.form)
            results = ox.QueryResultsFormat.from_media_type(media_type)
            if results is None or results == ox.QueryResultsFormat.CSV:
                raise EndpointError(f"The endpoint {self.url} answered with {media_type}, "
                                    "which is not a SPARQL results format kzgraph reads.")
            return result_from_ox(ox.parse_query_results(data, format=results), prepared.form)
        except SyntaxError as exc:
            raise EndpointError(f"The endpoint {self.url} sent an answer kzgraph cannot read "
                                f"({media_type}): {exc}") from None


def open_engine(settings: Settings, endpoint: str | None = None, data: Path | None = None,
                timeout: float = 60.0) -> tuple[Engine, list[Problem]]:
    """The engine a query runs on: a remote ``endpoint``, an RDF ``data`` file, or (by default)
    the content folder, loaded, mapped and put in an in-memory Oxigraph store. Content with
    errors is refused (ContentError), as ``export`` refuses it."""
    if endpoint:
        return EndpointEngine(endpoint, timeout), []
    if data is not None:
        return LocalEngine.from_file(data), []
    return from_content(settings)


def from_content(settings: Settings) -> tuple[LocalEngine, list[Problem]]:
    """The content folder in an in-memory Oxigraph store: the union of its graphs written by
    the build engine (parallel, and cached: the union is kept in the cache folder, so the
    next query copies what did not change; 8 s at 100,000 pages) and loaded at once; the
    named graphs mapped when a query first names one. Content with errors is refused
    (ContentError)."""
    import pyoxigraph as ox

    from kzgraph.build.engine import default_cache_dir
    from kzgraph.errors import ContentError
    from kzgraph.formats.registry import get_format
    from kzgraph.build.pipeline import export_file, load_and_map

    path = default_cache_dir(settings) / "query" / "union.nt"
    try:
        _, problems = export_file(settings, get_format("ntriples"), path)
    except ContentError as exc:
        raise ContentError(exc.problems, "Cannot query") from None
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES)

    def dataset() -> ox.Store:
        result = load_and_map(settings)
        return LocalEngine.from_mapped(result.mapped).dataset
    return LocalEngine(store, dataset), problems


# --------------------------------------------------------------------------- labels

LABEL_QUERY = """SELECT ?resource ?label WHERE {
  OPTIONAL { ?resource skos:prefLabel ?p1 FILTER(langMatches(lang(?p1), ?lang)) }
  OPTIONAL { ?resource dcterms:title ?t1 FILTER(langMatches(lang(?t1), ?lang)) }
  OPTIONAL { ?resource rdfs:label ?r1 FILTER(langMatches(lang(?r1), ?lang)) }
  OPTIONAL { ?resource skos:prefLabel ?p2 FILTER(langMatches(lang(?p2), "en")) }
  OPTIONAL { ?resource dcterms:title ?t2 FILTER(langMatches(lang(?t2), "en")) }
  OPTIONAL { ?resource rdfs:label ?r2 FILTER(langMatches(lang(?r2), "en") || lang(?r2) = "") }
  OPTIONAL { ?resource foaf:name ?n }
  BIND(COALESCE(?p1, ?t1, ?r1, ?p2, ?t2, ?r2, ?n) AS ?label)
}"""


def labels(engine: Engine, iris: Iterable[URIRef], lang: str, base: str,
           chunk: int = 400) -> dict[URIRef, str]:
    """A label for each IRI that has one: its ``skos:prefLabel``, ``dcterms:title``,
    ``rdfs:label`` in ``lang``, else in English, else its ``foaf:name``."""
    wanted = sorted({i for i in iris if isinstance(i, URIRef)})
    found: dict[URIRef, str] = {}
    for at in range(0, len(wanted), chunk):
        prepared = prepare(LABEL_QUERY, base, {"lang": Literal(lang),
                                               "resource": wanted[at:at + chunk]})
        for resource, label in engine.run(prepared).rows:
            if isinstance(resource, URIRef) and label is not None and resource not in found:
                found[resource] = str(label)
    return found
