"""Queries sent to a real SPARQL 1.1 endpoint (an Oxigraph server on 127.0.0.1, loaded with our
export) give the rows the local engine gives; the endpoint's errors come back plainly."""

from __future__ import annotations

import http.server
import socket
import threading
import urllib.request
from contextlib import contextmanager

import pytest
from conftest import BASE
from rdflib import Literal
from servers import free_port
from test_query import HOSTILE, VARIANTS, same_answer

from kzgraph.formats.registry import get_format
from kzgraph.formats.writers import serialize
from kzgraph.query.engines import EndpointEngine, LocalEngine
from kzgraph.query.saved import bind, catalog
from kzgraph.query.sparql import EndpointError, prepare


def post(url: str, data: bytes, media_type: str) -> None:
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": media_type})
    urllib.request.urlopen(request, timeout=30).read()


@pytest.fixture(scope="module")
def loaded(oxigraph, mapped):
    """The server holding our N-Quads export (named graphs only)."""
    oxigraph.clear()
    post(oxigraph.store_url, serialize(mapped.dataset, mapped.graph, get_format("nquads")),
         "application/n-quads")
    return oxigraph


@pytest.fixture(scope="module")
def local(mapped) -> LocalEngine:
    return LocalEngine.from_mapped(mapped)


def saved(name: str, **params: str):
    q = catalog().get(name)
    return prepare(q.text, BASE, bind(q.params, params, BASE), q.name)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_endpoint_gives_the_local_rows(name, loaded, local):
    """Oxigraph's union default graph keeps a statement once per graph it is in; the saved
    queries are written (DISTINCT) to give the same rows anyway."""
    endpoint = EndpointEngine(loaded.query_url + "?union-default-graph", timeout=30)
    for params in VARIANTS[name]:
        prepared = saved(name, **params)
        ours = local.run(prepared)
        same_answer(endpoint.run(prepared), ours)


def test_endpoint_with_the_union_in_its_default_graph(loaded, local, mapped):
    """Loaded the other usual way (the union also in the default graph), the same rows."""
    post(loaded.store_url + "?default",
         serialize(mapped.dataset, mapped.graph, get_format("ntriples")), "application/n-triples")
    try:
        endpoint = EndpointEngine(loaded.query_url, timeout=30)
        for name in sorted(VARIANTS):
            prepared = saved(name, **VARIANTS[name][0])
            same_answer(endpoint.run(prepared), local.run(prepared))
    finally:
        request = urllib.request.Request(loaded.update_url, data=b"CLEAR DEFAULT", method="POST",
                                         headers={"Content-Type": "application/sparql-update"})
        urllib.request.urlopen(request, timeout=10).read()


@pytest.mark.parametrize("value", HOSTILE)
def test_injection_through_the_endpoint(value, loaded):
    endpoint = EndpointEngine(loaded.query_url + "?union-default-graph", timeout=30)
    assert endpoint.run(saved("sources-by-keyword", text=value)).rows == []
    assert endpoint.run(saved("sources-by-category", category=value)).rows == []
    for term in (Literal(value), Literal(value, lang="ru")):
        echoed = endpoint.run(prepare("SELECT ?v WHERE { }", BASE, {"v": term}))
        assert echoed.rows == [(term,)]


def test_endpoint_syntax_error_is_shown_plainly(loaded):
    endpoint = EndpointEngine(loaded.query_url, timeout=30)
    with pytest.raises(EndpointError) as err:
        endpoint.run(prepare("SELECT ?s WHERE {\n  ?s ?p }", BASE))
    assert err.value.status == 400
    message = str(err.value)
    assert message.startswith(f"The endpoint {loaded.query_url} answered HTTP 400 Bad Request: ")
    assert "error at 2:" in message  # the prologue shares line 1: line numbers are the user's


def test_endpoint_not_found(loaded):
    with pytest.raises(EndpointError, match="answered HTTP 404 Not Found: ") as err:
        EndpointEngine(loaded.url + "/sparql-nowhere", timeout=30).run(
            prepare("ASK {}", BASE))
    assert err.value.status == 404


def test_endpoint_unreachable():
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(EndpointError, match=f"Cannot reach the endpoint {url}: .*refused"):
        EndpointEngine(url, timeout=5).run(prepare("ASK {}", BASE))


@contextmanager
def silent_server():
    """A loopback server that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    stop = threading.Event()
    held: list[socket.socket] = []

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/query"
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        listener.close()


def test_endpoint_timeout():
    with silent_server() as url:
        with pytest.raises(EndpointError, match=rf"The endpoint {url} did not answer within "
                                                r"0\.5 s"):
            EndpointEngine(url, timeout=0.5).run(prepare("ASK {}", BASE))


@contextmanager
def canned_server(status: int, media_type: str, body: bytes):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_endpoint_server_error_text_is_kept():
    with canned_server(500, "text/plain", b"Query timed out on the server side") as url:
        with pytest.raises(EndpointError) as err:
            EndpointEngine(url, timeout=5).run(prepare("ASK {}", BASE))
    assert str(err.value) == (f"The endpoint {url} answered HTTP 500 Internal Server Error: "
                              "Query timed out on the server side")


def test_endpoint_answer_that_is_not_results():
    with canned_server(200, "text/html", b"<html>login</html>") as url:
        with pytest.raises(EndpointError, match="answered with text/html, which is not a SPARQL "
                                                "results format"):
            EndpointEngine(url, timeout=5).run(prepare("SELECT * {}", BASE))
    with canned_server(200, "application/sparql-results+json", b'{"head": ') as url:
        with pytest.raises(EndpointError, match="sent an answer kzgraph cannot read"):
            EndpointEngine(url, timeout=5).run(prepare("SELECT * {}", BASE))
