"""HTML pages: one per document and language, and the index pages, rendered with Jinja2
(autoescape on: every text from the content is escaped; the only markup not made by a template
is the guide's Markdown, rendered with raw HTML turned off, and the embedded JSON-LD, which
:func:`~kzgraph.publish.site.rdf.script_safe` escapes)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Mapping

from markupsafe import Markup
from rdflib import Literal, URIRef
from rdflib.term import Node

from kzgraph.content.guidebody import REF_SCHEME, refs_as_links
from kzgraph.graph.bodies import shown
from kzgraph.publish.site.i18n import language_name, search_words, words
from kzgraph.publish.site.model import SiteData, Text, page_dir, page_file, relative
from kzgraph.publish.site.paging import (moved, page_count, page_slice, paged_file,
                                         pager)
from kzgraph.publish.site.rdf import MEDIA_TYPES, embedded_jsonld, script_safe
from kzgraph.vocab import DCTERMS, FOAF, KZ, PREFIXES, SCHEMA, SKOS

#: site-level pages that are not resources: name -> folder
INDEX_PAGES = {"guides": "guides", "countries": "country", "people": "people",
               "search": "search", "sparql": "sparql"}


#: the kinds of page the search index holds (not the dataset's statistics, not the tools)
SEARCHABLE = {"guide", "source", "category", "perspective", "country", "person", "scheme"}


@lru_cache(maxsize=1)
def environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("kzgraph.publish.site", "templates"),
                      autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True)
    return env


@dataclass
class Item:
    label: str
    href: str | None = None
    lang: str | None = None
    note: str | None = None
    children: list["Block"] = field(default_factory=list)


@dataclass
class Block:
    heading: str
    items: list[Item] = field(default_factory=list)
    #: a listing that grows with the corpus (what points at the resource): split into pages
    paged: bool = False


class Renderer:
    """Renders the pages of one site: ``data`` and, for guides, their Markdown by language and
    the IRI each link of it names (``links``, as the mapping resolved it)."""

    def __init__(self, data: SiteData, bodies: Mapping[tuple[str, str], str] | None = None,
                 dumps: Mapping[str, int] | None = None, examples: list[dict] | None = None,
                 links: Mapping[tuple[str, str], Mapping[str, str]] | None = None,
                 pager_size: int = 10):
        self.data = data
        self.pager_size = max(1, int(pager_size))
        self.bodies = dict(bodies or {})
        self.links = dict(links or {})
        self.dumps = dict(dumps or {})
        self.examples = list(examples or [])
        #: a listing page's digest of what it shows (:meth:`page`), by site file, as the
        #: previous build rendered it (None: render every page) and as this one saw it
        self.previous: Mapping[str, str] | None = None
        self.digests: dict[str, str] = {}

    # -- shared pieces -------------------------------------------------------------------------

    def href(self, here: str, node: Node, lang: str) -> str | None:
        """A link from the file ``here`` to the page of ``node`` in ``lang`` (None when the node
        has no page on this site)."""
        iri = str(node)
        if not iri.startswith(self.data.base):
            return iri if iri.startswith(("http://", "https://")) else None
        doc, _, fragment = iri.partition("#")
        if doc not in self.data.documents and doc != self.data.base:
            return None
        langs = self.data.page_languages(doc)
        target = page_file(doc, self.data.base, lang if lang in langs else None,
                           self.data.default_language)
        link = relative(here, target)
        return f"{link}#{fragment}" if fragment else link

    def item(self, here: str, node: Node, lang: str, note: str | None = None) -> Item:
        text = self.data.label(node, lang)
        return Item(text.value, self.href(here, node, lang), text.lang, note)

    def nav(self, here: str, lang: str) -> list[Item]:
        w = words(lang)
        out = [Item(w["home"], relative(here, self._file("", lang)))]
        for key, folder in (("guides", "guides"), ("categories", "category"),
                            ("perspectives", "perspective"), ("countries", "country"),
                            ("search", "search"), ("sparql", "sparql")):
            out.append(Item(w[key], relative(here, self._file(folder, self._lang_of(folder,
                                                                                 lang)))))
        return out

    def _lang_of(self, folder: str, lang: str) -> str:
        """The language an index page of ``folder`` is shown in: ``lang``, unless the folder
        is a resource's page that has no page in it (then the default one; a scheme's page
        is in every language, as the generated lists, search and SPARQL pages are)."""
        doc = f"{self.data.base}{folder}/"
        if doc in self.data.documents and lang not in self.data.page_languages(doc):
            return self.data.default_language
        return lang

    def _file(self, folder: str, lang: str) -> str:
        name = "index.html" if lang == self.data.default_language else f"index.{lang}.html"
        return f"{folder}/{name}" if folder else name

    def page(self, here: str, lang: str, langs: list[str], title: str, content: dict[str, Any],
             *, template: str, doc: str | None = None, jsonld: str | None = None,
             fallback: Text | None = None) -> bytes | None:
        """The page ``here`` rendered; None for a listing page (an index, the home page, a
        page with a pager, a further page) that shows what it showed in the previous build
        (:attr:`previous`): its digest of everything the template is given is the same, and
        the site's code, settings and guides are too (the caller renders every page
        otherwise). Not rendering the pages of a long category whose items did not change
        is most of an edit's rendering."""
        w = words(lang)
        content.setdefault("pager", None)
        nav = self.nav(here, lang)
        if template != "resource.html" or content["pager"] is not None:
            seen = repr((template, here, lang, langs, title, content, doc, jsonld, fallback,
                         nav))
            if " at 0x" not in seen:  # every value shown by its value, none by its address
                digest = hashlib.blake2b(seen.encode(), digest_size=16).hexdigest()
                self.digests[here] = digest
                if self.previous is not None and self.previous.get(here) == digest:
                    return None
        folder = here.rsplit("/", 1)[0] if "/" in here else ""
        alternates = [Item(language_name(x), relative(here, self._in(folder, x)), x)
                      for x in langs]
        rdf = []
        if doc is not None:
            for ext, media in MEDIA_TYPES.items():
                rdf.append(Item(ext.upper() if ext != "jsonld" else "JSON-LD",
                                relative(here, f"{folder}/index.{ext}" if folder
                                         else f"index.{ext}"), media))
        note = None
        if fallback is not None and fallback.fallback:
            note = w["fallback"].format(lang=language_name(fallback.lang))
        hreflang = [Item(language_name(x), self._absolute(self._in(folder, x), doc, x), x)
                    for x in langs]
        html = environment().get_template(template).render(
            hreflang=hreflang,
            lang=lang, w=w, title=title, nav=nav, alternates=alternates,
            rdf=rdf, jsonld=Markup(jsonld) if jsonld else None, fallback_note=note,
            fallback_lang=fallback.lang if fallback is not None and fallback.fallback else None,
            iri=doc, searchable=content.get("kind") in SEARCHABLE, static=relative(here, "static/site.css").rsplit("/", 1)[0],
            root=relative(here, "index.html"), **content)
        return html.encode("utf-8")

    def _absolute(self, file: str, doc: str | None, lang: str) -> str:
        """The public address of a site file: the IRI itself for a resource's default page."""
        if doc is not None and lang == self.data.default_language:
            return doc
        return self.data.base + (file[: -len("index.html")] if file.endswith("index.html")
                                 else file)

    def _in(self, folder: str, lang: str) -> str:
        name = "index.html" if lang == self.data.default_language else f"index.{lang}.html"
        return f"{folder}/{name}" if folder else name

    # -- resource pages ------------------------------------------------------------------------

    def resource(self, doc: str, lang: str) -> bytes:
        """The page of one document in one language (the first page of its listings)."""
        page = self.resource_pages(doc, lang, first_only=True)[0][1]
        assert page is not None  # (only a site build gives the previous digests)
        return page

    def page_total(self, doc: str) -> int:
        """How many pages the listings of a document's page fill."""
        node = URIRef(doc)
        listed = self._listed(node, self.data.kind(node))
        return page_count(sum(len(nodes) for _, nodes in listed), self.pager_size)

    def resource_pages(self, doc: str, lang: str, first_only: bool = False
                       ) -> list[tuple[str, bytes | None]]:
        """The pages of one document in one language: its own page (the first of its
        listings, with everything else the page shows), then each further page of its
        listings (:mod:`~kzgraph.publish.site.paging`), as (site file, bytes)."""
        d = self.data
        node = URIRef(doc)
        kind = d.kind(node)
        here = page_file(doc, d.base, lang, d.default_language)
        title = d.label(node, lang)
        description = d.description(node, lang)
        body = d.text(node, (SCHEMA.text,), lang) if kind != "guide" else None
        blocks = self._blocks(here, node, kind, lang)
        paged = [b.paged for b in blocks]
        size = self.pager_size
        total = page_count(sum(len(b.items) for b in blocks if b.paged), size)
        name = here.rsplit("/", 1)[-1]
        folder = page_dir(doc, d.base)
        incoming = self._incoming(here, doc, lang)
        w = words(lang)
        content: dict[str, Any] = {
            "kind": kind, "heading": title, "description": description, "body": body,
            "blocks": page_slice(blocks, paged, size, 1), "facts": self._facts(here, node, lang),
            "guide_html": None, "sections": [],
            "statements": self._statements(here, doc, lang),
            "incoming": incoming[:size],
            "incoming_more": w["incoming_more"].format(n=len(incoming) - size)
            if len(incoming) > size else None,
            "pager": pager(1, total, lambda k: relative(here, paged_file(folder, name, k))),
        }
        if kind == "guide":
            content["guide_html"], content["sections"] = self._guide(here, node, doc, lang)
        fallback = title if title.fallback else (description if description and
                                                 description.fallback else None)
        langs = d.page_languages(doc)
        out = [(here, self.page(here, lang, langs, title.value, content,
                                template="resource.html", doc=doc,
                                jsonld=embedded_jsonld(d, doc, lang, kind), fallback=fallback))]
        if not first_only:
            out += self._further(folder, name, lang, langs, title, blocks, total, kind)
        return out

    def _further(self, folder: str, name: str, lang: str, langs: list[str], title: Text,
                 blocks: list[Block], total: int, kind: str) -> list[tuple[str, bytes | None]]:
        """Pages 2, 3, ... of a listing whose first page is ``folder/name``: its title, its
        paged blocks' items for that page (``blocks`` made for the first page: their links
        are moved two folders down) and the pager. HTML only: no RDF, no JSON-LD."""
        w = words(lang)
        paged = [b.paged for b in blocks]
        out = []
        for number in range(2, total + 1):
            here = paged_file(folder, name, number)
            shown = [replace(b, items=[moved(i) for i in b.items])
                     for b in page_slice(blocks, paged, self.pager_size, number)]
            content: dict[str, Any] = {
                "kind": "listing", "of_kind": kind, "heading": title, "blocks": shown,
                "page_note": w["page_of"].format(n=number, total=total),
                "pager": pager(number, total,
                               lambda k, here=here: relative(here, paged_file(folder, name, k))),
            }
            label = f"{title.value} · {content['page_note']}"
            out.append((here, self.page(here, lang, langs, label, content,
                                        template="listing.html",
                                        fallback=title if title.fallback else None)))
        return out

    def _facts(self, here: str, node: Node, lang: str) -> list[Item]:
        d = self.data
        w = words(lang)
        out = []
        for v in d.values(node, FOAF.homepage):
            out.append(Item(w["homepage"], str(v), note=str(v)))
        for key, pred in (("created", DCTERMS.created), ("modified", DCTERMS.modified)):
            for v in d.values(node, pred):
                out.append(Item(w[key], None, note=str(v)))
        keywords = [str(v) for v in d.values(node, SCHEMA.keywords)
                    if isinstance(v, Literal) and v.language == lang]
        if keywords:
            out.append(Item(w["keywords"], None, note=", ".join(keywords)))
        return out

    def _listed(self, node: URIRef, kind: str) -> list[tuple[str, list[Node]]]:
        """What a page of ``kind`` lists that grows with the corpus (what points at it), by
        the key of its heading in :data:`~kzgraph.publish.site.i18n.WORDS` (``""``: a scheme's
        members, headed by the scheme's name): the listings split into pages."""
        d = self.data
        if kind == "source":
            return [("guides_about", d.pointing_at(node, KZ.mentions))]
        if kind == "category":
            return [("sources", d.pointing_at(node, KZ.category))]
        if kind == "perspective":
            return [("offered_by", d.pointing_at(node, KZ.offersPerspective)),
                    ("missed_by", d.pointing_at(node, KZ.missesPerspective))]
        if kind == "country":
            pointing = d.pointing_at(node, KZ.country)
            return [("guides", [n for n in pointing if d.kind(n) == "guide"]),
                    ("sources", [n for n in pointing if d.kind(n) == "source"])]
        if kind == "person":
            return [("guides", d.pointing_at(node, DCTERMS.contributor))]
        if kind == "scheme":
            return [("", sorted(d.pointing_at(node, SKOS.inScheme),
                                key=lambda n: (d._weight(n), str(n))))]
        if kind == "resource" and d.values(node, SKOS.inScheme):  # a taxonomy's term
            return [("tagged", d.pointing_at(node, DCTERMS.subject))]
        return []

    def _blocks(self, here: str, node: URIRef, kind: str, lang: str, nested: bool = False
                ) -> list[Block]:
        """The blocks of a page: what it links to, then its listings (``paged``). Nested in a
        scheme's page (``nested``), a listing shows its first page's items and a link to
        the member's page for all of them."""
        d = self.data
        w = words(lang)
        blocks: list[Block] = []

        def add(heading: str, nodes: list[Node], paged: bool = False) -> None:
            if nodes:
                items = [self.item(here, n, lang) for n in nodes]
                blocks.append(Block(heading, sorted(items, key=lambda i: i.label.casefold()),
                                    paged))

        if kind == "source":
            add(w["category"], d.values(node, KZ.category))
            add(w["country"], d.values(node, KZ.country))
        elif kind == "category":
            add(w["offers"], d.values(node, KZ.offersPerspective))
            add(w["misses"], d.values(node, KZ.missesPerspective))
        elif kind == "guide":
            add(w["country"], d.values(node, KZ.country))
            add(w["contributors"], d.values(node, DCTERMS.contributor))
        for key, nodes in self._listed(node, kind):
            if kind == "scheme":
                items = []
                for member in nodes:
                    item = self.item(here, member, lang, _desc(d, member, lang))
                    item.children = self._blocks(here, member, d.kind(member), lang, True)
                    items.append(item)
                blocks.append(Block(d.label(node, lang).value, items, True))
            else:
                add(w[key], nodes, True)
        if kind == "source":
            for scheme, terms in self._terms(node):
                add(w["terms"].format(name=d.label(scheme, lang).value), terms)
        if nested:
            size = self.pager_size
            for block in blocks:
                if block.paged and len(block.items) > size:
                    block.items = block.items[:size] + [Item(
                        w["see_all"].format(n=len(block.items)), self.href(here, node, lang))]
        return blocks

    def _terms(self, node: URIRef) -> list[tuple[Node, list[Node]]]:
        """A page's terms of the site's Hugo taxonomies (``dcterms:subject`` a concept of a
        taxonomy's scheme), by taxonomy, in the order of the taxonomies' IRIs."""
        d = self.data
        found: dict[Node, list[Node]] = {}
        for term in d.values(node, DCTERMS.subject):
            for scheme in d.values(term, SKOS.inScheme):
                found.setdefault(scheme, []).append(term)
        return sorted(found.items(), key=lambda kv: str(kv[0]))

    def _statements(self, here: str, doc: str, lang: str) -> list[dict[str, Any]]:
        d = self.data
        rows = []
        for member in d.documents.get(doc, []):
            for pred, values in sorted(d.out[member].items(), key=lambda pv: str(pv[0])):
                for v in values:
                    rows.append({"subject": _short(str(member), doc),
                                 "property": _curie(str(pred)),
                                 "value": self._value(here, v, lang)})
        return rows

    def _incoming(self, here: str, doc: str, lang: str) -> list[dict[str, Any]]:
        d = self.data
        rows = []
        for member in d.documents.get(doc, []):
            for s, p in d.incoming.get(member, []):
                if isinstance(s, URIRef) and str(s).split("#")[0] == doc:
                    continue
                rows.append({"value": self._value(here, s, lang), "property": _curie(str(p)),
                             "subject": _short(str(member), doc)})
        return rows

    def _value(self, here: str, v: Node, lang: str) -> Item:
        if isinstance(v, Literal):
            return Item(str(v), None, v.language)
        href = self.href(here, v, lang)
        if str(v).startswith(self.data.base) and href is not None:
            return Item(self.data.label(v, lang).value, href)
        return Item(_curie(str(v)), href)

    def _guide(self, here: str, node: URIRef, doc: str, lang: str
               ) -> tuple[Markup | None, list[Item]]:
        d = self.data
        sections = sorted((s for s in d.values(node, DCTERMS.hasPart) if isinstance(s, URIRef)),
                          key=lambda s: (int(d.values(s, SCHEMA.position)[0])
                                         if d.values(s, SCHEMA.position) else 0, str(s)))
        toc = [Item(d.label(s, lang).value, "#" + str(s).split("#", 1)[1]) for s in sections]
        written = lang if (doc, lang) in self.bodies else d.default_language
        markdown = self.bodies.get((doc, written))
        if markdown is None:
            return None, toc
        names = self.links.get((doc, written), {})
        return render_markdown(markdown, lambda href: self._content_link(here, href, lang,
                                                                         names)), toc

    def _content_link(self, here: str, href: str, lang: str, names: Mapping[str, str]) -> str:
        """A link in a guide's Markdown, pointed at this site's page of the resource the
        mapping resolved it to (``names``: address -> IRI), whatever form it names it by
        (a folder path, a ``slug``, ``url`` or alias path, ``ref``, ...); as written where it
        names no page of this site (the mapping reported it), a ``ref`` shortcode as one."""
        iri = names.get(href)
        target = self.href(here, URIRef(iri), lang) if iri is not None else None
        if target is None:
            return shown(href)
        fragment = href.partition("#")[2] if not href.startswith(REF_SCHEME) else ""
        return f"{target}#{fragment}" if fragment and "#" not in target else target


