"""docs/model.md cannot drift from what the code, the ontology and the shapes say: its
front-matter table is checked against the mapping's keys, its resource table against the classes
the shapes check, its prefix table against the prefixes, and every term the ontology defines must
be on the page. (The audit found the page saying categories get dcterms:title; they never did.)"""

from __future__ import annotations

import re

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SH

from conftest import ROOT
from kzgraph.graph.mapping import ALL, KEYS
from kzgraph.resources import ontology_file, shapes_file
from kzgraph.vocab import ONTOLOGY_IRI, PREFIXES

MODEL = ROOT / "docs" / "model.md"
PLURAL = {"guide": "guides", "source": "sources", "category": "categories",
          "perspective": "perspectives"}


@pytest.fixture(scope="module")
def text() -> str:
    return MODEL.read_text(encoding="utf-8")


def _section(text: str, heading: str) -> str:
    start = text.index(f"## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else len(text)]


def _rows(section: str) -> list[list[str]]:
    """The rows of the section's first table (without its header)."""
    rows: list[list[str]] = []
    for line in section.splitlines():
        if line.startswith("|"):
            if not line.startswith("|--"):
                rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif rows:
            break
    return rows[1:]


def _curie(iri: str) -> str:
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    raise AssertionError(f"no prefix for {iri}")


def test_the_front_matter_table_is_the_mapping(text):
    rows = {re.sub(r"`", "", row[0]): row for row in _rows(_section(text, "Front-matter keys"))}
    assert set(rows) == set(KEYS)
    for key, spec in KEYS.items():
        _, pages, prop, _ = rows[key]
        written = set(re.findall(r"`([\w-]+:[\w-]+)`", prop))
        expected = {_curie(str(p)) for p in spec.predicates.values()}
        if spec.value == "wikidata":
            expected.add("schema:sameAs")
        assert written == expected, (key, written, expected)
        if spec.kinds == ALL:
            assert pages.startswith("all"), key
        else:
            assert set(re.findall(r"[a-z]+", pages)) - {"required"} == \
                {PLURAL[k] for k in spec.kinds}, key
        # "`default`; kinds: `predicate`": which predicate each kind gets, nothing more
        default, *special = prop.split(";")
        said = {kind: set(re.findall(r"`([\w-]+:[\w-]+)`", default)) for kind in spec.kinds}
        for part in special:
            kinds, _, predicate = part.partition(":")
            for plural in re.findall(r"[a-z]+", kinds):
                kind = next(k for k, p in PLURAL.items() if p == plural)
                said[kind] = set(re.findall(r"`([\w-]+:[\w-]+)`", predicate))
        for kind in spec.kinds:
            assert _curie(str(spec.predicate(kind))) in said[kind], (key, kind)
            assert len(said[kind]) == (2 if spec.value == "wikidata" else 1), (key, kind)


def test_every_class_the_shapes_check_is_in_the_resource_table(text):
    shapes = Graph().parse(shapes_file(), format="turtle")
    table = _section(text, "Resources and IRIs")
    classes = {_curie(str(c)) for c in shapes.objects(None, SH.targetClass)}
    for cls in classes:
        assert f"`{cls}`" in table, cls


def test_the_prefix_table_says_what_the_prefixes_say(text):
    rows = _rows(_section(text, "Prefixes"))
    assert rows
    for prefix, iri, *_ in rows:
        prefix = prefix.strip("`")
        assert iri.startswith(f"`{PREFIXES[prefix]}`"), prefix


def test_every_term_the_ontology_defines_is_on_the_page(text):
    ontology = Graph().parse(ontology_file(), format="turtle")
    defined = {_curie(str(s)) for s in ontology.subjects(RDFS.isDefinedBy, None)
               if str(s) != ONTOLOGY_IRI}
    assert len(defined) > 20
    missing = sorted(term for term in defined if f"`{term}`" not in text)
    assert not missing, missing
    # and no kz: term on the page is unknown to the ontology
    named = set(re.findall(r"`(kz:[\w-]+)`", text))
    known = {_curie(str(s)) for s in ontology.subjects(RDF.type, None)
             if str(s).startswith(PREFIXES["kz"])}
    assert named <= known, named - known
