"""IRIs: every data IRI minted from slugs under the configured base (:class:`Minter`), stable
across builds and the same for every language version of a page."""

from __future__ import annotations

import re
from urllib.parse import quote
from functools import lru_cache
from typing import TYPE_CHECKING

from rdflib import URIRef

from kzgraph.content.layout import COLLECTION, FOLDERS

if TYPE_CHECKING:  # for the annotation only: a query mints IRIs without the content loader
    from kzgraph.content.load import Page


@lru_cache(maxsize=200_000)
def _page_iri(base: str, kind: str, slug: str) -> URIRef:
    """A page's IRI, one object a process: the dictionaries keyed by subjects then find it by
    identity, without rdflib's equality test (a Python call) on every statement."""
    return getattr(Minter(base), kind)(slug)


class Minter:
    """Mints every data IRI from slugs under the configured base."""

    def __init__(self, base: str) -> None:
        self.base = base

    def guide(self, slug: str) -> URIRef:
        return URIRef(f"{self.base}guides/{slug}/")

    def source(self, slug: str) -> URIRef:
        return URIRef(f"{self.base}sources/sources/{slug}/")

    def category(self, slug: str) -> URIRef:
        return URIRef(f"{self.base}category/{slug}")

    def perspective(self, slug: str) -> URIRef:
        return URIRef(f"{self.base}perspective/{slug}")

    def scheme(self, kind: str) -> URIRef:
        return URIRef(f"{self.base}{kind}/")

    def country(self, alpha_2: str) -> URIRef:
        return URIRef(f"{self.base}country/{alpha_2.lower()}")

    def person(self, name: str) -> URIRef:
        slug = "-".join(re.findall(r"[^\W_]+", name.casefold()))
        return URIRef(f"{self.base}people/{slug}")

    def taxonomy(self, plural: str) -> URIRef:
        """A Hugo taxonomy (its terms' concept scheme), where Hugo lists its terms."""
        return URIRef(f"{self.base}{plural}/")

    def term(self, path: str) -> URIRef:
        """A term of a Hugo taxonomy, where Hugo publishes its page (``path``:
        :func:`kzgraph.content.permalinks.term_path_of`, ``regions/almaty-region``)."""
        return URIRef(f"{self.base}{path}/")

    def collection(self, slug: str) -> URIRef:
        """What a section page (``_index.md``) describes: the concept scheme of categories or
        perspectives, the collection of sources or guides, or (``home``) the site."""
        return URIRef({"category": f"{self.base}category/",
                       "perspective": f"{self.base}perspective/",
                       "source": f"{self.base}sources/sources/", "guide": f"{self.base}guides/",
                       }.get(slug, self.base))

    def section(self, guide: URIRef, position: int) -> URIRef:
        return URIRef(f"{guide}#section-{position}")

    def mention(self, guide: URIRef, source_slug: str) -> URIRef:
        return URIRef(f"{guide}#mention-{source_slug}")

    def page(self, kind: str, slug: str) -> URIRef:
        return _page_iri(self.base, kind, slug)

    def page_graph(self, page: Page) -> URIRef:
        folder = "collections" if page.kind == COLLECTION else FOLDERS[page.kind]
        return URIRef(f"{self.base}graph/{folder}/{page.slug}/{page.lang}")

    def file(self, rel: str) -> URIRef:
        """A content file (its path relative to the content folder's parent, such as
        ``content/sources/feminita/index.md``): what provenance says a page graph was made from,
        and the focus node of a problem found while reading it."""
        return URIRef(f"{self.base}file/{quote(rel.replace(chr(92), '/'), safe='/._-~')}")

    def reference_graph(self) -> URIRef:
        return URIRef(f"{self.base}graph/reference")

    def graph(self, name: str) -> URIRef:
        """A graph of kzgraph's own: ``provenance``, ``ontology``, ``push-manifest``."""
        return URIRef(f"{self.base}graph/{name}")

    def build(self, digest: str) -> URIRef:
        """The build activity that read content with this digest."""
        return URIRef(f"{self.base}build/{digest}")

    def software(self, version: str) -> URIRef:
        """kzgraph itself, at one version: the software agent of a build."""
        return URIRef(f"{self.base}software/kzgraph/{version}")

    def commit(self, sha: str) -> URIRef:
        """A git commit whose content a build read."""
        return URIRef(f"{self.base}commit/{sha}")

    def catalog(self) -> URIRef:
        """The DCAT catalogue that lists the dataset."""
        return URIRef(f"{self.base}catalog")

    def dataset(self) -> URIRef:
        """The dataset the VoID/DCAT description is about."""
        return URIRef(f"{self.base}dataset")

    def dataset_part(self, kind: str, name: str) -> URIRef:
        """A part of the dataset description: a distribution, a class or property partition."""
        return URIRef(f"{self.base}dataset/{kind}/{name}")

    def publisher(self) -> URIRef:
        return URIRef(f"{self.base}publisher")

    def download(self, file_name: str) -> URIRef:
        """Where a file ``build`` writes is downloaded from, once the output folder is
        published at the base."""
        return URIRef(f"{self.base}{file_name}")
