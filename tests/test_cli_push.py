"""`kzgraph push`: the graph goes into a real store over the Graph Store Protocol and comes back
exactly; pushing again changes nothing; a content change removes what was deleted; other graphs
are never touched; a failure part-way is reported and the next push finishes the job."""

from __future__ import annotations

import http.client
import io
import json
import os
import threading
import tracemalloc
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import VOID, XSD

from kzgraph.cli import cli
from kzgraph.publish.payloads import GraphPayload
from kzgraph.publish.push import push
from kzgraph.publish.store import GraphStore, terminal_progress
from conftest import BASE, CONTENT, replace_in
from rdfcheck import rdflib_quads
from servers import free_port

MANIFEST = URIRef(BASE + "graph/push-manifest")
#: page files a test deletes, and the graphs that go with them
DELETED = {"sources/spotlight_initiative/index.ru.md": "graph/sources/spotlight_initiative/ru",
           "sources/batyr_jamal/index.ru.md": "graph/sources/batyr_jamal/ru"}


def delete_pages(content: Path) -> None:
    for page in DELETED:
        (content / page).unlink()
HAD_MEMBER = URIRef("http://www.w3.org/ns/prov#hadMember")


# -- reading the store back with SPARQL -----------------------------------------------------------

def select(query_url: str, query: str) -> list[dict]:
    request = urllib.request.Request(
        query_url, data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Accept": "application/sparql-results+json",
                 "Content-Type": "application/x-www-form-urlencoded"})
    return json.loads(urllib.request.urlopen(request, timeout=60).read())["results"]["bindings"]


def term(binding: dict):
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return URIRef(value)
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in binding:
            return Literal(value, lang=binding["xml:lang"])
        datatype = binding.get("datatype")
        return Literal(value, datatype=None if datatype in (None, str(XSD.string))
                       else URIRef(datatype))
    return BNode(value)


