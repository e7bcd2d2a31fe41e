"""Problems written out for people (text), programs (JSON) and RDF tools (a SHACL report in Turtle)."""

from __future__ import annotations

import json

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kzgraph.check.validate import ShaclDetail
from kzgraph.errors import ERROR, INFO, Problem
from kzgraph.graph.iris import Minter
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


#: the shape and constraint component of problems found while reading and mapping files (not
#: by a SHACL constraint): both are declared in the shapes file
CONTENT_SHAPE = URIRef("https://kzgraph.example/shapes#ContentShape")
CONTENT_COMPONENT = KZ.ContentConstraintComponent


def as_turtle(problems: list[Problem], base: str) -> str:
    """A SHACL validation report (``sh:ValidationReport``, SHACL 1.0 section 3.6).

    Every result has a focus node (the resource, or for a problem with a file and no resource the
    file, ``{base}file/<path>``), a severity, a source shape and constraint component (for a
    problem found while reading the file: ``kzs:ContentShape`` and
    ``kz:ContentConstraintComponent``), the path and value where the constraint has them, and its
    messages with their language tags. kzgraph adds where the result comes from: ``kz:file``,
    ``kz:line``, ``kz:key``, ``kz:language`` (defined in the ontology). Result IRIs are
    numbered, not blank."""
    mint = Minter(base)
    g = Graph()
    g.bind("sh", SH)
    g.bind("kz", KZ)
    g.bind("kzs", "https://kzgraph.example/shapes#")
    report = URIRef(f"{base}validation/report")
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(not any(p.severity == ERROR for p in problems))))
    for n, p in enumerate(problems, 1):
        r = URIRef(f"{base}validation/report#result-{n}")
        g.add((report, SH.result, r))
        g.add((r, RDF.type, SH.ValidationResult))
        g.add((r, SH.resultSeverity, SH.Violation if p.severity == ERROR else
               SH.Info if p.severity == INFO else SH.Warning))
        detail = p.detail
        if isinstance(detail, ShaclDetail):
            g.add((r, SH.sourceConstraintComponent, detail.component))
            g.add((r, SH.sourceShape, detail.shape))
            if detail.path is not None:
                g.add((r, SH.resultPath, detail.path))
            if detail.value is not None:
                g.add((r, SH.value, detail.value))
            messages = detail.messages or (Literal(p.message, lang="en"),)
        else:
            g.add((r, SH.sourceConstraintComponent, CONTENT_COMPONENT))
            g.add((r, SH.sourceShape, CONTENT_SHAPE))
            messages = (Literal(p.message, lang="en"),)  # reading and mapping speak English
        for message in messages:
            g.add((r, SH.resultMessage, message))
        g.add((r, SH.focusNode, URIRef(p.focus) if p.focus else mint.file(p.path)))
        g.add((r, KZ.file, Literal(p.path)))
        if p.line is not None:
            g.add((r, KZ.line, Literal(p.line, datatype=XSD.integer)))
        if p.key:
            g.add((r, KZ.key, Literal(p.key)))
        if p.lang:
            g.add((r, KZ.language, Literal(p.lang)))
    return g.serialize(format="turtle")
