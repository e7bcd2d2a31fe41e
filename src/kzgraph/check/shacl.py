"""A small SHACL Core engine for the constraints our shapes use, built to give exactly the
results pyshacl gives, in a fraction of the time and on any subset of focus nodes.

pyshacl validates two million triples in about 40 s and re-reads the whole graph for every
call; this engine compiles the shapes once into plain Python checks over an index
(subject -> predicate -> objects) and can validate just the resources a build changed.
Its semantics follow pyshacl's implementation constraint by constraint (targets through
``rdfs:subClassOf*``, pyshacl's datatype test on the literal's Python value, one
``sh:uniqueLang`` result per duplicated language without a value, ...); a test compares the two
engines result for result on real and generated content. Shapes that use anything else are
refused with :class:`~kzgraph.errors.ConfigError`, so the engines can never silently differ.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Iterable, Iterator, Mapping

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kzgraph.errors import ConfigError
from kzgraph.vocab import RDF, RDFS, SH, XSD

Check = Callable[[Node], bool]
_TYPE = RDF.type
_NONE: list[Node] = []


@dataclass(frozen=True)
class Result:
    """One validation result, as pyshacl would report it."""

    focus: Node
    path: Node | None
    value: Node | None
    component: URIRef
    shape: Node
    severity: URIRef
    messages: tuple[Literal, ...] = ()

    def key(self) -> tuple[str, str, str, str]:
        """What two engines must agree on (shapes may be blank nodes, so not the shape)."""
        return (self.focus.n3(), self.path.n3() if self.path is not None else "",
                self.value.n3() if self.value is not None else "", str(self.component))


def _n3(node: Node) -> str:
    """``node.n3()``, for an IRI without rdflib's check of it (focus nodes are sorted by it)."""
    return f"<{node}>" if type(node) is URIRef else node.n3()


class Index:
    """Triples by subject and predicate, with the class hierarchy of the ontology."""

    def __init__(self, triples: Iterable[tuple[Node, Node, Node]] = (),
                 subclasses: Mapping[Node, set[Node]] | None = None) -> None:
        self.spo: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
        self._superclasses = dict(subclasses or {})
        self._by_type: dict[Node, set[Node]] | None = None
        self.add(triples)

    def add(self, triples: Iterable[tuple[Node, Node, Node]], unique: bool = False) -> None:
        """Index statements (``unique``: they are known to be distinct, none of them is
        indexed yet, and the check for repeats, costly with rdflib's terms, is skipped)."""
        spo = self.spo
        if unique:
            for s, p, o in triples:
                spo[s][p].append(o)
        else:
            for s, p, o in triples:
                values = spo[s][p]
                if o not in values:
                    values.append(o)
        self._by_type = None

    def objects(self, subject: Node, predicate: Node) -> list[Node]:
        node = self.spo.get(subject)
        return node.get(predicate, _NONE) if node is not None else _NONE

    def classes_of(self, node: Node) -> set[Node]:
        """The node's types and all their superclasses."""
        out: set[Node] = set()
        for t in self.objects(node, _TYPE):
            out.add(t)
            out |= self._superclasses.get(t, set())
        return out

    def instances(self, cls: Node) -> set[Node]:
        if self._by_type is None:
            by_type: dict[Node, set[Node]] = defaultdict(set)
            for s, po in self.spo.items():
                for t in po.get(_TYPE, ()):
                    by_type[t].add(s)
                    for sup in self._superclasses.get(t, ()):
                        by_type[sup].add(s)
            self._by_type = by_type
        return self._by_type.get(cls, set())


def superclass_closure(graphs: Iterable[Graph]) -> dict[Node, set[Node]]:
    """class -> every class it is a subclass of (transitively), from rdfs:subClassOf."""
    direct: dict[Node, set[Node]] = defaultdict(set)
    for g in graphs:
        for s, o in g.subject_objects(RDFS.subClassOf):
            direct[s].add(o)
    closure: dict[Node, set[Node]] = {}
    for cls in list(direct):
        seen: set[Node] = set()
        stack = list(direct[cls])
        while stack:
            c = stack.pop()
            if c not in seen:
                seen.add(c)
                stack.extend(direct.get(c, ()))
        closure[cls] = seen
    return closure


