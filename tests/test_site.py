"""The static site (kzgraph site): where each IRI's files are, that its RDF parses and adds up
to the published graph, that hostile text stays text, that a rebuild rewrites only what shows
a change and ends byte-identical to a cold build."""

from __future__ import annotations

import html.parser
import posixpath
import json
import re
import shutil
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, settings, strategies as st
from rdflib import BNode, Graph, URIRef

from conftest import CONTENT, replace_in
from kzgraph.config import Settings
from kzgraph.publish.site import Site, build_site
from kzgraph.publish.site.model import page_file, relative
from kzgraph.publish.site.rdf import script_safe

BASE = "https://kzgraph.example/"
HOSTILE = "</script><script>alert(\"x\")</script> 'q' & <!-- שלום עולם مرحبا"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "public"
    build_site(Settings(base=BASE, content=CONTENT), out)
    return out


def test_each_iri_kind_is_at_the_path_its_iri_names(site: Path) -> None:
    for folder in ("sources/sources/feminita", "category/ingo", "perspective/local-voices",
                   "country/kz", "guides/kazakhstan", "people/aizada-arystanbek", "category",
                   "perspective", "dataset"):
        for name in ("index.html", "index.ttl", "index.jsonld", "index.nt"):
            assert (site / folder / name).is_file(), f"{folder}/{name}"
    assert (site / "sources/sources/feminita/index.ru.html").is_file()
    assert (site / "category/ingo/index.ru.html").is_file()
    for name in ("index.html", "index.ru.html", "kzgraph.nt", "kzgraph.ttl", "void.ttl",
                 "guides/index.html", "country/index.html", "search/index.html",
                 "sparql/index.html", ".htaccess", "server/nginx-server.conf",
                 "server/nginx-http.conf", "server/kzgraph.caddy", "pagefind/pagefind-ui.js",
                 "static/vendor/oxigraph/web_bg.wasm", "static/vendor/yasgui/yasgui.min.js",
                 "static/vendor/oxigraph/LICENSE-MIT", "static/vendor/yasgui/LICENSE"):
        assert (site / name).is_file(), name


def test_paths_and_relative_links() -> None:
    assert page_file(BASE + "category/ingo", BASE, "ru", "en") == "category/ingo/index.ru.html"
    assert page_file(BASE + "sources/sources/x/", BASE, "en", "en") == \
        "sources/sources/x/index.html"
    assert page_file(BASE, BASE, "en", "en") == "index.html"
    assert relative("sources/sources/x/index.ru.html", "category/ingo/index.ru.html") == \
        "../../../category/ingo/index.ru.html"
    assert relative("category/ingo/index.html", "category/ingo/index.html") == "./"


_FOLDERS = st.lists(st.sampled_from(["sources", "category", "x", "ingo", "", "."]), max_size=4)
_FILES = st.sampled_from(["index.html", "index.ru.html", "index.ttl", "x"])


