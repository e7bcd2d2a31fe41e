"""Problems written out for people (text), programs (JSON) and RDF tools (a SHACL report in Turtle)."""

from __future__ import annotations

import json

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kzgraph.errors import ERROR, INFO, Problem
from kzgraph.vocab import KZ, SH


def as_text(problems: list[Problem]) -> str:
    errors = sum(1 for p in problems if p.severity == ERROR)
    unpublished = sum(1 for p in problems if p.severity == INFO)
    warnings = len(problems) - errors - unpublished
    lines = [str(p) for p in problems]
    if problems:
        lines.append(f"{errors} error(s), {warnings} warning(s)."
                     + (f" {unpublished} page file(s) not published." if unpublished else ""))
    else:
        lines.append("The content conforms to the shapes: no problems.")
    return "\n".join(lines) + "\n"


def as_json(problems: list[Problem]) -> str:
    errors = sum(1 for p in problems if p.severity == ERROR)
    unpublished = sum(1 for p in problems if p.severity == INFO)
    document = {
        "conforms": errors == 0,
        "errors": errors,
        "warnings": len(problems) - errors - unpublished,
        "unpublished": unpublished,
        "problems": [p.as_dict() for p in problems],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def as_turtle(problems: list[Problem], base: str) -> str:
    """A ``sh:ValidationReport`` whose results also say file, line, key and language
    (``kz:file``, ``kz:line``, ``kz:key``, ``kz:language``). Result IRIs are numbered, not blank."""
    g = Graph()
    g.bind("sh", SH)
    g.bind("kz", KZ)
    report = URIRef(f"{base}validation/report")
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(not any(p.severity == ERROR for p in problems))))
    for n, p in enumerate(problems, 1):
        r = URIRef(f"{base}validation/report#result-{n}")
        g.add((report, SH.result, r))
        g.add((r, RDF.type, SH.ValidationResult))
        g.add((r, SH.resultSeverity, SH.Violation if p.severity == ERROR else
               SH.Info if p.severity == INFO else SH.Warning))
        g.add((r, SH.resultMessage, Literal(p.message)))
        if p.focus:
            g.add((r, SH.focusNode, URIRef(p.focus)))
        g.add((r, KZ.file, Literal(p.path)))
        if p.line is not None:
            g.add((r, KZ.line, Literal(p.line, datatype=XSD.integer)))
        if p.key:
            g.add((r, KZ.key, Literal(p.key)))
        if p.lang:
            g.add((r, KZ.language, Literal(p.lang)))
    return g.serialize(format="turtle")
