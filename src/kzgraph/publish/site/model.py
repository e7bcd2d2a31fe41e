"""The published graph indexed for pages: each document (an IRI without its fragment) with the
statements about it, the statements that point at it, its kind and its texts by language.

A *document* is what one page shows and one set of RDF files holds: ``{base}guides/kazakhstan/``
together with its ``#section-N`` and ``#mention-x`` resources. Statements whose subject lies
outside the base (the language IRIs) belong to every document that points at them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kzgraph.vocab import DCTERMS, FOAF, KZ, RDF, RDFS, SCHEMA, SKOS, VOID

Triple = tuple[Node, Node, Node]

#: rdf:type -> page kind, most specific first
KINDS: tuple[tuple[URIRef, str], ...] = (
    (KZ.Guide, "guide"), (KZ.Source, "source"), (KZ.Category, "category"),
    (KZ.Perspective, "perspective"), (KZ.Country, "country"), (SCHEMA.Person, "person"),
    (FOAF.Person, "person"), (SKOS.ConceptScheme, "scheme"), (VOID.Dataset, "dataset"),
)
LABELS = (SKOS.prefLabel, DCTERMS.title, FOAF.name, RDFS.label)
DESCRIPTIONS = (DCTERMS.description, SKOS.definition)


def document_of(iri: str) -> str:
    """The page a resource is shown on: its IRI without the fragment."""
    return iri.split("#", 1)[0]


def page_dir(doc: str, base: str) -> str:
    """The folder (relative to the site root, '' for the root) of a document's files:
    ``{base}sources/sources/feminita/`` -> ``sources/sources/feminita``."""
    if not doc.startswith(base):
        raise ValueError(f"{doc} is not under the base {base}")
    return doc[len(base):].strip("/")


def page_file(doc: str, base: str, lang: str | None, default_language: str) -> str:
    """The HTML file of a document in a language: ``P/index.html`` or ``P/index.ru.html``."""
    name = "index.html" if lang in (None, default_language) else f"index.{lang}.html"
    folder = page_dir(doc, base)
    return f"{folder}/{name}" if folder else name


def relative(from_file: str, to_file: str) -> str:
    """A link from one site file to another, relative so the site works under any path."""
    start = _parts(from_file)[:-1]
    target = _parts(to_file)
    common = 0
    for a, b in zip(start, target):
        if a != b:
            break
        common += 1
    link = "/".join([".."] * (len(start) - common) + target[common:]) or "."
    if link.endswith("index.html"):
        link = link[: -len("index.html")] or "./"
    return link


def _parts(path: str) -> list[str]:
    """A site path's names (``a//b/./c`` -> ``[a, b, c]``), as ``PurePosixPath.parts`` reads
    them: made by hand, as a page links tens of others (pathlib took 2.4 of the 17 s of CPU
    of a 1,000-page site build)."""
    return [name for name in path.split("/") if name not in ("", ".")]


@dataclass
class Text:
    """A text in the language asked for, or in another one (``fallback`` then True)."""

    value: str
    lang: str | None
    fallback: bool


class SiteData:
    """The published graph, indexed by document.

    :param graph: the published statements (the union of the page and reference graphs)
    :param base: the base IRI
    :param default_language: the language of ``index.html`` pages
    :param languages: the site's languages, default first
    """

    def __init__(self, graph: Graph | Iterable[Triple], base: str, default_language: str,
                 languages: Iterable[str]) -> None:
        self.base = base
        self.default_language = default_language
        langs = sorted(set(languages) | {default_language})
        self.languages = [default_language] + [x for x in langs if x != default_language]
        self.out: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
        self.incoming: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        self.triples: list[Triple] = []
        nodes = (URIRef, BNode)
        append = self.triples.append
        out, incoming = self.out, self.incoming
        for s, p, o in graph:
            append((s, p, o))
            out[s][p].append(o)
            if type(o) in nodes or isinstance(o, nodes):
                incoming[o].append((s, p))
        # (most lists hold one value: sorting only the others saved a rebuild at 10,000
        # heavy pages half a second)
        for preds in out.values():
            for values in preds.values():
                if len(values) > 1:
                    values.sort(key=_order)
        for pairs in incoming.values():
            if len(pairs) > 1:
                pairs.sort(key=lambda sp: (str(sp[0]), str(sp[1])))
        self.documents: dict[str, list[Node]] = defaultdict(list)
        for s in out:
            if isinstance(s, URIRef) and s.startswith(base):
                self.documents[document_of(str(s))].append(s)
        for members in self.documents.values():
            members.sort(key=lambda n: (len(str(n).split("#", 1)) > 1, str(n)))
        self._languages: dict[str, list[str]] = {}
        self._page_languages: dict[str, list[str]] = {}
        self._kinds: dict[Node, str] = {}
        self._orphans: list[Triple] | None = None

    # -- looking things up ------------------------------------------------------------------

    def values(self, node: Node, pred: Node) -> list[Node]:
        return self.out.get(node, {}).get(pred, [])

    def kind(self, node: Node) -> str:
        found = self._kinds.get(node)
        if found is None:
            types = set(self.values(node, RDF.type))
            found = next((name for cls, name in KINDS if cls in types), "resource")
            self._kinds[node] = found
        return found

    def main_resource(self, doc: str) -> URIRef:
        return URIRef(doc)

    def text(self, node: Node, preds: Iterable[Node], lang: str) -> Text | None:
        """The first of ``preds`` that has a value, in ``lang`` if it can, else in the default
        language, else any (said by ``fallback``)."""
        found: list[Literal] = []
        for pred in preds:
            found = [v for v in self.values(node, pred) if isinstance(v, Literal)]
            if found:
                break
        if not found:
            return None
        for wanted in (lang, self.default_language):
            for value in found:
                if value.language == wanted:
                    return Text(str(value), wanted, wanted != lang)
        plain = [v for v in found if v.language is None]
        if plain:
            return Text(str(plain[0]), None, False)
        first = found[0]
        return Text(str(first), first.language, True)

    def label(self, node: Node, lang: str) -> Text:
        found = self.text(node, LABELS, lang)
        if found is not None:
            return found
        iri = str(node)
        doc, _, fragment = iri.partition("#")
        if fragment and doc != iri:  # a part of a page: the page's label and the part's name
            page = self.label(URIRef(doc), lang)
            return Text(f"{page.value} › {fragment}", page.lang, page.fallback)
        tail = iri.rstrip("/").rsplit("/", 1)[-1]
        return Text(tail or iri, None, False)

    def description(self, node: Node, lang: str) -> Text | None:
        return self.text(node, DESCRIPTIONS, lang)

    def languages_of(self, doc: str) -> list[str]:
        """The site languages a document has text in (always the default language)."""
        known = self._languages.get(doc)
        if known is not None:
            return known
        found = {self.default_language}
        for member in self.documents.get(doc, []):
            for values in self.out[member].values():
                for v in values:
                    if isinstance(v, Literal) and v.language in self.languages:
                        found.add(v.language)
        known = self._languages[doc] = [x for x in self.languages if x in found]
        return known

    def page_languages(self, doc: str) -> list[str]:
        """The site languages a document has a page in: those it has text in
        (:meth:`languages_of`), or every one for a page that lists what points at its
        resource and whose own text is a name: a taxonomy (a concept scheme), a taxonomy's term
        and a person. Their pages are the site's own listings, as the index pages are: a
        reader who followed a term from a Russian page reads its pages' Russian titles with
        the Russian interface, and can switch language on it."""
        found = self._page_languages.get(doc)
        if found is None:
            node = URIRef(doc)
            kind = self.kind(node)
            listing = kind in ("scheme", "person") or (kind == "resource" and bool(
                self.values(node, SKOS.inScheme)))
            found = self._page_languages[doc] = (self.languages if listing
                                                 else self.languages_of(doc))
        return found

    def of_kind(self, kind: str) -> list[URIRef]:
        return sorted((URIRef(d) for d in self.documents if self.kind(URIRef(d)) == kind),
                      key=lambda n: (self._weight(n), str(n)))

    def _weight(self, node: Node) -> int:
        for v in self.values(node, KZ.weight):
            try:
                return int(v)
            except (TypeError, ValueError):
                pass
        return 1 << 30

    def pointing_at(self, node: Node, pred: Node) -> list[Node]:
        return sorted({s for s, p in self.incoming.get(node, []) if p == pred}, key=str)

    # -- a document's statements --------------------------------------------------------------

    def document_triples(self, doc: str) -> list[Triple]:
        """What a document's RDF files hold: the statements about its resources, the statements
        that point at them, and the statements about things outside the base they point at."""
        members = self.documents.get(doc, [])
        member_set = set(members)
        out: set[Triple] = set()
        seen_external: set[Node] = set()
        pending: list[Node] = []
        for s in members:
            for p, values in self.out[s].items():
                for o in values:
                    out.add((s, p, o))
                    if self._external(o):
                        pending.append(o)
            for subj, p in self.incoming.get(s, []):
                out.add((subj, p, s))
        while pending:
            node = pending.pop()
            if node in seen_external or node in member_set:
                continue
            seen_external.add(node)
            for p, values in self.out.get(node, {}).items():
                for o in values:
                    out.add((node, p, o))
                    if self._external(o):
                        pending.append(o)
        return sorted(out, key=lambda t: (_order(t[0]), _order(t[1]), _order(t[2])))

    def _external(self, node: Node) -> bool:
        return (isinstance(node, BNode) or (isinstance(node, URIRef)
                and not str(node).startswith(self.base))) and node in self.out

    def orphans(self) -> list[Triple]:
        """Statements about things outside the base that no document points at. (Found from
        the few subjects outside the base and what points at them: a pass over every
        statement took 1.4 s of a rebuild at 10,000 heavy pages.)"""
        if self._orphans is not None:
            return self._orphans
        base = self.base
        found: list[Triple] = []
        for s, preds in self.out.items():
            if not self._external(s) or any(isinstance(x, URIRef) and x.startswith(base)
                                            for x, _ in self.incoming.get(s, ())):
                continue
            found += [(s, p, o) for p, values in preds.items() for o in values]
        self._orphans = sorted(found, key=lambda t: tuple(map(_order, t)))
        return self._orphans


def _order(node: Node) -> tuple[str, str, str]:
    if isinstance(node, Literal):
        return ("2", str(node), f"{node.language or ''}|{node.datatype or ''}")
    return ("1" if isinstance(node, URIRef) else "0", str(node), "")
