"""Turn loaded pages into RDF. No file is read here.

Each page file's statements go into a named graph of its own (``{base}graph/<kind>/<slug>/<lang>``);
statements about shared reference resources (countries, languages, the concept schemes) go into
``{base}graph/reference``. The union of all graphs is the published default graph.

Every front-matter key either becomes statements or is reported; :class:`Origins` remembers
which file, key and line each statement came from, so validation results can be reported in
the editor's terms.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterable
from urllib.parse import urlsplit

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kzgraph.config import Settings
from kzgraph.content.countries import (did_you_mean_country, did_you_mean_language,
                                      language_name, resolve_country)
from kzgraph.content.layout import SLUG
from kzgraph.content.load import Content, Page
from kzgraph.errors import WARNING, Problem, brief, msg, nearest, suggestion
from kzgraph.content.hugo import HANDLED, IGNORED, not_published, publication
from kzgraph.content.sitepaths import SitePaths, claims, own_folder
from kzgraph.graph.bodies import map_body_links, map_guide
from kzgraph.graph.languages import (TEXT_VALUES, disagreements, join_translations,
                                     map_site_paths)
from kzgraph.graph.iris import Minter
from kzgraph.graph.reference import Triple, reference_triples
from kzgraph.graph.taxonomy import map_terms
from kzgraph.graph.terms import _date, _integer, _literal, text_literal
from kzgraph.vocab import DCTERMS, FOAF, KZ, OWL, RDF, SCHEMA, SKOS, WIKIDATA

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: characters no RDF/XML (XML 1.0) document can carry, and lone surrogates
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
LONG_TEXT = 10_000


@dataclass(frozen=True)
class KeySpec:
    """How one front-matter key maps: the pages it is for, its predicate per kind, its value type."""

    key: str
    kinds: frozenset[str]
    value: str
    predicates: dict[str, URIRef]

    def predicate(self, kind: str) -> URIRef:
        return self.predicates.get(kind) or self.predicates["*"]


ALL = frozenset({"guide", "source", "category", "perspective", "collection"})
KEYS: dict[str, KeySpec] = {spec.key: spec for spec in [
    KeySpec("title", ALL, "text", {"*": DCTERMS.title, "category": SKOS.prefLabel,
                                   "perspective": SKOS.prefLabel}),
    KeySpec("linkTitle", ALL, "text", {"*": KZ.linkTitle}),
    KeySpec("description", ALL, "text", {"*": DCTERMS.description,
                                         "category": SKOS.definition,
                                         "perspective": SKOS.definition}),
    KeySpec("countries", frozenset({"guide", "source"}), "countries", {"*": KZ.country}),
    KeySpec("categories", frozenset({"source"}), "categories", {"*": KZ.category}),
    KeySpec("languages", frozenset({"source"}), "languages", {"*": DCTERMS.language}),
    KeySpec("homepage", frozenset({"source"}), "url", {"*": FOAF.homepage}),
    KeySpec("contributor", ALL, "people", {"*": DCTERMS.contributor}),
    KeySpec("tags", ALL, "texts", {"*": SCHEMA.keywords}),
    KeySpec("created", ALL, "date", {"*": DCTERMS.created}),
    KeySpec("date", ALL, "date", {"*": DCTERMS.modified}),
    KeySpec("weight", ALL, "integer", {"*": KZ.weight}),
    KeySpec("perspectives", frozenset({"category"}), "perspectives", {"*": KZ.offersPerspective}),
    KeySpec("blind_spots", frozenset({"category"}), "perspectives", {"*": KZ.missesPerspective}),
    KeySpec("broader", frozenset({"perspective"}), "perspective", {"*": SKOS.broader}),
    KeySpec("wikidata", ALL, "wikidata", {"*": OWL.sameAs}),
    KeySpec("schema_type", frozenset({"category"}), "schema-type", {"*": KZ.sourceType}),
]}
#: a schema.org class name, as a category's 'schema_type' key gives it
SCHEMA_CLASS = re.compile(r"[A-Z][A-Za-z]+")
#: ``known`` holds, besides each kind's slugs, each category's schema.org types under this
#: prefix (``schema-type:<category slug>`` -> class names), so that a source is typed from its
#: categories without reading them
SCHEMA_TYPE = "schema-type:"


def schema_types(pages: Iterable[Page]) -> dict[str, set[str]]:
    """The 'schema_type' of every category page given, as ``known`` entries."""
    out: dict[str, set[str]] = defaultdict(set)
    for page in pages:
        fld = page.fields.get("schema_type") if page.kind == "category" else None
        if fld is not None and isinstance(fld.value, str) and SCHEMA_CLASS.fullmatch(fld.value):
            out[SCHEMA_TYPE + page.slug].add(fld.value)
    return dict(out)
#: a Wikidata item identifier, as the 'wikidata' key gives it
WIKIDATA_ID = re.compile(r"Q[1-9][0-9]*")
REQUIRED_KEYS = ("title",)
#: the kinds of page, as words of the message catalogues
KIND = {"guide": msg("guide"), "source": msg("source"), "category": msg("category"),
        "perspective": msg("perspective")}
CLASSES = {"guide": KZ.Guide, "source": KZ.Source, "category": KZ.Category,
           "perspective": KZ.Perspective}
#: what a section page (``_index.md``) describes, by the kind of its pages
COLLECTION_CLASSES = {"category": SKOS.ConceptScheme, "perspective": SKOS.ConceptScheme,
                      "source": SCHEMA.CollectionPage, "guide": SCHEMA.CollectionPage,
                      "home": SCHEMA.WebSite}
BODY = SCHEMA.text


def key_for(kind: str, predicate: Node) -> str | None:
    """The front-matter key that a predicate comes from on a page of this kind."""
    for spec in KEYS.values():
        if kind in spec.kinds and spec.predicate(kind) == predicate:
            return spec.key
    return None


@dataclass(frozen=True)
class Origin:
    """Where a statement came from: a file, a key (or None for the body) and a line."""

    path: str
    lang: str
    key: str | None
    line: int | None


class Origins:
    """Where each statement came from, and which pages describe each resource.

    Mapping records one small tuple per statement; the lookups used to locate validation
    results are answered from the records of the one subject asked about, so a build of two
    million statements does not pay for an index it rarely reads.
    """

    def __init__(self) -> None:
        #: every record in the order made (one append a statement: mapping makes millions),
        #: grouped by subject on the first lookup
        self.records: list[tuple[Triple, Page, str | None, int | None]] = []
        self._grouped = 0  # how many records _by_subject holds
        self._by_subject: dict[Node, list[tuple[Triple, Page, str | None, int | None]]] = \
            defaultdict(list)
        self.pages: dict[Node, list[Page]] = defaultdict(list)
        self.kinds: dict[Node, str] = {}
        self._index: dict[Node, dict] = {}

    def add(self, triple: Triple, page: Page, key: str | None, line: int | None) -> None:
        self.records.append((triple, page, key, line))

    @property
    def _records(self) -> dict[Node, list[tuple[Triple, Page, str | None, int | None]]]:
        """The records by subject, brought up to date with those added since."""
        if self._grouped < len(self.records):
            by_subject = self._by_subject
            for record in self.records[self._grouped:]:
                by_subject[record[0][0]].append(record)
                self._index.pop(record[0][0], None)
            self._grouped = len(self.records)
        return self._by_subject

    def _indexed(self, subject: Node) -> dict[tuple[Node, Node], dict[Node, list[Origin]]]:
        """The subject's records by predicate and object, built on first use."""
        records = self._records
        index = self._index.get(subject)
        if index is None:
            index = defaultdict(lambda: defaultdict(list))
            for (_, p, o), page, key, line in records.get(subject, ()):
                index[p][o].append(Origin(page.rel, page.lang, key, line))
            self._index[subject] = index
        return index

    def for_triple(self, triple: Triple) -> list[Origin]:
        by_object = self._indexed(triple[0]).get(triple[1])
        return list(by_object.get(triple[2], ())) if by_object else []

    def objects(self, subject: Node, predicate: Node) -> list[Node]:
        """The values recorded for a subject and predicate, in the order first written."""
        return list(self._indexed(subject).get(predicate, ()))

    def for_subject_predicate(self, subject: Node, predicate: Node) -> list[Origin]:
        by_object = self._indexed(subject).get(predicate)
        return [o for origins in by_object.values() for o in origins] if by_object else []

    @property
    def by_triple(self) -> dict[Triple, list[Origin]]:
        """Every statement with its origins (a full index: for tests and small content)."""
        out: dict[Triple, list[Origin]] = defaultdict(list)
        for records in self._records.values():
            for triple, page, key, line in records:
                out[triple].append(Origin(page.rel, page.lang, key, line))
        return out


