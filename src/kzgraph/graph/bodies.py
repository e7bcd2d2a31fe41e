"""Page bodies to RDF: a guide's sections and mentions, every body's links.

The language versions of a guide are mapped together. A section keeps one identity across
them: its Hugo heading ID (``## Title {#id}``, which also names its IRI, ``{guide}#id``), else
the set of categories it links, else its position (``{guide}#section-<n>``). The versions are
aligned on those keys against the default language's version; where they disagree (a section
in one and not the other, another order, other categories or IDs) the translation gets an
error naming both files and lines, and its unmatched sections are not mapped: nothing is ever
attached to the wrong section.

Every link of every body is read by :class:`kzgraph.content.links.LinkReader`: a link to a
source in a guide is a ``kz:Mention`` (``#mention-<slug>``, ``#mention-<slug>-2`` for the second
link to it, ...) with the words around it; to a category, ``kz:aboutCategory`` of its section;
to another page, ``dcterms:references``. A link to no page is an error, one kzgraph cannot
classify a warning, both with file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Callable
from urllib.parse import unquote

import pycountry
from rdflib import Literal, URIRef

from kzgraph.content.countries import language_name
from kzgraph.content.guidebody import (REF_SCHEME, GuideBody, Link, Section, body_links,
                                      parse_guide_body)
from kzgraph.content.layout import FOLDERS
from kzgraph.content.links import LinkReader, Target, Unclear
from kzgraph.content.load import Page
from kzgraph.content.sitepaths import SitePaths
from kzgraph.config import Settings
from kzgraph.errors import WARNING, Message, msg
from kzgraph.graph.iris import Minter
from kzgraph.graph.terms import text_literal
from kzgraph.vocab import DCTERMS, KZ, RDF, SCHEMA, SKOS, XSD

if TYPE_CHECKING:
    from kzgraph.graph.mapping import _Mapper

_TYPE = RDF.type
_GUIDE_SECTION = KZ.GuideSection
_HAS_PART = DCTERMS.hasPart
_IS_PART_OF = DCTERMS.isPartOf
_POSITION = SCHEMA.position
_TITLE = DCTERMS.title
_ABOUT_CATEGORY = KZ.aboutCategory
_MENTIONS = KZ.mentions
_MENTION = KZ.mention
_MENTION_CLASS = KZ.Mention
_MENTIONED_SOURCE = KZ.mentionedSource
_IN_SECTION = KZ.inSection
_NOTE = SKOS.note
_REFERENCES = DCTERMS.references
_INTEGER = XSD.integer
BODY = SCHEMA.text
#: section IDs that would take the IRI of a numbered section or a mention
_RESERVED = ("section-", "mention-")


def reader(mapper: "_Mapper") -> LinkReader:
    return link_reader(mapper.settings, mapper.paths)


def link_reader(settings: Settings, paths: SitePaths | None) -> LinkReader:
    """The reader of one site's links: its base IRI, Hugo's ``baseURL``s, the paths pages
    claim (``paths``)."""
    bases = (settings.base, *settings.site_bases)
    return LinkReader(bases, is_language=lambda code: language_name(code) is not None,
                      paths=paths, ugly=settings.ugly)


def shown(href: str) -> str:
    """A link's address as the editor wrote it (a ``ref`` shortcode as a shortcode)."""
    if href.startswith(REF_SCHEME):
        return f'{{{{< ref "{unquote(href[len(REF_SCHEME):])}" >}}}}'
    return href


def site_path(page: Page) -> str:
    if page.kind == "collection":
        return "/" if page.slug == "home" else f"/{FOLDERS[page.slug]}/"
    return f"/{FOLDERS[page.kind]}/{page.slug}/"


def content_path(mapper: "_Mapper", page: Page) -> str:
    """The page file's path in the content folder (in its language's folder, if it has one)."""
    return _content_path(mapper.settings, page)


def _content_path(settings: Settings, page: Page) -> str:
    path = page.rel.split("/", 1)[1] if "/" in page.rel else page.rel
    first, _, rest = path.partition("/")
    return rest if rest and first in (settings.language_dirs or {}) else path