def store_quads(query_url: str) -> set[tuple]:
    """Every quad in a named graph under the base (the manifest included)."""
    rows = select(query_url, "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                             f'FILTER(STRSTARTS(STR(?g), "{BASE}")) }}')
    return {(term(r["s"]), term(r["p"]), term(r["o"]), term(r["g"])) for r in rows}


def without_manifest(quads: set[tuple]) -> set[tuple]:
    return {q for q in quads if q[3] != MANIFEST}


def manifest_members(quads: set[tuple]) -> set:
    return {o for s, p, o, g in quads if g == MANIFEST and p == HAD_MEMBER}


def dump_quads(runner, content: Path) -> set[tuple]:
    """Our graph, as `kzgraph export -f nquads` writes it."""
    result = runner.invoke(cli, ["export", "-f", "nquads", "-c", str(content)])
    assert result.exit_code == 0, result.output
    return rdflib_quads(result.stdout_bytes, "nquads")


def run_push(runner, endpoint: str, *args: str, content: Path = CONTENT, env=None):
    return runner.invoke(cli, ["push", "--endpoint", endpoint, "-c", str(content), *args],
                         env=env)


@pytest.fixture
def store(oxigraph):
    oxigraph.clear()
    return oxigraph


# -- Oxigraph ---------------------------------------------------------------------------------

def test_push_then_query_back_gives_exactly_our_quads(runner, store):
    result = run_push(runner, store.store_url)
    assert result.exit_code == 0, result.output
    expected = dump_quads(runner, CONTENT)
    held = store_quads(store.query_url)
    assert without_manifest(held) == expected
    assert manifest_members(held) == {g for *_, g in expected}
    graphs = {g for *_, g in expected}
    assert URIRef(BASE + "graph/provenance") in graphs and URIRef(BASE + "graph/ontology") in graphs
    assert f"Pushed {len(graphs)} graph(s)" in result.output
    assert "\r" not in result.output, "no progress line when stderr is not a terminal"


def test_second_push_leaves_the_store_as_it_was(runner, store):
    assert run_push(runner, store.store_url).exit_code == 0
    first = store_quads(store.query_url)
    result = run_push(runner, store.store_url)
    assert result.exit_code == 0, result.output
    assert store_quads(store.query_url) == first
    assert "removed" not in result.output


def test_push_after_a_change_removes_what_was_deleted(runner, store, content):
    assert run_push(runner, store.store_url, content=content).exit_code == 0
    gone = {URIRef(BASE + g) for g in DELETED.values()}
    assert gone <= {g for *_, g in store_quads(store.query_url)}
    delete_pages(content)
    replace_in(content / "sources/feminita/index.md", 'title: "Feminita"', 'title: "Feminita!"')
    result = run_push(runner, store.store_url, content=content)
    assert result.exit_code == 0, result.output
    assert "removed 2 graph(s) no longer in the content" in result.output
    held = store_quads(store.query_url)
    expected = dump_quads(runner, content)
    assert without_manifest(held) == expected
    assert not gone & {g for *_, g in held}
    feminita = URIRef(BASE + "sources/sources/feminita/")
    titles = {o for s, p, o, g in held if s == feminita and str(p).endswith("/title")}
    assert Literal("Feminita!", lang="en") in titles
    assert Literal("Feminita", lang="en") not in titles


def _put(store_url: str, graph: str, ntriples: str) -> None:
    request = urllib.request.Request(
        f"{store_url}?{urllib.parse.urlencode({'graph': graph})}", data=ntriples.encode(),
        method="PUT", headers={"Content-Type": "application/n-triples"})
    urllib.request.urlopen(request, timeout=10).read()


def test_graphs_pushed_by_someone_else_survive(runner, store, content):
    theirs = {"http://example.org/their-graph": "<http://example.org/a> <http://example.org/b> "
                                                "<http://example.org/c> .\n",
              BASE + "graph/loaded-by-hand": f"<{BASE}x> <http://example.org/b> \"kept\" .\n"}
    for graph, data in theirs.items():
        _put(store.store_url, graph, data)
    assert run_push(runner, store.store_url, content=content).exit_code == 0
    delete_pages(content)
    assert run_push(runner, store.store_url, content=content).exit_code == 0
    rows = select(store.query_url, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                                   "GROUP BY ?g")
    counts = {r["g"]["value"]: int(r["n"]["value"]) for r in rows}
    assert counts["http://example.org/their-graph"] == 1
    assert counts[BASE + "graph/loaded-by-hand"] == 1
    assert URIRef(BASE + "graph/loaded-by-hand") not in manifest_members(store_quads(
        store.query_url))


def test_graph_option_puts_everything_in_one_graph_and_back(runner, store):
    one = BASE + "graph/all"
    result = run_push(runner, store.store_url, "--graph", one)
    assert result.exit_code == 0, result.output
    held = store_quads(store.query_url)
    expected = dump_quads(runner, CONTENT)
    assert {(s, p, o) for s, p, o, g in without_manifest(held)} == \
        {(s, p, o) for s, p, o, g in expected}
    assert {g for *_, g in without_manifest(held)} == {URIRef(one)}
    assert manifest_members(held) == {URIRef(one)}
    # the next push per graph replaces it: the single graph is removed
    assert run_push(runner, store.store_url).exit_code == 0
    held = store_quads(store.query_url)
    assert without_manifest(held) == expected


def test_push_of_a_dump_file_equals_push_of_the_content(runner, store, tmp_path):
    dump = tmp_path / "kzgraph.nq"
    assert runner.invoke(cli, ["export", "-f", "nq", "-o", str(dump), "-c", str(CONTENT)]) \
        .exit_code == 0
    result = runner.invoke(cli, ["push", "--endpoint", store.store_url, "--dump", str(dump)])
    assert result.exit_code == 0, result.output
    assert without_manifest(store_quads(store.query_url)) == rdflib_quads(dump.read_bytes(),
                                                                           "nquads")


def test_an_empty_dump_is_refused(runner, store, tmp_path):
    assert run_push(runner, store.store_url).exit_code == 0
    before = store_quads(store.query_url)
    empty = tmp_path / "empty.nq"
    empty.write_text("# nothing\n")
    result = runner.invoke(cli, ["push", "--endpoint", store.store_url, "--dump", str(empty)])
    assert result.exit_code == 2
    assert "holds no statements" in result.output
    assert store_quads(store.query_url) == before


def test_ntriples_dump_needs_a_graph(runner, store, tmp_path):
    dump = tmp_path / "kzgraph.nt"
    dump.write_text("<http://example.org/a> <http://example.org/b> \"c\" .\n")
    result = runner.invoke(cli, ["push", "--endpoint", store.store_url, "--dump", str(dump)])
    assert result.exit_code == 2
    assert "say which graph it goes into with --graph IRI" in result.output
    result = runner.invoke(cli, ["push", "--endpoint", store.store_url, "--dump", str(dump),
                                 "--graph", BASE + "graph/nt"])
    assert result.exit_code == 0, result.output
    assert (URIRef("http://example.org/a"), URIRef("http://example.org/b"), Literal("c"),
            URIRef(BASE + "graph/nt")) in store_quads(store.query_url)


def test_content_with_errors_is_not_pushed(runner, store, content):
    replace_in(content / "sources/feminita/index.md", '"local-ngo"', '"no-such-category"')
    result = run_push(runner, store.store_url, content=content)
    assert result.exit_code == 1
    assert "Refusing to push: 1 error(s)." in result.output
    assert store_quads(store.query_url) == set()


def test_unreachable_store_changes_nothing_and_exits_2(runner):
    endpoint = f"http://127.0.0.1:{free_port()}/store"  # nothing listens there
    result = run_push(runner, endpoint)
    assert result.exit_code == 2
    assert "Could not read the push manifest" in result.output
    assert "Nothing in the store was changed." in result.output


def test_a_large_graph_is_streamed_not_held_in_memory(store):
    """About 9 MB of N-Triples go out while the client's traced memory stays far below that."""
    lines, line = 150_000, "<http://example.org/s{0}> <http://example.org/p> \"{0}\" .\n"

    def chunks():
        batch = []
        for i in range(lines):
            batch.append(line.format(i).encode())
            if len(batch) == 2000:
                yield b"".join(batch)
                batch = []
        if batch:
            yield b"".join(batch)

    size = sum(len(line.format(i)) for i in range(lines))
    payload = GraphPayload("http://example.org/big", chunks, size, lines)
    tracemalloc.start()
    try:
        report = push(GraphStore(store.store_url), [payload], str(MANIFEST))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.bytes == size > 8_000_000
    assert peak < size / 4, f"peak {peak} bytes for a {size}-byte graph"
    rows = select(store.query_url, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH "
                                   "<http://example.org/big> { ?s ?p ?o } }")
    assert int(rows[0]["n"]["value"]) == lines


def test_progress_is_drawn_on_a_terminal(store):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    stream = terminal_progress(False, screen)
    assert stream is screen and terminal_progress(True, screen) is None
    assert terminal_progress(False, io.StringIO()) is None
    payloads = [GraphPayload(f"http://example.org/g{i}",
                             lambda i=i: iter([f"<http://example.org/s> <http://example.org/p> "
                                               f"\"{i}\" .\n".encode()]), None, 1)
                for i in range(3)]
    push(GraphStore(store.store_url), payloads, str(MANIFEST), progress=stream)
    assert "Pushing graph 3/3" in screen.getvalue()
    assert "http://example.org/g2" in screen.getvalue()


# -- failures part-way, and authentication, through a real proxy in front of Oxigraph -------------

class Proxy:
    """An HTTP proxy on 127.0.0.1 in front of a real store that can fail one graph's PUT or ask
    for credentials; it records each request it forwards."""

    def __init__(self, upstream: str) -> None:
        self.upstream = urllib.parse.urlsplit(upstream)
        self.fail_graph: str | None = None
        self.auth: str | None = None  # the Authorization header it wants
        self.challenge = 'Basic realm="store"'
        self.requests: list[dict] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _body(self) -> tuple[bytes, int]:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    parts, n = [], 0
                    while True:
                        size = int(self.rfile.readline().split(b";")[0], 16)
                        if size == 0:
                            self.rfile.readline()
                            return b"".join(parts), n
                        parts.append(self.rfile.read(size))
                        self.rfile.readline()
                        n += 1
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length), 1 if length else 0

            def _answer(self, status: int, body: bytes = b"", headers=()) -> None:
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _handle(self) -> None:
                body, chunks = self._body()
                graph = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query) \
                    .get("graph", [""])[0]
                proxy.requests.append({"method": self.command, "graph": graph, "chunks": chunks,
                                       "chunked": "Transfer-Encoding" in self.headers,
                                       "auth": self.headers.get("Authorization")})
                if proxy.auth is not None and self.headers.get("Authorization") != proxy.auth:
                    return self._answer(401, b"", [("WWW-Authenticate", proxy.challenge)])
                if self.command == "PUT" and graph == proxy.fail_graph:
                    return self._answer(500, b"disk full (a failure made by the test)")
                conn = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port,
                                                  timeout=60)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() in ("content-type", "accept")}
                conn.request(self.command, self.path, body=body if body else None,
                             headers=headers)
                answer = conn.getresponse()
                data = answer.read()
                conn.close()
                self._answer(answer.status, data, [(k, v) for k, v in answer.getheaders()
                                                   if k.lower() == "content-type"])

            do_GET = do_PUT = do_DELETE = do_POST = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{self.upstream.path}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture
