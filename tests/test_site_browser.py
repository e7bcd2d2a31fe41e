"""The site in a real headless Chromium (Debian's, through Playwright): the home page, a source
page in English and Russian, the language switch, a category page, search finding a Russian
title, the SPARQL page running saved queries in the browser with the same answers as
``kzgraph query``; axe-core finds no serious or critical accessibility problem on any of them,
and nothing is loaded from another host. One browser for the module, the site served from a
thread on 127.0.0.1."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from rdflib import Graph

from conftest import CONTENT, replace_in
from kzgraph.config import Settings
from kzgraph.publish.site import build_site
from kzgraph.publish.site.build import example_value, saved_examples
from kzgraph.query.saved import catalog
from sitekit import StaticServer, chromium, no_serious_violations

BASE = "https://kzgraph.example/"
HOSTILE = "</script><script>alert(\"x\")</script> 'q' & <!-- שלום עולם مرحبا"
TIMEOUT = 30_000  # ms, for any one wait


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    site = tmp_path_factory.mktemp("browser-site") / "public"
    build_site(Settings(base=BASE, content=CONTENT), site)
    with StaticServer(site) as s:
        yield s


@pytest.fixture
def page(browser, server):
    """A fresh page that fails the test on a script error, a dialog (an injected script ran)
    or a request to any other host."""
    context = browser.new_context(locale="en-GB")
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT)
    problems: list[str] = []
    pg.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    pg.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    pg.on("request", lambda r: None if r.url.startswith((server.url, "data:")) else
          problems.append(f"request to another host: {r.url}"))
    yield pg
    context.close()
    assert not problems, problems


def test_home_page(page, server) -> None:
    page.goto(server.url)
    assert page.locator("h1").inner_text().startswith("kzgraph")
    assert page.locator("a[href='kzgraph.nt']").count() == 1
    # the home page summarises: each category and country with its count of sources
    assert page.locator("main").get_by_text("International NGOs").count() >= 1
    assert page.locator("main").get_by_text("sources: 12").count() == 1
    no_serious_violations(page)


def test_a_listing_split_into_pages_is_walked_by_keyboard(page, server) -> None:
    """Kazakhstan's 13 guides and sources fill two pages of ten: the pager is a navigation
    landmark, its links work from the keyboard, the page shown is marked as current, and
    "next" from the first page and "previous" from the last lead back and forth."""
    page.goto(server.url + "country/kz/")
    pager = page.get_by_role("navigation", name="Pages")
    assert pager.locator("[aria-current=page]").inner_text() == "1"
    listed = "main section:not(.data) > ul.items > li"
    seen = page.locator(listed).all_inner_texts()
    while pager.get_by_role("link", name="Next page →").count():
        pager.get_by_role("link", name="Next page →").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        pager = page.get_by_role("navigation", name="Pages")
        seen += page.locator(listed).all_inner_texts()
    page.wait_for_url("**/country/kz/page/2/")
    assert pager.locator("[aria-current=page]").inner_text() == "2"
    assert "Page 2 of 2" in page.title()
    assert len(seen) == len(set(seen)) == 13
    no_serious_violations(page)
    page.get_by_role("link", name="Русский").click()
    page.wait_for_url("**/country/kz/page/2/index.ru.html")
    assert page.get_by_role("navigation", name="Страницы").count() == 1
    no_serious_violations(page)
    page.get_by_role("link", name="← Предыдущая страница").click()
    page.wait_for_url("**/country/kz/index.ru.html")
    assert page.get_by_role("link", name="Следующая страница →").count() == 1


def test_a_source_page_in_english_and_russian_and_the_switch(page, server) -> None:
    page.goto(server.url + "sources/sources/feminita/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Feminita"
    assert "A queer feminist collective in Kazakhstan." in page.locator(".description").inner_text()
    no_serious_violations(page)
    page.get_by_role("link", name="Русский").click()
    page.wait_for_url("**/sources/sources/feminita/index.ru.html")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator(".description").inner_text() == "Квир-феминистский коллектив в Казахстане."
    assert page.get_by_role("link", name="Главная").count() == 1
    no_serious_violations(page)
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/sources/sources/feminita/")
    assert page.locator("html").get_attribute("lang") == "en"


def test_a_category_page(page, server) -> None:
    page.goto(server.url + "category/ingo")
    assert page.locator("h1").inner_text() == "International NGOs"
    main = page.locator("main").inner_text()
    for text in ("Blind spots", "Local voices", "Global and comparative",
                 "UN Population Fund in Kazakhstan"):
        assert text.casefold() in main.casefold(), text
    page.get_by_role("link", name="UN Population Fund in Kazakhstan").first.click()
    page.wait_for_url("**/sources/sources/un_population_fund_kazakhstan/")
    page.goto(server.url + "category/ingo/index.ru.html")
    assert page.locator("html").get_attribute("lang") == "ru"
    no_serious_violations(page)


def test_search_finds_a_russian_title(page, server) -> None:
    page.goto(server.url + "search/index.ru.html")
    page.locator(".pagefind-ui__search-input").fill("Руководство")
    link = page.locator(".pagefind-ui__result-link").first
    link.wait_for()
    assert "Руководство по началу работы в Казахстане" in link.inner_text()
    no_serious_violations(page)
    link.click()
    page.wait_for_url("**/guides/kazakhstan/index.ru.html")


def _ready(page, server, lang: str = "en") -> None:
    page.goto(server.url + ("sparql/" if lang == "en" else f"sparql/index.{lang}.html"))
    page.wait_for_selector("body[data-sparql-ready]", timeout=60_000)


def test_the_sparql_page_runs_a_saved_query_and_shows_its_rows(page, server) -> None:
    _ready(page, server)
    page.select_option("#examples", "sources-by-category")
    page.locator(".yasqe_queryButton").click()
    rows = page.locator(".yasr table tbody tr")
    rows.first.wait_for()
    assert rows.count() == 12  # every source, as kzgraph query sources-by-category gives
    assert "sources/sources/feminita" in page.locator(".yasr table").inner_text()
    no_serious_violations(page)


def _kzgraph_answer(name: str, given: dict[str, str], graph: bool) -> object:
    from kzgraph.cli import cli

    args = ["query", name, "--format", "nt" if graph else "json"]
    for key, value in given.items():
        args += ["--param", f"{key}={value}"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _rows(answer: dict) -> list[tuple]:
    if "boolean" in answer:
        return [("boolean", answer["boolean"])]
    rows = []
    for binding in answer["results"]["bindings"]:
        rows.append(tuple(sorted((k, v["type"].replace("typed-literal", "literal"), v["value"],
                                  v.get("xml:lang", "").lower(), v.get("datatype", ""))
                                 for k, v in binding.items())))
    return sorted(rows)


def test_every_saved_query_gives_the_same_rows_in_the_browser(page, server) -> None:
    _ready(page, server)
    examples = {e["name"]: e for e in saved_examples(Settings(base=BASE, content=CONTENT))}
    assert set(examples) == set(catalog().names())
    checked = 0
    for saved in catalog().all():
        given = {p.name: example_value(p) for p in saved.params
                 if p.default is None and not p.optional}
        answer = page.evaluate(
            "async (q) => { const r = await fetch(window.kzgraphSparql.endpoint, {method: 'POST',"
            " headers: {'Content-Type': 'application/x-www-form-urlencoded'},"
            " body: new URLSearchParams({query: q})});"
            " return {status: r.status, type: r.headers.get('Content-Type'),"
            " body: await r.text()}; }", examples[saved.name]["query"])
        assert answer["status"] == 200, (saved.name, answer["body"][:300])
        graph = answer["type"] == "text/turtle"
        expected = _kzgraph_answer(saved.name, given, graph)
        if graph:
            got = Graph().parse(data=answer["body"], format="turtle")
            want = Graph().parse(data=expected, format="nt")
            assert set(got) == set(want), saved.name
            assert len(want) > 0, saved.name
        else:
            assert _rows(json.loads(answer["body"])) == _rows(json.loads(expected)), saved.name
        checked += 1
    assert checked == len(catalog().names()) >= 10


def test_the_sparql_page_in_russian(page, server) -> None:
    _ready(page, server, "ru")
    assert "Загружено утверждений" in page.locator("#status").inner_text()
    no_serious_violations(page)


def test_hostile_text_is_shown_as_text_in_the_browser(browser, tmp_path, content) -> None:
    yaml_text = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    replace_in(content / "sources/kazfem/index.md", 'title: "KazFem"', f'title: "{yaml_text}"')
    site = tmp_path / "public"
    build_site(Settings(base=BASE, content=content), site, search=False, cache=False)
    with StaticServer(site) as s:
        context = browser.new_context()
        pg = context.new_page()
        pg.set_default_timeout(TIMEOUT)
        dialogs: list[str] = []
        pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in ("sources/sources/kazfem/", "category/local-ngo", "category/",
                     "country/kz"):
            pg.goto(s.url + path)
            assert HOSTILE in pg.locator("main").inner_text(), path
        pg.goto(s.url + "sources/sources/kazfem/")
        assert pg.locator("h1").inner_text() == HOSTILE
        assert pg.title() == f"{HOSTILE} · kzgraph"
        ld = json.loads(pg.locator("script[type='application/ld+json']").text_content())
        assert ld["name"] == HOSTILE
        assert pg.locator("script").count() == 1  # nothing from the text became a script
        context.close()
    assert dialogs == []