def _desc(d: SiteData, n: Node, lang: str) -> str | None:
    t = d.description(n, lang)
    return t.value if t else None


def _curie(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _short(iri: str, doc: str) -> str:
    return "#" + iri.split("#", 1)[1] if iri.startswith(doc + "#") else ""


def render_markdown(text: str, link: Any) -> Markup:
    """A guide body as HTML: CommonMark with raw HTML off (it is shown as text), each level-2
    heading given the anchor of its section (``section-N``, as the graph names it), and every
    link passed through ``link`` (a ``ref``/``relref`` shortcode as the ``hugo-ref:`` address
    the mapping reads it as)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False})
    tokens = md.parse(refs_as_links(text))
    position = 0
    for tok in tokens:
        if tok.type == "heading_open" and tok.tag == "h2":
            position += 1
            tok.attrSet("id", f"section-{position}")
        for child in tok.children or []:
            if child.type == "link_open":
                child.attrSet("href", link(str(child.attrGet("href") or "")))
    return Markup(md.renderer.render(tokens, md.options, {}))



class IndexPages:
    """The pages that are not resources: home, guides, countries, people, search, SPARQL."""

    def __init__(self, renderer: Renderer) -> None:
        self.r = renderer
        self.d = renderer.data
        self._counts: dict[Node, int] = {}  # sources by category and country

    def files(self) -> dict[str, bytes | None]:
        out: dict[str, bytes | None] = {}
        for lang in self.d.languages:
            out[self.r._in("", lang)] = self.home(lang)
            for name, kind in (("guides", "guide"), ("countries", "country"),
                               ("people", "person")):
                folder = INDEX_PAGES[name]
                if self.d.base + folder + "/" in self.d.documents:
                    continue  # the scheme's own page lists them
                out.update(self.listing(folder, name, kind, lang))
            out[self.r._in("search", lang)] = self.simple("search", "search.html", lang)
            out[self.r._in("sparql", lang)] = self.simple("sparql", "sparql.html", lang)
        return out

    def home(self, lang: str) -> bytes | None:
        here = self.r._in("", lang)
        w = words(lang)
        dataset = URIRef(self.d.base + "dataset")
        title = self.d.label(dataset, lang) if dataset in self.d.out else Text("kzgraph", None,
                                                                              False)
        description = self.d.description(dataset, lang)
        blocks = self.summary(here, lang)
        dumps = [Item(name, relative(here, name), note=f"{size:,} B")
                 for name, size in sorted(self.dumps_with_void().items())]
        figures = [Item(w["triples"], None, note=str(len(self.d.triples))),
                   Item(w["resources"], None, note=str(len(self.d.documents)))]
        content = {"kind": "home", "heading": title, "description": description,
                   "blocks": blocks, "dumps": dumps, "figures": figures,
                   "dataset_href": self.r.href(here, dataset, lang)}
        return self.r.page(here, lang, self.d.languages, title.value, content,
                           template="home.html", doc=self.d.base, fallback=title)

    def summary(self, here: str, lang: str) -> list[Block]:
        """What the home page offers a reader: the first page of the guides (and a link to
        all of them), every category and every country with how many sources it has, each
        linked to its page. Not every source: 10,000 of them made the page 1 MB, useless to
        read and rendered again at every edit; the categories and countries are the ways
        into them (and search), and their number does not grow with the corpus."""
        d = self.d
        w = words(lang)
        size = self.r.pager_size
        blocks = []
        guides = sorted((self.r.item(here, n, lang, _desc(d, n, lang))
                         for n in d.of_kind("guide")), key=lambda i: i.label.casefold())
        if guides:
            more = []
            if len(guides) > size:
                folder = INDEX_PAGES["guides"]
                more = [Item(w["see_all"].format(n=len(guides)), relative(
                    here, self.r._in(folder, self.r._lang_of(folder, lang))))]
            blocks.append(Block(w["guides"], guides[:size] + more))
        for name, kind, pred in (("categories", "category", KZ.category),
                                 ("countries", "country", KZ.country)):
            items = []
            for n in d.of_kind(kind):
                count = self._counts.get(n)
                if count is None:
                    count = self._counts[n] = len({s for s, p in d.incoming.get(n, ())
                                                   if p == pred and d.kind(s) == "source"})
                items.append(self.r.item(here, n, lang, w["source_count"].format(n=count)))
            if items:
                blocks.append(Block(w[name], sorted(items, key=lambda i: i.label.casefold())))
        return blocks

    def dumps_with_void(self) -> dict[str, int]:
        return dict(self.r.dumps)

    def listing(self, folder: str, name: str, kind: str, lang: str) -> dict[str, bytes | None]:
        """An index page (every resource of ``kind``) and its further pages."""
        here = self.r._in(folder, lang)
        w = words(lang)
        items = [self.r.item(here, n, lang, _desc(self.d, n, lang)) for n in self.d.of_kind(kind)]
        blocks = [Block(w[name], sorted(items, key=lambda i: i.label.casefold()), True)]
        size = self.r.pager_size
        total = page_count(len(items), size)
        file = here.rsplit("/", 1)[-1]
        heading = Text(w[name], lang, False)
        content = {"kind": "index", "heading": heading,
                   "blocks": page_slice(blocks, [True], size, 1),
                   "pager": pager(1, total, lambda k: relative(here, paged_file(folder, file,
                                                                                k)))}
        out = {here: self.r.page(here, lang, self.d.languages, w[name], content,
                                 template="index.html")}
        out.update(self.r._further(folder, file, lang, self.d.languages, heading, blocks, total,
                                   "index"))
        return out

    def simple(self, folder: str, template: str, lang: str) -> bytes | None:
        here = self.r._in(folder, lang)
        w = words(lang)
        content = {"kind": folder, "heading": Text(w[folder], lang, False),
                   "examples": self.r.examples, "search_words": search_words(lang),
                   "examples_json": Markup(script_safe(self.r.examples)),
                   "sparql_labels": json.dumps({"editor": w["editor"],
                                                "pageSize": w["page_size"]},
                                               ensure_ascii=False), "dump": relative(here, "kzgraph.nt"),
                   "pagefind": relative(here, "pagefind/pagefind-ui.js").rsplit("/", 1)[0],
                   "vendor": relative(here, "static/vendor/x").rsplit("/", 1)[0]}
        return self.r.page(here, lang, self.d.languages, w[folder], content, template=template)
