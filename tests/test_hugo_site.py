"""A Hugo site as Hugo lays one out (tests/hugo_site: hugo.toml, language content folders,
section pages, single-file pages, TOML and JSON front matter, a draft, an expired and a future
page, aliases, a slug, Hugo-only keys) is read by kzgraph into the graph expected, and the
real ``hugo`` binary publishes exactly the pages kzgraph publishes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

from kzgraph.cli import cli
from kzgraph.config import Settings, with_hugo_site
from kzgraph.engine.pipeline import build, load_and_map
from kzgraph.errors import INFO
from kzgraph.vocab import DCTERMS, KZ, RDF, SCHEMA, SKOS
from conftest import replace_in

SITE = Path(__file__).parent / "hugo_site"
BASE = "https://hugo-site.example/"
UNPUBLISHED = {"en:sources/draft-source/index.md": "it is a draft",
               "en:sources/expired-source.md": "it expired on 2001-01-01",
               "en:sources/future-source.md": "its publishDate 2099-01-01 is after"}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    target = tmp_path / "site"
    shutil.copytree(SITE, target)
    return target


def _settings(site: Path, **changes) -> Settings:
    return with_hugo_site(Settings(content=site / "content", **changes))


def _file_key(rel: str) -> str:
    """``content/ru/sources/x/index.md`` -> ``ru:sources/x/index.md``"""
    lang, path = rel.split("/", 2)[1:]
    return f"{lang}:{path}"


def _kzgraph_pages(site: Path, drafts: bool = False) -> dict[str, set[str]]:
    """The files of the pages kzgraph publishes, each with the files of its resource (its
    language versions)."""
    result = load_and_map(_settings(site, drafts=drafts))
    assert result.ok, [str(p) for p in result.problems if p.severity == "error"]
    hidden = {p.path for p in result.problems if p.severity == INFO}
    out: dict[str, set[str]] = {}
    for pages in result.mapped.origins.pages.values():
        versions = {_file_key(p.rel) for p in pages}
        assert not versions & {_file_key(h) for h in hidden}
        out.update({version: versions for version in versions})
    return out


def test_the_site_configuration_gives_base_languages_and_folders(site):
    settings = _settings(site)
    assert settings.base == BASE and settings.site_bases == (BASE,)
    assert settings.default_language == "en"
    assert settings.language_dirs == {"en": "en", "ru": "ru"}


def test_kzgraph_reads_the_hugo_site(site):
    result = load_and_map(_settings(site))
    assert result.ok, [str(p) for p in result.problems]
    g = result.mapped.graph
    feminita = URIRef(BASE + "sources/sources/feminita/")
    kazfem = URIRef(BASE + "sources/sources/kazfem/")
    # translation by content folder: one resource, a title in each language
    assert set(g.objects(URIRef(BASE + "category/local-ngo"), SKOS.prefLabel)) == {
        Literal("Local NGOs", lang="en"), Literal("Местные НПО", lang="ru")}
    # aliases and slug: the IRI stays, the paths are recorded
    assert (feminita, KZ.alias, Literal("/old/feminita/")) in g
    assert (kazfem, KZ.sitePath, Literal("/sources/kazfem-collective/")) in g
    # a single file with TOML front matter (its [sitemap] table is Hugo's own: ignored)
    assert (kazfem, DCTERMS.title, Literal("KazFem", lang="en")) in g
    assert (kazfem, SCHEMA.keywords, Literal("feminism", lang="en")) in g
    # a single file with JSON front matter
    voices = URIRef(BASE + "perspective/local-voices")
    assert (voices, SKOS.prefLabel, Literal("Local voices", lang="en")) in g
    assert (voices, KZ.weight, Literal(5)) in g
    # section pages: the category scheme's own title, the home page
    scheme = URIRef(BASE + "category/")
    assert set(g.objects(scheme, DCTERMS.title)) == {Literal("Categories", lang="en")}
    assert (scheme, RDF.type, SKOS.ConceptScheme) in g
    assert (URIRef(BASE), RDF.type, SCHEMA.WebSite) in g
    assert (URIRef(BASE), DCTERMS.title, Literal("Sources on Kazakhstan", lang="en")) in g
    # the unpublished pages are not in the graph
    for slug in ("draft-source", "expired-source", "future-source"):
        assert not set(g.triples((URIRef(f"{BASE}sources/sources/{slug}/"), None, None)))
    # the guide: its section by heading ID in both languages, a mention for every source link
    guide = URIRef(BASE + "guides/kz/")
    section = URIRef(f"{guide}#ngo")
    assert set(g.objects(section, DCTERMS.title)) == {Literal("Local NGOs", lang="en"),
                                                      Literal("Местные НПО", lang="ru")}
    assert (section, KZ.aboutCategory, URIRef(BASE + "category/local-ngo")) in g
    notes = {str(n) for n in g.objects(URIRef(f"{guide}#mention-feminita-2"), SKOS.note)}
    assert notes == {"a queer feminist collective.", "квир-феминистский коллектив."}
    assert set(g.objects(URIRef(f"{guide}#mention-feminita"), KZ.inSection)) == set()
    assert (URIRef(f"{guide}#mention-feminita-3"), KZ.inSection, section) in g
    assert set(g.objects(URIRef(f"{guide}#mention-kazfem"), SKOS.note)) == {
        Literal("writes about women's rights.", lang="en"),
        Literal("пишет о правах женщин.", lang="ru")}
    # a link in a source's body, through ref
    assert (feminita, DCTERMS.references, kazfem) in g
    # translationKey: a translation with another file name is the same resource
    assert set(g.objects(URIRef(BASE + "sources/sources/zakon/"), DCTERMS.title)) == {
        Literal("Zakon.kz", lang="en"), Literal("Закон.кз", lang="ru")}
    assert not set(g.triples((URIRef(BASE + "sources/sources/zakon-ru/"), None, None)))


def test_validate_lists_the_pages_it_does_not_publish(site, tmp_path):
    result = CliRunner().invoke(cli, ["validate", "--no-cache", "-c", str(site / "content")])
    assert result.exit_code == 0, result.output
    for key, reason in UNPUBLISHED.items():
        lang, path = key.split(":")
        [line] = [l for l in result.output.splitlines()
                  if l.startswith(f"content/{lang}/{path}")]
        assert "info: This page is not published: " + reason in line, line
    assert "3 page file(s) not published." in result.output
    drafts = CliRunner().invoke(cli, ["validate", "--drafts", "--no-cache", "-c",
                                      str(site / "content")])
    # (the draft, published now, is named only by the warning that it has no Russian version)
    assert not [l for l in drafts.output.splitlines() if "draft-source" in l and
                "no Russian version" not in l]
    assert "2 page file(s) not published." in drafts.output


def _hugo_pages(site: Path, out: Path, drafts: bool) -> dict[str, set[str]]:
    """The content files of the pages the real hugo binary publishes, each with the files of
    its translations (the test site's layout writes them into meta elements)."""
    hugo = shutil.which("hugo")
    if hugo is None:
        if os.environ.get("CI"):
            pytest.fail("hugo is not installed (.ci/run installs it)")
        pytest.skip("hugo is not installed")
    command = [hugo, "--source", str(site), "--destination", str(out), "--quiet"]
    run = subprocess.run(command + (["-D"] if drafts else []), capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    found: dict[str, set[str]] = {}
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        m = re.search(r'name="kz-file" content="([^"]+)"', html)
        if m:
            translations = re.search(r'name="kz-translations" content="([^"]*)"', html)
            assert translations is not None
            found[m.group(1)] = {m.group(1), *translations.group(1).split()}
    return found


@pytest.mark.parametrize("drafts", [False, True], ids=["published", "with-drafts"])
def test_hugo_publishes_exactly_the_pages_kzgraph_publishes(site, tmp_path, drafts):
    ours = _kzgraph_pages(site, drafts)
    theirs = _hugo_pages(site, tmp_path / "public", drafts)
    # the same page files, and the same language versions of each (by folder, content
    # folder or translationKey)
    assert ours == theirs
    assert ("en:sources/draft-source/index.md" in ours) == drafts
    assert len(ours) == 12 + drafts  # 8 English files, 4 Russian
    assert ours["ru:sources/zakon-ru.md"] == {"en:sources/zakon/index.md",
                                              "ru:sources/zakon-ru.md"}


def test_the_engine_builds_the_site_and_rebuilds_one_part(site, tmp_path):
    """Parts of the new shapes (single files, language content folders, section pages) are
    cached and rebuilt like the others: a warm rebuild equals a cold build byte for byte."""
    settings = _settings(site)
    cache = tmp_path / "cache"
    first = build(settings, tmp_path / "warm", cache=cache)
    assert first.ok and first.rebuilt == first.parts
    keys = _part_keys(settings)
    assert {"source/kazfem", "perspective/local-voices", "category/local-ngo",
            "collection/category", "collection/home", "source/zakon"} <= set(keys)
    assert "source/zakon-ru" not in keys  # joined to its translation by translationKey
    replace_in(site / "content/en/sources/kazfem.md", 'title = "KazFem"',
               'title = "KazFem (edited)"')
    again = build(settings, tmp_path / "warm", cache=cache)
    assert again.rebuilt == 1
    build(settings, tmp_path / "cold", cache=False)
    files = sorted(p.name for p in (tmp_path / "cold").iterdir())
    for name in files:
        assert (tmp_path / "warm" / name).read_bytes() == (tmp_path / "cold" / name).read_bytes()
    assert "KazFem (edited)" in (tmp_path / "warm" / "kzgraph.nt").read_text(encoding="utf-8")


def _part_keys(settings: Settings) -> list[str]:
    from kzgraph.engine.parts import plan

    parts, stray, _ = plan(settings.content, settings.language_dirs, settings.default_language)
    assert not stray
    return [p.key for p in parts]


def test_a_page_due_later_is_made_again_when_its_day_comes(site, tmp_path):
    import datetime as dt

    cache = tmp_path / "cache"
    before = build(_settings(site, build_date=dt.date(2098, 12, 31)), tmp_path / "a",
                   cache=cache)
    assert "Coming" not in (tmp_path / "a" / "kzgraph.nt").read_text(encoding="utf-8")
    with_date = _settings(site, build_date=dt.date(2099, 1, 1))
    after = build(with_date, tmp_path / "b", cache=cache)
    assert before.ok and after.ok
    assert after.rebuilt == 1  # the future page's part alone: its day has come
    assert "Coming" in (tmp_path / "b" / "kzgraph.nt").read_text(encoding="utf-8")


@pytest.mark.parametrize("front, key", [
    ("draft: true\n", "draft"),
    ("date: 2999-01-01\n", "date"),
    ("date: 2000-01-01\npublishDate: 2999-01-01\n", "publishDate"),
    ("expiryDate: 2001-01-01\n", "expiryDate"),
])
def test_the_note_of_a_page_not_published_names_the_key_that_decided(front, key) -> None:
    """The editor is sent to the line that keeps the page off the site."""
    from kzgraph.content.hugo import not_published, publication
    from kzgraph.content.load import parse_page
    import datetime as dt

    text = f'---\ntitle: "T"\n{front}---\n'
    page, _ = parse_page(text, path=Path("content/sources/s/index.md"),
                         rel="content/sources/s/index.md", kind="source", slug="s",
                         lang="en")
    how = publication(page, dt.date(2026, 11, 28))
    assert not how.published
    note = not_published(page, how)
    assert (note.key, note.line) == (key, page.fields[key].line)
