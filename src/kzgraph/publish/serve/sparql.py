"""The SPARQL 1.1 Protocol endpoint at ``/sparql``: queries by GET, by POST form and by POST
body; the W3C result formats (and, for CONSTRUCT/DESCRIBE, the RDF formats) chosen by
``Accept``; read-only. Asked with no query, it gives a browser a form and a program its
SPARQL 1.1 Service Description in the RDF format it asks for.

The predeclared prefixes (``kzgraph prefixes``) and the base IRI work here as in
``kzgraph query``, so a saved query's text runs as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from kzgraph.formats.registry import FORMATS
from kzgraph.publish.serve.conneg import negotiate
from kzgraph.query.sparql import analyse, tokens

if TYPE_CHECKING:
    from kzgraph.publish.serve.app import ServerState

#: result media types for SELECT and ASK -> the ``kzgraph query --format`` name (first: default)
#: (each format's name in the W3C's table of format IRIs is in RESULT_FORMAT_IRIS)
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
}
#: the media type an answer is sent as, by format name
SENT_AS = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
           "csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8"}
RESULT_FORMAT_IRIS = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML",
                      "csv": "SPARQL_Results_CSV", "tsv": "SPARQL_Results_TSV"}
#: RDF media types for CONSTRUCT and DESCRIBE (Turtle first: the default)
GRAPH_TYPES = {f.media_type: f.name for f in FORMATS}
UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE",
                          "COPY", "WITH"})
READ_ONLY = ("This SPARQL endpoint is read-only: updates (INSERT, DELETE, LOAD, DROP, ...) are "
             "refused. Change the content files instead; the server rebuilds the graph.")
VARY = {"Vary": "Accept"}


def is_update(text: str) -> bool:
    """Whether ``text`` is a SPARQL Update request rather than a query (its first keyword after
    the prologue is an update operation)."""
    toks = list(tokens(text))
    i = 0
    while i < len(toks):
        key = toks[i].keyword
        if key == "PREFIX":
            i += 3
        elif key == "BASE":
            i += 2
        else:
            return key in UPDATE_WORDS
    return False


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message.rstrip() + "\n", status_code=status, headers=headers)


async def _query_text(request: Request) -> str | Response:
    """The query a request carries, or the error response for a request that carries none, an
    update, or a body of a type the protocol does not define."""
    if request.method == "GET":
        params = request.query_params
        if "update" in params:
            return _text(403, READ_ONLY)
        queries = params.getlist("query")
    else:
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await request.body()
        if media_type == "application/sparql-update":
            return _text(403, READ_ONLY)
        if media_type == "application/sparql-query":
            try:
                return body.decode("utf-8")
            except UnicodeDecodeError:
                return _text(400, "The query is not UTF-8 text.")
        if media_type != "application/x-www-form-urlencoded":
            return _text(415, "Send the query as application/x-www-form-urlencoded (query=...) "
                         "or as application/sparql-query.")
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            return _text(400, "The form is not UTF-8 text.")
        if "update" in form:
            return _text(403, READ_ONLY)
        queries = form.get("query", [])
    params_used = [p for p in ("default-graph-uri", "named-graph-uri")
                   if p in request.query_params]
    if params_used:
        return _text(400, f"{' and '.join(params_used)} are not supported here: the default "
                     "graph is the whole published graph.")
    if len(queries) != 1:
        return _text(400, "Give exactly one 'query' parameter (SPARQL 1.1 Protocol)."
                     if queries else "No query: send one as ?query=..., as a form field "
                     "'query', or as an application/sparql-query body.")
    return queries[0]


async def sparql(request: Request) -> Response:
    """The endpoint's one handler (GET and POST)."""
    state: ServerState = request.app.state.kz
    if request.method == "GET" and not request.query_params:
        chosen = negotiate(request.headers.get("accept"), ["text/html", *GRAPH_TYPES])
        if chosen == "text/html":
            return HTMLResponse(FORM_PAGE, headers=VARY)
        if chosen is not None:
            return Response(service_description(str(request.url.replace(query="")),
                                                str(request.base_url), GRAPH_TYPES[chosen]),
                            200, headers=VARY, media_type=chosen)
    text = await _query_text(request)
    if isinstance(text, Response):
        return text
    if is_update(text):
        return _text(403, READ_ONLY)
    form = analyse(text).form or "SELECT"
    offers = GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else RESULT_TYPES
    chosen = negotiate(request.headers.get("accept"), list(offers))
    if chosen is None:
        return _text(406, f"A {form} query can be answered as: {', '.join(offers)}.", VARY)
    fmt = offers[chosen]
    if state.pool is None:
        return _text(503, "The graph is not loaded: the content has errors (see the server's "
                     "pages).", VARY)
    answer = await run_in_threadpool(state.pool.run, text, fmt)
    if answer.status != 200:
        return Response(answer.body, answer.status, headers=VARY, media_type=answer.media_type)
    sent_as = SENT_AS.get(fmt, chosen) if form not in ("CONSTRUCT", "DESCRIBE") else chosen
    return Response(answer.body, 200, headers=VARY, media_type=sent_as)


def service_description(endpoint: str, base: str, fmt: str) -> bytes:
    """The endpoint described in the SPARQL 1.1 Service Description vocabulary, in ``fmt``:
    the language it takes (queries, not updates), every result and RDF format it answers in,
    and the published dataset it serves (``void:sparqlEndpoint``, as the dataset's own
    description says when an endpoint is set)."""
    from rdflib import Graph, Literal, Namespace, URIRef

    from kzgraph.formats.registry import W3C_FORMATS, get_format
    from kzgraph.vocab import DCTERMS, RDF, VOID

    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    service, dataset = URIRef(endpoint), URIRef(endpoint + "#dataset")
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in (("sd", sd), ("dcterms", DCTERMS), ("void", VOID),
                              ("formats", W3C_FORMATS)):
        graph.bind(prefix, namespace)
    graph.add((service, RDF.type, sd.Service))
    graph.add((service, sd.endpoint, service))
    graph.add((service, sd.supportedLanguage, sd.SPARQL11Query))
    graph.add((service, DCTERMS.title, Literal("kzgraph SPARQL endpoint (read-only)", lang="en")))
    names = {RESULT_FORMAT_IRIS[n] for n in RESULT_TYPES.values()}
    names |= {f.w3c for f in FORMATS if f.media_type in GRAPH_TYPES}
    for name in sorted(names):
        graph.add((service, sd.resultFormat, URIRef(W3C_FORMATS + name)))
    graph.add((service, sd.defaultDataset, dataset))
    graph.add((dataset, RDF.type, sd.Dataset))
    graph.add((dataset, sd.defaultGraph, URIRef(endpoint + "#default-graph")))
    graph.add((URIRef(endpoint + "#default-graph"), RDF.type, sd.Graph))
    graph.add((URIRef(base + "dataset"), VOID.sparqlEndpoint, service))
    return graph.serialize(format=get_format(fmt).rdflib, encoding="utf-8")


FORM_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SPARQL endpoint</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main>
<h1>SPARQL endpoint</h1>
<p>Send SPARQL 1.1 queries here (GET <code>?query=</code>, or POST). The usual prefixes are
predeclared. This endpoint is read-only.</p>
<form method="post" action="/sparql">
<label for="query">Query</label><br>
<textarea id="query" name="query" rows="12" cols="80">SELECT ?s ?title WHERE {
  ?s a kz:Source ; dcterms:title ?title
} LIMIT 20</textarea><br>
<button type="submit">Run</button>
</form>
</main></body></html>
"""
