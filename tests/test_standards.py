"""The published files are right by the standards they claim: one IRI per prefix everywhere, an
ontology whose alignments infer nothing false, a complete ontology header, and the model page
saying what the data says."""

from __future__ import annotations

import json
import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

from kzgraph.query.engines import predeclared_prefixes
from kzgraph.resources import context, context_file, ontology_file
from kzgraph.vocab import KZ, ONTOLOGY_IRI, PREFIXES
from conftest import BASE, ROOT
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
