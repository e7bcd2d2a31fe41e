"""The reference data pages share: countries, languages, people and the concept schemes, each
made once a process as statements (:func:`reference_triples`) from a key such as
``country KZ`` or ``language ru``."""

from __future__ import annotations

from functools import lru_cache

from rdflib import Literal, URIRef
from rdflib.term import Node

from kzgraph.content.countries import alpha_3, country_name, language_name
from kzgraph.graph.iris import Minter
from kzgraph.graph.terms import _literal
from kzgraph.vocab import DCTERMS, EU_COUNTRY, FOAF, KZ, LANGUAGE_IRI, RDF, RDFS, SCHEMA, SKOS

Triple = tuple[Node, Node, Node]


SCHEME_TITLES = {
    "category": {"en": "Categories of information sources", "ru": "Категории источников информации"},
    "perspective": {"en": "Perspectives of information sources",
                    "ru": "Точки зрения источников информации"},
}


#: the languages every country is labelled in, whatever the pages at hand
LABEL_LANGUAGES = ("en", "kk", "ru")


@lru_cache(maxsize=100_000)
def reference_triples(base: str, kind: str, code: str) -> tuple[Triple, ...]:
    """What the reference graph says of a country, a language, a concept scheme or a person
    (its node the subject of the first statement): the same for every page, so made once a
    process."""
    mint = Minter(base)
    if kind == "country":
        iri = mint.country(code)
        out: list[Triple] = [(iri, RDF.type, KZ.Country), (iri, SKOS.notation, Literal(code)),
                             (iri, DCTERMS.identifier, Literal(code)),
                             (iri, SKOS.exactMatch, EU_COUNTRY[alpha_3(code)])]
        out += [(iri, SKOS.prefLabel, Literal(country_name(code, lang), lang=lang))
                for lang in LABEL_LANGUAGES]
    elif kind == "person":
        iri = mint.person(code)
        out = [(iri, RDF.type, SCHEMA.Person), (iri, RDF.type, FOAF.Person),
               (iri, FOAF.name, _literal(code))]
    elif kind == "language":
        iri = URIRef(LANGUAGE_IRI + code)
        out = [(iri, RDF.type, DCTERMS.LinguisticSystem),
               (iri, RDFS.label, Literal(language_name(code) or code, lang="en"))]
    elif kind == "scheme-own":  # a scheme whose section page (_index.md) gives its titles
        out = [(mint.scheme(code), RDF.type, SKOS.ConceptScheme)]
    else:
        scheme = mint.scheme(code)
        out = [(scheme, RDF.type, SKOS.ConceptScheme)]
        out += [(scheme, DCTERMS.title, Literal(title, lang=lang))
                for lang, title in SCHEME_TITLES[code].items()]
    return tuple(out)
