"""What DCAT-AP 3 asks of the dataset description besides VoID's figures: a ``dcat:Catalog``, the
dataset's dates, keywords, themes, spatial and temporal coverage, landing page and contact point,
and every resource a property points to typed with the class DCAT-AP gives its range (licence
document, media type, format, linguistic system, location, concept, ...).

The controlled values come from the EU's authority tables (data themes, file types, planned
availability) and ADMS's publisher types; they are named here, once, by their IRIs.
"""

from __future__ import annotations

from typing import Callable

from rdflib import Literal, URIRef
from rdflib.term import Node

from kzgraph.config import Settings
from kzgraph.content.countries import country_geometry
from kzgraph.graph.iris import Minter
from kzgraph.vocab import DCAT, DCTERMS, FOAF, RDF, SKOS, SPDX, XSD

Add = Callable[[tuple[Node, Node, Node]], None]
VCARD = "http://www.w3.org/2006/vcard/ns#"
DCATAP = "http://data.europa.eu/r5r/"
EU = "http://publications.europa.eu/resource/authority/"
#: the EU data themes the data is about: population and society, government and public sector
THEMES = (EU + "data-theme/SOCI", EU + "data-theme/GOVE")
#: kzgraph format name -> the EU file-type authority's code
FILE_TYPE = {"turtle": "RDF_TURTLE", "jsonld": "JSON_LD", "ntriples": "RDF_N_TRIPLES",
             "nquads": "RDF_N_QUADS", "trig": "RDF_TRIG", "xml": "RDF_XML"}
#: every build publishes its files: available (not experimental, not temporary)
AVAILABILITY = EU + "planned-availability/AVAILABLE"
WKT = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")
#: the labels DCAT-AP wants on the controlled values used (as their authorities give them)
LABELS = {
    EU + "data-theme": {"en": "Data theme", "ru": "Тема данных"},
    EU + "data-theme/SOCI": {"en": "Population and society", "ru": "Население и общество"},
    EU + "data-theme/GOVE": {"en": "Government and public sector",
                             "ru": "Правительство и государственный сектор"},
    AVAILABILITY: {"en": "Available", "ru": "Доступно"},
    "http://purl.org/adms/publishertype/NonProfitOrganisation": {
        "en": "Non-Profit Organisation", "ru": "Некоммерческая организация"},
    "http://purl.org/adms/licencetype/Attribution": {"en": "Attribution", "ru": "Указание авторства"},
}
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/NonProfitOrganisation"
#: the kind of licence of the default licence, CC BY 4.0 (ADMS licence types)
LICENCE_TYPE = {"https://creativecommons.org/licenses/by/4.0/":
                "http://purl.org/adms/licencetype/Attribution"}
KEYWORDS = {
    "en": ("information sources", "country guide", "media", "NGOs", "government", "Kazakhstan"),
    "ru": ("источники информации", "страновой путеводитель", "СМИ", "НКО",
           "государственные органы", "Казахстан"),
}
DISTRIBUTION_DESCRIPTION = {
    False: {"en": "The data (the union of every page graph and the reference graph) in {fmt}.",
            "ru": "Данные (объединение графов всех страниц и справочного графа) в формате {fmt}."},
    True: {"en": "The data in {fmt}, with each page file's statements in a named graph of its "
                 "own, plus the provenance and ontology graphs.",
           "ru": "Данные в формате {fmt}: утверждения каждого файла страницы в собственном "
                 "именованном графе, а также графы происхождения и онтологии."},
}


def checksum_triples(thing: URIRef, sha256: str) -> list[tuple[Node, Node, Node]]:
    """``thing spdx:checksum <thing#sha256>``: an SPDX checksum with an IRI of its own (kzgraph
    publishes no blank nodes). For a file or a downloadable distribution."""
    node = URIRef(f"{thing}#sha256" if "#" not in thing else f"{thing}-sha256")
    return [(thing, SPDX.checksum, node), (node, RDF.type, SPDX.Checksum),
            (node, SPDX.algorithm, SPDX.checksumAlgorithm_sha256),
            (node, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary))]


def typed(add: Add, node: Node, cls: URIRef) -> Node:
    """``node`` with its type (and the label its authority gives it, for a controlled value)."""
    add((node, RDF.type, cls))
    for lang, label in LABELS.get(str(node), {}).items():
        add((node, DCTERMS.title if cls == SKOS.ConceptScheme else SKOS.prefLabel,
             Literal(label, lang=lang)))
    return node


