"""Hugo taxonomies as SKOS: a page's terms (``regions: ["Almaty Region"]``, where the site
declares ``[taxonomies] region = "regions"``) are concepts, one per path Hugo gives the term,
at that path (``{base}regions/almaty-region/``, or where the site's ``[permalinks]`` pattern of
the taxonomy puts it: :func:`kzgraph.content.permalinks.term_path_of`); the taxonomy is their
concept scheme (``{base}regions/``, its list page, which no pattern moves). The page says
``dcterms:subject`` each of its terms; the concepts are described once, in the reference
graph, with each spelling pages gave as an ``rdfs:label`` in the page's language (two spellings
Hugo makes one path of are one concept, as on the site).

Terms are text, so each language version of a page has its own (Hugo lists them per language).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import URIRef

from kzgraph.config import RESERVED_PATHS
from kzgraph.content.load import Field, Page
from kzgraph.content.permalinks import term_path_of
from kzgraph.content.sitepaths import segment
from kzgraph.content.taxonomies import UNSAFE
from kzgraph.errors import msg
from kzgraph.vocab import DCTERMS

if TYPE_CHECKING:
    from kzgraph.graph.mapping import _Mapper


def map_terms(mapper: "_Mapper", page: Page, subject: URIRef, graph: list, key: str,
              fld: Field) -> None:
    """The terms a page lists under the taxonomy ``key``."""
    plural = key.lower()
    value = mapper._list_of(page, key, fld.value)
    if value is None:
        return
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (str, int, float)) \
                or not str(item).strip():
            mapper.problems.append(page.problem(
                msg("Each entry of '{key}' must be a word or a sentence; {item} is not.",
                    key=key, item=repr(item)), key=key))
            continue
        text = str(item).strip()
        if not mapper._writable(page, text, key, fld.line):
            continue
        path = segment(text, mapper.settings)
        if not path:
            mapper.problems.append(page.problem(
                msg("The term '{term}' of '{key}' has no letter or digit, so Hugo gives it no "
                    "page: write it with at least one.", term=text, key=plural), key=key))
            continue
        where = term_path_of(plural, path, mapper.settings)
        if UNSAFE.search(path):
            mapper.problems.append(page.problem(
                msg("Hugo publishes the term '{term}' of '{key}' at '/{path}/', which is "
                    "not one page kzgraph can give an address: write the term without '/', "
                    "'\\', '#' and '%'.", term=text, key=plural, path=where), key=key))
            continue
        first = where.split("/", 1)[0]
        if first in RESERVED_PATHS:
            mapper.problems.append(page.problem(
                msg("The site's permalinks pattern of '{key}' publishes the term '{term}' at "
                    "'/{path}/', among kzgraph's own pages (/{first}/): write another term, "
                    "or give the pattern a fixed first folder.", term=text, key=plural,
                    path=where, first=first), key=key))
            continue
        term = mapper._reference_node("term", f"{plural}/{where}")
        mapper._reference_node("term-label", f"{plural}/{where}\t{page.lang}\t{text}")
        mapper.emit(graph, (subject, DCTERMS.subject, term), page, key, fld.line)
