"""Every page of the static site offers the language switch to each language it exists in: a
resource's page in the languages it has text in, and the site's own listings (home, index
pages and their further pages, search, SPARQL, a taxonomy, its terms, a person) in every
language of the site. Checked on every page of a site in English, Russian and Kazakh with a
Hugo taxonomy, and followed in a real headless Chromium, where axe-core finds no serious
accessibility problem."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest

from kzgraph.config import Settings, with_hugo_site
from kzgraph.publish.site import build_site
from sitekit import StaticServer, chromium, no_serious_violations
from test_taxonomies import _site

LANGUAGES = {"en", "ru", "kk"}
TIMEOUT = 30_000  # ms, for any one wait
#: the site's own listings: folders (and the further pages under them) in every language
LISTINGS = re.compile(r"(|guides|country|people|category|perspective|regions|search|sparql"
                      r"|people/[^/]+|regions/[^/]+)(/page/\d+)?")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The real content in a Hugo site with a ``regions`` taxonomy, Feminita in English (two
    regions), Russian (one) and Kazakh (one of its own), and an English-only source."""
    root = _site(tmp_path_factory.mktemp("languages"))
    (root / "content/sources/zakon_kz/index.ru.md").unlink()
    (root / "content/sources/feminita/index.kk.md").write_text(
        '---\ntitle: "Феминита"\nregions: ["Алматы облысы"]\n---\n\nМәтін.\n', encoding="utf-8")
    out = root / "public"
    build_site(with_hugo_site(Settings(content=root / "content")), out, cache=False)
    return out


def _lang(name: str) -> str:
    m = re.fullmatch(r"index(?:\.(\w+))?\.html", name)
    assert m is not None, name
    return m.group(1) or "en"


def _switch(html: str) -> dict[str, str | None]:
    """The language switch of a page: language -> link (None for the page's own)."""
    m = re.search(r'<nav aria-label="[^"]+" class="langs">(.*?)</nav>', html, re.S)
    if m is None:
        return {}
    here = re.search(r'<html lang="(\w+)"', html).group(1)  # type: ignore[union-attr]
    found: dict[str, str | None] = {here: None} if 'aria-current="page"' in m.group(1) else {}
    for href, lang in re.findall(r'<a href="([^"]+)" hreflang="(\w+)"', m.group(1)):
        found[lang] = href
    return found


def test_every_page_switches_to_each_language_it_exists_in(site: Path) -> None:
    pages: dict[str, set[str]] = {}
    for path in site.rglob("index*.html"):
        folder = path.parent.relative_to(site).as_posix()
        if folder == ".":
            folder = ""
        pages.setdefault(folder, set()).add(_lang(path.name))
    assert {f for f in pages if f.startswith("regions/")} >= {
        "regions/almaty-region", "regions/алматинская-область", "regions/алматы-облысы"}
    listings = set()
    for folder, langs in pages.items():
        if LISTINGS.fullmatch(folder):
            assert langs == LANGUAGES, folder
            listings.add(folder)
        paged = re.fullmatch(r"(.+)/page/\d+", folder)
        if paged:  # a further page of a listing: in each language of its first page
            assert langs == pages[paged.group(1)], folder
        for lang in langs:
            name = "index.html" if lang == "en" else f"index.{lang}.html"
            here = f"{folder}/{name}" if folder else name
            html = (site / here).read_text(encoding="utf-8")
            switch = _switch(html)
            if len(langs) == 1:
                assert switch == {}, here  # nothing to switch to
                continue
            assert set(switch) == langs and switch[lang] is None, (here, switch)
            for other, href in switch.items():
                if other == lang:
                    continue
                target = posixpath.normpath(posixpath.join(posixpath.dirname(here), href))
                if not target.endswith(".html"):
                    target = "index.html" if target == "." else f"{target}/index.html"
                want = "index.html" if other == "en" else f"index.{other}.html"
                assert target == (f"{folder}/{want}" if folder else want), (here, href)
                assert f'<link rel="alternate" hreflang="{other}"' in html, (here, other)
    assert listings >= {"", "guides", "people", "search", "sparql", "category", "regions",
                        "regions/almaty-region", "regions/алматы-облысы",
                        "people/aizada-arystanbek", "perspective/page/2"}, sorted(listings)
    # a source written in English only: one page, without a switch (no pages in languages
    # it has no text in); one written in English and Russian: two
    assert pages["sources/sources/zakon_kz"] == {"en"}
    assert pages["sources/sources/kazfem"] == {"en", "ru"}