#: the kinds of page, as words of the message catalogues
_KIND = {"guide": msg("guide"), "source": msg("source"), "category": msg("category"),
         "perspective": msg("perspective")}


def resolve(mapper: "_Mapper", links: LinkReader, page: Page, link: Link
            ) -> Target | None:
    """A link's target when it is a page that exists; problems reported on the page. What it
    looked up is recorded (``mapper.lookups``): the page, and the site path with what the
    claims by ``slug``, ``url`` and ``aliases`` said of it (a part is made again when what it
    saw changes: see :meth:`kzgraph.engine.cache.Cache.relinked`)."""
    found = links.read(link.href, site_path(page), content_path(mapper, page))
    if links.last_path is not None:  # a claim on it later makes the part again
        mapper.lookups["@" + links.last_path] = mapper.paths.seen(links.last_path) \
            if mapper.paths else ""
    if found is None:
        return None
    if isinstance(found, Unclear):
        mapper.problems.append(page.problem(
            msg("The link '{href}': {reason}", href=shown(link.href), reason=found.reason),
            line=link.line, severity="error" if found.dead else WARNING))
        return None
    if found.kind in ("list", "scheme") and links.last_moved_by == "uglyURLs":
        mapper.problems.append(page.problem(
            msg("The link '{href}' names the folder path of a section's page, where Hugo does "
                "not serve it: the site's 'uglyURLs' setting serves it at '{now}'. Link to "
                "'{now}'.", href=shown(link.href), now=links.last_moved),
            line=link.line, severity=WARNING))
    if found.kind == "list":
        return None
    if found.kind == "country":
        if pycountry.countries.get(alpha_2=found.slug.upper()) is None:
            mapper.problems.append(page.problem(
                msg("The link to '{href}' leads nowhere: '{slug}' is not an ISO 3166-1 "
                    "country code.", href=shown(link.href), slug=found.slug), line=link.line))
            return None
        return found
    if found.kind == "scheme":
        return found
    present = found.slug in mapper.known.get(found.kind, ())
    mapper.lookups[f"{found.kind}/{found.slug}"] = present
    if not present:
        mapper.problems.append(page.problem(
            msg("The link to '{href}' leads nowhere: there is no {kind} '{slug}' (no "
                "{folder}/{slug}/ page). Fix the link or add the {kind}.",
                href=shown(link.href), kind=_KIND[found.kind], slug=found.slug,
                folder=FOLDERS[found.kind]), line=link.line))
        return None
    if found.kind == page.kind and found.slug == page.slug:
        mapper.problems.append(page.problem(
            msg("The link '{href}' points to this {kind} itself.", href=shown(link.href),
                kind=_KIND[page.kind]), line=link.line, severity=WARNING))
        return None
    if links.last_moved is not None and links.last_moved_by in ("permalinks", "uglyURLs"):
        mapper.problems.append(page.problem(
            msg("The link '{href}' names the folder path of this {kind}, where Hugo does not "
                "serve it: the site's '{setting}' setting serves it at '{now}'. Link to "
                "'{now}', use ref, or add the old path to its 'aliases'.",
                href=shown(link.href), kind=_KIND[found.kind], now=links.last_moved,
                setting=links.last_moved_by),
            line=link.line, severity=WARNING))
    elif links.last_moved is not None:
        mapper.problems.append(page.problem(
            msg("The link '{href}' names the folder path of this {kind}, where Hugo no longer "
                "serves it: its 'slug' or 'url' serves it at '{now}'. Link to '{now}', use "
                "ref, or add the old path to its 'aliases'.", href=shown(link.href),
                kind=_KIND[found.kind], now=links.last_moved),
            line=link.line, severity=WARNING))
    return found


def _iri(mapper: "_Mapper", target: Target) -> URIRef:
    if target.kind == "country":
        return mapper._reference_node("country", target.slug.upper())
    if target.kind == "scheme":
        return mapper.mint.scheme(target.slug)
    return mapper.mint.page(target.kind, target.slug)


