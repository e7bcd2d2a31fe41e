"""Write query results: a table for the terminal, Markdown, and the W3C SPARQL 1.1 result formats
(CSV, TSV, JSON, XML); CONSTRUCT and DESCRIBE graphs in any RDF format kzgraph exports.

The W3C formats keep every term exactly (CSV, by its definition, keeps only the lexical forms);
the table and Markdown are for people: IRIs as prefixed names, or as labels when asked.
"""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from typing import Iterable, Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.term import Node

from kzgraph.query.engines import QueryResult, Row, term_converter
from kzgraph.query.sparql import QueryError, term_syntax
from kzgraph.vocab import XSD

#: result formats for SELECT and ASK
TABLE_FORMATS = ("table", "csv", "tsv", "json", "xml", "markdown")
#: for CONSTRUCT/DESCRIBE: these names mean the RDF format on the right
GRAPH_ALIASES = {"table": "turtle", "json": "jsonld", "xml": "xml"}
MEDIA_TYPES = {"csv": "text/csv", "tsv": "text/tab-separated-values",
               "json": "application/sparql-results+json",
               "xml": "application/sparql-results+xml", "markdown": "text/markdown",
               "table": "text/plain"}


_PN_LOCAL = re.compile(r"(?:[\w:]|%[0-9A-Fa-f]{2})(?:(?:[\w.:-]|%[0-9A-Fa-f]{2})*"
                       r"(?:[\w:-]|%[0-9A-Fa-f]{2}))?")


def short_iri(iri: str, prefixes: Mapping[str, str], base: str | None = None) -> str:
    """``iri`` as a valid SPARQL prefixed name under the longest matching namespace, else
    relative to ``base`` (``<sources/sources/feminita/>``), else ``<iri>``: what is shown can
    be pasted back into a query (kzgraph declares the base)."""
    best: str | None = None
    for prefix, ns in prefixes.items():
        if iri.startswith(ns) and (best is None or len(ns) > len(prefixes[best])):
            local = iri[len(ns):]
            if local == "" or _PN_LOCAL.fullmatch(local):
                best = prefix
    if best is not None:
        return f"{best}:{iri[len(prefixes[best]):]}"
    if base and iri.startswith(base) and len(iri) > len(base) and iri[len(base)] not in "/#?":
        return f"<{iri[len(base):]}>"
    return f"<{iri}>"


def display(term: Node | None, prefixes: Mapping[str, str],
            labels: Mapping[URIRef, str] | None = None, base: str | None = None) -> str:
    """How a term reads in a table: a label or prefixed name for an IRI, a literal's text."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        if labels and term in labels:
            return labels[term]
        return short_iri(str(term), prefixes, base)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _fit(widths: list[int], available: int) -> list[int]:
    """Column widths that add up to at most ``available``: narrow columns keep their width,
    the wide ones share what is left (never below 8 characters)."""
    if sum(widths) <= available:
        return widths
    out = list(widths)
    order = sorted(range(len(widths)), key=lambda i: widths[i])
    left, count = available, len(widths)
    for i in order:
        share = max(left // count, 8)
        out[i] = min(widths[i], share)
        left -= out[i]
        count -= 1
    return out


#: what makes ``textwrap.wrap`` change a line that fits: a tab or a line break of any kind
_WRAP_CHANGES = re.compile("[\t\n\x0b\x0c\r\x1c-\x1e\x85\u2028\u2029]")


def wrap(text: str, width: int) -> list[str]:
    """The lines of one line of a cell, at most ``width`` characters each: what
    ``textwrap.wrap`` gives (long words broken, never at hyphens), or ``[""]``. A line that
    fits, does not end in white space and holds no tab or line break is what ``textwrap``
    would give back unchanged, so it is not given to it (most cells: a table of 45,000 rows
    took seconds to wrap); ``tests/test_query_results.py`` holds the two to each other."""
    if len(text) <= width and not (text and text[-1].isspace()) and \
            not _WRAP_CHANGES.search(text):
        return [text]
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]


def table(variables: Sequence[str], cells: Sequence[Sequence[str]], width: int) -> str:
    """A plain-text table no wider than ``width`` (cells wrap), a header and a rule."""
    if not variables:
        return ""
    gap = 2
    natural = [max([len(v)] + [max((len(x) for x in c[i].splitlines()), default=0)
                               for c in cells]) for i, v in enumerate(variables)]
    widths = _fit(natural, max(width - gap * (len(variables) - 1), 8 * len(variables)))

    def lines_of(values: Sequence[str]) -> list[str]:
        wrapped = [sum((wrap(part, w) for part in (v.splitlines() or [""])), [])
                   for v, w in zip(values, widths)]
        height = max(len(w) for w in wrapped)
        return [(" " * gap).join(col[k].ljust(w) if k < len(col) else " " * w
                                 for col, w in zip(wrapped, widths)).rstrip()
                for k in range(height)]

    out = lines_of(list(variables))
    out.append((" " * gap).join("-" * w for w in widths))
    for row in cells:
        out.extend(lines_of(row))
    return "\n".join(out) + "\n"


def markdown(variables: Sequence[str], cells: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured Markdown table."""
    def cell(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", "") \
            .replace("\n", "<br>")

    out = ["| " + " | ".join(cell(v) for v in variables) + " |",
           "|" + "|".join("---" for _ in variables) + "|"]
    out.extend("| " + " | ".join(cell(c) for c in row) + " |" for row in cells)
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- W3C formats


def _csv_value(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV: lexical forms only, CRLF line ends (RFC 4180)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_csv_value(t) for t in row])
    return buffer.getvalue()


