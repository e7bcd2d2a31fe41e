"""Run the SHACL shapes and report every result in the editor's terms.

Two engines give the same results: kzgraph's own (:mod:`kzgraph.check.shacl`, fast, the default) and
pyshacl (the reference, ``--engine pyshacl``). Either way each result is located: the file, the
front-matter key or body line, the language, and the shape's message.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kzgraph.content.layout import FOLDERS
from kzgraph.errors import ERROR, WARNING, Message, Problem, brief, msg, nearest, suggestion
from kzgraph.graph.mapping import KIND, Mapped, Origin, key_for
from kzgraph.resources import ontology_file, shapes_file
from kzgraph.check.shacl import CompiledShapes, Index, Result, results_from_report, superclass_closure
from kzgraph.vocab import KZ, SH, SKOS

_SEVERITY = {SH.Violation: ERROR, SH.Warning: WARNING, SH.Info: WARNING}
#: the component of the shapes that want a title in every language the content is published in
_COVERAGE = SH.QualifiedMinCountConstraintComponent


class ShaclDetail:
    """What a SHACL validation report says of a result besides its location: a
    :class:`~kzgraph.errors.Problem`'s ``detail``, written out by
    :func:`kzgraph.check.report.as_turtle`.

    It is pickled as plain strings and its RDF terms are made again only when asked for: a
    rebuild reads every kept problem from the cache (31,000 warnings at 100,000 pages), and
    making three language-tagged literals for each cost more than a second; only a report in
    RDF looks at them."""

    __slots__ = ("_plain", "_terms")

    def __init__(self, component: URIRef, shape: Node, path: Node | None,
                 value: Node | None, severity: URIRef, messages: tuple[Literal, ...]) -> None:
        self._terms: tuple | None = (component, shape, path, value, severity, tuple(messages))
        self._plain: tuple | None = None

    def _all(self) -> tuple:
        if self._terms is None:
            *nodes, messages = self._plain  # type: ignore[misc]
            self._terms = (*(_node(n) for n in nodes), tuple(_node(m) for m in messages))
        return self._terms

    component = property(lambda self: self._all()[0])
    shape = property(lambda self: self._all()[1])
    #: the result's path and value, or None
    path = property(lambda self: self._all()[2])
    value = property(lambda self: self._all()[3])
    severity = property(lambda self: self._all()[4])
    #: the shape's messages, one per language, with the value found added
    messages = property(lambda self: self._all()[5])

    def __reduce__(self) -> tuple:
        if self._plain is None:
            *nodes, messages = self._all()
            self._plain = (*(_plain(n) for n in nodes), tuple(_plain(m) for m in messages))
        return (_detail_from_plain, (self._plain,))

    def plain(self) -> tuple:
        """The detail as strings and tuples of strings (what it is pickled as)."""
        return self.__reduce__()[1][0]

    @staticmethod
    def from_plain(plain: tuple) -> "ShaclDetail":
        """The detail whose :meth:`plain` form is ``plain``."""
        return _detail_from_plain(plain)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ShaclDetail) and self._all() == other._all()

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return "ShaclDetail({})".format(", ".join(map(repr, self._all())))


def _plain(node: Node | None) -> tuple | None:
    """A term as strings (what pickling an rdflib term keeps, without making it again)."""
    if node is None:
        return None
    if isinstance(node, Literal):
        return ("l", str(node), node.language,
                None if node.datatype is None else str(node.datatype))
    if isinstance(node, (BNode, URIRef)):
        return ("b" if isinstance(node, BNode) else "u", str(node))
    return ("raw", node)  # any other node is kept as it is


def _node(plain: tuple | None) -> Node | None:
    if plain is None:
        return None
    if plain[0] == "l":
        return Literal(plain[1], lang=plain[2],
                       datatype=None if plain[3] is None else URIRef(plain[3]))
    return {"b": BNode, "u": URIRef, "raw": lambda node: node}[plain[0]](plain[1])


def _detail_from_plain(plain: tuple) -> ShaclDetail:
    detail = ShaclDetail.__new__(ShaclDetail)
    detail._terms, detail._plain = None, plain
    return detail


def load_shapes() -> Graph:
    return Graph().parse(shapes_file(), format="turtle")


def load_ontology() -> Graph:
    return Graph().parse(ontology_file(), format="turtle")


def run_shacl(data: Graph, shapes: Graph | None = None,
              ontology: Graph | None = None) -> tuple[bool, Graph]:
    """pyshacl over ``data`` with our shapes and ontology, no inference. Returns the report."""
    import pyshacl  # heavy: imported only when validation runs

    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes if shapes is not None else load_shapes(),
        ont_graph=ontology if ontology is not None else load_ontology(),
        inference="none", allow_warnings=True, advanced=False)
    return bool(conforms), report


def _show(value: Node | None, base: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, URIRef) and str(value).startswith(base):
        return str(value).rstrip("/").rsplit("/", 1)[-1]
    return str(value)


def _message(messages: tuple[Literal, ...] | list[Literal], lang: str) -> str:
    for wanted in (lang, "en", None):
        for m in messages:
            if isinstance(m, Literal) and m.language == wanted:
                return str(m)
    return str(messages[0]) if messages else "This value breaks a rule of the shapes."


def _origins(mapped: Mapped, focus: Node, path: Node, value: Node | None) -> list[Origin]:
    """Where a result's statement came from, as precisely as the result allows."""
    origins = mapped.origins
    if value is not None:
        exact = origins.for_triple((focus, path, value))
        if exact:
            return exact
    found = origins.for_subject_predicate(focus, path)
    if found:
        if isinstance(value, Literal) and value.language:
            same_lang = [o for o in found if o.lang == value.language]
            return same_lang or found
        return found
    # nothing was written: point at the front matter of every page describing the resource
    owner = focus
    if isinstance(focus, URIRef) and "#" in focus and focus not in origins.pages:
        owner = URIRef(str(focus).split("#", 1)[0])
    pages = origins.pages.get(owner, [])
    kind = origins.kinds.get(owner)
    key = key_for(kind, path) if kind and owner == focus else None
    return [Origin(p.rel, p.lang, key, p.front_line if key else p.body_line) for p in pages]