def proxy(store):
    p = Proxy(store.store_url)
    yield p
    p.stop()


def test_a_failure_part_way_is_reported_and_the_next_push_finishes(runner, store, proxy, content):
    assert run_push(runner, store.store_url, content=content).exit_code == 0
    before = store_quads(store.query_url)
    delete_pages(content)
    replace_in(content / "sources/feminita/index.md", 'title: "Feminita"', 'title: "Feminita!"')
    replace_in(content / "sources/zakon_kz/index.md", 'title: "Zakon.kz"', 'title: "Zakon!"')
    expected = dump_quads(runner, content)
    graphs = sorted(str(g) for g in {g for *_, g in expected})
    proxy.fail_graph = failing = BASE + "graph/sources/kazfem/en"
    index = graphs.index(failing)

    result = run_push(runner, proxy.url, content=content)
    assert result.exit_code == 2
    out = result.output
    assert f"failed at graph {index + 1} of {len(graphs)}" in out
    assert f"PUT <{failing}>" in out and "HTTP 500" in out and "disk full" in out
    assert f"Replaced ({index}):" in out
    assert f"Not replaced ({len(graphs) - index}): <{failing}>" in out
    assert "Not removed (2):" in out and all(g in out for g in DELETED.values())
    assert "the next push finishes the job" in out

    held = store_quads(store.query_url)
    feminita = BASE + "graph/sources/feminita/en"
    zakon = BASE + "graph/sources/zakon_kz/en"
    assert graphs.index(feminita) < index < graphs.index(zakon)
    new = {q for q in expected if str(q[3]) == feminita}
    assert {q for q in held if str(q[3]) == feminita} == new, "replaced before the failure"
    assert {q for q in held if str(q[3]) == zakon} == \
        {q for q in before if str(q[3]) == zakon}, "not replaced after the failure"
    members = {str(g) for g in manifest_members(held)}
    assert members == set(graphs) | {BASE + g for g in DELETED.values()}

    proxy.fail_graph = None
    result = run_push(runner, proxy.url, content=content)
    assert result.exit_code == 0, result.output
    held = store_quads(store.query_url)
    assert without_manifest(held) == expected
    assert manifest_members(held) == {URIRef(g) for g in graphs}