def describe_licence(add: Add, licence: URIRef) -> None:
    """A licence document, with its ADMS licence type where kzgraph knows it."""
    typed(add, licence, DCTERMS.LicenseDocument)
    if str(licence) in LICENCE_TYPE:
        add((licence, DCTERMS.type, typed(add, URIRef(LICENCE_TYPE[str(licence)]),
                                          SKOS.Concept)))


def describe_distribution(add: Add, dist: URIRef, fmt_name: str, label: str, dataset: bool,
                          issued: Literal | None, modified: Literal | None) -> None:
    """A distribution's DCAT-AP statements: description, format, availability, dates."""
    for lang, text in DISTRIBUTION_DESCRIPTION[dataset].items():
        add((dist, DCTERMS.description, Literal(text.format(fmt=label), lang=lang)))
    add((dist, DCTERMS["format"], typed(add, URIRef(f"{EU}file-type/{FILE_TYPE[fmt_name]}"),
                                        DCTERMS.MediaTypeOrExtent)))
    add((dist, URIRef(DCATAP + "availability"), typed(add, URIRef(AVAILABILITY), SKOS.Concept)))
    if issued is not None:
        add((dist, DCTERMS.issued, issued))
    if modified is not None:
        add((dist, DCTERMS.modified, modified))


def describe_catalog(add: Add, ds: URIRef, settings: Settings, titles: dict[str, str],
                     descriptions: dict[str, str], languages: list[URIRef],
                     countries: list[str], created: str | None, modified: str | None) -> None:
    """The catalogue, and the dataset's dates, keywords, themes, coverage and contacts."""
    mint = Minter(settings.base)
    landing = typed(add, URIRef(settings.base), FOAF.Document)
    issued = Literal(created, datatype=XSD.date) if created else None
    changed = Literal(modified, datatype=XSD.date) if modified else None
    catalog = typed(add, mint.catalog(), DCAT.Catalog)
    add((catalog, DCAT.dataset, ds))
    for lang in sorted(titles):
        add((catalog, DCTERMS.title, Literal(titles[lang], lang=lang)))
        add((catalog, DCTERMS.description, Literal(descriptions[lang], lang=lang)))
    add((catalog, FOAF.homepage, landing))
    add((catalog, DCTERMS.license, URIRef(settings.license)))
    for language in languages:
        add((catalog, DCTERMS.language, language))
    taxonomy = typed(add, URIRef(EU + "data-theme"), SKOS.ConceptScheme)
    add((catalog, DCAT.themeTaxonomy, taxonomy))
    if issued is not None:  # the dataset's modified date is said by the caller
        add((catalog, DCTERMS.issued, issued))
        add((ds, DCTERMS.issued, issued))
    if changed is not None:
        add((catalog, DCTERMS.modified, changed))
    add((ds, DCAT.landingPage, landing))
    for lang, words in KEYWORDS.items():
        for word in words:
            add((ds, DCAT.keyword, Literal(word, lang=lang)))
    for theme in THEMES:
        add((ds, DCAT.theme, typed(add, URIRef(theme), SKOS.Concept)))
        add((URIRef(theme), SKOS.inScheme, taxonomy))
    for country in sorted(countries):
        node = typed(add, URIRef(country), DCTERMS.Location)
        add((ds, DCTERMS.spatial, node))
        add((catalog, DCTERMS.spatial, node))
        geometry = country_geometry(country.rstrip("/").rsplit("/", 1)[-1].upper())
        if geometry is not None:
            (x, y), (west, south, east, north) = geometry
            add((node, DCAT.centroid, Literal(f"POINT({x:g} {y:g})", datatype=WKT)))
            add((node, DCAT.bbox, Literal(
                f"POLYGON(({west:g} {south:g}, {east:g} {south:g}, {east:g} {north:g}, "
                f"{west:g} {north:g}, {west:g} {south:g}))", datatype=WKT)))
    if issued is not None and changed is not None:
        period = typed(add, mint.dataset_part("period", "pages"), DCTERMS.PeriodOfTime)
        add((period, DCAT.startDate, issued))
        add((period, DCAT.endDate, changed))
        add((ds, DCTERMS.temporal, period))
    contact = typed(add, mint.dataset_part("contact", "publisher"), URIRef(VCARD + "Kind"))
    add((contact, URIRef(VCARD + "fn"), Literal(settings.publisher)))
    add((contact, URIRef(VCARD + "hasURL"), landing))
    add((ds, DCAT.contactPoint, contact))


def describe_publisher(add: Add, publisher: URIRef) -> None:
    """The publisher's type (ADMS), which DCAT-AP recommends."""
    add((publisher, DCTERMS.type, typed(add, URIRef(PUBLISHER_TYPE), SKOS.Concept)))
