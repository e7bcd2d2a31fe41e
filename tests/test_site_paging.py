"""The site's listings split into pages as Hugo paginates them: no listing page shows more than
``pager_size`` items; the rest are on ``<folder>/page/N/`` (HTML only), chained by
``rel="prev"``/``rel="next"``; every item is on exactly one page, in the order the whole list
has; the home page summarises; the pager size comes from the Hugo site's configuration; and a
rebuild that moves an item to another page, or removes a page, equals a cold build."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import CONTENT, replace_in
from kzgraph.config import Settings, with_hugo_site
from kzgraph.errors import ConfigError
from kzgraph.publish.site import build_site
from kzgraph.publish.site.paging import deeper, page_count, page_slice, paged_file, pager
from kzgraph.publish.site.pages import Block, Item

BASE = "https://kzgraph.example/"


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """The real content's site with three items a page."""
    out = tmp_path_factory.mktemp("paged") / "public"
    build_site(Settings(base=BASE, content=CONTENT, pager_size=3), out, cache=False,
               search=False)
    return out


def _items(html: str) -> list[str]:
    """The links of a page's listing blocks (the article or main, not the pager or the
    statements), in order."""
    main = html.split('<main id="main"', 1)[-1].split("</main>", 1)[0]
    main = main.split('<section class="data"', 1)[0]
    main = re.sub(r'<nav class="pager".*?</nav>', "", main, flags=re.S)
    main = re.sub(r'<div class="children">.*?</div>', "", main, flags=re.S)  # a scheme's
    return re.findall(r'<li><a href="([^"]+)"', main)


def _sources(path: Path) -> list[str]:
    """The links of a page's Sources block."""
    html = path.read_text(encoding="utf-8")
    return _items(html.split("<h2>Sources</h2>", 1)[1]) if "<h2>Sources</h2>" in html else []


def _rel(html: str, rel: str) -> str | None:
    found = re.search(rf'<link rel="{rel}" href="([^"]+)">', html)
    return found.group(1) if found else None


def _walk(site: Path, first: str) -> list[Path]:
    """The pages of a listing, followed from its first page by rel="next" (and checked back
    by rel="prev")."""
    pages = [site / first]
    while True:
        html = pages[-1].read_text(encoding="utf-8")
        nxt = _rel(html, "next")
        if nxt is None:
            break
        target = (pages[-1].parent / nxt).resolve()
        target = target / "index.html" if target.is_dir() else target
        back = _rel(target.read_text(encoding="utf-8"), "prev")
        assert back is not None
        assert (target.parent / back).resolve() in (pages[-1].parent.resolve(), pages[-1])
        pages.append(target)
        assert len(pages) < 100
    assert _rel(pages[0].read_text(encoding="utf-8"), "prev") is None
    return pages


def test_pager_links_and_slices() -> None:
    assert [page_count(n, 3) for n in (0, 1, 3, 4, 9, 10)] == [1, 1, 1, 2, 3, 4]
    assert paged_file("category/ingo", "index.ru.html", 1) == "category/ingo/index.ru.html"
    assert paged_file("category/ingo", "index.html", 4) == "category/ingo/page/4/index.html"
    assert paged_file("", "index.html", 2) == "page/2/index.html"
    assert pager(1, 1, str) is None
    p = pager(6, 40, lambda k: f"p{k}")
    assert (p.prev, p.next, p.first, p.last) == ("p5", "p7", "p1", "p40")
    assert [x.label for x in p.links] == ["1", "…", "4", "5", "6", "7", "8", "…", "40"]
    assert [x.href for x in p.links if x.current] == [None]
    first = pager(1, 2, lambda k: f"p{k}")
    assert (first.prev, first.next) == (None, "p2")
    blocks = [Block("a", [Item("x")]), Block("b", [Item(str(i)) for i in range(5)], True),
              Block("c", [Item(str(i)) for i in range(4)], True)]
    paged = [b.paged for b in blocks]
    one, two, three = (page_slice(blocks, paged, 3, n) for n in (1, 2, 3))
    assert [(b.heading, len(b.items)) for b in one] == [("a", 1), ("b", 3)]
    assert [(b.heading, len(b.items)) for b in two] == [("b", 2), ("c", 1)]
    assert [(b.heading, len(b.items)) for b in three] == [("c", 3)]
    assert page_slice(blocks, paged, 3, 4) == []
    assert deeper("../x/") == "../../../x/" and deeper("./") == "../../"
    assert deeper("https://e.org/") == "https://e.org/" and deeper("index.ru.html") == \
        "../../index.ru.html"