# -- constraints ----------------------------------------------------------------------------

_PYTHON_TYPES: dict[str, type | tuple[type, ...]] = {
    str(XSD.string): (str, bytes), str(RDF.langString): (str, bytes), str(XSD.integer): int,
    str(XSD.float): float, str(XSD.decimal): Decimal, str(XSD.boolean): bool,
    str(XSD.date): dt.date, str(XSD.time): dt.time, str(XSD.dateTime): dt.datetime}
_STRING, _LANG_STRING = str(XSD.string), str(RDF.langString)
_LITERAL, _DATATYPE = str(RDFS.Literal), str(RDFS.Datatype)
_same = str.__eq__  # URIRef is a str: compare as plain strings, in C


def _datatype_check(datatype: URIRef) -> Check:
    """pyshacl's DatatypeConstraintComponent test for one datatype, as a closure."""
    rule = str(datatype)
    wanted = _PYTHON_TYPES.get(rule)

    def python_ok(v: Literal) -> bool:
        return True if wanted is None else isinstance(v.value, wanted)

    def ok(v: Node) -> bool:
        if not isinstance(v, Literal):
            return False
        vd = v.datatype
        if vd is not None and _same(vd, rule):
            return getattr(v, "ill_typed", None) is not True and python_ok(v)
        if rule == _LITERAL:
            return True
        if rule == _DATATYPE and vd:
            return True
        if vd is None and v.language is None and rule == _STRING:
            return python_ok(v)
        if rule == _LANG_STRING and v.language:
            return python_ok(v)
        return False
    return ok


_NODE_KINDS: dict[Node, Callable[[Node], bool]] = {
    SH.IRI: lambda v: isinstance(v, URIRef),
    SH.BlankNode: lambda v: isinstance(v, BNode),
    SH.Literal: lambda v: isinstance(v, Literal),
    SH.BlankNodeOrIRI: lambda v: isinstance(v, (BNode, URIRef)),
    SH.BlankNodeOrLiteral: lambda v: isinstance(v, (BNode, Literal)),
    SH.IRIOrLiteral: lambda v: isinstance(v, (URIRef, Literal)),
}


def _pattern_check(pattern: str, flags: str) -> Check:
    compiled = re.compile(pattern, sum({"i": re.I, "m": re.M, "s": re.S, "x": re.X}[f]
                                       for f in flags))
    return lambda v: not isinstance(v, BNode) and compiled.search(str(v)) is not None


@dataclass
class _PropertyShape:
    shape: Node
    path: URIRef | None                  # None: the node shape itself (value = focus)
    severity: URIRef
    messages: tuple[Literal, ...]
    name: str = ""
    min_count: int | None = None
    max_count: int | None = None
    unique_lang: bool = False
    value_checks: list[tuple[URIRef, Check]] = field(default_factory=list)
    classes: list[URIRef] = field(default_factory=list)
    #: sh:qualifiedValueShape (its value checks, all of which a value must pass) with
    #: sh:qualifiedMinCount
    qualified: tuple[list[Check], int] | None = None


@dataclass
class _NodeShape:
    shape: Node
    targets: list[URIRef]
    own: _PropertyShape
    properties: list[_PropertyShape]


_KNOWN = {SH.path, SH.minCount, SH.maxCount, SH.uniqueLang, SH.datatype, SH.nodeKind, SH["class"],
          SH.pattern, SH.flags, SH.message, SH.severity, SH.name, SH.description, SH.order,
          SH.group, RDF.type, SH.property, SH.targetClass, RDFS.label, RDFS.comment,
          SH.languageIn, SH.qualifiedValueShape, SH.qualifiedMinCount, SH["in"]}
#: what a qualified value shape may say (checks of the value node alone)
_VALUE_ONLY = {SH.languageIn, SH.datatype, SH.nodeKind, SH.pattern, SH.flags}


def _language_in_check(tags: list[str]) -> Check:
    """sh:languageIn: a literal whose language tag matches one of ``tags`` (SPARQL's
    langMatches basic filtering: ``en`` matches ``en`` and ``en-GB``)."""
    wanted = [tag.lower() for tag in tags]

    def ok(v: Node) -> bool:
        lang = v.language.lower() if isinstance(v, Literal) and v.language else ""
        return bool(lang) and any(lang == w or lang.startswith(w + "-") for w in wanted)
    return ok


