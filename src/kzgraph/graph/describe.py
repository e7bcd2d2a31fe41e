"""The dataset description published with every build: VoID statistics and a DCAT-AP 3 record
(the catalogue, dates, themes and coverage are :mod:`kzgraph.graph.catalog`'s).

One resource, ``{base}dataset``, is both a ``void:Dataset`` and a ``dcat:Dataset``. It describes
the data: the union of the page graphs and the reference graph, which is what ``kzgraph.ttl``,
``kzgraph.nt``, ``kzgraph.jsonld`` and ``kzgraph.rdf`` hold (the N-Quads and TriG dumps carry the
same data plus the provenance and ontology graphs: they are the dumps of
``{base}dataset/with-provenance``, with its own count). Every count is computed from that graph,
so it equals what a SPARQL query over the loaded data returns; the distributions list the dumps
``build`` wrote, with their media types, byte sizes and SHA-256 checksums. No wall-clock time is
used: the issued and modified dates are the earliest ``created`` and latest ``date`` in the
content.

Partitions and distributions get IRIs under ``{base}dataset/``; nothing here is a blank node.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kzgraph.config import Settings
from kzgraph.formats.ntriples import term
from kzgraph.formats.registry import FORMATS
from kzgraph.formats.writers import encoded
from kzgraph.graph.catalog import (checksum_triples, describe_catalog, describe_distribution,
                                   describe_licence, describe_publisher)
from kzgraph.graph.iris import Minter
from kzgraph.vocab import DCAT, DCTERMS, FOAF, KZ, LANGUAGE_IRI, PREFIXES, RDF, VOID, XSD

TITLE = {"en": "kzgraph: a country sources guide as a knowledge graph",
         "ru": "kzgraph: путеводитель по источникам о стране в виде графа знаний"}
DESCRIPTION = {
    "en": "Country guides and the information sources they point readers to (news outlets, "
          "NGOs, state bodies, international organisations), with the kinds of sources and the "
          "perspectives each brings or misses, in several languages. Made from Markdown pages "
          "with YAML front matter; each page file's statements are in a named graph of their own.",
    "ru": "Страновые путеводители и источники информации, на которые они указывают читателям "
          "(СМИ, НКО, государственные органы, международные организации), с типами источников и "
          "точками зрения, которые каждый из них отражает или упускает, на нескольких языках. "
          "Получено из страниц Markdown с YAML-заголовками; утверждения каждого файла страницы "
          "лежат в собственном именованном графе.",
}
#: W3C's format IRIs (https://www.w3.org/ns/formats/), by kzgraph format name
FORMAT_IRI = {"turtle": "Turtle", "jsonld": "JSON-LD", "ntriples": "N-Triples",
              "nquads": "N-Quads", "trig": "TriG", "xml": "RDF_XML"}
MEDIA_TYPE_BASE = "https://www.iana.org/assignments/media-types/"
_LOCAL = re.compile(r"[A-Za-z0-9_.-]+")


def _part_name(term: Node) -> str:
    """A readable, collision-free name for a class or property: ``kz-Source`` for a term in a
    namespace kzgraph knows, else a digest of the IRI."""
    iri = str(term)
    for prefix, ns in PREFIXES.items():
        local = iri[len(ns):]
        if iri.startswith(ns) and _LOCAL.fullmatch(local):
            return f"{prefix}-{local}"
    return hashlib.sha256(iri.encode("utf-8")).hexdigest()[:16]


def _namespace(term: Node) -> str:
    iri = str(term)
    for ns in PREFIXES.values():
        if iri.startswith(ns):
            return ns
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[:cut + 1]


_TYPE_NT = term(RDF.type)
_MODIFIED_NT = term(DCTERMS.modified)
_CREATED_NT = term(DCTERMS.created)
_COUNTRY_NT = term(KZ.Country)
_DATE_SUFFIX = f'"^^<{XSD.date}>'


def _count(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


@dataclass
class Statistics:
    """The figures VoID publishes, in a form that adds up: the statistics of parts of the
    data whose subjects do not overlap sum to those of the whole (distinct objects are kept as
    a set of stable hashes, so they union exactly too)."""

    triples: int = 0
    entities: int = 0
    subjects: int = 0
    objects: set[int] = field(default_factory=set)
    #: class IRI -> instances, property IRI -> statements
    classes: dict[str, int] = field(default_factory=dict)
    properties: dict[str, int] = field(default_factory=dict)
    languages: set[str] = field(default_factory=set)
    #: the latest ``dcterms:modified`` date, as written (YYYY-MM-DD)
    modified: str | None = None
    #: the earliest ``dcterms:created`` date, as written (YYYY-MM-DD)
    created: str | None = None
    #: the countries described (IRIs of ``kz:Country`` resources)
    countries: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, triples: Iterable[tuple[Node, Node, Node]], base: str) -> "Statistics":
        """The statistics of a set of statements (each counted once)."""
        return cls.of_encoded(encoded(triples), base)

    @classmethod
    def of_encoded(cls, lines: list[tuple[str, tuple[Node, Node, Node]]],
                   base: str) -> "Statistics":
        """The statistics of statements already encoded (each once, with its N-Triples line):
        counted on the lines' terms, each distinct object hashed once."""
        stats = cls()
        subjects: set[str] = set()
        objects: dict[str, Node] = {}
        properties: Counter = Counter()
        typed: dict[str, set[str]] = {}
        dates: list[Node] = []
        created: list[Node] = []
        for line, (s, p, o) in lines:
            if line[0] == "<":  # no blank node subject: the line splits at its first spaces
                ts, tp, to = line[:-3].split(" ", 2)
            else:
                ts, tp, to = term(s), term(p), term(o)
            subjects.add(ts)
            objects[to] = o
            properties[tp] += 1
            if tp == _TYPE_NT:
                typed.setdefault(to, set()).add(ts)
            elif tp == _MODIFIED_NT and to.endswith(_DATE_SUFFIX):
                dates.append(o)
            elif tp == _CREATED_NT and to.endswith(_DATE_SUFFIX):
                created.append(o)
        stats.triples = len(lines)
        stats.subjects = len(subjects)
        entity = "<" + base
        stats.entities = sum(1 for ts in subjects if ts.startswith(entity))
        blake2b = hashlib.blake2b
        stats.objects = {int.from_bytes(blake2b(to.encode("utf-8"), digest_size=8).digest(),
                                        "big") for to in objects}
        for to, o in objects.items():
            if to[-1] != '"' and to[0] == '"' and to[to.rindex('"') + 1] == "@":
                stats.languages.add(o.language.split("-")[0])  # type: ignore[union-attr]
        stats.properties = {tp[1:-1]: n for tp, n in properties.items()}
        stats.classes = {(to[1:-1] if to[0] == "<" else str(objects[to])): len(members)
                         for to, members in typed.items()}
        if dates:
            stats.modified = max(str(o) for o in dates)
        if created:
            stats.created = min(str(o) for o in created)
        stats.countries = {ts[1:-1] for ts in typed.get(_COUNTRY_NT, ())}
        return stats

    def __getstate__(self) -> tuple:
        """Plain data: the cache pickles one of these per page."""
        return (self.triples, self.entities, self.subjects,
                array("Q", sorted(self.objects)).tobytes(),
                dict(self.classes), dict(self.properties),
                sorted(self.languages), self.modified, self.created, sorted(self.countries))

    def __setstate__(self, state: tuple) -> None:
        (self.triples, self.entities, self.subjects, objects, classes, properties, languages,
         modified, created, countries) = state
        self.objects = set()
        self._pending = [objects]  # merged when asked for, without a set per page
        self.classes = classes
        self.properties = properties
        self.languages = set(languages)
        self.modified = modified
        self.created = created
        self.countries = set(countries)

    def add(self, other: "Statistics") -> None:
        """Add the statistics of a part whose subjects are not in this one."""
        self.triples += other.triples
        self.entities += other.entities
        self.subjects += other.subjects
        self._objects |= other._objects
        self._pending.extend(other._pending)
        for mine, theirs in ((self.classes, other.classes),
                             (self.properties, other.properties)):
            for key, n in theirs.items():
                mine[key] = mine.get(key, 0) + n
        self.languages |= other.languages
        if other.modified is not None and (self.modified is None
                                           or other.modified > self.modified):
            self.modified = other.modified
        if other.created is not None and (self.created is None or other.created < self.created):
            self.created = other.created
        self.countries |= other.countries


