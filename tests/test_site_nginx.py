"""Content negotiation in a real nginx (Debian's nginx-light) with the configuration the site
build writes: every kind of IRI answers each RDF media type with its RDF file and a browser
with the page, 200 and Vary: Accept, with no redirect."""

from __future__ import annotations

import http.client
import os
import pwd
import subprocess
import time
from pathlib import Path

import pytest

from conftest import CONTENT
from kzgraph.config import Settings
from kzgraph.publish.site import build_site
from servers import free_port
from sitekit import nginx_path

BASE = "https://kzgraph.example/"
BROWSER = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
           "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7")
#: path asked for -> the folder of its files
IRIS = {"/sources/sources/feminita/": "sources/sources/feminita",
        "/sources/sources/feminita": "sources/sources/feminita",
        "/category/ingo": "category/ingo", "/category/": "category",
        "/perspective/local-voices": "perspective/local-voices", "/country/kz": "country/kz",
        "/people/aizada-arystanbek": "people/aizada-arystanbek",
        "/guides/kazakhstan/": "guides/kazakhstan", "/dataset": "dataset", "/": ""}
RDF = {"text/turtle": "ttl", "application/ld+json": "jsonld", "application/n-triples": "nt"}


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    binary = nginx_path()
    root = tmp_path_factory.mktemp("nginx")
    site = root / "site"
    build_site(Settings(base=BASE, content=CONTENT), site, search=False)
    port = free_port()
    for folder in ("tmp", "logs"):
        (root / folder).mkdir()
    temp = " ".join(f"{kind}_temp_path {root}/tmp/{kind};"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # the test's folders are private to this user: the worker runs as the same one
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    (root / "nginx.conf").write_text(f"""
{user}
worker_processes 1;
error_log {root}/logs/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    {temp}
    include {site}/server/nginx-http.conf;
    server {{
        listen 127.0.0.1:{port};
        root {site};
        include {site}/server/nginx-server.conf;
    }}
}}
""")
    proc = subprocess.Popen([binary, "-p", str(root), "-c", str(root / "nginx.conf"), "-g",
                             f"daemon off; pid {root}/nginx.pid;"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("HEAD", "/")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = proc.communicate(timeout=5)
                    pytest.fail(f"nginx did not start: {out}")
                time.sleep(0.1)
        yield port, site
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def get(port: int, path: str, accept: str | None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Accept": accept} if accept else {})
    response = conn.getresponse()
    body = response.read()
    headers = {k.lower(): v for k, v in response.getheaders()}
    conn.close()
    return response.status, headers, body


def _file(site: Path, folder: str, name: str) -> bytes:
    return (site / folder / name if folder else site / name).read_bytes()


@pytest.mark.parametrize("path", list(IRIS))
@pytest.mark.parametrize("media", list(RDF))
def test_each_rdf_media_type_gets_the_rdf_file(nginx, path: str, media: str) -> None:
    port, site = nginx
    status, headers, body = get(port, path, media)
    assert status == 200, (path, media, status)
    assert headers["content-type"].split(";")[0] == media
    assert "Accept" in headers.get("vary", "")
    assert body == _file(site, IRIS[path], f"index.{RDF[media]}")


@pytest.mark.parametrize("path", list(IRIS))
@pytest.mark.parametrize("accept", [BROWSER, "*/*", None, "text/html, text/turtle;q=0.5"])
def test_a_browser_gets_the_page(nginx, path: str, accept: str | None) -> None:
    port, site = nginx
    status, headers, body = get(port, path, accept)
    assert status == 200, (path, accept, status)
    assert headers["content-type"].split(";")[0] == "text/html"
    assert "Accept" in headers.get("vary", "")
    assert body == _file(site, IRIS[path], "index.html")


def test_files_are_served_as_they_are(nginx) -> None:
    port, site = nginx
    for path, media in (("/sources/sources/feminita/index.ru.html", "text/html"),
                        ("/category/ingo/index.ttl", "text/turtle"),
                        ("/kzgraph.nt", "application/n-triples"),
                        ("/kzgraph.nq", "application/n-quads"),
                        ("/static/vendor/oxigraph/web_bg.wasm", "application/wasm")):
        status, headers, body = get(port, path, BROWSER)
        assert status == 200 and headers["content-type"].split(";")[0] == media, path
        assert body == (site / path.lstrip("/")).read_bytes()
    assert get(port, "/no/such/thing", "text/turtle")[0] == 404
