"""A stand-in for the static site builder, for the server's tests: one folder per resource
document with ``index.html`` (its title, escaped), ``index.<lang>.html`` for the other
languages of its title, and ``index.ttl``/``index.jsonld``/``index.nt``, in the layout the
site builder writes. The server tests use the real builder when it is installed
(``kzgraph.publish.site``); this keeps them able to run without it."""

from __future__ import annotations

import html
import shutil
from collections import defaultdict
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from kzgraph.engine.pipeline import export
from kzgraph.config import Settings
from kzgraph.formats.registry import get_format
from kzgraph.formats.writers import serialize


def build_fake_site(settings: Settings, output: Path, first: bool = True) -> None:
    data, _ = export(settings, get_format("ntriples"), cache=False)
    graph = Graph().parse(data=data.decode("utf-8"), format="nt")
    docs: dict[str, Graph] = defaultdict(Graph)
    for s, p, o in graph:
        if isinstance(s, URIRef) and str(s).startswith(settings.base):
            docs[str(s).split("#")[0]].add((s, p, o))
    staging = output.with_name(output.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    links = []
    for doc, g in sorted(docs.items()):
        rel = doc[len(settings.base):].strip("/")
        folder = staging / rel if rel else staging
        folder.mkdir(parents=True, exist_ok=True)
        titles = {o.language or "": str(o) for p in (DCTERMS.title, SKOS.prefLabel)
                  for o in g.objects(URIRef(doc), p) if isinstance(o, Literal)}
        for lang in sorted(set(titles) | {settings.default_language}):
            title = titles.get(lang) or titles.get(settings.default_language) or doc
            name = ("index.html" if lang in ("", settings.default_language)
                    else f"index.{lang}.html")
            (folder / name).write_text(
                f'<!doctype html><html lang="{lang or "en"}"><head><meta charset="utf-8">'
                f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}"
                f'</h1><a href="{html.escape(settings.base)}">home</a></body></html>\n',
                encoding="utf-8")
        for fmt, ext in (("turtle", "ttl"), ("jsonld", "jsonld"), ("ntriples", "nt")):
            (folder / f"index.{ext}").write_bytes(serialize(Dataset(), g, get_format(fmt)))
        links.append(f'<li><a href="{html.escape(doc)}">{html.escape(rel)}</a></li>')
    if not (staging / "index.html").exists():
        (staging / "index.html").write_text(
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>kzgraph</title>'
            f"</head><body><h1>kzgraph</h1><ul>{''.join(links)}</ul></body></html>\n",
            encoding="utf-8")
    (staging / "kzgraph.nt").write_bytes(data)
    shutil.rmtree(output, ignore_errors=True)
    staging.rename(output)