@pytest.mark.parametrize("first", ["country/kz/index.html", "country/kz/index.ru.html",
                                   "category/index.html", "perspective/index.ru.html"])
def test_following_next_reaches_every_item_once_in_order(small: Path, first: str) -> None:
    pages = _walk(small, first)
    assert len(pages) > 1
    seen: list[Path] = []
    for path in pages:
        html = path.read_text(encoding="utf-8")
        links = _items(html)
        if path != pages[0]:
            assert 0 < len(links) <= 3, (path, links)
            assert not (path.parent / "index.ttl").exists()  # HTML only
            assert "application/ld+json" not in html and 'type="text/turtle"' not in html
        seen += [_folder((path.parent / href).resolve()) for href in links]
    assert len(seen) == len(set(seen))
    if first.startswith("country/kz/"):
        sources = {p.parent for p in (small / "sources/sources").glob("*/index.html")}
        assert sources <= {s for s in seen}


def test_the_full_list_is_the_pages_joined(tmp_path: Path, small: Path) -> None:
    """Page by page, the country's list is its list on one page, in the same order."""
    whole = tmp_path / "whole"
    build_site(Settings(base=BASE, content=CONTENT, pager_size=1000), whole, cache=False,
               search=False)
    assert not list(whole.glob("**/page/2/index.html"))
    for first in ("country/kz/index.html", "country/kz/index.ru.html"):
        joined = []
        for path in _walk(small, first):
            joined += [(path.parent / h).resolve().relative_to(small.resolve())
                       for h in _items(path.read_text(encoding="utf-8"))]
        one = [(whole / first).parent.joinpath(h).resolve().relative_to(whole.resolve())
               for h in _items((whole / first).read_text(encoding="utf-8"))]
        assert joined == one


def test_a_further_page_has_the_pages_languages_and_a_title_of_its_own(small: Path) -> None:
    html = (small / "country/kz/page/2/index.ru.html").read_text(encoding="utf-8")
    assert '<html lang="ru"' in html
    assert "Страница 2 из " in html
    assert 'hreflang="en" href="https://kzgraph.example/country/kz/page/2/"' in html
    assert '<span aria-current="page">2</span>' in html
    title = re.search(r"<title>(.*?)</title>", html).group(1)
    first = re.search(r"<title>(.*?)</title>",
                      (small / "country/kz/index.ru.html").read_text("utf-8")).group(1)
    assert title != first and "2" in title


def test_the_home_page_summarises_and_stays_small(small: Path) -> None:
    html = (small / "index.html").read_text(encoding="utf-8")
    assert "sources: 12" in html  # Kazakhstan's sources, counted
    assert 'href="category/ingo/"' in html and 'href="country/kz/"' in html
    assert "sources/sources/" not in html  # no source listed one by one
    assert "источников: " in (small / "index.ru.html").read_text(encoding="utf-8")


def test_a_scheme_page_shows_each_members_first_items_and_a_link_to_all(small: Path) -> None:
    html = (small / "category/index.html").read_text(encoding="utf-8")
    assert "All 4 →" in html  # Government's four sources: three shown, then the link
    assert len(_items(html)) <= 3
    assert len(re.findall(r"<li>", html)) <= 3 * (1 + 3 * 4) + 20


def test_what_points_here_is_capped_and_says_how_many_more(small: Path) -> None:
    html = (small / "country/kz/index.html").read_text(encoding="utf-8")
    incoming = html.split("What points here", 1)[1].split("</ul>", 1)[0]
    assert incoming.count("<li>") == 3
    assert "more statements point here" in html


def test_the_pager_size_comes_from_the_hugo_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    for text, size in (("", 10), ("paginate = 7\n", 7), ("[pagination]\npagerSize = 4\n", 4),
                       ("paginate = 7\n[pagination]\npagerSize = 4\n", 4)):
        (site / "hugo.toml").write_text('baseURL = "https://e.example/"\n' + text)
        assert with_hugo_site(Settings(content=site / "content")).pager_size == size
    for bad in ("paginate = 0\n", "[pagination]\npagerSize = \"ten\"\n", "paginate = true\n"):
        (site / "hugo.toml").write_text(bad)
        with pytest.raises(ConfigError, match=r"hugo\.toml.*(paginate|pagination\.pagerSize)"):
            with_hugo_site(Settings(content=site / "content"))


