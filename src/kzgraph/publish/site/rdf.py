"""Each document's own RDF, beside its page: Turtle, JSON-LD and N-Triples, written by the same
writers as the dumps (so a resource's file reads like its part of ``kzgraph.ttl``), and the
schema.org JSON-LD embedded in its page for search engines."""

from __future__ import annotations

import json
from typing import Any

from rdflib import Literal, URIRef

from kzgraph.formats.registry import get_format
from kzgraph.formats.writers import assemble, chunk_texts
from kzgraph.publish.site.model import SiteData, Triple, _order
from kzgraph.vocab import DCTERMS, FOAF, KZ, SCHEMA, SKOS

#: the formats of a page's own RDF, in the order pages link them (names, extensions and media
#: types all from the one format registry)
PAGE_FORMATS = tuple(get_format(name) for name in ("turtle", "jsonld", "ntriples"))
#: site file extension -> kzgraph format name
RDF_FILES: dict[str, str] = {f.extension: f.name for f in PAGE_FORMATS}
#: site file extension -> media type
MEDIA_TYPES: dict[str, str] = {f.extension: f.media_type for f in PAGE_FORMATS}


def rdf_files(triples: list[Triple]) -> dict[str, bytes]:
    """The statements in each of the site's RDF formats, by file extension."""
    chunks = chunk_texts({None: triples}, list(RDF_FILES.values()))
    return {ext: assemble(fmt, [chunks.get(fmt, "")]) for ext, fmt in RDF_FILES.items()}


def render_rdf(data: SiteData, doc: str, ext: str) -> bytes:
    """One document's RDF in one format (``ttl``, ``jsonld`` or ``nt``)."""
    if ext not in RDF_FILES:
        raise ValueError(f"unknown RDF file type {ext!r}; known: {', '.join(RDF_FILES)}")
    chunks = chunk_texts({None: _document_triples(data, doc)}, [RDF_FILES[ext]])
    return assemble(RDF_FILES[ext], [chunks.get(RDF_FILES[ext], "")])


def render_rdf_files(data: SiteData, doc: str) -> dict[str, bytes]:
    """One document's RDF in every format of its files, by extension: its statements
    gathered and encoded once for the three (each file on its own gathered and encoded them
    three times: 28 of the 160 s of a profiled cold build at 10,000 heavy pages)."""
    return rdf_files(_document_triples(data, doc))


def _document_triples(data: SiteData, doc: str) -> list[Triple]:
    triples = data.document_triples(doc)
    if doc == data.base:  # the home page also holds what no other page does
        triples = sorted(set(triples) | set(data.orphans()),
                         key=lambda t: tuple(map(_order, t)))
    return triples


SCHEMA_TYPES = {"guide": "Article", "source": "Organization", "category": "DefinedTerm",
                "perspective": "DefinedTerm", "country": "Country", "person": "Person",
                "scheme": "DefinedTermSet", "dataset": "Dataset"}


def embedded_jsonld(data: SiteData, doc: str, lang: str, kind: str) -> str:
    """The schema.org description of a document's resource, ready to sit inside
    ``<script type="application/ld+json">``: every ``<``, ``>`` and ``&`` is a JSON escape,
    so no text (``</script>``, ``<!--``) can end the script early."""
    node = URIRef(doc)
    obj: dict[str, Any] = {"@context": "https://schema.org",
                           "@type": SCHEMA_TYPES.get(kind, "Thing"), "@id": doc, "url": doc}
    label = data.label(node, lang)
    obj["name"] = label.value
    description = data.description(node, lang)
    if description is not None:
        obj["description"] = description.value
    obj["inLanguage"] = lang
    for v in data.values(node, FOAF.homepage):
        obj["sameAs"] = str(v)
        break
    for key, pred in (("dateCreated", DCTERMS.created), ("dateModified", DCTERMS.modified)):
        for v in data.values(node, pred):
            obj[key] = str(v)
    if kind == "guide":
        obj["hasPart"] = [{"@type": "WebPageElement", "@id": str(s),
                           "name": data.label(s, lang).value}
                          for s in _sections(data, node)]
        obj["mentions"] = [{"@id": str(s), "name": data.label(s, lang).value}
                           for s in data.values(node, KZ.mentions)]
        obj["author"] = [{"@type": "Person", "@id": str(p), "name": data.label(p, lang).value}
                         for p in data.values(node, DCTERMS.contributor)]
    if kind in ("category", "perspective"):
        for scheme in data.values(node, SKOS.inScheme):
            obj["inDefinedTermSet"] = str(scheme)
    keywords = [str(v) for v in data.values(node, SCHEMA.keywords)
                if isinstance(v, Literal) and v.language in (lang, None)]
    if keywords:
        obj["keywords"] = keywords
    return script_safe(obj)


def _sections(data: SiteData, guide: URIRef) -> list[URIRef]:
    parts = [p for p in data.values(guide, DCTERMS.hasPart) if isinstance(p, URIRef)]
    return sorted(parts, key=lambda p: (int(data.values(p, SCHEMA.position)[0])
                                         if data.values(p, SCHEMA.position) else 0, str(p)))


def script_safe(obj: Any) -> str:
    """JSON that can stand inside a ``<script>`` element whatever its strings hold."""
    text = json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
