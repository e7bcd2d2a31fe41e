"""A source's page on the static site lists its terms of the site's Hugo taxonomies in a section
of their own, headed by the taxonomy's name in the page's language, each term linked to its
page on the site (not only under "All statements")."""

from __future__ import annotations

import posixpath
import re

from kzgraph.config import Settings, with_hugo_site
from kzgraph.engine.pipeline import load_and_map
from kzgraph.publish.site.build import Site
from kzgraph.publish.site.i18n import SITE_LANGUAGES, words
from test_taxonomies import BASE, _site

FEMINITA = f"{BASE}sources/sources/feminita/"


def _main(html: str) -> str:
    """The page's article, without the statements table (which lists every statement)."""
    return html.split("<article", 1)[1].split("</article>", 1)[0]


def _section(html: str, heading: str) -> list[tuple[str, str]]:
    """The (href, text) of the links of the section headed ``heading``."""
    m = re.search(rf"<h2>{re.escape(heading)}</h2>\s*<ul class=\"items\">(.*?)</ul>", html, re.S)
    assert m is not None, heading
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', m.group(1))


def test_a_sources_terms_are_a_section_of_its_page_in_every_language(tmp_path):
    """Feminita's English file lists two regions and its Russian file one: the resource has
    the three terms, each shown in the page's language where a page spelled it so."""
    site_dir = _site(tmp_path)
    settings = with_hugo_site(Settings(content=site_dir / "content"))
    site = Site(load_and_map(settings).mapped.graph, settings)
    files = site.files()
    for lang, heading in (("en", "Terms in regions"), ("ru", "Термины таксономии «regions»")):
        html = site.page(FEMINITA, lang).decode("utf-8")
        assert words(lang)["terms"].format(name="regions") == heading
        links = _section(_main(html), heading)
        assert {text for _, text in links} == {"Almaty Region", "East Kazakhstan",
                                               "Алматинская область"}, links
        here = "sources/sources/feminita/"
        for href, _ in links:
            target = posixpath.normpath(here + href)
            assert target.startswith("regions/"), href
            assert target in files or f"{target}/index.html" in files, href
    kazfem = site.page(f"{BASE}sources/sources/kazfem/", "en").decode("utf-8")
    assert [t for _, t in _section(_main(kazfem), "Terms in regions")] == ["Almaty Region"]
    other = site.page(f"{BASE}sources/sources/zakon_kz/", "en").decode("utf-8")
    assert "Terms in" not in other


def test_every_language_of_the_site_has_the_words():
    assert all("{name}" in words(lang)["terms"] for lang in SITE_LANGUAGES)
    assert len({words(lang)["terms"] for lang in SITE_LANGUAGES}) == len(SITE_LANGUAGES)


def test_a_terms_page_lists_its_pages_split_as_the_hugo_site_paginates(tmp_path):
    """Almaty Region is the term of Feminita and KazFem; with ``paginate = 1`` in the Hugo
    configuration its page lists one of them, and ``page/2/`` the other."""
    site_dir = _site(tmp_path)
    config = site_dir / "hugo.toml"
    config.write_text("paginate = 1\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    settings = with_hugo_site(Settings(content=site_dir / "content"))
    assert settings.pager_size == 1
    files = Site(load_and_map(settings).mapped.graph, settings).files()
    first = [k for k in files if re.fullmatch(r"regions/almaty-region/index\.html", k)]
    assert first, sorted(k for k in files if k.startswith("regions/"))
    listed = []
    for name in ("regions/almaty-region/index.html", "regions/almaty-region/page/2/index.html"):
        html = files[name].decode("utf-8")
        links = _section(_main(html) if "<article" in html else html, "Pages with this term")
        assert len(links) == 1, (name, links)
        listed += [text for _, text in links]
    assert sorted(listed) == ["Feminita", "KazFem"]
    assert "regions/almaty-region/page/3/index.html" not in files


def test_a_term_the_sites_permalinks_move_has_its_page_where_its_links_go(tmp_path):
    """``[permalinks] regions = "/r/:slug/"``: the term's concept, its page on the static site
    and the links to it from a source's page are at ``r/almaty-region/``; the taxonomy's list
    stays at ``regions/``."""
    site_dir = _site(tmp_path)
    config = site_dir / "hugo.toml"
    config.write_text(config.read_text(encoding="utf-8") + '[permalinks]\nregions = "/r/:slug/"\n',
                      encoding="utf-8")
    settings = with_hugo_site(Settings(content=site_dir / "content"))
    site = Site(load_and_map(settings).mapped.graph, settings)
    files = site.files()
    assert "r/almaty-region/index.html" in files
    assert not [k for k in files if k.startswith("regions/almaty-region")]
    html = site.page(FEMINITA, "en").decode("utf-8")
    targets = {posixpath.normpath("sources/sources/feminita/" + href)
               for href, _ in _section(_main(html), "Terms in regions")}
    assert targets == {"r/almaty-region", "r/east-kazakhstan", "r/алматинская-область"}
    assert all(f"{t}/index.html" in files for t in targets)