def _objects(self: Statistics) -> set[int]:
    """The distinct objects' hashes, those added as bytes (by :meth:`Statistics.add`, from
    unpickled statistics) merged in when first asked for: ``validate`` never asks, and merging
    the 640,000 hashes of 100,000 heavy pages' buckets into one set cost it 0.1 s."""
    objects, pending = self._objects, self._pending
    while pending:
        objects.update(array("Q", pending.pop()))
    return objects


def _set_objects(self: Statistics, objects: set[int]) -> None:
    self._objects, self._pending = objects, []


Statistics.objects = property(_objects, _set_objects)  # type: ignore[assignment]


def statistics(graph: Graph, base: str) -> dict[str, object]:
    """The VoID figures of ``graph``: triples, entities (subjects under ``base``), distinct
    subjects and objects, classes and properties, and the counts per class and per property."""
    return _figures(Statistics.of(graph, base))


def _figures(stats: Statistics) -> dict[str, object]:
    return {
        "triples": stats.triples,
        "entities": stats.entities,
        "distinctSubjects": stats.subjects,
        "distinctObjects": len(stats.objects),
        "classes": {URIRef(k): v for k, v in stats.classes.items()},
        "properties": {URIRef(k): v for k, v in stats.properties.items()},
    }


def latest_date(graph: Graph) -> Literal | None:
    """The latest ``dcterms:modified`` date (a page's ``date``) in ``graph``."""
    dates = [o for o in graph.objects(None, DCTERMS.modified)
             if isinstance(o, Literal) and o.datatype == XSD.date]
    return max(dates, key=str) if dates else None