def link_targets(settings: Settings, paths: SitePaths | None, page: Page
                 ) -> dict[str, str]:
    """Each link address of a page's body that names a page, and that page's IRI, as the
    mapping resolves it (:func:`resolve`, the same reader and the same claims by ``slug``,
    ``url`` and ``aliases``): what the static site points the link at. Whether the page
    exists is not asked (a link to none is the mapping's error, and has no page on the site);
    a link to a list page, another site or nothing kzgraph can tell is left out."""
    found = body_links(page.body, page.body_line)
    if not found:
        return {}
    links, mint = link_reader(settings, paths), Minter(settings.base)
    here, file = site_path(page), _content_path(settings, page)
    out: dict[str, str] = {}
    for link in found:
        target = links.read(link.href, here, file)
        if not isinstance(target, Target) or target.kind == "list":
            continue
        if target.kind == "country":
            if pycountry.countries.get(alpha_2=target.slug.upper()) is not None:
                out[link.href] = str(mint.country(target.slug))
        elif target.kind == "scheme":
            out[link.href] = str(mint.scheme(target.slug))
        else:
            out[link.href] = str(mint.page(target.kind, target.slug))
    return out


def map_body_links(mapper: "_Mapper", page: Page, subject: URIRef,
                   graph: list) -> None:
    """The links of a source, category or perspective page's body: each page it links to is
    ``dcterms:references``; the others are reported."""
    found = body_links(page.body, page.body_line)
    if not found:
        return
    links = reader(mapper)
    for link in found:
        target = resolve(mapper, links, page, link)
        if target is not None:
            mapper.emit(graph, (subject, _REFERENCES, _iri(mapper, target)), page, None,
                        link.line)


# -- guides ---------------------------------------------------------------------------------------

@dataclass
class _Version:
    page: Page
    body: GuideBody
    targets: dict[int, Target | None] = field(default_factory=dict)  # id(link) -> target
    keys: list[tuple] = field(default_factory=list)
    #: index of each section -> the index of the reference's section it is (or None)
    match: dict[int, int] = field(default_factory=dict)
    #: the sections with a link to a category that does not exist (reported): their
    #: categories are not compared
    dead: set[int] = field(default_factory=set)

    def categories(self, section: Section) -> tuple[str, ...]:
        return tuple(sorted({t.slug for link in section.links
                             if (t := self.targets.get(id(link))) is not None
                             and t.kind == "category"}))


def _key(version: _Version, section: Section) -> tuple:
    if section.anchor:
        return ("id", section.anchor)
    return ("categories", version.categories(section))


def map_guide(mapper: "_Mapper", pages: list[Page], guide: URIRef) -> None:
    """Every language version of one guide: sections aligned, mentions, links."""
    links = reader(mapper)
    versions: list[_Version] = []
    for page in pages:
        if not mapper._writable(page, page.body, None, page.body_line):
            continue
        version = _Version(page, parse_guide_body(page.body, page.body_line))
        for link in version.body.all_links:
            version.targets[id(link)] = resolve(mapper, links, page, link)
        here, file = site_path(page), content_path(mapper, page)
        for index, section in enumerate(version.body.sections):
            if any(version.targets[id(link)] is None and
                   isinstance(t := links.read(link.href, here, file), Target) and
                   t.kind == "category" for link in section.links):
                version.dead.add(index)
        _check_anchors(mapper, version)
        version.keys = [_key(version, s) for s in version.body.sections]
        versions.append(version)
    if not versions:
        return
    default = mapper.settings.default_language
    versions.sort(key=lambda v: (v.page.lang != default, v.page.lang, v.page.rel))
    reference = versions[0]
    reference.match = {i: i for i in range(len(reference.body.sections))}
    for version in versions[1:]:
        _align(mapper, reference, version)
    nodes = [_section_iri(mapper, guide, s) for s in reference.body.sections]
    placed: dict[tuple[str, int], tuple[URIRef | None, _Version, Link]] = {}
    for version in versions:
        _emit_version(mapper, guide, version, reference, nodes, placed)


