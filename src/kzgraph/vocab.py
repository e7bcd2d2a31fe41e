"""Namespaces and prefixes: one table used by the mapping, the exporters and the query helper."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, VOID, XSD

ONTOLOGY_IRI = "https://kzgraph.example/ontology"
KZ = Namespace(ONTOLOGY_IRI + "#")
SCHEMA = Namespace("https://schema.org/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
LANGUAGE_IRI = "http://id.loc.gov/vocabulary/iso639-1/"
EU_COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
DBPEDIA = Namespace("http://dbpedia.org/resource/")
#: the identifiers the rest of the web uses for countries, languages and organisations
GEONAMES = "https://sws.geonames.org/"
WIKIDATA = Namespace("http://www.wikidata.org/entity/")
ISO639_2 = Namespace("http://id.loc.gov/vocabulary/iso639-2/")
EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")

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
    "spdx": str(SPDX),
}

__all__ = [
    "DBPEDIA", "DCAT", "DCTERMS", "EU_COUNTRY", "EU_LANGUAGE", "FOAF", "GEONAMES", "ISO639_2",
    "KZ", "LANGUAGE_IRI", "ONTOLOGY_IRI", "WIKIDATA",
    "OWL", "PREFIXES", "PROV", "RDF", "RDFS", "SCHEMA", "SH", "SKOS", "SPDX", "VOID", "XSD",
]
