"""A real ``kzgraph serve`` process on a loopback port: content negotiation on each IRI kind,
the saved queries through ``kzgraph query --endpoint`` against ``kzgraph query`` itself, paths
sent raw over a socket, the address it binds, clear errors (port in use, missing folder, content
with errors), and a clean stop (no worker left behind)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import CONTENT, replace_in
from servehelp import BROWSER, IRI_KINDS, KZGRAPH, RDF_TYPES, REQUIRED_PARAMS, Served
from kzgraph.cli import cli
from kzgraph.query.saved import catalog
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("served")
    content = root / "content"
    shutil.copytree(CONTENT, content)
    served = Served(root / "here", content).wait()
    yield served
    served.stop()


@pytest.mark.parametrize("kind", [k for k in IRI_KINDS if k != "home"])
def test_each_iri_kind_each_type_a_browser_anything_and_406(server, kind):
    path = IRI_KINDS[kind]
    for media_type in RDF_TYPES:
        status, headers, body = server.get(path, media_type)
        assert status == 200, (path, media_type, body[:200])
        assert headers["content-type"].split(";")[0] == media_type
        assert "Accept" in headers["vary"]
        quads = ox.parse(body, format=ox.RdfFormat.from_media_type(media_type),
                         base_iri=server.url + path)
        assert any(q.subject.value == server.url + path for q in quads)
    for accept in (BROWSER, "*/*", None):
        status, headers, body = server.get(path, accept)
        assert status == 200 and headers["content-type"].startswith("text/html")
        assert "Accept" in headers["vary"] and b"<title>" in body
    status, headers, body = server.get(path, "image/png")
    assert status == 406 and "Accept" in headers["vary"]


def test_every_saved_query_gives_the_rows_of_kzgraph_query(server, runner, monkeypatch):
    monkeypatch.chdir(server.folder)
    endpoint = server.url + "sparql"
    answered = 0
    for saved in catalog().all():
        params = [f"--param={k}={v}" for k, v in REQUIRED_PARAMS.get(saved.name, {}).items()]
        graph = saved.form in ("CONSTRUCT", "DESCRIBE")
        fmt = ["--format", "nt" if graph else "json"]
        local = runner.invoke(cli, ["query", saved.name, *params, *fmt])
        remote = runner.invoke(cli, ["query", saved.name, *params, *fmt, "--endpoint", endpoint])
        assert local.exit_code == 0, (saved.name, local.output)
        assert remote.exit_code == 0, (saved.name, remote.output)
        if graph:
            mine = sorted(local.stdout.splitlines())
            assert mine and mine == sorted(remote.stdout.splitlines()), saved.name
            continue
        mine, theirs = json.loads(local.stdout), json.loads(remote.stdout)
        assert mine.get("head") == theirs.get("head"), saved.name
        if "boolean" in mine:
            assert mine["boolean"] == theirs["boolean"], saved.name
            continue
        rows = [json.dumps(b, sort_keys=True) for b in mine["results"]["bindings"]]
        assert sorted(rows) == sorted(json.dumps(b, sort_keys=True)
                                      for b in theirs["results"]["bindings"]), saved.name
        answered += bool(rows)
    # the comparison is not vacuous: most saved queries have rows on the real content
    assert answered >= 8, answered


def test_a_runaway_query_is_stopped(server):
    started = time.monotonic()
    status, _, body = server.get("sparql?" + urllib.parse.urlencode({"query": RUNAWAY}))
    assert status == 503 and b"was stopped" in body
    assert time.monotonic() - started < 10
    status, _, body = server.get("sparql?query=ASK%7B%3Fs%20a%20kz%3ASource%7D")
    assert status == 200 and json.loads(body)["boolean"] is True


@pytest.mark.parametrize("raw", [b"/../../../../etc/passwd", b"/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                                 b"/..%2f..%2f..%2fetc%2fpasswd", b"//etc/passwd",
                                 b"/sources/..%2f..%2f..%2f..%2fetc/passwd"])
def test_raw_paths_out_of_the_site(server, raw):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"GET " + raw + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status = int(answer.split(b" ", 2)[1])
    assert status in (400, 404), answer[:200]
    assert b"root:" not in answer


def test_it_listens_on_loopback_only(server):
    """The listening socket's address in /proc/net/tcp is 127.0.0.1 (0100007F)."""
    rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    listening = [r.split()[1] for r in rows if r.split()[3] == "0A"]  # 0A: LISTEN
    mine = [a for a in listening if int(a.split(":")[1], 16) == server.port]
    assert mine == ["0100007F:%04X" % server.port]


def test_a_port_in_use_is_a_clear_error(server, tmp_path):
    result = subprocess.run([KZGRAPH, "serve", "--port", str(server.port), "--content",
                             str(CONTENT)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"Error: The port {server.port} on 127.0.0.1 is in use "
                                     "(another server is running there): choose another with "
                                     "--port.")


def test_a_missing_folder_is_a_clear_error(tmp_path):
    result = subprocess.run([KZGRAPH, "serve", "--port", "0", "--content",
                             str(tmp_path / "nowhere")], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"Error: The content folder '{tmp_path / 'nowhere'}' does "
                                     "not exist: give it with --content DIR.")


def test_content_with_errors_is_said_and_shown_and_stop_leaves_nothing(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    replace_in(content / "sources" / "feminita" / "index.md", "categories:",
               'categories: ["no-such-category"]\nx_categories:')
    served = Served(tmp_path / "here", content).wait()
    try:
        status, headers, body = served.get("sources/sources/feminita/", BROWSER)
        assert status == 500 and b'id="kzgraph-problems"' in body and b"no-such-category" in body
        status, _, body = served.get("sparql?query=ASK%7B%7D")
        assert status == 503
        log = served.output
        assert "The content has errors" in log and "feminita/index.md" in log
        assert "Traceback" not in log
        workers = _workers_of(served.process.pid)
    finally:
        code = served.stop()
    assert code == 0, served.output
    assert "Traceback" not in served.output
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or \
            "zombie" in Path(f"/proc/{pid}/status").read_text().lower()


def _workers_of(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def test_stop_ends_the_query_workers(server):
    workers = _workers_of(server.process.pid)
    assert len(workers) >= 2, workers
    assert server.stop() == 0, server.output
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in workers):
        time.sleep(0.1)
    assert not any(Path(f"/proc/{p}").exists() for p in workers)
    assert "Traceback" not in server.output


def test_a_base_with_a_path_is_a_clear_error():
    from kzgraph.config import Settings
    from kzgraph.errors import ConfigError
    from kzgraph.publish.serve.run import serve

    with pytest.raises(ConfigError, match="has a path: kzgraph serve answers from the root"):
        serve(Settings(content=CONTENT), port=0, base="https://example.org/kz/")
    with pytest.raises(ConfigError, match="must be an absolute http"):
        serve(Settings(content=CONTENT), port=0, base="ftp://example.org/")


def test_the_command_takes_a_base_and_refuses_one_with_a_path():
    """``--base`` reaches the server from the command line, with the same check."""
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["serve", "--content", str(CONTENT), "--no-watch",
                                      "--base", "https://example.org/guides/"])
    assert result.exit_code == 2, result.output
    assert "has a path: kzgraph serve answers from the root" in result.output
    assert "Traceback" not in result.output
