"""Content negotiation in real web servers (Debian's nginx-light, apache2 and caddy) with the
configurations the site build writes: in each, every kind of IRI answers each RDF media type
with its RDF file and a browser with the page, 200 and Vary: Accept, with no redirect."""

from __future__ import annotations

import http.client
import os
import shutil
import tempfile
import subprocess
import time
from pathlib import Path

import pytest

from conftest import CONTENT
from kzgraph.config import Settings
from kzgraph.publish.site import build_site
from servers import free_port
from sitekit import apache_path, caddy_path, nginx_path

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
def built(tmp_path_factory) -> Path:
    """The site, in a folder every user can read (the servers' workers run as their own)."""
    root = Path(tempfile.mkdtemp(prefix="kzgraph-site-"))
    root.chmod(0o755)
    build_site(Settings(base=BASE, content=CONTENT), root / "site", search=False)
    yield root / "site"
    shutil.rmtree(root, ignore_errors=True)


def _nginx(root: Path, site: Path, port: int) -> list[str]:
    temp = " ".join(f"{kind}_temp_path {root}/{kind};"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (root / "nginx.conf").write_text(f"""
worker_processes 1;
error_log {root}/error.log;
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
    return [nginx_path(), "-p", str(root), "-c", str(root / "nginx.conf"), "-g",
            f"daemon off; pid {root}/nginx.pid;"]


def _apache(root: Path, site: Path, port: int) -> list[str]:
    modules = Path("/usr/lib/apache2/modules")
    load = "\n".join(f"LoadModule {name}_module {modules}/mod_{name}.so" for name in
                      ("mpm_event", "authz_core", "mime", "dir", "rewrite", "headers"))
    user = "User www-data\nGroup www-data" if os.geteuid() == 0 else ""
    (root / "httpd.conf").write_text(f"""
{load}
{user}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {root}/httpd.pid
DefaultRuntimeDir {root}
Mutex file:{root} default
ErrorLog {root}/error.log
LogLevel warn
TypesConfig /etc/mime.types
DocumentRoot {site}
<Directory {site}>
    AllowOverride FileInfo Indexes
    Require all granted
</Directory>
""")
    return [apache_path(), "-f", str(root / "httpd.conf"), "-DFOREGROUND"]


def _caddy(root: Path, site: Path, port: int) -> list[str]:
    (root / "Caddyfile").write_text(f"""
{{
    admin off
    auto_https off
    storage file_system {root}/data
}}
http://127.0.0.1:{port} {{
    root * {site}
    import {site}/server/kzgraph.caddy
}}
""")
    return [caddy_path(), "run", "--config", str(root / "Caddyfile"), "--adapter", "caddyfile"]


SERVERS = {"nginx": _nginx, "apache": _apache, "caddy": _caddy}


@pytest.fixture(scope="module", params=list(SERVERS))
def server(request, built: Path, tmp_path_factory):
    """Each web server, with the configuration the site build wrote, on a loopback port."""
    root = tmp_path_factory.mktemp(request.param)
    port = free_port()
    command = SERVERS[request.param](root, built, port)
    env = {**os.environ, "HOME": str(root), "XDG_DATA_HOME": str(root / "data"),
           "XDG_CONFIG_HOME": str(root / "config")}
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("HEAD", "/")
                conn.getresponse().read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    out = proc.communicate(timeout=5)
                    log = root / "error.log"
                    pytest.fail(f"{request.param} did not start: {out} "
                                f"{log.read_text() if log.exists() else ''}")
                time.sleep(0.1)
        yield port, built
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
def test_each_rdf_media_type_gets_the_rdf_file(server, path: str, media: str) -> None:
    port, site = server
    status, headers, body = get(port, path, media)
    assert status == 200, (path, media, status)
    assert headers["content-type"].split(";")[0] == media
    assert "Accept" in headers.get("vary", "")
    assert body == _file(site, IRIS[path], f"index.{RDF[media]}")


@pytest.mark.parametrize("path", list(IRIS))
@pytest.mark.parametrize("accept", [BROWSER, "*/*", None, "text/html, text/turtle;q=0.5"])
def test_a_browser_gets_the_page(server, path: str, accept: str | None) -> None:
    port, site = server
    status, headers, body = get(port, path, accept)
    assert status == 200, (path, accept, status)
    assert headers["content-type"].split(";")[0] == "text/html"
    assert "Accept" in headers.get("vary", "")
    assert body == _file(site, IRIS[path], "index.html")


def test_files_are_served_as_they_are(server) -> None:
    port, site = server
    for path, media in (("/sources/sources/feminita/index.ru.html", "text/html"),
                        ("/category/ingo/index.ttl", "text/turtle"),
                        ("/kzgraph.nt", "application/n-triples"),
                        ("/kzgraph.nq", "application/n-quads"),
                        ("/static/vendor/oxigraph/web_bg.wasm", "application/wasm")):
        status, headers, body = get(port, path, BROWSER)
        assert status == 200 and headers["content-type"].split(";")[0] == media, path
        assert body == (site / path.lstrip("/")).read_bytes()
    assert get(port, "/no/such/thing", "text/turtle")[0] == 404


@pytest.mark.parametrize("path", ["/country/kz/page/2/", "/country/kz/page/2",
                                  "/country/kz/page/2/index.ru.html"])
@pytest.mark.parametrize("accept", [BROWSER, "*/*", None, "text/turtle"])
def test_a_further_page_of_a_listing_is_served_as_html(server, path: str,
                                                       accept: str | None) -> None:
    """``page/N/`` pages are HTML only: every Accept gets the page (there is no RDF file to
    negotiate; the resource's RDF is at its own IRI)."""
    port, site = server
    status, headers, body = get(port, path, accept)
    assert status == 200, (path, accept, status)
    assert headers["content-type"].split(";")[0] == "text/html"
    name = path.rsplit("/", 1)[-1] if path.endswith(".html") else "index.html"
    assert body == _file(site, "country/kz/page/2", name)
    assert b"Page 2 of 2" in body or "Страница 2 из 2".encode() in body
