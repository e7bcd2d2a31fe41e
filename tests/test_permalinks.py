"""Hugo's ``[permalinks]``: kzgraph serves each page where the real ``hugo`` 0.111 writes it,
for every token, date form, title, slug, file name and language; ``url`` wins over a pattern;
aliases are relative to the path the pattern gives; links by those paths name the page; a
pattern kzgraph cannot expand is an error naming the file and the key; the cache's
fingerprint holds the setting."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from kzgraph.config import SECTIONS, Settings, with_hugo_site
from kzgraph.content.hugo import publication
from kzgraph.content.layout import FOLDERS
from kzgraph.content.sitepaths import claims, own_folder
from kzgraph.engine.pipeline import build, load_and_map
from kzgraph.errors import WARNING, ConfigError
from kzgraph.vocab import DCTERMS, KZ
from test_hugo_config import _hugo
from test_site_paths import LAYOUTS, _hugo_build, hugo_toml

BASE = "https://perma.example/"
PERMALINKS = {
    "sources": "/s/:year/:month/:monthname/:day/:weekday/:weekdayname/:yearday/:section/"
               ":sections/:title/:slug/:filename/:slugorfilename/",
    "guides": "/G/:slugorfilename.html",
    "categories": ":slug",
    "perspectives": "/p/:monthname-:title::year/",
    "posts": "/posts/:year/",  # a section kzgraph has no pages in
}
#: page files: path in content/ -> front matter lines (besides categories)
PAGES = {
    "sources/alpha/index.md": 'title: "Alpha Beta"\ndate: 2021-03-07',
    "sources/alpha/index.ru.md": 'title: "Альфа"\ndate: 2021-03-07\nslug: Ru Slug',
    "sources/single.md": 'title: "Single File"\npublishDate: 2020-12-31T23:30:00+05:00',
    "sources/single.ru.md": 'title: "Один"\npublishDate: 2020-12-31T23:30:00+05:00',
    "sources/nodate/index.md": 'title: "No Date"\nslug: My Slug',
    "sources/pub/index.md": 'title: "Pub"\npublishDate: 2019-05-05',
    "sources/UpperName/index.md": 'title: "Ёлка & Co. Ünï"\npublishDate: 2024-02-29T08:00:00Z',
    "sources/urled/index.md": 'title: "U"\ndate: 2001-01-01\nurl: /fixed/url/\n'
                              'aliases: [old/]',
    "sources/urled/index.ru.md": 'title: "U"\ndate: 2001-01-01\nurl: ru-url/',
    "sources/aliased/index.md": 'title: "Aliased"\ndate: 2022-06-15\n'
                                'aliases: [old-a/, ../up/, /abs/a/]',
    "guides/g1/index.md": 'title: "G"\nslug: Guide One\ndate: 2024-02-29\ncountries: [KZ]',
    "guides/g2.md": 'title: "Second"\ncountries: [KZ]',
    "categories/local-ngo/index.md": 'title: "Local NGOs"',
    "categories/local-ngo/index.ru.md": 'title: "Местные НКО"',
    "categories/c2/index.md": 'title: "Cat Two"\nslug: CatSlug',
    "perspectives/p1.md": 'title: "P One"\ndate: 1999-12-31',
    "sources/_index.md": 'title: "Sources"',
    "categories/_index.md": 'title: "Categories"',
}
#: dates spread over weekdays, leap years and year days (kzgraph takes a time of day, in
#: its own zone, in publishDate only), and odd titles
DATES = ["date: 2000-02-29", "date: 1999-01-01", "date: 2016-12-31",
         "publishDate: 2023-10-09T23:59:59-11:00", "date: 1970-01-01",
         "publishDate: 2012-07-15 12:00:00", "date: 1900-03-01"]
TITLES = [" lead", "a%20b%zz", "tab\tand--dash", "Zakon.KZ", "x+y~z@w#v", "a__b..c", "日本 語",
          "a - b", "İstanbul Σίσυφος"]


def _config(extra: str = "", permalinks: dict[str, str] = PERMALINKS) -> str:
    table = "".join(f'{k} = "{v}"\n' for k, v in permalinks.items())
    return f"{extra}{hugo_toml(BASE)}[permalinks]\n{table}"


def _write(path: Path, lines: str, body: str = "Text.") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    extra = 'categories: ["local-ngo"]\n' if path.parent.parent.name == "sources" or \
        path.parent.name == "sources" and "_index" not in path.name else ""
    path.write_text(f"---\n{lines}\n{extra}---\n\n{body}\n", encoding="utf-8")


def make_site(root: Path, extra: str = "") -> Path:
    (root / "content").mkdir(parents=True)
    (root / "hugo.toml").write_text(_config(extra), encoding="utf-8")
    shutil.copytree(LAYOUTS, root / "layouts")
    for rel, lines in PAGES.items():
        _write(root / "content" / rel, lines)
    for n, date in enumerate(DATES):
        _write(root / f"content/sources/dated{n}/index.md", f'title: "D{n}"\n{date}')
    for n, title in enumerate(TITLES):
        quoted = title.replace("\t", "\\t")
        _write(root / f"content/sources/odd{n}/index.md",
               f'title: "{quoted}"\ndate: 2011-11-11')
    (root / "content/sources/toml").mkdir()
    (root / "content/sources/toml/index.md").write_text(
        '+++\ntitle = "Toml"\ncategories = ["local-ngo"]\npublishDate = 2023-07-04T22:00:00-05:00\n'
        '+++\n\nText.\n', encoding="utf-8")
    return root


def _settings(site: Path) -> Settings:
    return with_hugo_site(Settings(content=site / "content"))


def _ours(settings: Settings) -> dict[str, str]:
    """Where kzgraph says Hugo writes each page file and alias (as :func:`_hugo_build`)."""
    result = load_and_map(settings)
    assert result.content is not None
    ours: dict[str, str] = {}
    for page in result.content.pages:
        assert publication(page, dt.date.today()).published
        found = claims(page, settings)
        at = [c.path for c in found if c.key != "aliases"]
        served = at[0] if at else own_folder(page, settings)
        ours[served] = f"page {page.lang}:{page.rel.split('/', 1)[1]}"
        for c in found:
            if c.key == "aliases":
                ours[c.path] = "alias " + served
    return ours


def test_the_sections_kzgraph_reads_are_its_folders():
    assert sorted(SECTIONS) == sorted(FOLDERS.values())


@pytest.mark.parametrize("extra", ["", "disablePathToLower = true\nremovePathAccents = true\n"],
                         ids=["as-usual", "case-kept-accents-removed"])
def test_kzgraph_serves_each_page_where_hugo_writes_it(tmp_path, extra):
    site = make_site(tmp_path / "site", extra)
    theirs = _hugo_build(site, tmp_path / "public")
    ours = _ours(_settings(site))
    pages = {k: v for k, v in theirs.items() if "_index" not in v and k not in ("en",)}
    assert pages == {k: v for k, v in ours.items() if "_index" not in v}
    # a few by hand, so that the table above says what it compares
    lower = not extra
    alpha = ("s/2021/03/march/07/0/sunday/66/sources/sources/alpha-beta/alpha-beta/alpha/"
             "alpha")
    assert ours[alpha if lower else alpha.replace("march", "March").replace(
        "sunday", "Sunday").replace("alpha-beta", "Alpha-Beta")] == "page en:sources/alpha/index.md"
    assert ours["fixed/url"] == "page en:sources/urled/index.md"
    assert ours["ru/ru-url"] == "page ru:sources/urled/index.ru.md"
    assert ours["catslug" if lower else "CatSlug"] == \
        "page en:categories/c2/index.md"
    assert ours["categories"] == "page en:categories/_index.md"  # a section page stays
    assert ours[("g/guide-one.html" if lower else "G/Guide-One.html")] == \
        "page en:guides/g1/index.md"
    assert not any(k.startswith("sources/") for k in ours)  # every source moved


def test_a_pattern_kzgraph_cannot_expand_is_an_error_naming_the_file_and_key(tmp_path):
    for n, (pattern, hugo_refuses) in enumerate([
            ("/a/:contentbasename/", True), ("/a/:foo/", True), ("/a/:Year/", True),
            ("/a/:sections[1:]/:slug/", False), ("/a/:2006/:slug/", False)]):
        site = tmp_path / f"s{n}"
        site.mkdir()
        config = site / "hugo.toml"
        config.write_text(_config(permalinks={"sources": pattern}), encoding="utf-8")
        _write(site / "content/sources/x/index.md", 'title: "X"')
        with pytest.raises(ConfigError) as caught:
            _settings(site)
        said = str(caught.value)
        assert said.startswith(f"{config}: the permalink pattern 'permalinks.sources'"), said
        assert pattern.split("/")[2].split("/")[0] in said and ":slugorfilename" in said
        run = subprocess.run([_hugo(), "--source", str(site), "--destination",
                              str(tmp_path / f"o{n}"), "--quiet"], capture_output=True,
                             text=True, timeout=120)
        assert (run.returncode != 0) == hugo_refuses, run.stderr
    # of a section kzgraph has no pages in, too: Hugo refuses the site
    site = tmp_path / "other"
    site.mkdir()
    (site / "hugo.toml").write_text(_config(permalinks={"posts": "/:foo/"}), encoding="utf-8")
    (site / "content").mkdir()
    with pytest.raises(ConfigError, match="'permalinks.posts'"):
        _settings(site)
    (site / "hugo.toml").write_text('[permalinks]\nsources = 3\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="'permalinks.sources' must be a text"):
        _settings(site)


def _linker(site: Path, hrefs: list[str]) -> None:
    body = "Links:\n\n" + "".join(f"- [link {n}]({href})\n" for n, href in enumerate(hrefs))
    _write(site / "content/sources/linker/index.md", 'title: "Linker"\ndate: 2020-01-01',
           body)


def test_links_by_the_paths_a_pattern_gives_name_the_page(tmp_path):
    site = make_site(tmp_path / "site")
    alpha = ("/s/2021/03/march/07/0/sunday/66/sources/sources/alpha-beta/alpha-beta/alpha/"
             "alpha/")
    _linker(site, [alpha, "/sources/alpha/", "/ru/s/2021/03/march/07/0/sunday/66/sources/"
                   "sources/альфа/ru-slug/alpha/ru-slug/", "/g/guide-one.html/", "/catslug/",
                   "/local-ngos", "/s/2022/06/june/15/3/wednesday/166/sources/sources/aliased/"
                   "aliased/aliased/old-a/", "/abs/a/"])
    theirs = _hugo_build(site, tmp_path / "public")
    settings = _settings(site)
    result = load_and_map(settings)
    said = {p.line: (p.severity, str(p.message)) for p in result.problems
            if p.path.endswith("linker/index.md") and "link" in str(p.message)}
    assert list(said) == [10], said  # the folder path only: where Hugo serves nothing
    assert said[10][0] == WARNING and "'permalinks' setting serves it at '" + alpha in said[10][1]
    assert "sources/alpha" not in theirs and alpha.strip("/") in theirs
    linker = URIRef(BASE + "sources/sources/linker/")
    assert set(result.mapped.graph.objects(linker, DCTERMS.references)) == {
        URIRef(BASE + p) for p in ("sources/sources/alpha/", "guides/g1/", "category/c2",
                                   "category/local-ngo", "sources/sources/aliased/")}
    # where Hugo serves it is recorded, as for a slug or url
    assert (URIRef(BASE + "sources/sources/alpha/"), KZ.sitePath, Literal(alpha)) in \
        result.mapped.graph


def test_two_pages_a_pattern_serves_at_one_path_is_an_error(tmp_path):
    site = make_site(tmp_path / "site")
    (site / "hugo.toml").write_text(_config(permalinks={"sources": "/s/:year/"}),
                                    encoding="utf-8")
    theirs = _hugo_build(site, tmp_path / "public")
    # Hugo writes one of the pages of 2011 there, without a word
    assert theirs["s/2011"] in {f"page en:sources/odd{n}/index.md" for n in range(len(TITLES))}
    problems = [(p.path, p.line, p.key, p.severity, str(p.message))
                for p in load_and_map(_settings(site)).problems if p.key == "permalinks"]
    assert problems == [
        (f"content/sources/odd{n}/index.md", 1, "permalinks", "error",
         "The site's permalinks pattern serves this page at '/s/2011/', and "
         "content/sources/odd0/index.md there too. Hugo writes only one of them there, "
         "without a word: make the pattern tell them apart (with :slug or :filename), or give "
         "one of them a 'url'.") for n in range(1, len(TITLES))] + [
        ("content/sources/toml/index.md", 1, "permalinks", "error",
         "The site's permalinks pattern serves this page at '/s/2023/', and "
         "content/sources/dated3/index.md there too. Hugo writes only one of them there, "
         "without a word: make the pattern tell them apart (with :slug or :filename), or give "
         "one of them a 'url'.")]


def test_a_warm_build_after_the_permalinks_change_equals_a_cold_one(tmp_path):
    site = make_site(tmp_path / "site")
    _linker(site, ["/g/guide-one.html/"])
    cache = tmp_path / "cache"
    assert build(_settings(site), tmp_path / "warm", cache=cache, formats=["ntriples"]).ok
    config = site / "hugo.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        '"/G/:slugorfilename.html"', '"/guides/:filename/"'), encoding="utf-8")
    # the link now names a path Hugo serves nothing at: an error, in both
    settings = _settings(site)
    from kzgraph.engine.pipeline import check

    warm, cold = check(settings, cache=cache), check(settings, cache=False)
    assert warm.problems == cold.problems
    assert any("leads nowhere" in str(p.message) or "cannot tell" in str(p.message)
               for p in cold.problems if p.path.endswith("linker/index.md"))
    _linker(site, ["/guides/g1/"])
    assert build(settings, tmp_path / "warm", cache=cache, formats=["ntriples"]).ok
    assert build(settings, tmp_path / "cold", cache=False, formats=["ntriples"]).ok
    warm_nt = (tmp_path / "warm/kzgraph.nt").read_bytes()
    assert warm_nt == (tmp_path / "cold/kzgraph.nt").read_bytes()
    assert b'"/g/guide-one.html"' not in warm_nt and b"guide-one" not in warm_nt