def describe(graph: Graph, settings: Settings, files: Mapping[str, int],
             checksums: Mapping[str, str] | None = None, quads: int | None = None) -> Graph:
    """The VoID + DCAT description of ``graph`` (the published data).

    :param graph: the data: the union of the page graphs and the reference graph
    :param settings: base IRI, licence, publisher and SPARQL endpoint
    :param files: the dumps ``build`` wrote, file name -> size in bytes; each file named
        ``<stem>.<extension of a format>`` becomes a distribution
    :param checksums: file name -> SHA-256 of its bytes, for the distributions' checksums
    :param quads: how many statements the dataset formats' files hold (they carry the
        provenance and ontology graphs besides the data)
    """
    return describe_statistics(Statistics.of(graph, settings.base), settings, files, checksums,
                               quads)


def describe_statistics(stats: Statistics, settings: Settings, files: Mapping[str, int],
                        checksums: Mapping[str, str] | None = None,
                        quads: int | None = None) -> Graph:
    """:func:`describe` from statistics already gathered (by parts, in a large build).

    The dataset (``{base}dataset``) is what ``kzgraph.ttl``, ``.nt``, ``.jsonld`` and ``.rdf``
    hold: its ``void:triples`` is their number of statements and they are its
    ``void:dataDump``s. The N-Quads and TriG files hold more (the provenance and ontology graphs
    besides, and a statement stated by two pages once in each page's graph): they are the dumps
    of ``{base}dataset/with-provenance``, of which the dataset is a ``void:subset``, with its own
    count. In DCAT every file is a distribution of the dataset, each described as what it is.
    """
    mint = Minter(settings.base)
    ds = mint.dataset()
    out = Graph()
    add = out.add
    add((ds, RDF.type, VOID.Dataset))
    add((ds, RDF.type, DCAT.Dataset))
    for lang in sorted(TITLE):
        add((ds, DCTERMS.title, Literal(TITLE[lang], lang=lang)))
        add((ds, DCTERMS.description, Literal(DESCRIPTION[lang], lang=lang)))
    license = URIRef(settings.license)
    describe_licence(add, license)
    add((ds, DCTERMS.license, license))
    if settings.publisher.startswith(("http://", "https://")):
        publisher = URIRef(settings.publisher)
        add((ds, DCTERMS.publisher, publisher))
    else:
        publisher = mint.publisher()
        add((ds, DCTERMS.publisher, publisher))
        add((publisher, RDF.type, FOAF.Agent))
        add((publisher, FOAF.name, Literal(settings.publisher)))
    describe_publisher(add, publisher)
    add((mint.catalog(), DCTERMS.publisher, publisher))
    modified = Literal(stats.modified, datatype=XSD.date) if stats.modified else None
    issued = Literal(stats.created, datatype=XSD.date) if stats.created else None
    if modified is not None:
        add((ds, DCTERMS.modified, modified))
    languages = [URIRef(LANGUAGE_IRI + code) for code in sorted(stats.languages)]
    for language in languages:
        add((ds, DCTERMS.language, language))
        add((language, RDF.type, DCTERMS.LinguisticSystem))
    describe_catalog(add, ds, settings, TITLE, DESCRIPTION, languages, sorted(stats.countries),
                     stats.created, stats.modified)

    figures = _figures(stats)
    for key in ("triples", "entities", "distinctSubjects", "distinctObjects"):
        add((ds, VOID[key], _count(figures[key])))  # type: ignore[arg-type]
    classes: dict[Node, int] = figures["classes"]  # type: ignore[assignment]
    properties: dict[Node, int] = figures["properties"]  # type: ignore[assignment]
    add((ds, VOID.classes, _count(len(classes))))
    add((ds, VOID.properties, _count(len(properties))))
    add((ds, VOID.uriSpace, Literal(settings.base)))
    for cls, n in classes.items():
        part = mint.dataset_part("class", _part_name(cls))
        add((ds, VOID.classPartition, part))
        add((part, RDF.type, VOID.Dataset))
        add((part, VOID["class"], cls))
        add((part, VOID.entities, _count(n)))
    for prop, n in properties.items():
        part = mint.dataset_part("property", _part_name(prop))
        add((ds, VOID.propertyPartition, part))
        add((part, RDF.type, VOID.Dataset))
        add((part, VOID.property, prop))
        add((part, VOID.triples, _count(n)))
    for ns in sorted({_namespace(t) for t in (*classes, *properties)}):
        add((ds, VOID.vocabulary, URIRef(ns)))
    if settings.sparql_endpoint:
        endpoint = URIRef(settings.sparql_endpoint)
        add((ds, VOID.sparqlEndpoint, endpoint))
        service = mint.dataset_part("service", "sparql")
        dist = mint.dataset_part("distribution", "sparql")
        add((ds, DCAT.distribution, dist))
        add((dist, RDF.type, DCAT.Distribution))
        add((dist, DCAT.accessURL, endpoint))
        add((dist, DCAT.accessService, service))
        add((dist, DCTERMS.license, license))
        add((service, RDF.type, DCAT.DataService))
        add((service, DCAT.endpointURL, endpoint))
        add((service, DCAT.servesDataset, ds))
        add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
        add((service, DCTERMS.title, Literal("SPARQL endpoint", lang="en")))

    by_extension = {f.extension: f for f in FORMATS}
    full = URIRef(f"{ds}/with-provenance")
    for name, size in sorted(files.items()):
        fmt = by_extension.get(name.rsplit(".", 1)[-1])
        if fmt is None:
            continue
        dist = mint.dataset_part("distribution", fmt.extension)
        url = mint.download(name)
        add((ds, DCAT.distribution, dist))
        if fmt.dataset:  # more than the dataset: the dump of the dataset with provenance
            add((full, RDF.type, VOID.Dataset))
            add((full, VOID.subset, ds))
            add((full, VOID.dataDump, url))
        else:
            add((ds, VOID.dataDump, url))
        add((ds, VOID.feature, URIRef(f"http://www.w3.org/ns/formats/{FORMAT_IRI[fmt.name]}")))
        add((dist, RDF.type, DCAT.Distribution))
        add((dist, DCTERMS.title, Literal(name)))
        add((dist, DCAT.downloadURL, url))
        add((dist, DCAT.accessURL, url))
        media_type = URIRef(MEDIA_TYPE_BASE + fmt.media_type)
        add((media_type, RDF.type, DCTERMS.MediaType))
        add((dist, DCAT.mediaType, media_type))
        add((dist, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
        add((dist, DCTERMS.license, license))
        describe_distribution(add, dist, fmt.name, FORMAT_IRI[fmt.name].replace("_", "/"),
                              fmt.dataset, issued, modified)
        if checksums and name in checksums:
            for triple in checksum_triples(dist, checksums[name]):
                add(triple)
    if quads is not None and (full, RDF.type, VOID.Dataset) in out:
        add((full, VOID.triples, _count(quads)))
    return out