@dataclass
class Mapped:
    """The result of mapping: statements by named graph, where each came from, the problems.

    ``quads`` maps each graph IRI to its statements in the order mapping emitted them (with
    repeats); :attr:`dataset` and :attr:`graph` are rdflib views built on first use.
    """

    quads: dict[URIRef, list[Triple]]
    origins: Origins
    problems: list[Problem]
    minter: Minter
    #: what the reference graph was given, as (kind, code) keys: ``country``, ``language``
    #: and ``scheme`` codes and ``person`` names (:func:`reference_triples` makes them again)
    referenced: frozenset[tuple[str, str]] = frozenset()
    #: the first date after the build date on which what is published changes (ISO text)
    until: str | None = None
    #: the pages links were looked up ("kind/slug"), and whether each was there; the site
    #: paths looked up ("@path"), and what the claims said of each (see
    #: :func:`kzgraph.graph.bodies.resolve`)
    lookups: dict[str, bool | str] = field(default_factory=dict)
    #: the paths the pages claim by ``url``, ``slug`` and ``aliases``
    #: (:meth:`kzgraph.content.sitepaths.Claim.row` tuples)
    served: list[tuple] = field(default_factory=list)

    @cached_property
    def dataset(self) -> Dataset:
        """Every named graph as an rdflib Dataset (built once)."""
        ds = Dataset()
        for name in sorted(self.quads):
            target = ds.graph(name)
            target.addN((s, p, o, target) for s, p, o in self.quads[name])
        return ds

    @cached_property
    def graph(self) -> Graph:
        """The union of every named graph, as a plain graph (built once)."""
        union = Graph()
        union.addN((s, p, o, union) for triples in self.quads.values() for s, p, o in triples)
        return union




