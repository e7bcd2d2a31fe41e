"""The Oxigraph fixture itself: it answers on loopback and stops by its PID."""

from __future__ import annotations

import json
import urllib.request

from servers import OxigraphServer


def test_oxigraph_server_starts_answers_and_stops(tmp_path):
    server = OxigraphServer(tmp_path / "db").start()
    pid = server.process.pid
    try:
        assert server.url.startswith("http://127.0.0.1:")
        request = urllib.request.Request(
            server.query_url + "?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D",
            headers={"Accept": "application/sparql-results+json"})
        answer = json.loads(urllib.request.urlopen(request, timeout=5).read())
        assert answer["boolean"] is False
    finally:
        process = server.process
        server.stop()
    assert process.returncode is not None and process.pid == pid
