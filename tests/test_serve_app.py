"""``kzgraph serve`` in process (the ASGI application through httpx, no socket): content
negotiation on every kind of IRI, the SPARQL 1.1 Protocol endpoint, read-only, CORS, paths that
lead outside the site, and rebuilds (a fixed page, a page with errors)."""

from __future__ import annotations

import json
import os
import shutil
import time

import pyoxigraph as ox
import pytest

from conftest import CONTENT, replace_in
from servehelp import (BROWSER, IRI_KINDS, JSONLD, NTRIPLES, RDF_TYPES, TURTLE, Client,
                       site_builder)
from kzgraph.config import Settings
from kzgraph.publish.serve.app import create_app
from kzgraph.publish.serve.preview import Preview

BASE = "http://127.0.0.1:8765/"
PARSERS = {TURTLE: ox.RdfFormat.TURTLE, JSONLD: ox.RdfFormat.JSON_LD,
           NTRIPLES: ox.RdfFormat.N_TRIPLES}
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The real content built once, with its application and a client."""
    work = tmp_path_factory.mktemp("serve")
    preview = Preview(Settings(content=CONTENT), BASE, work / "work",
                      site_builder=site_builder(), timeout=2.0)
    assert preview.build(), preview.state.problems
    yield preview, Client(create_app(preview.state), BASE)
    preview.close()


@pytest.fixture
def client(served) -> Client:
    return served[1]


# --------------------------------------------------------------------------- negotiation


@pytest.mark.parametrize("kind", list(IRI_KINDS))
@pytest.mark.parametrize("media_type", RDF_TYPES)
def test_each_iri_kind_in_each_rdf_type(served, client, kind, media_type):
    path = "/" + IRI_KINDS[kind]
    response = client.get(path, headers={"Accept": media_type})
    if kind == "home" and not (served[0].state.site / "index.ttl").exists():
        # the home page is the site's, not a resource's: it is offered as HTML alone
        assert response.status_code == 406 and "text/html" in response.text
        assert "Accept" in response.headers["vary"]
        return
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in response.headers["vary"]
    quads = list(ox.parse(response.content, format=PARSERS[media_type], base_iri=BASE + path[1:]))
    if kind != "home":  # the home page's RDF is what the site says about the base IRI
        assert any(q.subject.value == BASE + path[1:] for q in quads), path


@pytest.mark.parametrize("kind", list(IRI_KINDS))
@pytest.mark.parametrize("accept", [BROWSER, "*/*", None, "text/html"])
def test_a_browser_and_anything_get_the_page(client, kind, accept):
    headers = {"Accept": accept} if accept is not None else {}
    response = client.get("/" + IRI_KINDS[kind], headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "Accept" in response.headers["vary"]
    assert "<title>" in response.text and "/_kzgraph/live.js" in response.text


@pytest.mark.parametrize("kind", list(IRI_KINDS))
@pytest.mark.parametrize("accept", ["image/png", "application/rdf+xml", "text/turtle;q=0, "
                                    "text/html;q=0, */*;q=0"])
def test_what_nothing_fits_is_406_with_vary(client, kind, accept):
    response = client.get("/" + IRI_KINDS[kind], headers={"Accept": accept})
    assert response.status_code == 406
    assert "Accept" in response.headers["vary"]
    assert "is available as: text/html" in response.text


@pytest.mark.parametrize("accept", [BROWSER, "*/*", None])
def test_a_further_page_of_a_listing_is_served(client, accept):
    """Kazakhstan's 13 guides and sources are on two pages: the second, at Hugo's
    ``page/2/``, is a page for people (HTML alone: an RDF type is 406 there, the resource's
    RDF is at its own IRI)."""
    headers = {"Accept": accept} if accept is not None else {}
    for path in ("/country/kz/page/2/", "/country/kz/page/2"):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert "Page 2 of 2" in response.text and 'rel="prev"' in response.text
    ru = client.get("/country/kz/page/2/index.ru.html", headers=headers)
    assert ru.status_code == 200 and "Страница 2 из 2" in ru.text
    first = client.get("/country/kz/", headers=headers).text
    assert 'rel="next" href="page/2/"' in first
    turtle = client.get("/country/kz/page/2/", headers={"Accept": TURTLE})
    assert turtle.status_code == 406 and "is available as: text/html" in turtle.text


def test_quality_values_choose(client):
    path = "/" + IRI_KINDS["source"]
    answer = client.get(path, headers={"Accept": "text/turtle;q=0.5, application/ld+json"})
    assert answer.headers["content-type"].startswith(JSONLD)
    assert answer.headers["content-location"] == path + "index.jsonld"
    answer = client.get(path, headers={"Accept": "text/html;q=0.1, application/n-triples;q=0.2"})
    assert answer.headers["content-type"].startswith(NTRIPLES)


def test_links_are_under_the_servers_own_origin(client):
    # (the ontology's namespace is a setting of its own, not under the base)
    page = client.get("/" + IRI_KINDS["source"]).text.replace("kzgraph.example/ontology", "")
    assert BASE in page and "kzgraph.example" not in page
    data = client.get("/" + IRI_KINDS["source"], headers={"Accept": NTRIPLES}).text
    assert f"<{BASE}sources/sources/feminita/>" in data and "kzgraph.example/" not in \
        data.replace("kzgraph.example/ontology", "")


def test_files_are_served_as_they_are(client, served):
    site = served[0].state.site
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix in (".nt", ".ttl", ".css", ".js"):
            rel = path.relative_to(site).as_posix()
            answer = client.get("/" + rel)
            assert answer.status_code == 200, rel
            assert answer.content == path.read_bytes()
            break
    else:  # pragma: no cover
        pytest.fail("no file to fetch in the site")
    assert client.get("/no/such/thing").status_code == 404


def test_head(client):
    answer = client.request("HEAD", "/" + IRI_KINDS["category"], headers={"Accept": TURTLE})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(TURTLE)


@pytest.mark.parametrize("accept", [TURTLE, BROWSER])
def test_a_client_revalidates_with_the_tag_or_the_date(client, accept):
    """A page or RDF file carries an entity tag and a time; asked again with either, the
    server answers 304 with no body and the headers that guide the cache."""
    path = "/" + IRI_KINDS["category"]
    first = client.get(path, headers={"Accept": accept})
    assert first.status_code == 200
    tag, when = first.headers["etag"], first.headers["last-modified"]
    assert tag.startswith('"') and tag.endswith('"')
    assert first.headers["cache-control"] == "no-cache"
    for conditions in ({"If-None-Match": tag}, {"If-None-Match": f'"x", W/{tag}'},
                       {"If-None-Match": "*"}, {"If-Modified-Since": when}):
        again = client.get(path, headers={"Accept": accept, **conditions})
        assert again.status_code == 304, conditions
        assert again.content == b""
        assert again.headers["etag"] == tag and "Accept" in again.headers["vary"]
        assert again.headers["content-location"] == first.headers["content-location"]
    # another tag, a date before the file's, a date that does not parse: the whole file
    for conditions in ({"If-None-Match": '"other"'},
                       {"If-Modified-Since": "Mon, 01 Jan 1990 00:00:00 GMT"},
                       {"If-Modified-Since": "yesterday"},
                       # If-None-Match wins over a date that alone would say unchanged
                       {"If-None-Match": '"other"', "If-Modified-Since": when}):
        again = client.get(path, headers={"Accept": accept, **conditions})
        assert again.status_code == 200 and again.content == first.content, conditions


def test_each_representation_has_its_own_tag(client):
    path = "/" + IRI_KINDS["category"]
    tags = {client.get(path, headers={"Accept": a}).headers["etag"] for a in (*RDF_TYPES, BROWSER)}
    assert len(tags) == len(RDF_TYPES) + 1
    turtle = client.get(path, headers={"Accept": TURTLE}).headers["etag"]
    assert client.get(path, headers={"Accept": JSONLD,
                                     "If-None-Match": turtle}).status_code == 200


# --------------------------------------------------------------------------- security


@pytest.mark.parametrize("raw", [
    b"/../../../../etc/passwd", b"/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    b"/%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", b"/..%2f..%2f..%2f..%2fetc%2fpasswd",
    b"//etc/passwd", b"/sources/../../../etc/passwd", b"/%252e%252e/%252e%252e/etc/passwd",
    b"/..\\..\\etc\\passwd", b"/%00/etc/passwd", b"/./index.html",
])
def test_no_path_leads_outside_the_site(client, raw):
    status, body = client.raw_path(raw)
    assert status == 404, (raw, status)
    assert b"root:" not in body


def test_symbolic_links_out_of_the_site_are_not_followed(tmp_path, served):
    preview, client = served
    site = preview.state.site
    secret = tmp_path / "secret.txt"
    secret.write_text("the secret", encoding="utf-8")
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "index.html").write_text("<p>the secret</p>", encoding="utf-8")
    links = [site / "leak.txt", site / "leakdir"]
    links[0].symlink_to(secret)
    links[1].symlink_to(tmp_path / "dir", target_is_directory=True)
    try:
        for path in ("/leak.txt", "/leakdir", "/leakdir/", "/leakdir/index.html"):
            answer = client.get(path)
            assert answer.status_code == 404, path
            assert "secret" not in answer.text
    finally:
        for link in links:
            link.unlink()


def test_cors_is_open_for_reads(client):
    answer = client.get("/sparql", params={"query": "ASK {}"},
                        headers={"Origin": "http://elsewhere.example"})
    assert answer.headers["access-control-allow-origin"] == "*"
    preflight = client.request("OPTIONS", "/sparql", headers={
        "Origin": "http://elsewhere.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


# --------------------------------------------------------------------------- SPARQL protocol

SELECT = "SELECT ?s ?title WHERE { ?s a kz:Source ; dcterms:title ?title } ORDER BY ?s ?title"


def _rows(answer) -> list[dict]:
    return answer.json()["results"]["bindings"]


def test_query_by_get_post_form_and_post_body_agree(client):
    by_get = client.get("/sparql", params={"query": SELECT})
    by_form = client.post("/sparql", data={"query": SELECT})
    by_body = client.post("/sparql", content=SELECT.encode(),
                          headers={"Content-Type": "application/sparql-query"})
    for answer in (by_get, by_form, by_body):
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/sparql-results+json"
        assert "Accept" in answer.headers["vary"]
    assert _rows(by_get) == _rows(by_form) == _rows(by_body)
    assert len(_rows(by_get)) >= 12


@pytest.mark.parametrize("accept, media_type, fmt", [
    ("application/sparql-results+json", "application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "application/sparql-results+xml", "xml"),
    ("text/csv", "text/csv", "csv"),
    ("text/tab-separated-values", "text/tab-separated-values", "tsv"),
    ("application/json", "application/sparql-results+json", "json"),
    # a browser prefers application/xml (q=0.9) to anything else (q=0.8)
    (BROWSER, "application/sparql-results+xml", "xml"),
    ("*/*", "application/sparql-results+json", "json"),
])
def test_result_formats_by_accept(client, accept, media_type, fmt):
    answer = client.get("/sparql", params={"query": SELECT}, headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == media_type
    if fmt == "csv":  # lossy by its definition: pyoxigraph does not read it back
        import csv
        import io

        rows = list(csv.reader(io.StringIO(answer.text)))
        assert rows[0] == ["s", "title"] and len(rows) >= 13
        return
    parsed = ox.parse_query_results(answer.content,
                                    format=ox.QueryResultsFormat.from_media_type(media_type))
    assert len(list(parsed)) >= 12


@pytest.mark.parametrize("media_type", [TURTLE, NTRIPLES, JSONLD, "application/rdf+xml"])
def test_graph_answers_by_accept(client, media_type):
    query = "CONSTRUCT { ?s dcterms:title ?t } WHERE { ?s a kz:Source ; dcterms:title ?t }"
    answer = client.post("/sparql", data={"query": query}, headers={"Accept": media_type})
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == media_type
    triples = list(ox.parse(answer.content, format=ox.RdfFormat.from_media_type(media_type)))
    assert len(triples) >= 24


def test_ask_and_describe(client):
    ask = client.get("/sparql", params={"query": "ASK { ?s a kz:Source }"})
    assert ask.json()["boolean"] is True
    describe = client.get("/sparql", params={"query": f"DESCRIBE <{BASE}category/ingo>"},
                          headers={"Accept": NTRIPLES})
    assert f"<{BASE}category/ingo>" in describe.text


def test_unsupported_result_type_is_406(client):
    answer = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "image/png"})
    assert answer.status_code == 406 and "Accept" in answer.headers["vary"]
    assert "application/sparql-results+json" in answer.text


def test_malformed_query_is_400_with_the_parsers_message(client):
    answer = client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p }"})
    assert answer.status_code == 400
    assert answer.text.startswith("Syntax error at line 1, column ")
    assert "expected" in answer.text
    unknown = client.get("/sparql", params={"query": "SELECT * { ?s nope:x ?o }"})
    assert unknown.status_code == 400 and "'nope:'" in unknown.text


@pytest.mark.parametrize("request_kwargs", [
    {"method": "GET", "params": {"query": "SELECT * {}", "default-graph-uri": "http://x/"}},
    {"method": "GET", "params": {"query": ["ASK {}", "ASK {}"]}},
    {"method": "GET", "params": {"format": "json"}},
    {"method": "POST", "content": b"ASK {}", "headers": {"Content-Type": "text/plain"}},
    {"method": "POST", "content": b"\xff\xfe", "headers": {"Content-Type":
                                                         "application/sparql-query"}},
])
def test_protocol_errors(client, request_kwargs):
    method = request_kwargs.pop("method")
    answer = client.request(method, "/sparql", **request_kwargs)
    assert answer.status_code in (400, 415), answer.text
    assert answer.text.strip()


COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.mark.parametrize("request_kwargs", [
    {"method": "GET", "params": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
    {"method": "POST", "data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
    {"method": "POST", "content": b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
     "headers": {"Content-Type": "application/sparql-update"}},
    {"method": "POST", "data": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
    {"method": "GET", "params": {"query": "PREFIX x: <urn:x> DROP ALL"}},
    {"method": "POST", "data": {"query": "DELETE WHERE { ?s ?p ?o }"}},
])
def test_updates_are_refused_and_the_data_stays(client, request_kwargs):
    before = _rows(client.get("/sparql", params={"query": COUNT}))
    method = request_kwargs.pop("method")
    answer = client.request(method, "/sparql", **request_kwargs)
    assert answer.status_code == 403
    assert "read-only" in answer.text
    assert _rows(client.get("/sparql", params={"query": COUNT})) == before
    assert client.get("/sparql", params={"query": "ASK { <urn:a> ?p ?o }"}).json()["boolean"] \
        is False


def test_a_runaway_query_is_stopped_at_the_timeout(client):
    started = time.monotonic()
    answer = client.get("/sparql", params={"query": RUNAWAY})
    took = time.monotonic() - started
    assert answer.status_code == 503
    assert "longer than this server's limit of 2 s" in answer.text
    assert took < 8, took
    # the server still answers (the killed worker is replaced)
    assert client.get("/sparql", params={"query": "ASK { ?s a kz:Source }"}).json()["boolean"]


def test_answers_over_the_row_limit_are_refused(served):
    from kzgraph.publish.serve.queries import QueryPool

    preview = served[0]
    data = next(preview.workdir.glob("graph-*.nt"))
    pool = QueryPool(data, BASE, size=1, max_rows=50).start()
    try:
        big = pool.run("SELECT * { ?s ?p ?o }", "json")
        assert big.status == 400 and b"more than this server's limit of 50" in big.body
        small = pool.run("SELECT * { ?s ?p ?o } LIMIT 50", "json")
        assert small.status == 200 and len(json.loads(small.body)["results"]["bindings"]) == 50
        graph = pool.run("CONSTRUCT WHERE { ?s ?p ?o }", "ntriples")
        assert graph.status == 400 and b"triples" in graph.body
    finally:
        pool.close()


def test_the_endpoint_page_for_a_browser(client):
    answer = client.get("/sparql", headers={"Accept": BROWSER})
    assert answer.status_code == 200 and "<form" in answer.text


#: each W3C format IRI the description may claim -> the media type a query is asked with
_CLAIMED = {"SPARQL_Results_JSON": "application/sparql-results+json",
            "SPARQL_Results_XML": "application/sparql-results+xml",
            "SPARQL_Results_CSV": "text/csv", "SPARQL_Results_TSV": "text/tab-separated-values",
            "Turtle": TURTLE, "JSON-LD": JSONLD, "N-Triples": NTRIPLES,
            "N-Quads": "application/n-quads", "TriG": "application/trig",
            "RDF_XML": "application/rdf+xml"}


@pytest.mark.parametrize("media_type", RDF_TYPES)
def test_the_endpoint_describes_itself_to_a_program(client, media_type):
    """Asked with no query for RDF, the endpoint gives its SPARQL 1.1 Service Description; every
    format it claims is one it answers a query in."""
    answer = client.get("/sparql", headers={"Accept": media_type})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in answer.headers["vary"]
    store = ox.Store()
    store.load(answer.content, format=PARSERS[media_type], base_iri=BASE + "sparql")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = ox.NamedNode(BASE + "sparql")
    assert ox.Quad(endpoint, ox.NamedNode(sd + "endpoint"), endpoint) in store
    assert ox.Quad(endpoint, ox.NamedNode(sd + "supportedLanguage"),
                   ox.NamedNode(sd + "SPARQL11Query")) in store
    assert ox.Quad(ox.NamedNode(BASE + "dataset"),
                   ox.NamedNode("http://rdfs.org/ns/void#sparqlEndpoint"), endpoint) in store
    claimed = {q.object.value.rsplit("/", 1)[1]
               for q in store.quads_for_pattern(endpoint, ox.NamedNode(sd + "resultFormat"), None)}
    assert claimed == set(_CLAIMED)
    for name in sorted(claimed):
        graph = not name.startswith("SPARQL_Results")
        query = f"CONSTRUCT WHERE {{ <{BASE}category/ingo> ?p ?o }}" if graph else \
            "SELECT ?s WHERE { ?s a kz:Source } LIMIT 2"
        asked = client.get("/sparql", params={"query": query}, headers={"Accept": _CLAIMED[name]})
        assert asked.status_code == 200, (name, asked.text)
        assert asked.headers["content-type"].split(";")[0] in (
            _CLAIMED[name], "application/sparql-results+json") and asked.content, name


# --------------------------------------------------------------------------- rebuilds


def test_rebuild_shows_the_new_page_and_errors_instead_of_a_stale_page(tmp_path, content):
    preview = Preview(Settings(content=content), BASE, tmp_path / "work",
                      site_builder=site_builder())
    try:
        assert preview.build()
        client = Client(create_app(preview.state), BASE)
        page = content / "sources" / "feminita" / "index.md"
        first = preview.state.version
        replace_in(page, 'title: "Feminita"', 'title: "Feminita renamed"')
        assert preview.build()
        assert preview.state.version == first + 1
        assert "Feminita renamed" in client.get("/sources/sources/feminita/").text
        version = client.get("/_kzgraph/version").json()
        assert version == {"version": first + 1, "failed": False}
        # an error, with hostile text: every page shows the escaped error list
        replace_in(page, "categories:", 'categories: ["<script>alert(1)</script>"]\nx_categories:')
        assert not preview.build()
        for path in ("/sources/sources/feminita/", "/category/ingo", "/"):
            answer = client.get(path, headers={"Accept": BROWSER})
            assert answer.status_code == 500 and "Accept" in answer.headers["vary"]
            assert 'id="kzgraph-problems"' in answer.text
            assert "index.md" in answer.text
            assert "<script>alert" not in answer.text and "&lt;script&gt;alert" in answer.text
            assert "Feminita renamed" not in answer.text
        rdf = client.get("/category/ingo", headers={"Accept": TURTLE})
        assert rdf.status_code == 503 and "index.md" in rdf.text
        assert "Accept" in rdf.headers["vary"]
        assert client.get("/_kzgraph/version").json()["failed"] is True
        # the endpoint keeps the last good graph
        assert client.get("/sparql", params={"query": "ASK { ?s a kz:Source }"}).json()["boolean"]
        shutil.copy(CONTENT / "sources" / "feminita" / "index.md", page)
        os.utime(page)
        assert preview.build()
        assert client.get("/sources/sources/feminita/").status_code == 200
    finally:
        preview.close()