def locate(mapped: Mapped, results: Iterable[Result], lang: str = "en",
           known: dict[str, set[str]] | None = None) -> list[Problem]:
    """Turn validation results into problems naming the file, key, line and language.

    A result about a missing value (no ``sh:value``) is left out where mapping already
    reported that key of that file: the editor hears about a missing title once (and a page
    without a title in a language, when mapping reported its file without a title, once too).
    """
    already = {(p.path, p.key) for p in mapped.problems}
    results = sorted(results, key=Result.key)
    found = []
    for r in results:
        origins = origins_of(mapped, r)
        found.append(located(r, origins, mapped.minter.base, lang,
                             slug_message(r, mapped, known, lang, {o.path for o in origins})))
    # a value wrong in itself is reported on its file: a count of values (a result with no
    # value) that it also breaks is not reported again, on that file or the others
    already |= {(p.path, p.key) for r, ps in zip(results, found) if r.value is not None
                for p in ps}
    problems: list[Problem] = []
    for r, ps in zip(results, found):
        if r.value is None and any((p.path, p.key) in already for p in ps):
            continue  # a file of the resource already says the key has no value
        if r.component == _COVERAGE and any(
                (page.rel, key) in already for page in mapped.origins.pages.get(r.focus, ())
                for key in {p.key for p in ps}):
            continue  # a version lacks the key, and mapping said so: not again on the others
        problems.extend(ps)
    return problems


def origins_of(mapped: Mapped, result: Result) -> list[Origin]:
    """Where the statement a result is about came from."""
    return _origins(mapped, result.focus, result.path, result.value)


def located(r: Result, origins: list[Origin], base: str, lang: str = "en",
            message: str | None = None) -> list[Problem]:
    """One result as problems, one per origin (or one naming the node, if it has none);
    ``message``, where given, says more than the shape's own."""
    severity = _SEVERITY.get(r.severity, ERROR)
    shown = _show(r.value, base)

    def found(code: str) -> str:
        return "" if shown is None else \
            msg(" (found: {value})", value=brief(shown)).render(code)
    detail = ShaclDetail(r.component, r.shape, r.path, r.value, r.severity, tuple(
        Literal(f"{m}{found(m.language or 'en')}", lang=m.language) for m in r.messages
        if isinstance(m, Literal)))
    message = message if message is not None else _message(r.messages, lang) + found(lang)
    if not origins:
        return [Problem(str(r.focus), None, None, message, severity=severity,
                        stage="shacl", focus=str(r.focus), detail=detail)]
    return [Problem(o.path, o.line, o.key, message, lang=o.lang, severity=severity,
                    stage="shacl", focus=str(r.focus), detail=detail) for o in origins]


