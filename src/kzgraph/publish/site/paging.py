"""Listings split into pages as Hugo paginates them: a page's own file shows the first
``pager_size`` items, the rest are on ``<folder>/page/2/``, ``<folder>/page/3/``, ... (Hugo's
paths), each with ``rel="prev"``/``rel="next"`` links and a pager. No listing page grows with
the corpus: a category with 5,000 sources is 500 pages of 10, not one page of 5,000.

Only the first page is the resource's own page (its IRI, its RDF files, its embedded JSON-LD);
the further pages are HTML for people, with the same language versions as the first."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Sequence

#: the folder of the further pages of a listing (Hugo's ``pagination.path`` default)
PAGE_DIR = "page"


def page_count(items: int, size: int) -> int:
    """How many pages ``items`` items fill, ``size`` a page (one, when there are none)."""
    return max(1, -(-items // size))


def paged_file(folder: str, name: str, number: int) -> str:
    """The site file of page ``number`` of a listing whose first page is ``folder/name``
    (``name``: ``index.html`` or ``index.ru.html``)."""
    if number > 1:
        folder = f"{folder}/{PAGE_DIR}/{number}" if folder else f"{PAGE_DIR}/{number}"
    return f"{folder}/{name}" if folder else name


@dataclass
class PagerLink:
    label: str
    href: str | None  # None: the page shown (or a gap)
    current: bool = False
    gap: bool = False


@dataclass
class Pager:
    """Where a listing page stands among its pages, and the links a reader moves by."""

    number: int
    total: int
    prev: str | None
    next: str | None
    first: str | None
    last: str | None
    links: list[PagerLink]


def pager(number: int, total: int, href: Any) -> Pager | None:
    """The pager of page ``number`` of ``total`` (None for a listing of one page): previous and
    next, the first and last pages, and the two either side of this one (a pager of 500 pages
    stays a dozen links). ``href(k)`` is the link to page ``k`` from this page."""
    if total <= 1:
        return None
    shown = sorted({1, total, *range(max(1, number - 2), min(total, number + 2) + 1)})
    links: list[PagerLink] = []
    last = 0
    for k in shown:
        if k - last > 1:
            links.append(PagerLink("…", None, gap=True))
        links.append(PagerLink(str(k), None if k == number else href(k), k == number))
        last = k
    return Pager(number, total, href(number - 1) if number > 1 else None,
                 href(number + 1) if number < total else None,
                 href(1) if number > 1 else None, href(total) if number < total else None,
                 links)


def page_slice(blocks: Sequence[Any], paged: Sequence[bool], size: int, number: int
               ) -> list[Any]:
    """The blocks page ``number`` shows: the blocks not paged on the first page only; the
    items of the paged ones counted across them in order, ``size`` a page (a block split
    between two pages shows its heading on both)."""
    start, end = (number - 1) * size, number * size
    out = []
    position = 0
    for block, is_paged in zip(blocks, paged):
        if not is_paged:
            if number == 1:
                out.append(block)
            continue
        low, high = max(start - position, 0), min(end - position, len(block.items))
        if low < high:
            out.append(replace(block, items=block.items[low:high]))
        position += len(block.items)
    return out


def deeper(href: str | None) -> str | None:
    """A relative link made on a listing's first page (``F/index.html``), as written on one
    of its further pages (``F/page/N/index.html``, two folders down)."""
    if href is None or href.startswith(("http://", "https://", "#", "/")):
        return href
    if href in (".", "./"):
        return "../../"
    return "../../" + href


def moved(item: Any) -> Any:
    """An item (and its children's items) with every link made :func:`deeper`."""
    children = [replace(b, items=[moved(i) for i in b.items]) for b in item.children]
    return replace(item, href=deeper(item.href), children=children)
