"""Hugo's ``uglyURLs`` (true, or a table of sections): kzgraph serves each page, section page and
alias where the real ``hugo`` 0.111 writes it (``/sources/foo.html``, ``/sources.html``), with
``slug``, ``url``, ``[permalinks]`` and languages; links by those paths name the page, a link to
a folder path Hugo no longer serves is a warning; a value of the wrong kind is an error naming
the file and the key; the cache's fingerprint holds the setting."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from kzgraph.config import Settings, with_hugo_site
from kzgraph.engine.pipeline import build, check, load_and_map
from kzgraph.errors import WARNING, ConfigError
from kzgraph.vocab import DCTERMS, KZ
from test_permalinks import _ours
from test_site_paths import LAYOUTS, _hugo_build, hugo_toml

BASE = "https://ugly.example/"
CONFIG = hugo_toml(BASE) + '[permalinks]\nguides = "/g/:slug/"\nperspectives = "/p/:slug.html"\n'
SETTINGS = {
    "global": "uglyURLs = true\n",
    "by-section": "[uglyURLs]\nsources = true\nguides = false\ncategories = true\n",
    "off": "uglyURLs = false\n",
}
#: page files: path in content/ -> front matter lines
PAGES = {
    "sources/alpha/index.md": 'title: "Alpha"\naliases: [/old/alpha/, rel/, /old/x.html, '
                              '/old/y, ../up]',
    "sources/alpha/index.ru.md": 'title: "Альфа"\naliases: [rel-ru/]',
    "sources/single.md": 'title: "Single"',
    "sources/single.ru.md": 'title: "Один"',
    "sources/slugged/index.md": 'title: "S"\nslug: Foo Bar',
    "sources/urled/index.md": 'title: "U"\nurl: /fixed/url/\naliases: [rel2/, rel3]',
    "sources/urled2/index.md": 'title: "U2"\nurl: /fixed/url2.html',
    "sources/urled3/index.md": 'title: "U3"\nurl: /fixed/noslash',
    "sources/_index.md": 'title: "Sources"',
    "sources/_index.ru.md": 'title: "Источники"',
    "categories/local-ngo/index.md": 'title: "Local NGOs"',
    "categories/_index.md": 'title: "Categories"',
    "guides/g1/index.md": 'title: "G One"\ncountries: [KZ]',
    "guides/_index.md": 'title: "Guides"',
    "perspectives/p1/index.md": 'title: "P One"',
}


def _write(path: Path, lines: str, body: str = "Text.") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    source = path.parts[-3:-1][0] == "sources" or path.parent.name == "sources"
    extra = 'categories: ["local-ngo"]\n' if source and "_index" not in path.name else ""
    path.write_text(f"---\n{lines}\n{extra}---\n\n{body}\n", encoding="utf-8")


def make_site(root: Path, setting: str) -> Path:
    (root / "content").mkdir(parents=True)
    written = SETTINGS[setting]  # a table goes after the root keys
    config = CONFIG + written if written.startswith("[") else written + CONFIG
    (root / "hugo.toml").write_text(config, encoding="utf-8")
    shutil.copytree(LAYOUTS, root / "layouts")
    for rel, lines in PAGES.items():
        _write(root / "content" / rel, lines)
    return root


def _settings(site: Path) -> Settings:
    return with_hugo_site(Settings(content=site / "content"))


def test_the_setting_is_read():
    assert Settings().ugly("sources") is False
    assert Settings(ugly_urls=True).ugly("guides") is True
    assert Settings(ugly_sections=("sources",)).ugly("sources") is True
    assert Settings(ugly_sections=("sources",)).ugly("guides") is False


@pytest.mark.parametrize("setting", list(SETTINGS))
def test_kzgraph_serves_each_page_where_hugo_writes_it(tmp_path, setting):
    site = make_site(tmp_path / "site", setting)
    theirs = _hugo_build(site, tmp_path / "public")
    ours = _ours(_settings(site))
    # (the home pages hold no file; 'en' is the default language's redirect to the root)
    assert {k: v for k, v in theirs.items() if k not in ("", "en", "ru")} == ours
    if setting == "global":
        assert ours["sources/alpha.html"] == "page en:sources/alpha/index.md"
        assert ours["ru/sources.html"] == "page ru:sources/_index.ru.md"
        assert ours["old/y.html"] == ours["up.html"] == "alias sources/alpha.html"
        assert ours["g/g-one.html"] == "page en:guides/g1/index.md"
        assert ours["p/p-one.html.html"] == "page en:perspectives/p1/index.md"
        assert ours["fixed/url"] == "page en:sources/urled/index.md"  # url as it is
    elif setting == "by-section":
        assert ours["sources/alpha.html"] == "page en:sources/alpha/index.md"
        assert ours["old/y"] == ours["up"] == "alias sources/alpha.html"  # aliases: folders
        assert ours["guides"] == "page en:guides/_index.md"
        assert ours["categories/local-ngo.html"] == "page en:categories/local-ngo/index.md"
    else:
        assert ours["sources/foo-bar"] == "page en:sources/slugged/index.md"


def test_links_by_those_paths_name_the_page(tmp_path):
    site = make_site(tmp_path / "site", "global")
    hrefs = ["/sources/alpha.html", "/sources/alpha/", "/old/alpha.html", "/sources/foo-bar.html",
             "/ru/sources/alpha.html", "/categories/local-ngo.html", "/sources/single"]
    body = "Links:\n\n" + "".join(f"- [link {n}]({href})\n" for n, href in enumerate(hrefs))
    _write(site / "content/sources/linker/index.md", 'title: "Linker"', body)
    theirs = _hugo_build(site, tmp_path / "public")
    result = load_and_map(_settings(site))
    said = {p.line: (p.severity, str(p.message)) for p in result.problems
            if p.path.endswith("linker/index.md") and "link" in str(p.message)}
    first = 8  # the line of the first link
    assert sorted(said) == [first + 1, first + 6], said
    assert said[first + 1] == (WARNING, (
        "The link '/sources/alpha/' names the folder path of this source, where Hugo does not "
        "serve it: the site's 'uglyURLs' setting serves it at '/sources/alpha.html'. Link to "
        "'/sources/alpha.html', use ref, or add the old path to its 'aliases'."))
    assert "'/sources/single.html'" in said[first + 6][1]
    for n in (0, 2, 3, 4, 5):
        assert hrefs[n].strip("/") in theirs, hrefs[n]
    for n in (1, 6):
        assert hrefs[n].strip("/") not in theirs, hrefs[n]
    linker = URIRef(BASE + "sources/sources/linker/")
    assert set(result.mapped.graph.objects(linker, DCTERMS.references)) == {
        URIRef(BASE + p) for p in ("sources/sources/alpha/", "sources/sources/slugged/",
                                   "category/local-ngo", "sources/sources/single/")}
    assert (URIRef(BASE + "sources/sources/alpha/"), KZ.sitePath,
            Literal("/sources/alpha.html")) in result.mapped.graph
    assert (URIRef(BASE + "sources/sources/alpha/"), KZ.alias,
            Literal("/old/alpha.html")) in result.mapped.graph


@pytest.mark.parametrize("setting", ["global", "by-section"])
def test_a_link_to_a_section_page_without_an_index_file_names_the_page_hugo_writes(tmp_path,
                                                                                   setting):
    """Hugo writes a section's own page at /sources.html whether or not it has an _index.md."""
    site = make_site(tmp_path / "site", setting)
    for rel in ("sources/_index.md", "sources/_index.ru.md", "guides/_index.md"):
        (site / "content" / rel).unlink()
    hrefs = ["/sources.html", "/ru/sources.html", "/guides.html", "/categories.html",
             "/sources/", "/ru/sources/", "/guides/", "/categories/"]
    body = "Links:\n\n" + "".join(f"- [link {n}]({href})\n" for n, href in enumerate(hrefs))
    _write(site / "content/sources/linker/index.md", 'title: "Linker"', body)
    _hugo_build(site, tmp_path / "public")
    written = {h for h in hrefs if (tmp_path / "public" / h.lstrip("/")).is_file()
               or (tmp_path / "public" / h.lstrip("/") / "index.html").is_file()}
    result = load_and_map(_settings(site))
    said = {hrefs[p.line - 8]: str(p.message) for p in result.problems
            if p.path.endswith("linker/index.md") and "link" in str(p.message)}
    # a link kzgraph takes without a word is a page Hugo wrote, and the others are reported
    assert set(hrefs) - set(said) == written
    assert written == ({"/sources.html", "/ru/sources.html", "/guides.html",
                        "/categories.html"} if setting == "global"
                       else {"/sources.html", "/ru/sources.html", "/categories.html", "/guides/"})
    if setting == "by-section":
        assert "kzgraph cannot tell what '/guides.html' is" in said["/guides.html"]
    # a folder path Hugo does not serve names the page it moved to (with an _index.md or not)
    assert said["/ru/sources/"] == (
        "The link '/ru/sources/' names the folder path of a section's page, where Hugo does not "
        "serve it: the site's 'uglyURLs' setting serves it at '/ru/sources.html'. Link to "
        "'/ru/sources.html'.")
    assert "serves it at '/categories.html'" in said["/categories/"]


