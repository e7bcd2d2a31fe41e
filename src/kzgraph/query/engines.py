"""Run prepared SPARQL 1.1 queries: locally on an embedded Oxigraph store, on rdflib (the
oracle the tests hold the store to), or on any SPARQL 1.1 Protocol endpoint.

The engines (:class:`LocalEngine`, :class:`RdflibEngine`, :class:`EndpointEngine`) all return a
:class:`QueryResult` holding rdflib terms.
"""

from __future__ import annotations

import gc
import re
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Protocol

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kzgraph.errors import Problem
from kzgraph.query.sparql import (
    EndpointError,
    PreparedQuery,
    QueryError,
    _syntax_error,
    prepare,
    unknown_prefix,
)
from kzgraph.vocab import XSD

if TYPE_CHECKING:
    import pyoxigraph as ox

    from kzgraph.config import Settings
    from kzgraph.engine import stale
    from kzgraph.graph.mapping import Mapped


# --------------------------------------------------------------------------- prefixes


# --------------------------------------------------------------------------- the text


# --------------------------------------------------------------------------- terms


# --------------------------------------------------------------------------- prepared queries


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


def term_converter() -> Callable[[object], Node | None]:
    """A function turning pyoxigraph terms into rdflib terms (None stays None: unbound)."""
    import pyoxigraph as ox

    from kzgraph.graph.terms import text_literal

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
        convert = term_converter()
        cache: dict[object, Node | None] = {None: None}

        def term(t: object) -> Node | None:
            found = cache.get(t, cache)
            if found is cache:  # a term seen before (a date, a category) is converted once
                found = cache[t] = convert(t)
            return found  # type: ignore[return-value]

        with _no_gc():
            rows = [tuple(map(term, solution)) for solution in answer]
        return QueryResult("SELECT", variables, rows)
    convert = term_converter()
    graph = Graph()
    for triple in answer:  # type: ignore[attr-defined]
        graph.add((convert(triple.subject), convert(triple.predicate),  # type: ignore
                   convert(triple.object)))
    return QueryResult(form, graph=graph)


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
        #: problems found while the query ran, said after its answer (a stale query store)
        self.later_problems: Callable[[], list[Problem]] = list

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

        from kzgraph.formats.registry import get_format
        from kzgraph.formats.writers import serialize

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
        return result_from_ox(self.answer(prepared), prepared.form)

    def answer(self, prepared: PreparedQuery) -> object:
        """Oxigraph's own answer (``QuerySolutions``, ``QueryBoolean`` or ``QueryTriples``),
        its terms not yet turned into rdflib's: what a writer that needs only their text
        reads (:func:`kzgraph.query.results.text_from_ox`)."""
        text = prepared.bound_text
        store = self.dataset if names_graphs(text) else self.store
        try:
            return store.query(text, prefixes=dict(prepared.prefixes), base_iri=prepared.base)
        except SyntaxError as exc:
            raise self._located(prepared, str(exc)) from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise QueryError(f"The query failed: {exc}") from exc

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
        # here, not at the top: http.client, ssl and email would cost every local query
        # a few hundredths of a second to import
        import socket
        import urllib.error
        import urllib.request

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
                timeout: float = 60.0, check: stale.Check | None = None
                ) -> tuple[Engine, list[Problem]]:
    """The engine a query runs on: a remote ``endpoint``, an RDF ``data`` file, or (by default)
    the content folder's query store (``check``: the check for changed pages, when started
    already). Content with errors is refused (ContentError), as ``export`` refuses it."""
    if endpoint:
        return EndpointEngine(endpoint, timeout), []
    if data is not None:
        return LocalEngine.from_file(data), []
    return from_content(settings, check)


def from_content(settings: Settings, check: stale.Check | None = None
                 ) -> tuple[LocalEngine, list[Problem]]:
    """The content folder's query store (:mod:`kzgraph.engine.querystore`): the union of its
    data graphs on disk, opened in milliseconds; made by the build engine when there is none
    yet (content with errors is refused then: ContentError). When page files changed since
    it was made, a warning says so (the answers are those of the last build; ``check``: that
    check, when started already, see :func:`kzgraph.engine.querystore.start_check`). A query
    that names graphs runs on an in-memory store holding the published N-Quads' named
    graphs."""
    import pyoxigraph as ox

    from kzgraph.engine import querystore
    from kzgraph.engine.cachedirs import default_cache_dir, fingerprint_of
    from kzgraph.errors import WARNING, ContentError

    folder = default_cache_dir(settings)
    fingerprint = fingerprint_of(settings)
    opened = querystore.open_store(folder, fingerprint, settings, check)
    if opened is None:
        from kzgraph.engine.run import Run

        with Run(settings, formats=[querystore.FORMAT], cache_dir=folder) as run:
            outcome = run.check()
            if not outcome.ok:
                raise ContentError(outcome.problems, "Cannot query")
            querystore.update(run, outcome.problems, make=True)
        opened = querystore.open_store(folder, fingerprint, settings)
        if opened is None:  # pragma: no cover - made just above
            raise QueryError(f"The query store in {folder} could not be opened.")
    problems = list(opened.problems)
    content = str(settings.content)
    if opened.more_problems:
        problems.append(Problem(
            content, None, None,
            f"... and {opened.more_problems} more warning(s) from the last build; "
            "'kzgraph validate' lists them all.", severity=WARNING, stage="query"))

    def stale() -> list[Problem]:
        """Said after the answer (the check runs beside the query)."""
        changed = opened.changed
        if not changed:
            return []
        shown = ", ".join(changed[:3]) + (", ..." if len(changed) > 3 else "")
        return [Problem(
            content, None, None,
            f"The query store is stale: {len(changed)} page file(s) changed since the last "
            f"build ({shown}); the answers are those of that build. Run 'kzgraph build' to "
            "bring it up to date.", severity=WARNING, stage="query")]
    union = opened.store

    def dataset() -> ox.Store:
        from kzgraph.engine.pipeline import export_file
        from kzgraph.formats.registry import get_format

        path = folder / "query" / "dataset.nq"
        try:
            export_file(settings, get_format("nquads"), path)
        except ContentError as exc:
            raise ContentError(exc.problems, "Cannot query named graphs") from None
        full = ox.Store()
        full.load(path=str(path), format=ox.RdfFormat.N_QUADS)
        full.extend(union.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        return full
    engine = LocalEngine(union, dataset)
    engine.later_problems = stale
    return engine, problems


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
