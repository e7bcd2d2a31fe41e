"""Namespaces and prefixes: one table used by the mapping, the exporters and the query helper."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, VOID, XSD

ONTOLOGY_IRI = "https://kzgraph.example/ontology"
KZ = Namespace(ONTOLOGY_IRI + "#")
SCHEMA = Namespace("https://schema.org/")
LANGUAGE_IRI = "http://id.loc.gov/vocabulary/iso639-1/"
EU_COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
DBPEDIA = Namespace("http://dbpedia.org/resource/")

#: prefix -> namespace, in the order they are written out
PREFIXES: dict[str, str] = {
    "kz": str(KZ),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "schema": str(SCHEMA),
    "foaf": str(FOAF),
    "dcat": str(DCAT),
    "prov": str(PROV),
    "void": str(VOID),
    "sh": str(SH),
}

__all__ = [
    "DBPEDIA", "DCAT", "DCTERMS", "EU_COUNTRY", "FOAF", "KZ", "LANGUAGE_IRI", "ONTOLOGY_IRI",
    "OWL", "PREFIXES", "PROV", "RDF", "RDFS", "SCHEMA", "SH", "SKOS", "VOID", "XSD",
]