def _tsv_term(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return term_syntax(term)


def to_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results TSV: every term in SPARQL/N-Triples syntax."""
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines.extend("\t".join(_tsv_term(t) for t in row) for row in result.rows)
    return "\n".join(lines) + "\n"


#: the formats :func:`text_from_ox` writes
TEXT_FORMATS = ("tsv", "csv")


def text_from_ox(solutions: Iterable[Iterable[object]], variables: Sequence[str],
                 fmt: str) -> tuple[bytes, int]:
    """A SELECT answer as the embedded store gives it (pyoxigraph ``QuerySolutions``) written
    in TSV or CSV, and its number of rows: the bytes :func:`to_tsv` and :func:`to_csv` write
    for it, read from the terms' own text instead of rdflib terms made first. (At 100,000
    pages, ``sources-by-category`` answers 64,606 rows: making 258,000 rdflib terms and
    writing them took 1.2-1.8 s on a loaded machine, this 0.24-0.30 s.) A term whose text
    Oxigraph escaped (a quote, a backslash, a control character, a non-character) goes
    through rdflib: the two escape some characters differently. ``tests/test_query_results.py``
    holds both to the general writers."""
    import pyoxigraph as ox

    blank = ox.BlankNode
    rows = 0
    if fmt == "tsv":
        convert = term_converter()

        def cell(term: object) -> str:
            if term is None:
                return ""
            text = str(term)
            return _tsv_term(convert(term)) if "\\" in text else text
        lines = ["\t".join(f"?{v}" for v in variables)]
        for solution in solutions:
            lines.append("\t".join(map(cell, solution)))
            rows += 1
        return ("\n".join(lines) + "\n").encode("utf-8"), rows
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    for solution in solutions:
        writer.writerow(["" if t is None else f"_:{t.value}" if type(t) is blank
                         else t.value for t in solution])  # type: ignore[attr-defined]
        rows += 1
    return buffer.getvalue().encode("utf-8"), rows


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None and str(term.datatype) != str(XSD.string):
        out["datatype"] = str(term.datatype)
    return out


def to_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON (``application/sparql-results+json``)."""
    if result.boolean is not None:
        document: dict[str, object] = {"head": {}, "boolean": result.boolean}
    else:
        bindings = [{v: _json_term(t) for v, t in zip(result.variables, row) if t is not None}
                    for row in result.rows]
        document = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _xml_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    assert isinstance(term, Literal)
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(str(term))}</literal>"
    if term.datatype is not None and str(term.datatype) != str(XSD.string):
        return f"<literal datatype={quoteattr(str(term.datatype))}>{escape(str(term))}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def to_xml(result: QueryResult) -> str:
    """SPARQL Query Results XML (``application/sparql-results+xml``)."""
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "  <head>"]
    out.extend(f"    <variable name={quoteattr(v)}/>" for v in result.variables)
    out.append("  </head>")
    if result.boolean is not None:
        out.append(f"  <boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        out.append("  <results>")
        for row in result.rows:
            out.append("    <result>")
            out.extend(f"      <binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                       for v, t in zip(result.variables, row) if t is not None)
            out.append("    </result>")
        out.append("  </results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- dispatch


def graph_format(name: str) -> str:
    """The RDF format a graph result is written in for ``--format name``."""
    from kzgraph.formats.registry import format_names, get_format

    name = GRAPH_ALIASES.get(name.lower(), name.lower())
    if name not in format_names():
        raise QueryError(f"A CONSTRUCT or DESCRIBE query gives a graph: use an RDF format "
                         f"({', '.join(format_names(include_aliases=False))}).")
    return get_format(name).name


def render(result: QueryResult, fmt: str, prefixes: Mapping[str, str],
           labels: Mapping[URIRef, str] | None = None, width: int = 100,
           base: str | None = None) -> bytes:
    """``result`` written in ``fmt`` (a result format, or an RDF format for a graph). The table
    and Markdown show IRIs by their labels (when given), as prefixed names, or relative to
    ``base``."""
    fmt = fmt.lower()
    if result.graph is not None:
        from kzgraph.formats.registry import get_format
        from kzgraph.formats.writers import serialize

        dataset = Dataset()
        for triple in result.graph:
            dataset.add(triple)
        return serialize(dataset, result.graph, get_format(graph_format(fmt)))
    if fmt not in TABLE_FORMATS:
        raise QueryError(f"A {result.form} query gives a table: use one of "
                         f"{', '.join(TABLE_FORMATS)}.")
    if fmt == "json":
        return to_json(result).encode("utf-8")
    if fmt == "xml":
        return to_xml(result).encode("utf-8")
    if result.boolean is not None:
        return ("true\n" if result.boolean else "false\n").encode("utf-8")
    if fmt == "csv":
        return to_csv(result).encode("utf-8")
    if fmt == "tsv":
        return to_tsv(result).encode("utf-8")
    cells = [[display(t, prefixes, labels, base) for t in row] for row in result.rows]
    if fmt == "markdown":
        return markdown(result.variables, cells).encode("utf-8")
    return table(result.variables, cells, width).encode("utf-8")


def iris_in(rows: Sequence[Row]) -> set[URIRef]:
    """Every IRI in the rows (to look their labels up)."""
    return {t for row in rows for t in row if isinstance(t, URIRef)}


def saved_list(queries: Sequence[object], width: int) -> str:
    """The table ``kzgraph query --list`` prints: name, title and parameters of each."""
    rows = [[q.name, q.title,  # type: ignore[attr-defined]
             ", ".join(p.describe() for p in q.params) or "-"]  # type: ignore[attr-defined]
            for q in queries]
    return table(["name", "title", "parameters"], rows, width)
