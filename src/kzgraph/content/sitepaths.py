"""Where Hugo serves each page when its front matter says so, and which page each such path
names. No RDF here.

Hugo (0.111, checked by ``tests/test_site_paths.py`` against the real binary) serves a page file:

- with ``url: /kz/feminita-org/``: exactly there, whatever the file's language (no language
  prefix is added), case and all; ``url: kz/x/`` (no leading slash) under the language's
  prefix, ``/ru/kz/x/`` in a Russian file;
- else, when the site's ``[permalinks]`` give its section a pattern and it is a regular page
  (not an ``_index.md``): where the pattern says (:mod:`kzgraph.content.permalinks`, checked by
  ``tests/test_permalinks.py``), under the language's prefix; ``slug`` counts only through the
  pattern's ``:slug``;
- else with ``slug: Foo Bar``: at ``/[<lang>/]<folder>/foo-bar/``, the slug made a path segment
  as Hugo makes a taxonomy term one (:func:`~kzgraph.content.taxonomies.term_path`: lower
  case, spaces to hyphens, other signs dropped);
  ``slug`` on a section page (``_index.md``) is ignored;
- else at its folder path, ``/[<lang>/]<folder>/<name>/`` (the language prefix for any language
  but the default one).

With ``uglyURLs`` (the whole site's, or its section's), every page but one with a ``url`` is
served at ``<its path>.html`` instead (``/sources/foo.html``; a section's own page at
``/sources.html``), and, with the whole site's, its aliases too (``/old/path/`` is
``/old/path.html``): checked by ``tests/test_ugly_urls.py``.

Any of these means the folder path serves nothing any more (Hugo writes no page
there). ``aliases`` make Hugo write a redirect page at each path listed: as written when it
starts with ``/`` (no language prefix either), else relative to the folder of the path the page
is served at (``old/`` from ``/sources/zakon/`` is ``/sources/old/``). Two claims on one path
leave one page there and say nothing (a page beats an alias; of two pages, one silently):
:class:`SitePaths` reports both, with file, key and line.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable

from kzgraph.config import Settings
from kzgraph.content.hugo import site_paths
from kzgraph.content.layout import FOLDERS, place
from kzgraph.content.load import Page
from kzgraph.content.permalinks import expand
from kzgraph.content.taxonomies import term_path
from kzgraph.errors import Problem, msg

def key_of(path: str) -> str:
    """A site path as looked up: no leading or trailing slash (``/sources/foo/`` and
    ``sources/foo`` are one page)."""
    return path.strip("/")


@dataclass(frozen=True)
class Claim:
    """One page file's claim on a path: its page (``kind``, ``slug``: the resource), the file,
    key and line that make it, and, for ``url`` and ``slug``, the folder path it takes the
    page away from (a key of :func:`key_of`)."""

    path: str
    kind: str
    slug: str
    rel: str
    key: str
    line: int
    folder: str = ""

    @property
    def shown(self) -> str:
        """The path as a link names it: ``/sources/foo/``, or ``/a/b.html`` for a file name
        (Hugo writes ``.html`` paths as files, others as folders with an ``index.html``)."""
        return served_as(self.path)

    def row(self) -> tuple:
        return (self.path, self.kind, self.slug, self.rel, self.key, self.line, self.folder)


def served_as(path: str) -> str:
    """A path key (:func:`key_of`) as a link names it: ``/sources/foo/``, ``/a/b.html``."""
    return "/" + path + ("" if path.endswith(".html") else "/") if path else "/"


def segment(text: str, settings: Settings) -> str:
    """A folder's name or a ``slug`` made a path segment as Hugo makes one (``urlize``, with the
    site's ``disablePathToLower`` and ``removePathAccents``)."""
    return term_path(text, lower=settings.path_to_lower,
                     remove_accents=settings.remove_path_accents)


def folder_path(kind: str, name: str, lang: str, settings: Settings) -> str:
    """The path Hugo serves a page file at by default (a key of :func:`key_of`)."""
    prefix = "" if lang == settings.default_language else f"{lang}/"
    if kind == "collection":
        return prefix.rstrip("/") if name == "home" else prefix + FOLDERS[name]
    return f"{prefix}{FOLDERS[kind]}/{segment(name, settings)}"


