"""One rule for every language version of a page, and Hugo's paths.

Only text is translated: the language versions of one page that give a key whose value is not
text (categories, countries, languages, homepage, weight, dates, a perspective's ``broader``,
Hugo's ``translationKey``) must give the same value. Where a translation disagrees with the
default language's version, the translation's file gets one error naming the other file and
line; a value that is wrong in itself is reported on its own file only, by the check that
finds it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.term import Node

from kzgraph.content.hugo import site_paths
from kzgraph.content.sitepaths import claims
from kzgraph.content.load import Page
from kzgraph.errors import WARNING, msg
from kzgraph.vocab import KZ, XSD

if TYPE_CHECKING:
    from kzgraph.graph.mapping import _Mapper

#: the value kinds of keys that are text (translated, so they may differ)
TEXT_VALUES = frozenset({"text", "texts", "people"})


def _valid(mapper: "_Mapper", node: Node, key: str) -> bool:
    """Whether a converted value is valid in itself (a bad one -- kept as plain text, or a
    concept that does not exist -- is reported on its own file by the check that finds it)."""
    if isinstance(node, Literal):
        return key == "translationKey" or node.datatype in (XSD.date, XSD.integer)
    base = mapper.settings.base
    for kind in ("category", "perspective"):
        prefix = f"{base}{kind}/"
        if str(node).startswith(prefix):
            return str(node)[len(prefix):] in mapper.known.get(kind, ())
    return isinstance(node, URIRef)


def _shown(values: list[Node]) -> str:
    names = sorted(str(v).rstrip("/").rsplit("/", 1)[-1] if isinstance(v, URIRef) else str(v)
                   for v in set(values))
    return ", ".join(f"'{n}'" for n in names) or "-"


def disagreements(mapper: "_Mapper",
                  data: dict[Node, dict[str, list[tuple[Page, int, list[Node]]]]]) -> None:
    """Report each translation whose value of a key that is not text differs from the
    default language's version."""
    default = mapper.settings.default_language
    for keys in data.values():
        for key, entries in keys.items():
            if len(entries) < 2:
                continue
            entries = sorted(entries, key=lambda e: (e[0].lang != default, e[0].lang,
                                                     e[0].rel))
            first, first_line, expected = entries[0]
            wanted = set(expected)
            for page, line, values in entries[1:]:
                if set(values) == wanted or not values or not expected:
                    continue
                if not all(_valid(mapper, v, key) for v in (*expected, *values)):
                    continue  # a value wrong in itself: reported where it is wrong
                mapper.problems.append(page.problem(
                    msg("'{key}' is {here} here but {there} in {other}:{line}. Only text is "
                        "translated: every language version of a page gives the same '{key}'. "
                        "Make them agree.", key=key, here=_shown(values),
                        there=_shown(expected), other=first.rel, line=first_line),
                    key=key, line=line))


def map_site_paths(mapper: "_Mapper", page: Page, subject: URIRef, graph: list) -> None:
    """Hugo's ``url``, ``slug``, ``aliases`` and the site's ``[permalinks]`` and ``uglyURLs``:
    the IRI stays; the path Hugo serves the page file at is ``kz:sitePath`` and each old path
    that redirects to it ``kz:alias`` (what a web site built from the graph turns into
    redirects), as Hugo makes them (see
    :mod:`kzgraph.content.sitepaths`); the mapper keeps them, for links by those paths.
    ``translationKey`` must agree."""
    if not any(k in page.fields for k in ("url", "slug", "aliases", "translationKey")) and \
            not (mapper.settings.permalinks or mapper.settings.ugly_urls
                 or mapper.settings.ugly_sections):
        return
    _, problems = site_paths(page)
    mapper.problems.extend(problems)
    if page.kind == "collection" and "slug" in page.fields and "url" not in page.fields:
        mapper.problems.append(page.problem(
            msg("Hugo ignores 'slug' on a section page: it is served at its folder's path. "
                "Use 'url' to serve it elsewhere."), key="slug", severity=WARNING))
    for claim in claims(page, mapper.settings):
        mapper.served.append(claim.row())
        predicate = KZ.alias if claim.key == "aliases" else KZ.sitePath
        mapper.emit(graph, (subject, predicate, Literal(claim.shown)), page, claim.key,
                    claim.line)
    key = page.fields.get("translationKey")
    if key is not None:
        mapper._data[subject]["translationKey"].append(
            (page, key.line, [Literal(str(key.value))]))


def join_translations(pages: list[Page], default: str) -> None:
    """Hugo's ``translationKey``: a page whose slug has no version in the default language
    takes the slug of the default-language page of its kind with the same key (one resource,
    one IRI; the build engine puts their files in one part)."""
    owners: dict[tuple[str, str], str] = {}
    named = {(p.kind, p.slug) for p in pages if p.lang == default}
    for page in pages:
        key = page.fields.get("translationKey")
        if key is not None and page.lang == default:
            owners.setdefault((page.kind, str(key.value)), page.slug)
    for page in pages:
        key = page.fields.get("translationKey")
        if key is not None and (page.kind, page.slug) not in named:
            page.slug = owners.get((page.kind, str(key.value)), page.slug)