def locate_report(mapped: Mapped, report: Graph, lang: str = "en") -> list[Problem]:
    """:func:`locate` for a pyshacl report graph."""
    return locate(mapped, results_from_report(report), lang)


@lru_cache(maxsize=1)
def compiled_shapes() -> tuple[CompiledShapes, dict]:
    """Our shapes compiled once per process, with the ontology's class hierarchy."""
    return CompiledShapes(load_shapes()), superclass_closure([load_ontology()])


def run_engine(graph: Graph) -> list[Result]:
    """kzgraph's SHACL engine over a whole graph (the same results as :func:`run_shacl`)."""
    shapes, hierarchy = compiled_shapes()
    return shapes.validate(Index(graph, hierarchy))


# -- slugs: which of three cases, and the nearest names ----------------------------------------

#: the keys whose values are slugs of pages: the property, and the kind of page it points to
SLUG_PATHS = {KZ.category: "category", KZ.offersPerspective: "perspective",
              KZ.missesPerspective: "perspective", SKOS.broader: "perspective"}


def _missing(page: str, key: str, target: str, folder: str) -> Message:
    """A page with no value for a slug key, in the catalogues' words."""
    if target == "category":
        return msg("This {page} has no '{key}'. Add '{key}:' with at least one category slug "
                   "(the name of a folder under content/{folder}/).", page=KIND[page], key=key,
                   folder=folder)
    return msg("This {page} has no '{key}'. Add '{key}:' with at least one perspective slug "
               "(the name of a folder under content/{folder}/).", page=KIND[page], key=key,
               folder=folder)


def _unknown(target: str, slug: str, key: str, folder: str, others: list[str]) -> Message:
    """An unknown slug, beside known ones (``others``) or alone, in the catalogues' words."""
    known = ", ".join(f"'{o}'" for o in others)
    if target == "category":
        if others:
            return msg("'{slug}' is not a known category (there is no content/{folder}/{slug}/ "
                       "folder); it stands beside the known {others}.", slug=slug,
                       folder=folder, others=known)
        return msg("'{slug}' is not a known category (there is no content/{folder}/{slug}/ "
                   "folder), and none of the values of '{key}' is a known category.",
                   slug=slug, folder=folder, key=key)
    if others:
        return msg("'{slug}' is not a known perspective (there is no content/{folder}/{slug}/ "
                   "folder); it stands beside the known {others}.", slug=slug, folder=folder,
                   others=known)
    return msg("'{slug}' is not a known perspective (there is no content/{folder}/{slug}/ "
               "folder), and none of the values of '{key}' is a known perspective.",
               slug=slug, folder=folder, key=key)


def _slug_of(value: Node, target: str, base: str) -> str | None:
    """The slug a page IRI of kind ``target`` was minted from, or None."""
    prefix = f"{base}{target}/"
    text = str(value)
    if isinstance(value, URIRef) and text.startswith(prefix) and "/" not in text[len(prefix):]:
        return text[len(prefix):]
    return None


def slug_message(r: Result, mapped: Mapped, known: dict[str, set[str]] | None,
                 lang: str, files: set[str] = frozenset()) -> str | None:
    """For a result about a key whose values are slugs (``categories``, ``perspectives``,
    ``blind_spots``, ``broader``), a message saying which case it is -- missing, an unknown
    slug beside known ones (in the same ``files``), or only unknown slugs -- with the nearest
    known slugs; None for any other result, or when the known slugs are not at hand."""
    target = SLUG_PATHS.get(r.path) if known is not None else None
    if target is None:
        return None
    names = sorted(known.get(target, ()))
    kind = mapped.origins.kinds.get(r.focus)
    key = key_for(kind, r.path) if kind else None
    if key is None:
        return None
    folder = FOLDERS[target]
    if r.value is None:
        if r.component != SH.MinCountConstraintComponent:
            return None
        return _missing(kind, key, target, folder).render(lang)
    slug = _slug_of(r.value, target, mapped.minter.base)
    if slug is None or slug in names:
        return None
    values = {_slug_of(v, target, mapped.minter.base)
              for v in mapped.origins.objects(r.focus, r.path)
              if any(o.path in files for o in mapped.origins.for_triple((r.focus, r.path, v)))}
    others = sorted(v for v in values if v is not None and v in names)
    text = _unknown(target, slug, key, folder, others) + suggestion(nearest(slug, names))
    return text.render(lang)