def own_folder(page: Page, settings: Settings) -> str:
    """The folder path of a page file (a key of :func:`key_of`): its own folder's or file's
    name, not the resource's slug (which a translation joined by ``translationKey`` takes
    from its default-language page)."""
    where = place(page.rel.split("/")[1:], settings.language_dirs)
    name = where[1] if isinstance(where, tuple) else page.slug
    return folder_path(page.kind, name, page.lang, settings)


def section_of(page: Page) -> str | None:
    """The section a page file belongs to (``sources``), as Hugo's ``permalinks`` and
    ``uglyURLs`` name it; None for the home page."""
    if page.kind in FOLDERS:
        return FOLDERS[page.kind]
    return FOLDERS.get(page.slug) if page.kind == "collection" else None


def claims(page: Page, settings: Settings) -> list[Claim]:
    """The paths a published page file claims by ``url``, ``slug``, its section's
    ``[permalinks]`` pattern, ``uglyURLs`` and ``aliases`` (none for a file served at its
    folder path and without aliases). ``page.slug`` is the resource's (a translation joined by
    ``translationKey`` has its default-language page's); the folder path is the file's own."""
    section = section_of(page)
    pattern = settings.permalink(section) if section and page.kind in FOLDERS else None
    ugly = section is not None and settings.ugly(section)
    if not ("url" in page.fields or "slug" in page.fields or "aliases" in page.fields
            or pattern is not None or ugly):
        return []
    folder = own_folder(page, settings)
    paths, _ = site_paths(page)
    served, out = folder, []
    url = [(path, line) for key, path, line in paths if key == "url"]
    slug = page.fields.get("slug")
    prefix = "" if page.lang == settings.default_language else page.lang + "/"
    if url:
        # a url without a leading slash is under the language's prefix, as Hugo serves it;
        # uglyURLs leave it as it is
        served = key_of(url[0][0] if page.fields["url"].value.startswith("/")
                        else prefix + url[0][0].lstrip("/"))
        out.append(Claim(served, page.kind, page.slug, page.rel, "url", url[0][1], folder))
    else:
        key, line, path = "", 1, folder
        if pattern is not None:
            key, path = "permalinks", key_of(prefix + expand(pattern, page, settings))
        elif slug is not None and page.kind != "collection" and isinstance(slug.value, str) \
                and slug.value.strip() and "/" not in slug.value:
            key, line = "slug", slug.line
            path = posixpath.join(posixpath.dirname(folder), segment(slug.value, settings))
        if ugly:  # /sources/foo.html, /sources.html; "/s/:slug.html" is /s/foo.html.html
            key, path = key or "uglyURLs", path + ".html"
        if key == "slug" or path != folder:
            served = path
            out.append(Claim(served, page.kind, page.slug, page.rel, key, line, folder))
    for key, path, line in paths:
        if key == "aliases":  # Hugo's path.Join: '..' and '.' resolved, slashes made one
            target = key_of(posixpath.normpath(
                posixpath.join("/" + posixpath.dirname(served), path)))
            if settings.ugly_urls and target and not target.endswith(".html"):
                target += ".html"  # a redirect file, not a folder (not so by section)
            out.append(Claim(target, page.kind, page.slug, page.rel, "aliases", line))
    return out


#: what a path is, as :meth:`SitePaths.get` says: ("page", kind, slug), ("moved", the path the
#: page is served at now, the key that moved it, kind, slug), or None (no claim: read by its
#: form)
Entry = tuple


