"""Where a link in a page body points: a page of the site, something outside it, or
something kzgraph cannot tell. No RDF here: the mapping turns a :class:`Target` into an IRI.

Editors link the way Hugo lets them, and every way names the same page:

- a site path, ``/sources/sources/feminita/`` (the published IRI's path) or
  ``/sources/feminita/`` (the content folder's), with or without the trailing slash, with a
  query or a fragment, under a language prefix (``/ru/sources/...``);
- a relative path, resolved against the page's own path (``../feminita/`` from a source);
- an absolute address under the configured base IRI or the Hugo site's ``baseURL``;
- a ``{{< ref >}}`` / ``{{< relref >}}`` shortcode naming a content file or folder
  (``sources/feminita``, ``/sources/feminita/index.ru.md``), which
  :func:`kzgraph.content.guidebody.refs_as_links` turned into a ``hugo-ref:`` address;
- a path a page's ``slug``, ``url`` or ``aliases`` gives it (:mod:`kzgraph.content.sitepaths`):
  looked up before the path's form is read, as another page's claim on a folder path wins
  over the folder on Hugo's site too;
- under ``uglyURLs``, a section's own page at ``/sources.html`` (``/ru/sources.html``), which
  Hugo writes whether or not the section has an ``_index.md`` (with one, its claim names it).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Callable
from urllib.parse import unquote, urlsplit

from kzgraph.content.guidebody import REF_SCHEME
from kzgraph.content.layout import KINDS
from kzgraph.content.sitepaths import SitePaths, key_of, page_kind_of
from kzgraph.errors import Message, msg

#: a path on the site (no leading slash) -> the kind of page; the published IRI's form first
_SITE_PATHS = (
    ("source", re.compile(r"sources/sources/(?P<slug>[^/]+)/?")),
    ("source", re.compile(r"sources/(?P<slug>[^/]+)/?")),
    ("category", re.compile(r"(?:category|categories)/(?P<slug>[^/]+)/?")),
    ("perspective", re.compile(r"(?:perspective|perspectives)/(?P<slug>[^/]+)/?")),
    ("guide", re.compile(r"guides/(?P<slug>[^/]+)/?")),
    ("country", re.compile(r"country/(?P<slug>[^/]+)/?")),
    ("scheme", re.compile(r"(?P<slug>category|perspective)/?")),
    ("list", re.compile(r"(?P<slug>categories|perspectives|sources|guides|country)/?")),
)
_PAGE_FILE = re.compile(r"(?:_?index|(?P<name>[^/]+?))(?:\.[a-z]{2}(?:-[a-z0-9]+)?)?\.md")
#: what makes a path starting with '/' need the general reading
_SPECIAL = re.compile(r"[?#%\s]|/\.\.?(?:/|$)")
_SCHEMES_OF_NO_PAGE = ("mailto", "tel", "ftp", "data", "javascript", "news", "irc", "xmpp")


@dataclass(frozen=True)
class Target:
    """A page of the site a link points to: ``kind`` is ``guide``, ``source``, ``category``,
    ``perspective``, ``country`` (the slug an ISO code), ``scheme`` (the category or
    perspective scheme) or ``list`` (a list page, which has no IRI of its own); ``slug`` names
    it."""

    kind: str
    slug: str


@dataclass(frozen=True)
class Unclear:
    """A link kzgraph cannot classify, or a ``ref`` that names no page (``dead``)."""

    reason: Message
    dead: bool = False


class LinkReader:
    """Classifies the links of one site.

    :param bases: the absolute addresses the site is published under (the base IRI, Hugo's
        ``baseURL``), each ending with ``/``
    :param is_language: whether a path's first segment is a language code, which Hugo puts
        before the path of a page in another language (``/ru/...``)
    :param ugly: whether Hugo serves a section's pages at ``<path>.html`` (``uglyURLs``)
    """

    def __init__(self, bases: tuple[str, ...],
                 is_language: Callable[[str], bool] = lambda code: False,
                 paths: SitePaths | None = None,
                 ugly: Callable[[str], bool] = lambda section: False) -> None:
        self.ugly = ugly
        self.bases = tuple(sorted({b if b.endswith("/") else b + "/" for b in bases},
                                  key=len, reverse=True))
        self.is_language = is_language
        self.paths = paths if paths else None
        #: of the last :meth:`read`: the site path looked up (a key of
        #: :func:`~kzgraph.content.sitepaths.key_of`; None when the link named none), and,
        #: when it is a page's folder path its ``slug`` or ``url`` took it away from, the path
        #: the page is served at now
        self.last_path: str | None = None
        self.last_moved: str | None = None
        #: and the key that moved it (``slug``, ``url``, ``permalinks``)
        self.last_moved_by: str | None = None

    def read(self, href: str, page_path: str, content_path: str
             ) -> Target | Unclear | None:
        """Where ``href`` points. ``page_path`` is the linking page's own site path
        (``/guides/kazakhstan/``), ``content_path`` its file's path in the content folder
        (``guides/kazakhstan/index.ru.md``). None: outside the site, or within the page."""
        self.last_path = self.last_moved = self.last_moved_by = None
        if href[:1] == "/" and href[1:2] != "/" and not _SPECIAL.search(href):
            return self._site_path(href[1:])  # the usual case: a plain path on the site
        href = href.strip()
        if not href:
            return Unclear(msg("The link has no address."))
        if href.startswith(REF_SCHEME):
            return self._ref(unquote(href[len(REF_SCHEME):]), content_path)
        parts = urlsplit(href)
        if parts.scheme and parts.scheme not in ("http", "https"):
            return None if parts.scheme.lower() in _SCHEMES_OF_NO_PAGE else \
                Unclear(msg("kzgraph does not know what a '{scheme}:' address is.",
                            scheme=parts.scheme))
        if parts.scheme or href.startswith("//"):
            absolute = href if parts.scheme else "https:" + href
            path = self._under_base(absolute)
            if path is None:
                return None  # another site
        elif not parts.path:
            return None  # '#fragment' or '?query': this page itself
        else:
            folder = page_path if page_path.endswith("/") else posixpath.dirname(page_path)
            path = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
            if parts.path.endswith("/") and not path.endswith("/"):
                path += "/"
        return self._site_path(path.lstrip("/"))

    def _under_base(self, absolute: str) -> str | None:
        parts = urlsplit(absolute)
        bare = f"{parts.netloc.lower()}{unquote(parts.path) or '/'}"
        for base in self.bases:
            b = urlsplit(base)
            prefix = f"{b.netloc.lower()}{b.path}"
            if bare.startswith(prefix) or bare + "/" == prefix:
                return "/" + bare[len(prefix):]
        return None

    def _site_path(self, path: str) -> Target | Unclear | None:
        self.last_path = key = key_of(path)
        entry = self.paths.get(key) if self.paths is not None else None
        if entry is not None:
            named = page_kind_of(entry)
            if entry[0] == "moved":
                self.last_moved, self.last_moved_by = entry[1], entry[2]
            return None if named is None else Target(*named)
        return self.form(path)

    def form(self, path: str) -> Target | Unclear | None:
        """The page a site path (without its leading slash) names by its form alone."""
        first, _, rest = path.partition("/")
        prefix = ""
        if first and rest and first not in KINDS and self.is_language(first):
            path, prefix = rest, first + "/"
        if not path:
            return None  # the home page
        if path.endswith(".html") and path[:-5] in KINDS and self.ugly(path[:-5]):
            path = path[:-5]  # the section's own page, /sources.html
        elif path.rstrip("/") in KINDS and self.ugly(path.rstrip("/")):
            # Hugo serves the section's page at /sources.html only
            self.last_moved = f"/{prefix}{path.rstrip('/')}.html"
            self.last_moved_by = "uglyURLs"
        for kind, pattern in _SITE_PATHS:
            m = pattern.fullmatch(path)
            if m:
                return Target(kind, m.group("slug"))
        return Unclear(msg("kzgraph cannot tell what '/{path}' is: it is not the path of a "
                           "guide, source, category, perspective or country page.", path=path))

    def _ref(self, path: str, content_path: str) -> Target | Unclear:
        """A ``ref``/``relref`` shortcode's content path, as Hugo resolves it: from the
        content folder when it starts with '/', else from the page's folder, then from the
        content folder."""
        path = path.split("#", 1)[0]
        here = posixpath.dirname(content_path)
        candidates = [path] if path.startswith("/") else \
            [posixpath.join(here, path), posixpath.join(posixpath.dirname(here), path), path]
        for candidate in candidates:
            target = _content_target(posixpath.normpath("/" + candidate).lstrip("/"))
            if target is not None:
                return target
        return Unclear(msg("The shortcode ref \"{path}\" names no page: give a content path "
                           "such as \"sources/feminita\" or \"/sources/feminita/index.md\".",
                           path=path), dead=True)


def _content_target(path: str) -> Target | None:
    """The page a content path names: ``<folder>/<slug>``, ``<folder>/<slug>/index.md``,
    ``<folder>/<slug>.md`` (any language)."""
    segments = [s for s in path.split("/") if s]
    if segments and (m := _PAGE_FILE.fullmatch(segments[-1])):
        segments = segments[:-1] + ([m.group("name")] if m.group("name") else [])
    if len(segments) == 2 and segments[0] in KINDS:
        return Target(KINDS[segments[0]], segments[1])
    if len(segments) == 3 and segments[:2] == ["sources", "sources"]:
        return Target("source", segments[2])
    return None