def _section_iri(mapper: "_Mapper", guide: URIRef, section: Section) -> URIRef:
    if section.anchor:
        return URIRef(f"{guide}#{section.anchor}")
    return mapper.mint.section(guide, section.position)


def _check_anchors(mapper: "_Mapper", version: _Version) -> None:
    seen: dict[str, Section] = {}
    for section in version.body.sections:
        anchor = section.anchor
        if anchor is None:
            continue
        if anchor.startswith(_RESERVED):
            mapper.problems.append(version.page.problem(
                msg("The section ID '{anchor}' is reserved (IDs starting with 'section-' or "
                    "'mention-' name kzgraph's own nodes). Choose another ID.", anchor=anchor),
                line=section.line))
            section.anchor = None
        elif anchor in seen:
            mapper.problems.append(version.page.problem(
                msg("The section ID '{anchor}' is given twice (first on line {first}). Give "
                    "each section its own ID.", anchor=anchor, first=seen[anchor].line),
                line=section.line))
            section.anchor = None
        else:
            seen[anchor] = section


def _describe(key: tuple) -> Message:
    if key[0] == "id":
        return msg("the ID '{id}'", id=key[1])
    return msg("the categories {names}", names=", ".join(key[1])) if key[1] else \
        msg("no ID and no category link")