class SitePaths:
    """Every path claimed by ``url``, ``slug`` and ``aliases`` in the content, and the folder
    paths those take pages away from. Built from :meth:`Claim.row` tuples (in any order)."""

    def __init__(self, rows: Iterable[tuple] = ()) -> None:
        by_path: dict[str, list[Claim]] = defaultdict(list)
        for row in rows:
            c = Claim(*row)
            by_path[c.path].append(c)
        self._entries: dict[str, Entry] = {}
        #: pairs of claims on one path: (the claim that stands, the other)
        self.conflicts: list[tuple[Claim, Claim]] = []
        moved: dict[str, Claim] = {}
        #: the first claim on each path
        self.claims: dict[str, Claim] = {}
        for path in sorted(by_path):
            found = sorted(by_path[path], key=lambda c: (c.key == "aliases", c.rel, c.line))
            first = self.claims[path] = found[0]
            self._entries[path] = ("page", first.kind, first.slug)
            self.conflicts.extend((first, other) for other in found[1:]
                                  if (other.kind, other.slug) != (first.kind, first.slug)
                                  or other.rel != first.rel)
            for c in found:
                if c.folder:
                    moved.setdefault(c.folder, c)
        #: the folder paths a ``url`` or ``slug`` took their page away from
        self.vacated = frozenset(moved)
        for folder, c in moved.items():
            if folder not in self._entries:
                self._entries[folder] = ("moved", served_as(c.path), c.key, c.kind, c.slug)
        self.digest = hashlib.sha256(repr(sorted(self._entries.items())).encode()).hexdigest()

    def __bool__(self) -> bool:
        return bool(self._entries)

    def get(self, path: str) -> Entry | None:
        """What a site path (a key of :func:`key_of`) is, if a claim says."""
        return self._entries.get(path) if self._entries else None

    def seen(self, path: str) -> str:
        """What a link to a site path (a key of :func:`key_of`) saw of the claims, as text
        (empty: nothing), as a part records it (see :meth:`kzgraph.engine.cache.Cache.relinked`):
        a part that linked a path is made again when this changes."""
        entry = self._entries.get(path)
        return "" if entry is None else "|".join(entry)

    def problems(self, folder_owner: Callable[[str], tuple[str, str, str] | None]
                 = lambda path: None) -> list[Problem]:
        """Each second claim on a path: an error on the file that loses it, naming the other
        file, key and line; and each claim on a path a page is served at as its folder's
        (``folder_owner`` gives that page's kind, slug and file, or None), which Hugo leaves
        to that page."""
        out = []
        for path, claim in self.claims.items():
            owner = None if path in self.vacated else folder_owner(path)
            if owner is not None and owner[:2] != (claim.kind, claim.slug):
                out.append(Problem(claim.rel, claim.line, claim.key, msg(
                    "The path '{path}' is where Hugo serves {other} (its folder's path): "
                    "'{key}' here claims it too, and Hugo keeps that page there, without a "
                    "word. Give this one another path.", path=served_as(path), other=owner[2],
                    key=claim.key)))
        for first, other in self.conflicts:
            if other.key == first.key == "permalinks":
                out.append(Problem(other.rel, other.line, other.key, msg(
                    "The site's permalinks pattern serves this page at '{path}', and {other} "
                    "there too. Hugo writes only one of them there, without a word: make the "
                    "pattern tell them apart (with :slug or :filename), or give one of them a "
                    "'url'.", path=other.shown, other=first.rel)))
                continue
            out.append(Problem(other.rel, other.line, other.key, msg(
                "Two pages claim the path '{path}': '{key}' here and '{other_key}' in "
                "{other}:{line}. Hugo writes only one page there, without a word; give one of "
                "them another path.", path=other.shown, key=other.key, other_key=first.key,
                other=first.rel, line=first.line)))
        return out


def saw_otherwise(lookup: str, recorded: object, known: dict[str, set[str]],
                  paths: SitePaths | None) -> bool:
    """Whether a part that recorded ``recorded`` for a lookup (see
    :func:`kzgraph.graph.bodies.resolve`) would see something else now: a page (``kind/slug``)
    there or not (``known``), or what the claims (``paths``) say of a site path (``@path``)."""
    if lookup[0] == "@":
        return recorded != (paths.seen(lookup[1:]) if paths else "")
    kind, _, slug = lookup.partition("/")
    return (slug in known.get(kind, ())) != bool(recorded)


def page_kind_of(entry: Entry) -> tuple[str, str] | None:
    """The (kind, slug) of a link :class:`~kzgraph.content.links.Target` for the page an entry
    names (None: the home page)."""
    kind, slug = entry[-2], entry[-1]
    if kind != "collection":
        return kind, slug
    if slug == "home":
        return None
    return ("scheme", slug) if slug in ("category", "perspective") else ("list", FOLDERS[slug])