def test_bodies_are_sent_in_chunks(runner, store, proxy):
    assert run_push(runner, proxy.url).exit_code == 0
    puts = [r for r in proxy.requests if r["method"] == "PUT"]
    assert len(puts) > 50 and all(r["chunked"] and r["chunks"] >= 1 for r in puts)
    result = run_push(runner, proxy.url, "--transfer", "length")
    assert result.exit_code == 0, result.output
    assert not any(r["chunked"] for r in proxy.requests[len(puts) + 1:])


def test_basic_authentication_when_the_store_asks(runner, store, proxy):
    import base64

    proxy.auth = "Basic " + base64.b64encode(b"editor:s3cret").decode()
    result = run_push(runner, proxy.url)
    assert result.exit_code == 2
    assert "HTTP 401" in result.output and "--user/--password" in result.output
    assert all(r["auth"] is None for r in proxy.requests), "no credentials were invented"
    result = run_push(runner, proxy.url, "--user", "editor", env={"KZGRAPH_PASSWORD": "s3cret"})
    assert result.exit_code == 0, result.output
    assert without_manifest(store_quads(store.query_url)) == dump_quads(runner, CONTENT)
    result = run_push(runner, proxy.url, "--user", "editor", "--password", "wrong")
    assert result.exit_code == 2 and "HTTP 401" in result.output