@pytest.mark.parametrize("written, says", [
    ('uglyURLs = "yes"\n', "'uglyURLs' must be true, false or a table of sections"),
    ("[uglyURLs]\nsources = 1\n", "'uglyURLs.sources' must be true or false, not"),
])
def test_a_value_of_the_wrong_kind_is_an_error_naming_the_file_and_key(tmp_path, written, says):
    (tmp_path / "content").mkdir()
    (tmp_path / "hugo.toml").write_text(written, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        _settings(tmp_path)
    assert str(caught.value).startswith(f"{tmp_path / 'hugo.toml'}: the Hugo setting ")
    assert says in str(caught.value)


def test_a_warm_build_after_the_setting_changes_equals_a_cold_one(tmp_path):
    site = make_site(tmp_path / "site", "off")
    cache = tmp_path / "cache"
    assert build(_settings(site), tmp_path / "warm", cache=cache, formats=["ntriples"]).ok
    config = site / "hugo.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "uglyURLs = false", "uglyURLs = true"), encoding="utf-8")
    settings = _settings(site)
    assert check(settings, cache=cache).problems == check(settings, cache=False).problems
    assert build(settings, tmp_path / "warm", cache=cache, formats=["ntriples"]).ok
    assert build(settings, tmp_path / "cold", cache=False, formats=["ntriples"]).ok
    warm = (tmp_path / "warm/kzgraph.nt").read_bytes()
    assert warm == (tmp_path / "cold/kzgraph.nt").read_bytes()
    assert b'"/sources/alpha.html"' in warm