def _align(mapper: "_Mapper", ref: _Version, version: _Version) -> None:
    """Match the sections of ``version`` to the reference's; report every disagreement on
    ``version``'s file, naming the reference's file and line."""
    rs, vs = ref.body.sections, version.body.sections
    page, other = version.page, ref.page.rel
    problem = mapper.problems.append
    how = msg("Sections are matched across languages by their ID ('## Title {#id}'), else "
              "by the categories they link, else by position.")
    matcher = SequenceMatcher(None, ref.keys, version.keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                version.match[j1 + k] = i1 + k
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                r, v = rs[i1 + k], vs[j1 + k]
                if ref.keys[i1 + k][0] == version.keys[j1 + k][0] == "categories" and \
                        (i1 + k in ref.dead or j1 + k in version.dead):
                    version.match[j1 + k] = i1 + k  # its dead link is the error reported
                    continue
                problem(page.problem(
                    msg("The section '{title}' stands where {other}:{line} has '{there}', but "
                        "it has {this_key} and that one {that_key}. {how} Make them agree.",
                        title=v.title, other=other, line=r.line, there=r.title,
                        this_key=_describe(version.keys[j1 + k]),
                        that_key=_describe(ref.keys[i1 + k]), how=how), line=v.line))
            continue
        for j in range(j1, j2):
            v = vs[j]
            elsewhere = [i for i, key in enumerate(ref.keys) if key == version.keys[j]]
            if elsewhere:
                problem(page.problem(
                    msg("The section '{title}' is in another place in {other} (line {line}): "
                        "the language versions of a guide keep their sections in the same "
                        "order.", title=v.title, other=other, line=rs[elsewhere[0]].line),
                    line=v.line))
            else:
                lines = ", ".join(str(s.line) for s in rs)
                problem(page.problem(
                    (msg("The section '{title}' has no counterpart in {other} (its sections "
                         "start on lines {lines}). {how} Add it to {other}, or remove it here.",
                         title=v.title, other=other, lines=lines, how=how) if lines else
                     msg("The section '{title}' has no counterpart in {other} (it has no "
                         "sections). {how} Add it to {other}, or remove it here.",
                         title=v.title, other=other, how=how)), line=v.line))
        for i in range(i1, i2):
            r = rs[i]
            if ref.keys[i] in version.keys:
                continue  # reported above, as out of order
            at = vs[j1].line if j1 < len(vs) else (vs[-1].line if vs else page.body_line)
            problem(page.problem(
                msg("The section '{title}' of {other} (line {line}) has no counterpart in "
                    "this file. {how} Add it here, or remove it there.", title=r.title,
                    other=other, line=r.line, how=how), line=at))
    # sections matched by ID must also cover the same categories
    for j, i in version.match.items():
        v, r = vs[j], rs[i]
        if v.anchor and version.categories(v) != ref.categories(r):
            problem(page.problem(
                msg("The section '{title}' links the categories {these} but the same section "
                    "in {other} (line {line}) links {those}. A section covers the same "
                    "categories in every language.", title=v.title,
                    these=", ".join(version.categories(v)) or "-", other=other, line=r.line,
                    those=", ".join(ref.categories(r)) or "-"), line=v.line))


def _emit_version(mapper: "_Mapper", guide: URIRef, version: _Version, ref: _Version,
                  nodes: list[URIRef], placed: dict) -> None:
    page = version.page
    graph = mapper.quads[mapper.mint.page_graph(page)]
    emit: Callable[..., None] = lambda t, line: mapper.emit(graph, t, page, None, line)
    body = version.body
    if body.intro:
        emit((guide, BODY, text_literal("\n\n".join(body.intro), page.lang)), page.body_line)
    counts: dict[str, int] = {}
    for link in body.intro_links:
        _link(mapper, guide, version, link, None, emit, counts, placed)
    for index, section in enumerate(body.sections):
        matched = version.match.get(index)
        if matched is None:
            continue  # reported: no section of the reference to attach it to
        node = nodes[matched]
        emit((node, _TYPE, _GUIDE_SECTION), section.line)
        emit((guide, _HAS_PART, node), section.line)
        emit((node, _IS_PART_OF, guide), section.line)
        emit((node, _POSITION, Literal(matched + 1, datatype=_INTEGER)), section.line)
        emit((node, _TITLE, text_literal(section.title, page.lang)), section.line)
        if section.text:
            emit((node, BODY, text_literal(section.text, page.lang)), section.line)
        for link in section.links:
            _link(mapper, guide, version, link, node, emit, counts, placed,
                  ref.body.sections[matched])


def _link(mapper: "_Mapper", guide: URIRef, version: _Version, link: Link,
          node: URIRef | None, emit: Callable[..., None], counts: dict[str, int],
          placed: dict, ref_section: Section | None = None) -> None:
    target = version.targets.get(id(link))
    if target is None:
        return
    if target.kind == "category" and node is not None:
        emit((node, _ABOUT_CATEGORY, mapper.mint.category(target.slug)), link.line)
        return
    if target.kind != "source":
        emit((node if node is not None else guide, _REFERENCES, _iri(mapper, target)),
             link.line)
        return
    slug = target.slug
    counts[slug] = n = counts.get(slug, 0) + 1
    source = mapper.mint.page("source", slug)
    mention = mapper.mint.mention(guide, slug if n == 1 else f"{slug}-{n}")
    emit((guide, _MENTIONS, source), link.line)
    emit((guide, _MENTION, mention), link.line)
    emit((mention, _TYPE, _MENTION_CLASS), link.line)
    emit((mention, _MENTIONED_SOURCE, source), link.line)
    first = placed.setdefault((slug, n), (node, version, link))
    if first[0] == node:
        if node is not None:
            emit((mention, _IN_SECTION, node), link.line)
    else:
        page, there = version.page, first[1].page
        text = msg("The link to the source '{slug}' (link number {n} to it in the guide) is in "
                   "another section here than in {other} (line {line}): a source is linked "
                   "from the same section in every language.", slug=slug, n=n,
                   other=there.rel, line=first[2].line) if node is not None else \
            msg("The link to the source '{slug}' (link number {n} to it in the guide) is "
                "before the first section here, not in {other} (line {line}): a source is "
                "linked from the same section in every language.", slug=slug, n=n,
                other=there.rel, line=first[2].line)
        mapper.problems.append(page.problem(text, line=link.line))
    if link.words:
        emit((mention, _NOTE, text_literal(link.words, version.page.lang)), link.line)