class _Mapper:
    def __init__(self, content: Content, settings: Settings,
                 known: dict[str, set[str]] | None = None, origins: bool = True,
                 paths: SitePaths | None = None) -> None:
        self.content = content
        self.settings = settings
        self._track = origins
        self.mint = Minter(settings.base)
        self.quads: dict[URIRef, list[Triple]] = defaultdict(list)
        self.origins = Origins()
        self._record = self.origins.records.append
        self.problems: list[Problem] = []
        if known is None:
            known = defaultdict(set)
            for page in content.pages:
                known[page.kind].add(page.slug)
            known.update(schema_types(content.pages))
        self.known = known
        #: the Hugo taxonomies the site declares, besides the keys kzgraph reads itself
        self.taxonomies = frozenset(settings.taxonomies) - set(KEYS)
        #: the pages links were looked up ("kind/slug") and whether each was there: the part
        #: is made again when one appears or goes (see :mod:`kzgraph.engine.cache`)
        self.lookups: dict[str, bool | str] = {}
        #: the paths every page claims (by default, those of the pages given: see :meth:`run`)
        self.paths = paths
        self.served: list[tuple] = []
        self.reference = self.quads[self.mint.reference_graph()]
        self._referenced: set[tuple[str, str]] = set()
        self.build_date = settings.build_date or dt.date.today()
        #: the first date after the build date on which a page's publication changes
        self.until: str | None = None
        #: each resource's values of keys that are not text, by page: they must agree
        self._data: dict[Node, dict[str, list[tuple[Page, int, list[Node]]]]] = \
            defaultdict(lambda: defaultdict(list))

    # -- emitting -----------------------------------------------------------------------------
    def emit(self, graph: list[Triple], triple: Triple, page: Page | None = None,
             key: str | None = None, line: int | None = None) -> None:
        graph.append(triple)
        if page is not None and self._track:
            self._record((triple, page, key, line))

    # -- the pages ----------------------------------------------------------------------------
    def run(self) -> Mapped:
        for kind in ("category", "perspective"):
            if self.known.get(kind) or kind in self.known.get("collection", ()):
                # a scheme with a section page of its own takes its titles from there
                self._reference_node("scheme-own" if kind in self.known.get("collection", ())
                                     else "scheme", kind)
        guides: dict[str, list[Page]] = defaultdict(list)
        join_translations(self.content.pages, self.settings.default_language)
        if self.paths is None:
            published = [page for page in self.content.pages
                         if publication(page, self.build_date, self.settings.drafts).published]
            self.paths = SitePaths(c.row() for page in published
                                   for c in claims(page, self.settings))
            # the whole content at once: two pages claiming one path are said here (the
            # build engine says them once its parts are made)
            if self.paths:  # (a draft's folder path too: they collide once it is published)
                owners = {own_folder(page, self.settings): (page.kind, page.slug, page.rel)
                          for page in self.content.pages}
                self.problems.extend(self.paths.problems(owners.get))
        for page in sorted(self.content.pages, key=lambda p: (p.kind, p.slug, p.lang, p.rel)):
            how = publication(page, self.build_date, self.settings.drafts)
            self.problems.extend(how.problems)
            if how.until is not None and (self.until is None or how.until < self.until):
                self.until = how.until
            if not how.published:
                self.problems.append(not_published(page, how))
                continue
            self._page(page)
            if page.kind == "guide":
                guides[page.slug].append(page)
        # the language versions of a guide together: their sections are one guide's
        for slug, pages in guides.items():
            map_guide(self, pages, self.mint.page("guide", slug))
        disagreements(self, self._data)
        return Mapped(dict(self.quads), self.origins, self.problems, self.mint,
                      frozenset(self._referenced), self.until, self.lookups, self.served)

    def _scheme(self, kind: str) -> None:
        self._reference_node("scheme", kind)

    def _page(self, page: Page) -> None:
        subject = self.mint.page(page.kind, page.slug)
        graph = self.quads[self.mint.page_graph(page)]
        self.origins.pages[subject].append(page)
        self.origins.kinds[subject] = page.kind
        cls = COLLECTION_CLASSES[page.slug] if page.kind == "collection" else CLASSES[page.kind]
        self.emit(graph, (subject, RDF.type, cls), page, None, page.front_line)
        if page.kind in ("category", "perspective"):
            scheme = self.mint.scheme(page.kind)
            self.emit(graph, (subject, RDF.type, SKOS.Concept), page, None, page.front_line)
            self.emit(graph, (subject, SKOS.inScheme, scheme), page, None, page.front_line)
            self.emit(graph, (subject, SKOS.topConceptOf, scheme), page, None, page.front_line)
            # the scheme's side (skos:hasTopConcept) is reference data: no page's own
            self._reference_node("top-concept", f"{page.kind}/{page.slug}")
        for key in REQUIRED_KEYS:
            if key not in page.fields:
                self.problems.append(page.problem(
                    msg("This page has no '{key}'. Add a '{key}:' line to the front matter.",
                        key=key), line=page.front_line, key=key))
        for key, fld in page.fields.items():
            if key in IGNORED or key in HANDLED:
                continue  # Hugo's own: read below, or steering only Hugo (docs/model.md)
            if key not in KEYS and key.lower() in self.taxonomies:
                map_terms(self, page, subject, graph, key, fld)
                continue
            spec = KEYS.get(key)
            if spec is None or page.kind not in spec.kinds:
                keys = [k for k, s in KEYS.items() if page.kind in s.kinds] + \
                    sorted(self.taxonomies)
                self.problems.append(page.problem(
                    msg("kzgraph does not know the key '{key}' on a {kind} page, so its value "
                        "would be lost. Use one of: {allowed}.", key=key, kind=KIND[page.kind],
                        allowed=", ".join(keys))
                    + suggestion(nearest(key, keys)), key=key))
                continue
            values = self._values(page, spec, fld.value, graph)
            if spec.value not in TEXT_VALUES:
                self._data[subject][key].append((page, fld.line, values))
            for obj in values:
                self.emit(graph, (subject, spec.predicate(page.kind), obj), page, key, fld.line)
                if spec.value == "categories":
                    self._typed_by_category(page, subject, obj, graph, fld.line)
                if spec.value == "wikidata":  # said again in schema.org's terms
                    self.emit(graph, (subject, SCHEMA.sameAs, obj), page, key, fld.line)
                if key == "title" and cls == SKOS.ConceptScheme:  # a scheme's name, for SKOS
                    self.emit(graph, (subject, SKOS.prefLabel, obj), page, key, fld.line)
        map_site_paths(self, page, subject, graph)
        if page.kind != "guide" and page.body.strip() and \
                self._writable(page, page.body, None, page.body_line):
            self.emit(graph, (subject, BODY, text_literal(page.body.strip(), page.lang)),
                      page, None, page.body_line)
            map_body_links(self, page, subject, graph)

    # -- values -------------------------------------------------------------------------------
    def _list_of(self, page: Page, key: str, value: Any) -> list | None:
        """The value of a key that takes a list, as a list: none is reported, a single value
        is read as a list of one (a warning), a set of keys is reported (None then)."""
        if value is None or value == "" or value == []:
            self.problems.append(page.problem(
                msg("'{key}' has no value. Fill it in or remove the line.", key=key), key=key))
            return None
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            self.problems.append(page.problem(
                msg("'{key}' should be a list, like {key}: [\"{value}\"]; it was read as a "
                    "list of one.", key=key, value=value), key=key, severity=WARNING))
            return [value]
        if not isinstance(value, list):
            self.problems.append(page.problem(
                msg("'{key}' must be a list of words, like {key}: [\"a\", \"b\"].", key=key),
                key=key))
            return None
        return value

    def _values(self, page: Page, spec: KeySpec, value: Any,
                graph: list[Triple]) -> Iterable[Node]:
        key = spec.key
        many = spec.value in ("countries", "categories", "languages", "people", "texts",
                              "perspectives")
        if many:
            found = self._list_of(page, key, value)
            if found is None:
                return []
            items = found
        else:
            if value is None or value == "" or value == []:
                self.problems.append(page.problem(
                    msg("'{key}' has no value. Fill it in or remove the line.", key=key),
                    key=key))
                return []
            if isinstance(value, (list, dict)):
                text = msg("'{key}' must be a single value, not a list.", key=key) \
                    if isinstance(value, list) else \
                    msg("'{key}' must be a single value, not a set of keys.", key=key)
                self.problems.append(page.problem(text, key=key))
                return []
            items = [value]
        out: list[Node] = []
        for item in items:
            if isinstance(item, (list, dict)) or item is None or isinstance(item, bool):
                self.problems.append(page.problem(
                    msg("Each entry of '{key}' must be a word or a sentence; {item} is not.",
                        key=key, item=brief(item)), key=key))
                continue
            node = self._convert(page, spec, item, graph)
            if node is not None:
                out.append(node)
        return out

    def _convert(self, page: Page, spec: KeySpec, item: Any,
                 graph: list[Triple]) -> Node | None:
        kind, key, text = spec.value, spec.key, str(item)
        if kind in ("text", "texts"):
            if not self._writable(page, text, key):
                return None
            if len(text) > LONG_TEXT:
                self.problems.append(page.problem(
                    msg("'{key}' is {size} characters long; it is published, but it is meant "
                        "to be short: move long text into the page body.", key=key,
                        size=format(len(text), ",")), key=key, severity=WARNING))
            return _literal(text, page.lang)
        if kind == "date":
            if DATE.fullmatch(text):
                try:
                    return _date(text)
                except ValueError:
                    pass
            return Literal(text)  # kept as written; the shapes report it as not a date
        if kind == "integer":
            if isinstance(item, int):
                return _integer(item)
            return Literal(text)  # the shapes report it as not a whole number
        if kind == "url":
            parts = urlsplit(text)
            if parts.scheme in ("http", "https") and parts.netloc and \
                    not re.search(r"[\s<>\"{}|\\^`]", text):
                return URIRef(text)
            return Literal(text)  # the shapes report that a web address is expected
        if kind == "countries":
            code = resolve_country(text, page.lang)
            if code is None:
                self.problems.append(page.problem(
                    msg("'{text}' is not a country kzgraph knows. Use its English or local "
                        "name or its ISO 3166-1 code (for example 'Kazakhstan', 'Казахстан' "
                        "or 'KZ').", text=text)
                    + did_you_mean_country(text, page.lang), key=key))
                return None
            return self._reference_node("country", code)
        if kind == "languages":
            code = text.lower()
            if language_name(code) is None:
                self.problems.append(page.problem(
                    msg("'{text}' is not an ISO 639-1 language code (such as 'kk', 'ru', "
                        "'en').", text=text)
                    + did_you_mean_language(text), key=key))
                return None
            return self._reference_node("language", code)
        if kind in ("categories", "perspectives", "perspective"):
            target = "category" if kind == "categories" else "perspective"
            if not SLUG.fullmatch(text):
                example = sorted(self.known[target])[0] if self.known[target] else "local-ngo"
                self.problems.append(page.problem(
                    msg("'{text}' is not a {kind} slug: use the folder name, such as "
                        "'{example}'.", text=text, kind=KIND[target], example=example),
                    key=key))
                return None
            return self.mint.page(target, text)
        if kind == "schema-type":
            if not SCHEMA_CLASS.fullmatch(text):
                self.problems.append(page.problem(
                    msg("'{text}' is not a schema.org class name: write one such as 'NGO', "
                        "'GovernmentOrganization' or 'NewsMediaOrganization'.", text=text),
                    key=key))
                return None
            return SCHEMA[text]
        if kind == "wikidata":
            if not WIKIDATA_ID.fullmatch(text):
                self.problems.append(page.problem(
                    msg("'{text}' is not a Wikidata item identifier: write the Q-number of the "
                        "item that is this page's subject, such as Q7817, or leave the key out.",
                        text=text), key=key))
                return None
            return WIKIDATA[text]
        if kind == "people":
            person = self.mint.person(text)
            if person == self.mint.person(""):
                self.problems.append(page.problem(
                    msg("'{text}' is not a name.", text=text), key=key))
                return None
            # the person is shared by every page naming them: described in the reference graph
            return self._reference_node("person", text)
        raise AssertionError(f"no conversion for {kind}")

    def _writable(self, page: Page, text: str, key: str | None,
                  line: int | None = None) -> bool:
        bad = UNWRITABLE.search(text)
        if bad is None:
            return True
        code = f"U+{ord(bad.group()):04X}"
        text = msg("The body contains the control character {code}, which RDF formats cannot "
                   "all carry. Remove it.", code=code) if key is None else \
            msg("'{key}' contains the control character {code}, which RDF formats cannot all "
                "carry. Remove it.", key=key, code=code)
        self.problems.append(page.problem(text, key=key, line=line))
        return False

    def _typed_by_category(self, page: Page, source: URIRef, category: Node,
                           graph: list[Triple], line: int | None) -> None:
        """A source has the schema.org types its category's 'schema_type' declares."""
        slug = str(category).rsplit("/", 1)[-1]
        for name in sorted(self.known.get(SCHEMA_TYPE + slug, ())):
            self.emit(graph, (source, RDF.type, SCHEMA[name]), page, "categories", line)

    def _reference_node(self, kind: str, code: str) -> URIRef:
        """A country, language, concept scheme or person, described once in the reference
        graph."""
        triples = reference_triples(self.settings.base, kind, code)
        if (kind, code) not in self._referenced:
            self._referenced.add((kind, code))
            self.reference.extend(triples)
        return triples[0][0]

def map_content(content: Content, settings: Settings,
                known: dict[str, set[str]] | None = None, origins: bool = True,
                paths: SitePaths | None = None) -> Mapped:
    """Map every loaded page to RDF, collecting problems instead of raising.

    ``known`` is the set of slugs of each kind that links may point to (by default, those of
    the pages given); a build that maps pages in parts passes the slugs of the whole folder.
    Without ``origins``, where each statement came from is not recorded (``Mapped.origins``
    then knows each subject's pages, not its statements): for a caller that maps again, with
    them, the rare content whose validation results need locating. ``paths``: the site paths
    every page of the content claims (by default, those of the pages given).
    """
    return _Mapper(content, settings, known, origins, paths).run()