def test_bearer_token_from_the_environment(runner, store, proxy):
    proxy.auth = "Bearer t0ken"
    proxy.challenge = 'Bearer realm="store"'
    assert run_push(runner, proxy.url, env={"KZGRAPH_TOKEN": ""}).exit_code == 2
    result = run_push(runner, proxy.url, env={"KZGRAPH_TOKEN": "t0ken"})
    assert result.exit_code == 0, result.output
    assert without_manifest(store_quads(store.query_url)) == dump_quads(runner, CONTENT)


# -- Virtuoso ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    from virtuoso import VirtuosoServer, virtuoso_binary

    if virtuoso_binary() is None:
        if os.environ.get("CI"):
            pytest.fail("virtuoso-t is missing: .ci/run installs virtuoso-opensource-7")
        pytest.skip("virtuoso-opensource-7 is not installed (.ci/run installs it)")
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso")).start()
    yield server
    server.stop()


def test_virtuoso_push_query_back_repush_and_change(runner, virtuoso, content):
    args = ("--user", "dba", "--password", "dba")
    result = run_push(runner, virtuoso.store_url, *args, content=content)
    assert result.exit_code == 0, result.output
    expected = dump_quads(runner, content)
    held = store_quads(virtuoso.query_url)
    assert without_manifest(held) == expected
    assert manifest_members(held) == {g for *_, g in expected}

    assert run_push(runner, virtuoso.store_url, *args, content=content).exit_code == 0
    assert store_quads(virtuoso.query_url) == held

    # the VoID counts of a build of the same content are what Virtuoso counts too
    out = content.parent / "public"
    assert runner.invoke(cli, ["build", "-c", str(content), "-o", str(out)]).exit_code == 0
    void = Graph().parse(out / "void.ttl")
    meta = ", ".join(f"<{BASE}graph/{g}>" for g in ("provenance", "ontology", "push-manifest"))
    for what, expression in ((VOID.triples, "COUNT(*)"),
                             (VOID.distinctSubjects, "COUNT(DISTINCT ?s)"),
                             (VOID.properties, "COUNT(DISTINCT ?p)")):
        rows = select(virtuoso.query_url,
                      f"SELECT ({expression} AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ "
                      f"GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), \"{BASE}graph/\") "
                      f"&& ?g NOT IN ({meta})) }} }}")
        assert int(rows[0]["n"]["value"]) == int(void.value(URIRef(BASE + "dataset"), what))

    delete_pages(content)
    result = run_push(runner, virtuoso.store_url, *args, "--graph-param", "graph-uri",
                      content=content)
    assert result.exit_code == 0, result.output
    assert without_manifest(store_quads(virtuoso.query_url)) == dump_quads(runner, content)
