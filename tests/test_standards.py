"""The published files are right by the standards they claim: one IRI per prefix everywhere, an
ontology whose alignments infer nothing false, a complete ontology header, and the model page
saying what the data says."""

from __future__ import annotations

import json
import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

from kzgraph.query.sparql import predeclared_prefixes
from kzgraph.resources import context, context_file, ontology_file
from kzgraph.vocab import KZ, ONTOLOGY_IRI, PREFIXES
from conftest import BASE
from tools import need, pyld_available, pyld_read

DCAT_RESOURCE = URIRef("http://www.w3.org/ns/dcat#Resource")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ontology_file(), format="turtle")


def _turtle_prefixes(path) -> dict[str, str]:
    return dict(re.findall(r"^@prefix\s+([\w-]*):\s*<([^>]*)>\s*\.", path.read_text(), re.M))


def test_every_prefix_names_one_iri_in_the_context_the_prefixes_and_the_ontology():
    """The audit found ``void:`` mapped to a wrong namespace in the context. Every prefix the
    context, ``kzgraph prefixes`` and the ontology declare names the same IRI in all of them."""
    sources = {
        "context": {k: v for k, v in context().items()
                    if isinstance(v, str) and v.endswith(("#", "/"))},
        "kzgraph prefixes": predeclared_prefixes(BASE),
        "ontology": _turtle_prefixes(ontology_file()),
        "vocab": PREFIXES,
    }
    seen: dict[str, tuple[str, str]] = {}
    for where, table in sources.items():
        for prefix, iri in table.items():
            if prefix in seen:
                assert seen[prefix][0] == iri, (
                    f"{prefix}: is {iri} in {where} but {seen[prefix][0]} in {seen[prefix][1]}")
            else:
                seen[prefix] = (iri, where)
    assert seen["void"][0] == "http://rdfs.org/ns/void#"
    # every vocabulary prefix a query may use is in the context too
    assert set(PREFIXES) - {"sh"} <= set(sources["context"])


def test_pyld_reads_void_terms_of_the_context_in_the_void_namespace():
    need(pyld_available(), "pyld", "pip install pyld")
    document = {"@context": json.loads(context_file().read_text())["@context"],
                "@id": BASE + "dataset", "void:triples": 1}
    nquads = pyld_read(json.dumps(document).encode())
    assert "<http://rdfs.org/ns/void#triples>" in nquads, nquads


def test_link_title_is_an_annotation_property_like_the_skos_label_it_refines(ontology):
    """kz:linkTitle refined skos:altLabel as a datatype property with range rdf:langString:
    Pellet found ontology + data inconsistent, and with SKOS loaded it was not OWL 2 DL."""
    assert (KZ.linkTitle, RDF.type, OWL.AnnotationProperty) in ontology
    assert (KZ.linkTitle, RDFS.subPropertyOf, SKOS.altLabel) in ontology
    for term in (KZ.linkTitle, SKOS.altLabel, SKOS.prefLabel):
        assert (term, RDF.type, OWL.DatatypeProperty) not in ontology
        assert (term, RDF.type, OWL.ObjectProperty) not in ontology
    assert list(ontology.objects(KZ.linkTitle, RDFS.range)) == []


def test_rdfs_inference_over_the_alignments_states_nothing_false(ontology, mapped):
    """Under RDFS a source's kind (kz:category) must not become its topic, sources must not
    become dcat:Resources with no catalogue, and mention nodes must not become prov:Entities."""
    import owlrl

    graph = Graph()
    for triple in mapped.graph:
        graph.add(triple)
    for triple in ontology:
        graph.add(triple)
    categories = set(mapped.graph.objects(None, KZ.category))
    assert categories
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics).expand(graph)
    sources = set(graph.subjects(RDF.type, KZ.Source))
    assert sources
    for source in sources:
        topics = set(graph.objects(source, DCTERMS.subject))
        assert not topics & categories, f"{source} has its category as its subject"
        assert (source, RDF.type, DCAT_RESOURCE) not in graph
    for mention in graph.subjects(RDF.type, KZ.Mention):
        assert (mention, RDF.type, PROV.Entity) not in graph


def test_the_ontology_header_is_complete(ontology):
    header = URIRef(ONTOLOGY_IRI)
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.creator, DCTERMS.publisher,
                 DCTERMS.created, DCTERMS.issued, DCTERMS.modified, DCTERMS.license,
                 OWL.versionIRI, OWL.versionInfo):
        assert list(ontology.objects(header, prop)), f"the ontology header has no {prop}"
    for prop in (DCTERMS.created, DCTERMS.issued, DCTERMS.modified):
        [value] = ontology.objects(header, prop)
        assert isinstance(value, Literal) and value.datatype is not None
    # every property the header uses is declared, so the header itself is OWL 2 DL
    for prop in {p for p in ontology.predicates(header) if not p.startswith(str(OWL))} - {RDF.type}:
        assert (prop, RDF.type, OWL.AnnotationProperty) in ontology, prop


def test_validation_result_locations_are_defined_in_the_ontology(ontology):
    for term in (KZ.file, KZ.line, KZ.key, KZ.language):
        assert (term, RDF.type, OWL.DatatypeProperty) in ontology, term
        assert {lit.language for lit in ontology.objects(term, RDFS.label)} >= {"en", "ru"}