@settings(max_examples=400, deadline=None)
@given(_FOLDERS, _FILES, _FOLDERS, _FILES)
def test_a_relative_link_leads_from_one_file_to_the_other(a: list[str], a_file: str,
                                                          b: list[str], b_file: str) -> None:
    """Followed from the first file's folder, the link reaches the second file (a folder link
    standing for its index.html)."""
    from_file = "/".join([*a, a_file]).lstrip("/")  # site paths: relative to the site's root
    to_file = "/".join([*b, b_file]).lstrip("/")
    start = PurePosixPath(from_file).parent
    target = PurePosixPath(to_file)
    link = relative(from_file, to_file)
    reached = posixpath.normpath(posixpath.join(str(start), link))
    wanted = posixpath.normpath(str(target))
    if link.endswith("/") or link in (".", "./"):
        wanted = posixpath.normpath(str(target.parent)) if target.name == "index.html" \
            else wanted
    assert reached == wanted, (from_file, to_file, link)


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("a", "link"):
            self.links.append((tag, a))
        if tag == "script":
            self._script = a
            self.scripts.append((a, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            a, text = self.scripts[-1]
            self.scripts[-1] = (a, text + data)
        else:
            self.text.append(data)


def parse_html(path: Path) -> _Links:
    p = _Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def test_a_source_page_links_its_rdf_languages_and_embeds_schema_org(site: Path) -> None:
    page = parse_html(site / "sources/sources/feminita/index.ru.html")
    alternates = {a.get("type"): a.get("href") for t, a in page.links
                  if t == "link" and a.get("rel") == "alternate" and a.get("type")}
    assert alternates == {"text/turtle": "index.ttl", "application/ld+json": "index.jsonld",
                          "application/n-triples": "index.nt"}
    hreflang = {a.get("hreflang"): a.get("href") for t, a in page.links
                if t == "link" and a.get("hreflang")}
    assert hreflang == {"en": BASE + "sources/sources/feminita/",
                        "ru": BASE + "sources/sources/feminita/index.ru.html"}
    (ld,) = [json.loads(text) for a, text in page.scripts if a.get("type") ==
             "application/ld+json"]
    assert ld["@type"] == "Organization" and ld["@id"] == BASE + "sources/sources/feminita/"
    assert ld["description"] == "Квир-феминистский коллектив в Казахстане."
    assert ld["inLanguage"] == "ru"
    text = " ".join(page.text)
    assert "(местные НПО)" in text  # its category, in Russian


def test_every_internal_link_resolves_to_a_file(site: Path) -> None:
    _links_resolve(site)


def _links_resolve(site: Path, search: bool = True) -> None:
    """Every link of every page lands on a file (the search index's only if it was made)."""
    missing = []
    for path in sorted(site.rglob("*.html")):
        if "pagefind" in path.parts or "static" in path.parts:
            continue
        for tag, attrs in parse_html(path).links:
            href = attrs.get("href") or ""
            if not href or href.startswith(("http://", "https://", "#", "data:")) or \
                    (not search and "pagefind/" in href):
                continue
            target = (path.parent / href.split("#")[0]).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                missing.append(f"{path.relative_to(site)} -> {href}")
    assert not missing, missing[:10]


def _triples(path: Path) -> set:
    fmt = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld"}[path.suffix]
    g = Graph()
    g.parse(path, format=fmt, publicID=BASE)
    assert not any(isinstance(t, BNode) for triple in g for t in triple)
    return set(g)


def test_every_rdf_file_parses_and_their_union_is_the_published_graph(site: Path) -> None:
    published = Graph()
    published.parse(site / "kzgraph.nt", format="nt")
    published.parse(site / "void.ttl", format="turtle")
    union: dict[str, set] = {".ttl": set(), ".nt": set(), ".jsonld": set()}
    files = [p for p in site.rglob("index.*") if p.suffix in union]
    assert len(files) > 3 * 40
    for path in files:
        union[path.suffix] |= _triples(path)
    for suffix, triples in union.items():
        assert triples == set(published), suffix


def test_a_resources_rdf_holds_what_points_at_it(site: Path) -> None:
    triples = _triples(site / "category/ingo/index.nt")
    kz = "https://kzgraph.example/ontology#"
    pointing = {s for s, p, o in triples if str(p) == kz + "category"
                and o == URIRef(BASE + "category/ingo")}
    assert URIRef(BASE + "sources/sources/un_population_fund_kazakhstan/") in pointing
    assert (URIRef(BASE + "category/ingo"), URIRef(kz + "missesPerspective"),
            URIRef(BASE + "perspective/local-voices")) in triples


def test_the_guide_renders_its_markdown_with_sections_and_mentions_linked(site: Path) -> None:
    text = (site / "guides/kazakhstan/index.ru.html").read_text(encoding="utf-8")
    assert '<h2 id="section-1">' in text and '<h2 id="section-5">' in text
    assert 'href="../../sources/sources/feminita/index.ru.html"' in text
    assert 'href="../../category/ingo/index.ru.html"' in text
    body = text.split('<div class="guide-body">')[1].split("</div>")[0]
    assert 'href="/' not in body  # no link left pointing at the old site's root


def test_home_page_describes_the_dataset_and_links_every_dump(site: Path) -> None:
    page = parse_html(site / "index.html")
    hrefs = {a.get("href") for t, a in page.links if t == "a"}
    for dump in ("kzgraph.ttl", "kzgraph.nt", "kzgraph.jsonld", "kzgraph.nq", "kzgraph.trig",
                 "kzgraph.rdf", "void.ttl"):
        assert dump in hrefs, dump
    assert "Country guides and the information sources" in " ".join(page.text)


def test_category_index_lists_perspectives_blind_spots_and_sources(site: Path) -> None:
    text = " ".join(parse_html(site / "category/index.html").text)
    assert "International NGOs" in text and "Blind spots" in text
    assert "UN Population Fund in Kazakhstan" in text
    text = " ".join(parse_html(site / "perspective/local-voices/index.html").text)
    assert "Categories that miss it" in text and "International NGOs" in text


def test_a_missing_translation_is_said_on_the_page(tmp_path: Path, content: Path) -> None:
    (content / "sources/kazfem/index.ru.md").unlink()
    out = tmp_path / "public"
    build_site(Settings(base=BASE, content=content), out, search=False, cache=False)
    # no Russian page for it, and the Russian category page links the English one
    assert not (out / "sources/sources/kazfem/index.ru.html").exists()
    ru = (out / "category/local-ngo/index.ru.html").read_text(encoding="utf-8")
    assert 'href="../../sources/sources/kazfem/"' in ru
    # a text missing in one language is shown in another and the page says so
    replace_in(content / "sources/feminita/index.ru.md",
               'description: "Квир-феминистский коллектив в Казахстане."\n', "")
    build_site(Settings(base=BASE, content=content), out, search=False, cache=False)
    ru = (out / "sources/sources/feminita/index.ru.html").read_text(encoding="utf-8")
    assert "Этого текста нет на русском языке" in ru
    assert '<span lang="en">A queer feminist collective in Kazakhstan.</span>' in ru


def test_every_interface_language_has_every_word_with_the_same_fields() -> None:
    """The site's words come from the message catalogues: each site language has every word,
    with the English word's fields, translated (not copied) but for the names."""
    import string

    from kzgraph.publish.site.i18n import SITE_LANGUAGES, WORDS, words

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    assert SITE_LANGUAGES == {"en", "ru", "kk"}
    english = words("en")
    assert english["home"] == "Home" and english["terms"] == "Terms in {name}"
    names = {key for key, word in WORDS.items() if isinstance(word, str)}
    assert names == {"site", "sparql"}
    for lang in SITE_LANGUAGES:
        table = words(lang)
        assert set(table) == set(WORDS), lang
        for key, text in table.items():
            assert fields(text) == fields(english[key]), (lang, key)
            if lang != "en" and key not in names:
                assert text != english[key], (lang, key)  # translated, not copied
    assert words("ru")["home"] == "Главная" and words("kk")["home"] == "Басты бет"


def test_a_language_without_a_catalogue_gets_english_words_looked_up_once() -> None:
    from kzgraph.errors import LOCALE_DIR
    from kzgraph.publish.site.i18n import WORDS, words

    assert not (LOCALE_DIR / "de.po").exists()
    assert words("de") == words("en")
    # once a language: the same table, not a new lookup per page
    assert words("ru") is words("ru")
    # the cached table is what each word's own lookup in the catalogue gives
    assert dict(words("kk")) == {k: w if isinstance(w, str) else w.render("kk")
                                 for k, w in WORDS.items()}
    with pytest.raises(TypeError):
        words("ru")["home"] = "x"  # type: ignore[index]


def test_a_kazakh_page_has_the_kazakh_interface(tmp_path: Path, content: Path) -> None:
    (content / "sources/feminita/index.kk.md").write_text(
        '---\ntitle: "Феминита"\n---\n\nМәтін.\n', encoding="utf-8")
    out = tmp_path / "public"
    build_site(Settings(base=BASE, content=content), out, search=False, cache=False)
    kk = (out / "sources/sources/feminita/index.kk.html").read_text(encoding="utf-8")
    assert '<html lang="kk"' in kk
    assert "Бұл бет деректер ретінде" in kk and "This page as data" not in kk
    # the description it lacks is shown in English, and the page says so in Kazakh
    assert "Бұл мәтін қазақ тілінде жоқ; ол мына тілде көрсетілген: English." in kk
    assert '<span lang="en">A queer feminist collective in Kazakhstan.</span>' in kk
    # the other languages' pages link it
    assert 'hreflang="kk"' in (out / "sources/sources/feminita/index.ru.html").read_text(
        encoding="utf-8")
    # a Kazakh site: its lists exist in Kazakh, a scheme with no Kazakh title is linked in
    # the default language, and every link lands on a file
    assert (out / "index.kk.html").is_file() and (out / "country/index.kk.html").is_file()
    _links_resolve(out, search=False)


def test_the_sites_languages_are_the_contents(site: Path) -> None:
    """Country names come in Kazakh too, but the seed content is in English and Russian: no
    Kazakh page is made of them alone."""
    assert (site / "index.ru.html").is_file()
    assert not list(site.rglob("index.kk.html"))


def test_hostile_text_stays_text_on_every_page_and_in_json_ld(tmp_path: Path,
                                                              content: Path) -> None:
    yaml_text = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    replace_in(content / "sources/kazfem/index.md", 'title: "KazFem"', f'title: "{yaml_text}"')
    replace_in(content / "sources/kazfem/index.md", "KazFem is a feminist initiative",
               HOSTILE + " KazFem is a feminist initiative")
    out = tmp_path / "public"
    build_site(Settings(base=BASE, content=content), out, search=False, cache=False)
    seen = 0
    for path in sorted(out.rglob("*.html")):
        if "static" in path.parts or "pagefind" in path.parts:
            continue
        raw = path.read_text(encoding="utf-8")
        page = parse_html(path)
        if HOSTILE in " ".join(page.text) or any("alert" in t for _, t in page.scripts):
            seen += 1
        # only our own scripts: the JSON-LD block, and the tools' pages' assets
        for attrs, text in page.scripts:
            assert "alert(" not in text or attrs.get("type") in ("application/ld+json",
                                                                  "application/json"), path
            if attrs.get("type") == "application/ld+json":
                data = json.loads(text)
                assert "</script" not in text and "<!--" not in text
                if HOSTILE in json.dumps(data, ensure_ascii=False):
                    assert data["name"] == HOSTILE or HOSTILE in json.dumps(data)
        assert "<script>alert" not in raw, path
    assert seen >= 3  # its own pages (en, ru), the category, the home page...


def test_script_safe_json_cannot_close_a_script() -> None:
    text = script_safe({"name": HOSTILE, "x": "\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"] == HOSTILE


def test_a_rebuild_rewrites_only_what_shows_the_change_and_equals_a_cold_build(
        tmp_path: Path, content: Path) -> None:
    settings = Settings(base=BASE, content=content)
    out = tmp_path / "public"
    build_site(settings, out, cache=tmp_path / "cache")
    again = build_site(settings, out, cache=tmp_path / "cache")
    assert again.written == [] and again.removed == []
    # the dumps the engine wrote are kept between builds: no part is made or written again
    assert (again.parts_rebuilt, again.parts_rewritten) == (0, 0)
    replace_in(content / "sources/kazfem/index.md", "A feminist initiative in Kazakhstan.",
               "A feminist initiative in Almaty and beyond.")
    report = build_site(settings, out, cache=tmp_path / "cache")
    assert (report.parts_rebuilt, report.parts_rewritten) == (1, 0)
    written = set(report.written)
    assert {"sources/sources/kazfem/index.html", "sources/sources/kazfem/index.ttl",
            "sources/sources/kazfem/index.jsonld", "sources/sources/kazfem/index.nt",
            "kzgraph.nt", "index.html"} <= written
    for untouched in ("sources/sources/feminita/index.html", "perspective/index.html",
                      "category/ingo/index.html", "guides/kazakhstan/index.html",
                      "static/vendor/oxigraph/web_bg.wasm", "sparql/index.html"):
        assert untouched not in written
    assert len(written) < report.files / 10
    cold = tmp_path / "cold"
    build_site(settings, cold, cache=False)
    assert _tree(out) == _tree(cold)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file()}


def test_site_renders_one_page_and_one_rdf_file_on_demand(mapped) -> None:
    settings = Settings(base=BASE, content=CONTENT)
    site = Site(mapped.graph, settings)
    page = site.page(BASE + "category/ingo", "ru").decode()
    assert '<html lang="ru"' in page and "Международные НКО" in page or "МНПО" in page
    nt = site.rdf(BASE + "category/ingo", "nt").decode()
    assert f"<{BASE}category/ingo>" in nt
    with pytest.raises(KeyError):
        site.page(BASE + "nothing/here")


def test_the_cli_builds_the_site(runner, tmp_path: Path) -> None:
    from kzgraph.cli import cli

    out = tmp_path / "public"
    result = runner.invoke(cli, ["site", "--output", str(out), "--content", str(CONTENT),
                                 "--no-search", "--quiet"])
    assert result.exit_code == 0, result.output
    assert re.search(r"Site .*: \d+ pages, \d+ RDF files", result.output)
    assert (out / "sources/sources/feminita/index.ru.html").is_file()


def test_content_with_errors_publishes_nothing(runner, tmp_path: Path, content: Path) -> None:
    from kzgraph.cli import cli

    replace_in(content / "sources/feminita/index.md", 'categories: ["local-ngo"]',
               'categories: ["no-such-category"]')
    out = tmp_path / "public"
    result = runner.invoke(cli, ["site", "--output", str(out), "--content", str(content),
                                 "--no-search", "--quiet", "--no-cache"])
    assert result.exit_code == 1, result.output
    assert "sources/feminita/index.md:" in result.output
    assert not out.exists()


@pytest.mark.parametrize("edit", ["title", "translation removed", "source removed",
                                  "guide text", "new source"])
def test_a_rebuild_after_any_edit_equals_a_cold_build(tmp_path: Path, content: Path,
                                                      edit: str) -> None:
    settings = Settings(base=BASE, content=content)
    out, cache = tmp_path / "public", tmp_path / "cache"
    first = build_site(settings, out, cache=cache, search=False)
    if edit == "title":
        replace_in(content / "sources/kazfem/index.md", 'title: "KazFem"', 'title: "KazFem!"')
        expect = {"category/local-ngo/index.html", "guides/kazakhstan/index.html",
                  "country/kz/index.html", "sources/sources/kazfem/index.html"}
    elif edit == "translation removed":
        (content / "sources/kazfem/index.ru.md").unlink()
        expect = {"category/local-ngo/index.ru.html"}
    elif edit == "source removed":
        shutil.rmtree(content / "sources/batyr_jamal")
        replace_in(content / "guides/kazakhstan/index.md",
                   "- [Batyr Jamal](/sources/sources/batyr_jamal/)", "- Batyr Jamal")
        replace_in(content / "guides/kazakhstan/index.ru.md",
                   "(/sources/sources/batyr_jamal/)", "")
        expect = {"guides/kazakhstan/index.html", "category/independent-media/index.html"}
    elif edit == "guide text":
        replace_in(content / "guides/kazakhstan/index.md", "For example:", "*For example*:")
        expect = {"guides/kazakhstan/index.html"}
    else:
        (content / "sources/new_one").mkdir()
        (content / "sources/new_one/index.md").write_text(
            '---\ntitle: "New One"\ncountries: ["Kazakhstan"]\ncategories: ["ingo"]\n---\n\nNew.\n',
            encoding="utf-8")
        expect = {"sources/sources/new_one/index.html", "category/ingo/index.html"}
    report = build_site(settings, out, cache=cache, search=False)
    assert expect <= set(report.written), sorted(report.written)
    assert report.rendered < first.rendered / 2  # the pages that cannot show it: not rendered
    assert report.rendered < 60
    cold = tmp_path / "cold"
    build_site(settings, cold, cache=False, search=False)
    assert _tree(out) == _tree(cold)
    if edit == "source removed":
        assert not (out / "sources/sources/batyr_jamal").exists()
        assert "sources/sources/batyr_jamal/index.html" in report.removed


def test_a_rebuild_without_the_search_index_renders_only_what_changed(tmp_path: Path,
                                                                      content: Path) -> None:
    """As ``kzgraph serve`` builds: the search index at the first build only."""
    settings = Settings(base=BASE, content=content)
    out, cache = tmp_path / "public", tmp_path / "cache"
    first = build_site(settings, out, cache=cache, search=True)
    replace_in(content / "sources/kazfem/index.md", 'title: "KazFem"', 'title: "KazFem!"')
    report = build_site(settings, out, cache=cache, search=False)
    assert "sources/sources/kazfem/index.html" in report.written
    assert report.rendered < first.rendered / 2
    assert (out / "pagefind/pagefind-entry.json").is_file()  # the index is kept


def test_pages_reach_the_disk_in_one_flush_before_the_state_says_they_are_there(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A flush per page took two thirds of a 1,000-page build: the pages are flushed at once,
    and before the state file (which lets the next build skip pages) is written, flushed."""
    import os

    events: list[str] = []
    fsync, sync = os.fsync, os.sync

    def named_fsync(fd: int) -> None:
        events.append("fsync " + Path(os.readlink(f"/proc/self/fd/{fd}")).name)
        fsync(fd)

    def counted_sync() -> None:
        events.append("sync")
        sync()

    monkeypatch.setattr(os, "fsync", named_fsync)
    monkeypatch.setattr(os, "sync", counted_sync)
    out = tmp_path / "public"
    build_site(Settings(base=BASE, content=CONTENT), out, cache=False, search=False)
    pages = [p for p in out.rglob("*.html")]
    assert len(pages) > 50
    synced = [e for e in events if e.startswith("fsync")]
    assert not [e for e in synced if e.endswith(".html.tmp") or ".html." in e], synced
    assert len(synced) < 20, synced  # the dumps, void.ttl and the few files beside them
    assert events.count("sync") == 1
    state = max(i for i, e in enumerate(events) if e.startswith("fsync ") and "kzgraph-site-state" in e)
    assert events.index("sync") < state


def test_the_search_index_is_made_again_only_when_a_page_changed(
        tmp_path: Path, content: Path, monkeypatch) -> None:
    """A build that makes the search index keeps the previous one when no page changed since
    it was made (a restart of ``kzgraph serve``); after a build without the index that changed
    a page, it is made again. Each time the folder equals a cold build."""
    from kzgraph.publish.site import build as site_build

    runs: list[Path] = []
    real = site_build.run_pagefind

    def counted(site: Path, output: Path) -> None:
        runs.append(site)
        real(site, output)

    monkeypatch.setattr(site_build, "run_pagefind", counted)
    settings = Settings(base=BASE, content=content)
    out, cache = tmp_path / "public", tmp_path / "cache"
    build_site(settings, out, cache=cache)
    assert len(runs) == 1
    again = build_site(settings, out, cache=cache)
    assert len(runs) == 1 and again.written == [] and again.removed == []
    assert any(k.startswith("pagefind/") for k in again._kept)
    replace_in(content / "sources/kazfem/index.md", 'title: "KazFem"', 'title: "KazFem!"')
    build_site(settings, out, cache=cache, search=False)  # as serve's rebuilds
    build_site(settings, out, cache=cache, search=False)  # nothing changed: still stale
    build_site(settings, out, cache=cache)  # a restart: the pages changed since the index
    assert len(runs) == 2
    cold = tmp_path / "cold"
    build_site(settings, cold, cache=False)
    assert _tree(out) == _tree(cold)
    (out / "pagefind/pagefind-entry.json").unlink()  # a file of the index lost: made again
    build_site(settings, out, cache=cache)
    assert runs.count(out) == 3 and _tree(out) == _tree(cold)