@pytest.mark.parametrize("edit", ["pushed to page 2", "page 2 emptied"])
def test_a_rebuild_that_moves_items_between_pages_equals_a_cold_build(
        tmp_path: Path, content: Path, edit: str) -> None:
    settings = Settings(base=BASE, content=content, pager_size=3)
    out, cache = tmp_path / "public", tmp_path / "cache"
    build_site(settings, out, cache=cache, search=False)
    ingo = out / "category/ingo"
    assert not (ingo / "page").exists()  # three sources: one page
    last = _sources(ingo / "index.html")[-1]
    if edit == "pushed to page 2":
        (content / "sources/aaa_new").mkdir()
        (content / "sources/aaa_new/index.md").write_text(
            '---\ntitle: "Aaa New"\ncountries: ["Kazakhstan"]\ncategories: ["ingo"]\n---\n\n'
            "New.\n", encoding="utf-8")
        build_site(settings, out, cache=cache, search=False)
        # sorted first, the new source pushes the last one to the second page
        assert _sources(ingo / "index.html")[0].endswith("aaa_new/")
        assert [deeper(last)] == _sources(ingo / "page/2/index.html")
        assert (ingo / "page/2/index.ru.html").is_file()
    else:
        # Kazakhstan's 13 listed items fill five pages of three: one source fewer, four pages
        kz = out / "country/kz"
        assert (kz / "page/5/index.html").is_file()
        shutil.rmtree(content / "sources/batyr_jamal")
        replace_in(content / "guides/kazakhstan/index.md",
                   "- [Batyr Jamal](/sources/sources/batyr_jamal/)", "- Batyr Jamal")
        replace_in(content / "guides/kazakhstan/index.ru.md",
                   "(/sources/sources/batyr_jamal/)", "")
        report = build_site(settings, out, cache=cache, search=False)
        assert not (kz / "page/5").exists()
        assert "country/kz/page/5/index.html" in report.removed
        assert _rel((kz / "page/4/index.html").read_text(encoding="utf-8"), "next") is None
    cold = tmp_path / "cold"
    build_site(settings, cold, cache=False, search=False)
    assert _tree(out) == _tree(cold)


def _folder(target: Path) -> Path:
    return target.parent if target.name.startswith("index.") else target


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.name.startswith(".kzgraph-site")}


@pytest.mark.parametrize("edit", ["title kept in place", "title moved to the end"])
def test_a_rebuild_renders_only_the_listing_pages_whose_items_changed(
        tmp_path: Path, content: Path, edit: str) -> None:
    """A listing page is rendered again only when what it shows changed (its digest of what
    the template is given): the same rebuild made with the previous digests forgotten (so
    every page of an affected document is rendered) renders more pages and writes the same
    folder; an edit that leaves a source where it was in Kazakhstan's five pages changes
    few of them, one that moves it to the end every page after its old place. Either way
    the folder equals a cold build."""
    import json

    settings = Settings(base=BASE, content=content, pager_size=3)
    out, cache = tmp_path / "public", tmp_path / "cache"
    build_site(settings, out, cache=cache, search=False)
    plain, plain_cache = tmp_path / "plain", tmp_path / "plain-cache"
    shutil.copytree(out, plain)
    shutil.copytree(cache, plain_cache)
    state = plain / ".kzgraph-site-state"
    recorded = json.loads(state.read_text(encoding="utf-8"))
    assert "country/kz/page/2/index.html" in recorded.pop("pages")
    state.write_text(json.dumps(recorded), encoding="utf-8")
    kz = out / "country/kz"
    listing = sorted(p.relative_to(out).as_posix() for p in kz.rglob("index*.html"))
    assert len(listing) >= 10  # five pages, in two languages at least
    before = {k: (out / k).read_bytes() for k in listing}
    if edit == "title kept in place":
        replace_in(content / "sources/zakon_kz/index.md", 'title: "Zakon.kz"',
                   'title: "Zakon.kz!"')
    else:
        replace_in(content / "sources/ak_orda/index.md", 'title: "Ak Orda"',
                   'title: "Zz Ak Orda"')
    report = build_site(settings, out, cache=cache, search=False)
    every = build_site(settings, plain, cache=plain_cache, search=False)
    changed = {k for k in listing if (out / k).read_bytes() != before[k]}
    assert changed and changed <= set(report.written)
    if edit == "title kept in place":
        assert len(changed) <= 4  # its page of the listing (in two languages, the pagers)
        assert report.rendered <= every.rendered - (len(listing) - len(changed))
    else:
        assert "country/kz/page/2/index.html" in changed
        assert report.rendered < every.rendered
    assert sorted(report.written) == sorted(every.written)
    cold = tmp_path / "cold"
    build_site(settings, cold, cache=False, search=False)
    assert _tree(out) == _tree(cold) == _tree(plain)
    # what each listing page showed, as recorded, is what a cold build records
    assert (out / ".kzgraph-site-state").read_bytes() == \
        (cold / ".kzgraph-site-state").read_bytes()
