"""Nothing lost: every page's front matter, body and guide links are rebuilt from the published
N-Quads alone and compared with the files, key by key and language by language."""

from __future__ import annotations

from collections import defaultdict

import pytest
from rdflib import Dataset, Literal, URIRef

from kzgraph.config import Settings
from kzgraph.content.countries import resolve_country
from kzgraph.formats.writers import serialize
from kzgraph.formats.registry import get_format
from kzgraph.content.guidebody import parse_guide_body
from kzgraph.content.load import load_content
from kzgraph.graph.iris import Minter
from kzgraph.graph.mapping import KEYS
from kzgraph.engine.pipeline import load_and_map
from kzgraph.vocab import FOAF, KZ, LANGUAGE_IRI, SKOS
from conftest import BASE, CONTENT


def _slug(iri: URIRef) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def published() -> Dataset:
    """The N-Quads dump as a data engineer gets it, parsed back."""
    mapped = load_and_map(Settings(base=BASE, content=CONTENT)).mapped
    data = serialize(mapped.dataset, mapped.graph, get_format("nquads"))
    ds = Dataset()
    ds.parse(data=data, format="nquads")
    return ds


def _from_graph(ds: Dataset, kind: str, slug: str, lang: str) -> dict[str, object]:
    """Front matter as the graph of one page file says it."""
    minter = Minter(BASE)
    folder = {"guide": "guides", "source": "sources", "category": "categories",
              "perspective": "perspectives"}[kind]
    g = ds.graph(URIRef(f"{BASE}graph/{folder}/{slug}/{lang}"))
    reference = ds.graph(URIRef(f"{BASE}graph/reference"))
    subject = minter.page(kind, slug)
    fields: dict[str, object] = {}
    for key, spec in KEYS.items():
        if kind not in spec.kinds:
            continue
        values = list(g.objects(subject, spec.predicate(kind)))
        if not values:
            continue
        if spec.value == "text":
            [value] = values
            assert isinstance(value, Literal) and value.language == lang
            fields[key] = str(value)
        elif spec.value == "texts":
            assert all(v.language == lang for v in values)
            fields[key] = sorted(str(v) for v in values)
        elif spec.value in ("date", "integer", "url"):
            [value] = values
            fields[key] = value.toPython() if spec.value == "integer" else str(value)
        elif spec.value == "countries":
            fields[key] = sorted(str(reference.value(v, SKOS.notation)) for v in values)
        elif spec.value in ("categories", "perspectives"):
            fields[key] = sorted(_slug(v) for v in values)
        elif spec.value == "perspective":
            [value] = values
            fields[key] = _slug(value)
        elif spec.value == "languages":
            fields[key] = sorted(str(v)[len(LANGUAGE_IRI):] for v in values)
        elif spec.value == "people":
            fields[key] = sorted(str(reference.value(v, FOAF.name)) for v in values)
        elif spec.value == "schema-type":
            [value] = values
            fields[key] = str(value)[len("https://schema.org/"):]
        elif spec.value == "wikidata":
            [value] = values
            fields[key] = str(value)[len("http://www.wikidata.org/entity/"):]
    return fields


def _from_file(value: object, spec_value: str, lang: str) -> object:
    """A front-matter value normalised the way the graph can say it."""
    if spec_value in ("texts", "categories", "perspectives", "languages", "people"):
        return sorted(str(v) for v in value)
    if spec_value == "countries":
        return sorted(resolve_country(str(v), lang) for v in value)
    if spec_value == "integer":
        return value
    return str(value)


def test_every_key_of_every_page_comes_back(published):
    content = load_content(CONTENT)
    assert len(content.pages) == 72
    compared = defaultdict(int)
    for page in content.pages:
        rebuilt = _from_graph(published, page.kind, page.slug, page.lang)
        written = {key: _from_file(f.value, KEYS[key].value, page.lang)
                   for key, f in page.fields.items()}
        assert rebuilt == written, page.rel
        for key in written:
            compared[key] += 1
    # the comparison covered the keys that matter, in both languages
    assert compared["title"] == 72 and compared["categories"] == 24
    assert compared["countries"] == 26 and compared["contributor"] >= 2


def test_every_body_comes_back(published):
    from kzgraph.vocab import SCHEMA

    minter = Minter(BASE)
    for page in load_content(CONTENT).pages:
        if page.kind == "guide":
            continue
        folder = {"source": "sources", "category": "categories",
                  "perspective": "perspectives"}[page.kind]
        g = published.graph(URIRef(f"{BASE}graph/{folder}/{page.slug}/{page.lang}"))
        [text] = list(g.objects(minter.page(page.kind, page.slug), SCHEMA.text))
        assert str(text) == page.body.strip() and text.language == page.lang


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_guide_links_and_words_come_back(published, lang):
    [page] = [p for p in load_content(CONTENT).pages if p.kind == "guide" and p.lang == lang]
    body = parse_guide_body(page.body, page.body_line)
    g = published.graph(URIRef(f"{BASE}graph/guides/kazakhstan/{lang}"))
    guide = Minter(BASE).guide("kazakhstan")
    for section in body.sections:
        node = URIRef(f"{guide}#section-{section.position}")
        assert str(g.value(node, URIRef("http://purl.org/dc/terms/title"))) == section.title
        in_file = {l.category_slug for l in section.links if l.category_slug}
        assert {_slug(c) for c in g.objects(node, KZ.aboutCategory)} == in_file
        for item in section.items:
            for index, link in enumerate(item.links):
                if link.source_slug is None:
                    continue
                mention = URIRef(f"{guide}#mention-{link.source_slug}")
                assert _slug(g.value(mention, KZ.mentionedSource)) == link.source_slug
                assert g.value(mention, KZ.inSection) == node
                words = item.after.get(index, "").lstrip(" ,;:—–-").strip()
                notes = {str(n) for n in g.objects(mention, SKOS.note)}
                assert notes == ({words} if words else set())
    linked = {l.source_slug for l in body.links if l.source_slug}
    assert {_slug(s) for s in g.objects(guide, KZ.mentions)} == linked