class CompiledShapes:
    """Shapes compiled to checks. Build it once per shapes graph; validate any index."""

    def __init__(self, shapes: Graph) -> None:
        self.node_shapes: list[_NodeShape] = []
        #: every property shape (and node shape) by a name stable across processes: its IRI,
        #: or for an anonymous one its node shape's IRI and its path
        self.by_name: dict[str, _PropertyShape] = {}
        for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=lambda n: n.n3()):
            self._refuse_unknown(shapes, shape)
            targets = sorted(shapes.objects(shape, SH.targetClass), key=lambda n: n.n3())
            own = self._compile(shapes, shape, None, str(shape))
            properties = [self._compile(shapes, p, path, str(p) if isinstance(p, URIRef)
                                        else f"{shape}|{path}")
                          for p in sorted(shapes.objects(shape, SH.property),
                                          key=lambda n: n.n3())
                          for path in [self._path(shapes, p)]]
            self.node_shapes.append(_NodeShape(shape, targets, own, properties))
        for shape in set(shapes.subjects(SH.targetNode, None)) | set(
                shapes.subjects(SH.targetSubjectsOf, None)) | set(
                shapes.subjects(SH.targetObjectsOf, None)):
            raise ConfigError(f"kzgraph's SHACL engine supports sh:targetClass only ({shape}).")

    @staticmethod
    def _path(shapes: Graph, shape: Node) -> URIRef:
        path = shapes.value(shape, SH.path)
        if not isinstance(path, URIRef):
            raise ConfigError(f"kzgraph's SHACL engine supports predicate paths only ({shape}).")
        return path

    @staticmethod
    def _refuse_unknown(shapes: Graph, shape: Node) -> None:
        unknown = {p for p in shapes.predicates(shape, None) if p not in _KNOWN}
        if unknown:
            raise ConfigError(f"kzgraph's SHACL engine does not support {sorted(unknown)} "
                              f"(on {shape}); extend kzgraph.check.shacl to support it.")

    def _compile(self, shapes: Graph, shape: Node, path: URIRef | None,
                 name: str) -> _PropertyShape:
        self._refuse_unknown(shapes, shape)
        value = shapes.value
        compiled = _PropertyShape(
            shape, path, value(shape, SH.severity) or SH.Violation,
            tuple(sorted(shapes.objects(shape, SH.message), key=lambda m: m.n3())), name)
        self.by_name[name] = compiled
        if (n := value(shape, SH.minCount)) is not None:
            compiled.min_count = int(n)
        if (n := value(shape, SH.maxCount)) is not None:
            compiled.max_count = int(n)
        compiled.unique_lang = bool(value(shape, SH.uniqueLang) is not None
                                    and value(shape, SH.uniqueLang).toPython() is True)
        if (d := value(shape, SH.datatype)) is not None:
            compiled.value_checks.append((SH.DatatypeConstraintComponent, _datatype_check(d)))
        if (k := value(shape, SH.nodeKind)) is not None:
            compiled.value_checks.append((SH.NodeKindConstraintComponent, _NODE_KINDS[k]))
        if (p := value(shape, SH.pattern)) is not None:
            flags = str(value(shape, SH.flags) or "")
            compiled.value_checks.append((SH.PatternConstraintComponent,
                                          _pattern_check(str(p), flags)))
        if (tags := value(shape, SH.languageIn)) is not None:
            compiled.value_checks.append((SH.LanguageInConstraintComponent, _language_in_check(
                [str(tag) for tag in Collection(shapes, tags)])))
        if (members := value(shape, SH["in"])) is not None:
            allowed = frozenset(Collection(shapes, members))
            compiled.value_checks.append((SH.InConstraintComponent,
                                          lambda v, allowed=allowed: v in allowed))
        if (inner := value(shape, SH.qualifiedValueShape)) is not None:
            unknown = set(shapes.predicates(inner, None)) - _VALUE_ONLY
            if unknown or value(shape, SH.qualifiedMinCount) is None:
                raise ConfigError(f"kzgraph's SHACL engine supports sh:qualifiedValueShape only "
                                  f"with sh:qualifiedMinCount and value checks ({shape}).")
            checks = [check for _, check in self._compile(
                shapes, inner, path, f"{name}|qualified").value_checks]
            compiled.qualified = (checks, int(value(shape, SH.qualifiedMinCount)))
        compiled.classes = sorted(shapes.objects(shape, SH["class"]), key=lambda n: n.n3())
        return compiled

    # -- running ----------------------------------------------------------------------------
    def focus_nodes(self, index: Index) -> dict[Node, list[_NodeShape]]:
        """Every focus node of the data, with the node shapes that target it."""
        out: dict[Node, list[_NodeShape]] = defaultdict(list)
        for ns in self.node_shapes:
            targeted: set[Node] = set()
            for cls in ns.targets:
                targeted |= index.instances(cls)
            for focus in targeted:
                out[focus].append(ns)
        return out

    def validate(self, index: Index, focus: Iterable[Node] | None = None,
                 types: Callable[[Node], set[Node] | None] | None = None,
                 deferred: list[tuple[Result, Node, str]] | None = None) -> list[Result]:
        """Results for every focus node (or only those in ``focus``).

        ``types`` answers ``sh:class`` for value nodes (by default from ``index``). When it
        answers None (the node is described elsewhere, in a part of the data not in this
        index), the check is appended to ``deferred`` as (the result it would give, the class
        required, the shape's name in :attr:`by_name`), for the caller to settle once every
        part's types are known.
        """
        classes_of = types or index.classes_of
        targets = self.focus_nodes(index)
        wanted = targets.keys() if focus is None else [f for f in focus if f in targets]
        results: list[Result] = []
        later = deferred if deferred is not None else []
        for node in sorted(wanted, key=_n3):
            for ns in targets[node]:
                results.extend(self._check(ns.own, node, [node], classes_of, later))
                for ps in ns.properties:
                    results.extend(self._check(ps, node, index.objects(node, ps.path),
                                               classes_of, later))
        if deferred is None and later:
            raise ValueError("class checks were deferred but no list was given for them")
        return results

    def _check(self, ps: _PropertyShape, focus: Node, values: list[Node],
               classes_of: Callable[[Node], set[Node] | None],
               deferred: list[tuple[Result, Node, str]]) -> Iterator[Result]:
        def result(component: URIRef, value: Node | None) -> Result:
            return Result(focus, ps.path, value, component, ps.shape, ps.severity, ps.messages)

        if ps.min_count is not None and len(values) < ps.min_count:
            yield result(SH.MinCountConstraintComponent, None)
        if ps.max_count is not None and len(values) > ps.max_count:
            yield result(SH.MaxCountConstraintComponent, None)
        if ps.unique_lang:
            seen: set[str] = set()
            duplicated: list[str] = []
            for v in values:
                if isinstance(v, Literal) and v.language:
                    lang = v.language.lower()
                    if lang in seen and lang not in duplicated:
                        duplicated.append(lang)
                    seen.add(lang)
            for _ in duplicated:
                yield result(SH.UniqueLangConstraintComponent, None)
        for component, ok in ps.value_checks:
            for v in values:
                if not ok(v):
                    yield result(component, v)
        if ps.qualified is not None:
            checks, least = ps.qualified
            if sum(1 for v in values if all(ok(v) for ok in checks)) < least:
                yield result(SH.QualifiedMinCountConstraintComponent, None)
        for cls in ps.classes:
            for v in values:
                if isinstance(v, Literal):
                    yield result(SH.ClassConstraintComponent, v)
                    continue
                known = classes_of(v)
                if known is None:
                    deferred.append((result(SH.ClassConstraintComponent, v), cls, ps.name))
                elif cls not in known:
                    yield result(SH.ClassConstraintComponent, v)


def results_from_report(report: Graph) -> list[Result]:
    """pyshacl's report graph as :class:`Result` objects, to compare or to locate."""
    out = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        out.append(Result(
            report.value(r, SH.focusNode), report.value(r, SH.resultPath),
            report.value(r, SH.value), report.value(r, SH.sourceConstraintComponent),
            report.value(r, SH.sourceShape), report.value(r, SH.resultSeverity),
            tuple(sorted(report.objects(r, SH.resultMessage), key=lambda m: m.n3()))))
    return out
