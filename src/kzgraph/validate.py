"""Run the SHACL shapes with pyshacl and report every result in the editor's terms."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from .errors import ERROR, WARNING, Problem, brief
from .mapping import Mapped, Origin, key_for
from .resources import ontology_file, shapes_file
from .vocab import SH

_SEVERITY = {SH.Violation: ERROR, SH.Warning: WARNING, SH.Info: WARNING}


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


def _message(report: Graph, result: Node, lang: str) -> str:
    messages = list(report.objects(result, SH.resultMessage))
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


def locate_report(mapped: Mapped, report: Graph, lang: str = "en") -> list[Problem]:
    """Turn a pyshacl report into problems naming the file, key, line and language.

    A result about a missing value (no ``sh:value``) is left out where mapping already
    reported that key of that file: the editor hears about a missing title once.
    """
    already = {(p.path, p.key) for p in mapped.problems}
    problems: list[Problem] = []
    base = mapped.minter.base
    for result in sorted(report.subjects(SH.resultSeverity, None), key=str):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        severity = _SEVERITY.get(report.value(result, SH.resultSeverity), ERROR)
        message = _message(report, result, lang)
        shown = _show(value, base)
        if shown is not None:
            message = f"{message} (found: {brief(shown)})"
        origins = _origins(mapped, focus, path, value)
        if not origins:
            problems.append(Problem(str(focus), None, None, message, severity=severity,
                                    stage="shacl", focus=str(focus)))
        for o in origins:
            if value is None and (o.path, o.key) in already:
                continue
            problems.append(Problem(o.path, o.line, o.key, message, lang=o.lang,
                                    severity=severity, stage="shacl", focus=str(focus)))
    return problems


def validate_mapped(mapped: Mapped, lang: str = "en") -> tuple[bool, list[Problem], Graph]:
    """Validate the mapped graph; problems that mapping already reported are not repeated."""
    conforms, report = run_shacl(mapped.graph)
    return conforms, locate_report(mapped, report, lang), report
