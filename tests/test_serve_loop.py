"""The editor's loop of ``kzgraph serve``: a saved edit shows in the page, its RDF and the SPARQL
endpoint of a real server on loopback, every answer meanwhile whole and of one version; a file
replaced while it is being sent is sent as the version that was opened."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import time
import urllib.parse
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from conftest import CONTENT
from servehelp import Served
from starlette.requests import Request

from kzgraph.publish.serve.app import WHOLE, _file


def _send(response: Any) -> tuple[dict[str, str], bytes]:
    """Run an ASGI response; its headers and the body it sent."""
    sent: dict[str, Any] = {"body": b""}

    asked = []

    async def receive() -> dict[str, Any]:
        if asked:  # (a client that stays: the response listens for its leaving meanwhile)
            await asyncio.sleep(3600)
        asked.append(1)
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            sent["headers"] = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            sent["body"] += message.get("body", b"")

    scope = {"type": "http", "method": "GET", "headers": []}
    asyncio.run(response(scope, receive, send))
    return sent["headers"], sent["body"]


@pytest.mark.parametrize("size", [1000, WHOLE * 3 + 17])
def test_a_file_replaced_while_it_is_sent_is_sent_as_the_version_opened(tmp_path, size):
    path = tmp_path / "kzgraph.nt"
    old = b"a" * size
    path.write_bytes(old)
    opened = os.stat(path)
    response = _file(Request({"type": "http", "method": "GET", "headers": []}), path,
                     "application/n-triples")
    # a rebuild puts a new version in place (a rename), longer, before the body is sent
    new = tmp_path / "new"
    new.write_bytes(b"b" * (size * 2))
    os.replace(new, path)
    headers, body = _send(response)
    assert body == old
    assert int(headers["content-length"]) == len(old)
    # and its tag is that version's too: a client revalidating it is told it changed
    assert headers["etag"] == f'"{opened.st_ino:x}-{opened.st_mtime_ns:x}-{size:x}"'


def _title(page: Path, title: str) -> None:
    text = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r'^title: "[^"\n]*"', f'title: "{title}"', text, count=1,
                           flags=re.M), encoding="utf-8")


def test_an_edit_shows_in_the_page_its_rdf_and_sparql_every_answer_whole(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    served = Served(tmp_path / "here", content).wait()
    try:
        page = content / "sources" / "feminita" / "index.md"
        iri = served.url + "sources/sources/feminita/"
        query = ("SELECT ?t WHERE { <" + iri + "> <http://purl.org/dc/terms/title> ?t "
                 "FILTER(LANG(?t) = 'en' || LANG(?t) = '') }")
        sparql = "sparql?" + urllib.parse.urlencode({"query": query})
        for round_ in range(2):
            title = f"Feminita, edit {round_}"
            _title(page, title)
            shown: dict[str, bool] = {"html": False, "turtle": False, "sparql": False}
            deadline = time.monotonic() + 120
            while not all(shown.values()):
                assert time.monotonic() < deadline, (shown, served.output[-2000:])
                status, headers, body = served.get("sources/sources/feminita/", "text/html")
                assert status == 200 and int(headers["content-length"]) == len(body)
                shown["html"] = shown["html"] or title.encode() in body
                status, headers, body = served.get("sources/sources/feminita/", "text/turtle")
                assert status == 200 and int(headers["content-length"]) == len(body)
                # whole and of one build: it parses, with one English title, old or new
                titles = {q.object.value for q in ox.parse(body, format=ox.RdfFormat.TURTLE,
                                                            base_iri=iri)
                          if q.predicate.value == "http://purl.org/dc/terms/title"
                          and q.object.language in (None, "en")}
                assert len(titles) == 1, titles
                shown["turtle"] = shown["turtle"] or titles == {title}
                status, _, body = served.get(sparql, "application/sparql-results+json")
                assert status == 200
                rows = [r["t"]["value"] for r in json.loads(body)["results"]["bindings"]]
                assert len(rows) == 1, rows  # never two builds' titles at once
                shown["sparql"] = shown["sparql"] or rows == [title]
                time.sleep(0.05)
        assert re.search(r"Built in [0-9.]+ s", served.output)
    finally:
        assert served.stop() == 0
