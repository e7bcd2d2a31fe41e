"""Problems written out for people (text), programs (JSON) and RDF tools (a SHACL report in Turtle)."""

from __future__ import annotations

import json

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kzgraph.check.validate import ShaclDetail
from kzgraph.errors import ERROR, INFO, Problem, msg
from kzgraph.graph.iris import Minter
from kzgraph.vocab import KZ, SH


def as_text(problems: list[Problem], lang: str = "en") -> str:
    errors = sum(1 for p in problems if p.severity == ERROR)
    unpublished = sum(1 for p in problems if p.severity == INFO)
    warnings = len(problems) - errors - unpublished
    lines = [p.render(lang) for p in problems]
    if problems:
        summary = msg("{errors} error(s), {warnings} warning(s).", errors=errors,
                      warnings=warnings)
        if unpublished:
            summary += msg(" {unpublished} page file(s) not published.", unpublished=unpublished)
        lines.append(summary.render(lang))
    else:
        lines.append(msg("The content conforms to the shapes: no problems.").render(lang))
    return "\n".join(lines) + "\n"


def as_json(problems: list[Problem], lang: str = "en") -> str:
    errors = sum(1 for p in problems if p.severity == ERROR)
    unpublished = sum(1 for p in problems if p.severity == INFO)
    document = {
        "conforms": errors == 0,
        "errors": errors,
        "warnings": len(problems) - errors - unpublished,
        "unpublished": unpublished,
        "problems": [p.as_dict(lang) for p in problems],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


#: the shape and constraint component of problems found while reading and mapping files (not
#: by a SHACL constraint): both are declared in the shapes file
CONTENT_SHAPE = URIRef("https://kzgraph.example/shapes#ContentShape")
CONTENT_COMPONENT = KZ.ContentConstraintComponent
#: the languages whose message catalogues are complete (tests/test_messages.py holds them)
COMPLETE = ("en", "ru")


def as_turtle(problems: list[Problem], base: str, lang: str = "en") -> str:
    """A SHACL validation report (``sh:ValidationReport``, SHACL 1.0 section 3.6).

    Every result has a focus node (the resource, or for a problem with a file and no resource the
    file, ``{base}file/<path>``), a severity, a source shape and constraint component (for a
    problem found while reading the file: ``kzs:ContentShape`` and
    ``kz:ContentConstraintComponent``), the path and value where the constraint has them, and its
    messages with their language tags (a problem found while reading: its message in every
    language whose catalogue is complete; else in ``lang``). kzgraph adds where the result comes from: ``kz:file``,
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
            messages = detail.messages or (Literal(p.message_in(lang), lang=lang),)
        else:
            g.add((r, SH.sourceConstraintComponent, CONTENT_COMPONENT))
            g.add((r, SH.sourceShape, CONTENT_SHAPE))
            messages = tuple(Literal(p.message_in(code), lang=code) for code in COMPLETE) \
                if p.text is not None else (Literal(p.message, lang="en"),)
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


# -- where editors look: GitHub's workflow annotations and SARIF -------------------------------

def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(problems: list[Problem], lang: str = "en") -> str:
    """One GitHub Actions workflow command a problem (``::error file=…,line=…::message``):
    printed in a workflow, each becomes an annotation on the file and line it names."""
    lines = []
    for p in problems:
        fields = [f"file={_github_property(p.path)}"]
        if p.line is not None:
            fields.append(f"line={p.line}")
        title = " ".join(x for x in (p.key, f"[{p.lang}]" if p.lang else None) if x)
        fields.append(f"title={_github_property('kzgraph: ' + title if title else 'kzgraph')}")
        level = "error" if p.severity == ERROR else "notice" if p.severity == INFO else "warning"
        lines.append(f"::{level} {','.join(fields)}::{_github_data(p.message_in(lang))}")
    return "".join(line + "\n" for line in lines)


#: SARIF rules: one per step that finds problems
_SARIF_RULES = {
    "load": "The file could not be read as a page (its place, name, encoding or front matter).",
    "map": "A front-matter key or a link of the page cannot become data as written.",
    "shacl": "The page's data breaks a rule of kzgraph's SHACL shapes.",
}
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def as_sarif(problems: list[Problem], version: str, lang: str = "en") -> str:
    """A SARIF 2.1.0 log of one run: each problem a result with its file and line (paths
    relative to the repository root, ``%SRCROOT%``), read by code-scanning tools and editors."""
    results = []
    for p in problems:
        result: dict[str, object] = {
            "ruleId": p.stage if p.stage in _SARIF_RULES else "shacl",
            "level": "error" if p.severity == ERROR else "note" if p.severity == INFO else
                     "warning",
            "message": {"text": p.message_in(lang)},
        }
        if "://" in p.path:  # a resource no file describes: named, not located
            result["locations"] = [{"logicalLocations": [
                {"fullyQualifiedName": p.path, "kind": "resource"}]}]
        else:
            physical: dict[str, object] = {
                "artifactLocation": {"uri": p.path, "uriBaseId": "%SRCROOT%"}}
            if p.line is not None:
                physical["region"] = {"startLine": p.line}
            result["locations"] = [{"physicalLocation": physical}]
        properties = {k: v for k, v in (("key", p.key), ("language", p.lang),
                                        ("focus", p.focus)) if v is not None}
        if properties:
            result["properties"] = properties
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "kzgraph", "version": version,
                "rules": [{"id": rule, "shortDescription": {"text": text}}
                          for rule, text in _SARIF_RULES.items()],
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(log, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