def test_a_sources_terms_link_to_the_terms_page_in_the_same_language(site: Path) -> None:
    """Feminita's Russian page links each of its terms (those spelled in English too) to the
    term's Russian page, which lists Feminita under its Russian title."""
    ru = (site / "sources/sources/feminita/index.ru.html").read_text(encoding="utf-8")
    assert 'href="../../../regions/almaty-region/index.ru.html"' in ru
    term = (site / "regions/almaty-region/index.ru.html").read_text(encoding="utf-8")
    assert '<html lang="ru"' in term and "Страницы с этим термином" in term
    assert 'href="../../sources/sources/feminita/index.ru.html"' in term
    kk = (site / "regions/almaty-region/index.kk.html").read_text(encoding="utf-8")
    # the term was spelled in English only: the Kazakh page says so, in Kazakh
    assert "Бұл мәтін қазақ тілінде жоқ" in kk and '<span lang="en">Almaty Region</span>' in kk


# -- in the browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser, site):
    """A page on the site served from 127.0.0.1 that fails the test on a script error or a
    request to any other host."""
    with StaticServer(site) as server:
        context = browser.new_context(locale="ru-RU")
        pg = context.new_page()
        pg.set_default_timeout(TIMEOUT)
        problems: list[str] = []
        pg.on("pageerror", lambda e: problems.append(f"script error: {e}"))
        pg.on("request", lambda r: None if r.url.startswith((server.url, "data:")) else
              problems.append(f"request to another host: {r.url}"))
        pg.base = server.url  # type: ignore[attr-defined]
        yield pg
        context.close()
    assert not problems, problems


def test_a_term_page_switches_language_in_the_browser(page) -> None:
    """From Feminita's Russian page to its term's Russian page, then through the switch to
    the same term in Kazakh and English and back."""
    page.goto(page.base + "sources/sources/feminita/index.ru.html")
    terms = page.locator("section", has=page.get_by_role(
        "heading", name="Термины таксономии «regions»"))
    terms.get_by_role("link", name="Almaty Region").click()
    page.wait_for_url("**/regions/almaty-region/index.ru.html")
    assert page.locator("html").get_attribute("lang") == "ru"
    switch = page.get_by_role("navigation", name="Язык")
    assert switch.get_by_role("link").all_inner_texts() == ["English", "Қазақша"]
    assert switch.locator("[aria-current=page]").inner_text() == "Русский"
    no_serious_violations(page)
    switch.get_by_role("link", name="Қазақша").click()
    page.wait_for_url("**/regions/almaty-region/index.kk.html")
    assert page.locator("html").get_attribute("lang") == "kk"
    assert page.locator("h1").inner_text() == "Almaty Region"
    assert page.get_by_role("heading", name="Осы термині бар беттер").count() == 1
    no_serious_violations(page)
    page.get_by_role("navigation", name="Тіл").get_by_role("link", name="English").click()
    page.wait_for_url("**/regions/almaty-region/")
    assert page.locator("html").get_attribute("lang") == "en"
    switch = page.get_by_role("navigation", name="Language")
    assert switch.locator("[aria-current=page]").inner_text() == "English"
    no_serious_violations(page)
    switch.get_by_role("link", name="Русский").click()
    page.wait_for_url("**/regions/almaty-region/index.ru.html")
    # the taxonomy's own page, reached from the term, switches too
    page.goto(page.base + "regions/index.kk.html")
    assert page.get_by_role("navigation", name="Тіл").get_by_role("link").count() == 2
    no_serious_violations(page)


def test_a_person_and_a_further_page_switch_language_in_the_browser(page) -> None:
    page.goto(page.base + "people/aizada-arystanbek/index.kk.html")
    assert page.locator("html").get_attribute("lang") == "kk"
    page.get_by_role("navigation", name="Тіл").get_by_role("link", name="Русский").click()
    page.wait_for_url("**/people/aizada-arystanbek/index.ru.html")
    assert page.get_by_role("link", name="Главная").count() == 1
    no_serious_violations(page)


def test_the_kazakh_search_page_has_kazakh_words_in_the_browser(page) -> None:
    """Pagefind's UI has no Kazakh of its own: the search box, its results and the "nothing
    found" line take the catalogues' Kazakh words, as the Russian page takes Russian ones."""
    page.goto(page.base + "search/index.kk.html")
    box = page.locator(".pagefind-ui__search-input")
    assert box.get_attribute("placeholder") == "Іздеу"
    box.fill("Феминита")
    page.locator(".pagefind-ui__result-link").first.wait_for()
    assert "сұрауы бойынша табылғаны" in page.locator(".pagefind-ui__message").inner_text()
    assert page.locator(".pagefind-ui__search-clear").inner_text() == "Тазарту"
    no_serious_violations(page)
    box.fill("zzzqqq")
    page.get_by_text("zzzqqq сұрауы бойынша ештеңе табылмады").wait_for()
    page.goto(page.base + "search/index.ru.html")
    page.locator(".pagefind-ui__search-input").fill("Феминита")
    page.locator(".pagefind-ui__result-link").first.wait_for()
    assert "Найдено по запросу" in page.locator(".pagefind-ui__message").inner_text()
