"""The static Linked Data site: every IRI of the graph as a page per language (HTML for people)
and as Turtle, JSON-LD and N-Triples beside it (RDF for programs), the index pages, a search
index, a SPARQL page that queries the site's own dump in the browser, and the Apache, nginx and
Caddy configurations that negotiate between them.

Paths: the resource ``{base}P`` is written at ``P'/index.html`` (default language),
``P'/index.<lang>.html``, ``P'/index.ttl``, ``P'/index.jsonld``, ``P'/index.nt`` where ``P'`` is
``P`` without its trailing slash; the further pages of its listings (more than the pager
size of items: :mod:`~kzgraph.publish.site.paging`) at ``P'/page/N/index.html`` and
``P'/page/N/index.<lang>.html``, HTML only; the home page is ``index.html``; the dumps and
``void.ttl`` are at the root.

Public API: :func:`build_site` (the whole site into a folder), :class:`Site` (one page or RDF
file rendered on demand from an in-memory graph, as a server does), :class:`SiteReport`.
"""

from __future__ import annotations

from kzgraph.publish.site.build import (Site, SiteReport, build_site, guide_bodies,
                                        saved_examples)
from kzgraph.publish.site.model import SiteData, document_of, page_dir, page_file

__all__ = ["Site", "SiteData", "SiteReport", "build_site", "document_of", "guide_bodies",
           "page_dir", "page_file", "saved_examples"]
