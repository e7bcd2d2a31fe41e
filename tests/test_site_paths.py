"""Links by the paths Hugo serves a page at (``slug``, ``url``, ``aliases``) name that page, as
on the site the real ``hugo`` binary builds: every link kzgraph accepts without a word is a
page Hugo wrote, and every link to a path Hugo wrote no page at is reported. The engine's warm
runs see a linked page's new ``slug``, ``url`` or ``aliases`` as a cold run does."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import replace_in
from rdflib import URIRef

from kzgraph.config import Settings, with_hugo_site
from kzgraph.content.hugo import publication
from kzgraph.content.sitepaths import claims, own_folder
from kzgraph.content.taxonomies import term_path
from kzgraph.engine.pipeline import build, check, load_and_map
from kzgraph.errors import WARNING
from kzgraph.vocab import DCTERMS
from test_hugo_config import _hugo

BASE = "https://paths.example/"
LAYOUTS = Path(__file__).parent / "hugo_site" / "layouts"


def hugo_toml(base: str) -> str:
    """The Hugo configuration the path tests build with: English and Russian, no taxonomies,
    only the page kinds kzgraph reads (a test adds its own tables after it)."""
    return (f'baseURL = "{base}"\ndefaultContentLanguage = "en"\n'
            'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n'
            "[taxonomies]\n[languages.en]\nweight = 1\n[languages.ru]\nweight = 2\n")


CONFIG = hugo_toml(BASE)

#: page files: path in content/ -> front matter lines (besides title and categories)
PAGES = {
    "sources/feminita/index.md": "slug: foo",
    "sources/feminita/index.ru.md": "slug: bar",
    "sources/kazfem.md": "url: /kz/kazfem-org/",
    "sources/zakon/index.md": "aliases: [/old/zakon/, old-rel/]",
    "sources/zakon/index.ru.md": "aliases: [rel-ru/]",
    "sources/moved/index.md": "slug: Moved Now\naliases: [/sources/moved/]",
    "sources/plain/index.md": "",
    "sources/plain/index.ru.md": "",
}
#: the linking page's links, one a line: (address, what kzgraph says: None, or a words of its
#: message, and the page the link names, or None)
LINKS = [
    ("/sources/foo/", None, "feminita"),
    ("/ru/sources/bar/", None, "feminita"),
    ("/sources/feminita/", "where Hugo no longer serves it", "feminita"),
    ("/ru/sources/feminita/", "serves it at '/ru/sources/bar/'", "feminita"),
    ("/kz/kazfem-org/", None, "kazfem"),
    ("/sources/kazfem/", "serves it at '/kz/kazfem-org/'", "kazfem"),
    ("/old/zakon/", None, "zakon"),
    ("/sources/old-rel/", None, "zakon"),
    ("/ru/sources/rel-ru/", None, "zakon"),
    ("/sources/zakon/", None, "zakon"),
    ("/sources/moved/", None, "moved"),
    ("/sources/moved-now/", None, "moved"),
    ("/sources/plain/", None, "plain"),
    ("/ru/sources/plain/", None, "plain"),
    ("/kz/nothing/", "kzgraph cannot tell", None),
    ("/sources/bar/", "leads nowhere", None),
]




def _page(path: Path, lines: str, body: str = "Text.") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    extra = lines + "\n" if lines else ""
    path.write_text(f'---\ntitle: "{path.parent.name}"\ncategories: ["local-ngo"]\n{extra}---'
                    f"\n\n{body}\n", encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    shutil.copytree(LAYOUTS, site / "layouts")
    for lang in ("", ".ru"):
        cat = site / f"content/categories/local-ngo/index{lang}.md"
        cat.parent.mkdir(parents=True, exist_ok=True)
        cat.write_text('---\ntitle: "Local NGOs"\n---\n\nNGOs.\n', encoding="utf-8")
    for rel, lines in PAGES.items():
        _page(site / "content" / rel, lines)
    body = "Links:\n\n" + "".join(f"- [link {n}]({href})\n" for n, (href, _, _) in
                                  enumerate(LINKS))
    _page(site / "content/sources/linker/index.md", "", body)
    return site


def _settings(site: Path) -> Settings:
    return with_hugo_site(Settings(content=site / "content"))


def _hugo_build(site: Path, out: Path) -> dict[str, str]:
    """What the real hugo writes: each path (no leading or trailing slash) -> ``page <lang>:<file>``
    or ``alias <the path it redirects to>``."""
    run = subprocess.run([_hugo(), "--source", str(site), "--destination", str(out), "--quiet"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    written: dict[str, str] = {}
    for page in out.rglob("*.html"):
        if not page.is_file():  # a folder a permalink pattern ending in .html makes
            continue
        rel = page.relative_to(out).as_posix()
        key = rel[:-len("index.html")].strip("/") if rel.endswith("index.html") else rel
        html = page.read_text(encoding="utf-8")
        redirect = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', html)
        file = re.search(r'name="kz-file" content="([^"]*)"', html)
        if redirect:
            written[key] = "alias " + unquote(urlsplit(redirect.group(1)).path).strip("/")
        elif file and file.group(1):
            written[key] = "page " + file.group(1)
    return written


def test_a_slug_is_made_a_path_as_hugo_makes_a_term_one():
    assert term_path("Big Slug") == "big-slug"
    assert term_path("A & b  Ёлка.kz_x") == "a-b-ёлка.kz_x"


@pytest.mark.parametrize("setting", ["", "disablePathToLower = true\nremovePathAccents = true\n"],
                         ids=["as-usual", "case-and-accents-kept-and-removed"])
def test_kzgraph_finds_the_paths_hugo_serves_each_page_at(site, tmp_path, setting):
    """Every path the real hugo writes for a page or an alias, and only those, as kzgraph
    reads the front matter: slug (per language file, made a segment as Hugo makes one, with the
    site's disablePathToLower and removePathAccents), url (as written, no language prefix),
    aliases (absolute as written, relative to the folder of the page's path); the folder path
    of a page with a slug or url holds nothing."""
    config = site / "hugo.toml"
    config.write_text(setting + config.read_text(encoding="utf-8"), encoding="utf-8")
    extra = {
        "sources/Upper/index.md": "",
        "sources/cased/index.md": 'slug: "A & b  Ёлка.kz_x"\naliases: [/Old/Case/]',
        "sources/urled/index.md": "url: kz/no-slash/\naliases: [rel/, ../up/]",
        "sources/urled/index.ru.md": "url: /KZ/Ru-Url/",
        "sources/filed/index.md": "url: /a/b.html",
        "sources/onlyru/index.ru.md": "slug: solo",
    }
    odd = [" -lead", "a%20b%zz", "tab\\tand--dash", "Zakon.KZ", "x+y~z@w#v", "Ünï Çödé",
           "a__b..c", "trailing- ", "日本 語", "a - b"]
    for n, slug in enumerate(odd):
        extra[f"sources/odd{n}/index.md"] = f'slug: "{slug}"'
    
    for rel, lines in extra.items():
        _page(site / "content" / rel, lines)
    (site / "content/categories/_index.md").write_text(
        '---\ntitle: "Categories"\nslug: cats\n---\n', encoding="utf-8")
    theirs = _hugo_build(site, tmp_path / "public")
    settings = _settings(site)
    result = load_and_map(settings)
    assert result.content is not None
    # a section page's slug: Hugo ignores it, kzgraph says so
    assert theirs["categories"] == "page en:categories/_index.md" and "cats" not in theirs
    assert [(p.path, p.key, p.severity) for p in result.problems if "section page" in
            str(p.message)] == [("content/categories/_index.md", "slug", WARNING)]
    ours: dict[str, str] = {}
    served: dict[str, str] = {}
    for page in result.content.pages:
        assert publication(page, dt.date.today()).published
        name = f"{page.lang}:{page.rel.split('/', 1)[1]}"
        found = claims(page, settings)
        at = [c.path for c in found if c.key != "aliases"]
        served[page.rel] = at[0] if at else own_folder(page, settings)
        ours[served[page.rel]] = "page " + name
        for c in found:
            if c.key == "aliases":
                ours[c.path] = "alias " + served[page.rel]
    # (Hugo also writes the sections' list pages and the home pages, which have no file)
    pages = {k: v for k, v in theirs.items() if "_index" not in v and k not in ("en",)}
    assert pages == {k: v for k, v in ours.items() if "_index" not in v}
    cased = "sources/A-b-Елка.kz_x" if setting else "sources/a-b-ёлка.kz_x"
    assert ours[cased] == "page en:sources/cased/index.md"
    assert ("sources/Upper" if setting else "sources/upper") in ours
    assert ours["KZ/Ru-Url"] == "page ru:sources/urled/index.ru.md"
    assert ours["up"] == "alias kz/no-slash" and ours["kz/rel"] == "alias kz/no-slash"
    assert "sources/feminita" not in ours and "ru/sources/feminita" not in ours
    assert [ours.get("sources/" + term_path(slug.replace("\\t", "\t"), lower=not setting,
                                            remove_accents=bool(setting))) for slug in odd] \
        == [f"page en:sources/odd{n}/index.md" for n in range(len(odd))]


def _link_problems(problems, lines: dict[int, int]) -> dict[int, str]:
    """The problems on the linking page's link lines: link number -> message."""
    out = {}
    for p in problems:
        if p.path.endswith("sources/linker/index.md") and p.line in lines:
            assert lines[p.line] not in out, (p, out)
            out[lines[p.line]] = (p.severity, str(p.message))
    return out


def _lines(site: Path) -> dict[int, int]:
    text = (site / "content/sources/linker/index.md").read_text(encoding="utf-8")
    return {number: int(m.group(1)) for number, line in enumerate(text.splitlines(), 1)
            if (m := re.match(r"- \[link (\d+)\]", line))}


def test_a_link_kzgraph_accepts_is_a_page_hugo_wrote(site, tmp_path):
    """For every link of the linking page: kzgraph says nothing exactly when hugo wrote a page
    or a redirect at its path; it says what the table expects, and references the page."""
    theirs = _hugo_build(site, tmp_path / "public")
    result = load_and_map(_settings(site))
    said = _link_problems(result.problems, _lines(site))
    for n, (href, words, _) in enumerate(LINKS):
        assert (n not in said) == (href.strip("/") in theirs), (href, said.get(n))
        if words is None:
            assert n not in said, (href, said[n])
        else:
            assert words in said[n][1], (href, said[n])
    assert said[2][0] == WARNING and "'/sources/foo/'" in said[2][1]
    assert said[15][0] == "error"
    linker = URIRef(BASE + "sources/sources/linker/")
    assert set(result.mapped.graph.objects(linker, DCTERMS.references)) == {
        URIRef(f"{BASE}sources/sources/{slug}/") for _, _, slug in LINKS if slug}


def _no_dead_link(site: Path) -> None:
    """The linking page without its link to no page (a build publishes no content with an
    error)."""
    replace_in(site / "content/sources/linker/index.md", "(/sources/bar/)", "(/sources/zakon)")


def test_build_and_validate_say_what_the_whole_content_mapped_at_once_says(site, tmp_path):
    _no_dead_link(site)
    settings = _settings(site)
    lines = _lines(site)
    whole = _link_problems(load_and_map(settings).problems, lines)
    validated = check(settings, cache=tmp_path / "cache-v")
    built = build(settings, tmp_path / "out", cache=tmp_path / "cache-b",
                  formats=["ntriples"])
    assert len(whole) == 4 and _link_problems(validated.problems, lines) == whole
    assert _link_problems(built.problems, lines) == whole
    nt = (tmp_path / "out" / "kzgraph.nt").read_text(encoding="utf-8")
    linker = f"<{BASE}sources/sources/linker/> <{DCTERMS.references}> "
    assert f"{linker}<{BASE}sources/sources/kazfem/> ." in nt
    assert f"{linker}<{BASE}sources/sources/moved/> ." in nt


def test_two_pages_claiming_one_path_is_an_error_naming_both(site, tmp_path):
    _page(site / "content/sources/other/index.md", "slug: foo")
    _page(site / "content/sources/thief/index.md", "aliases: [/sources/plain/]")
    theirs = _hugo_build(site, tmp_path / "public")
    # Hugo keeps one page at each and says nothing
    assert theirs["sources/plain"] == "page en:sources/plain/index.md"
    for outcome in (load_and_map(_settings(site)),
                    check(_settings(site), cache=tmp_path / "cache")):
        errors = sorted((p.path, p.line, p.key, str(p.message)) for p in outcome.problems
                        if "claim" in str(p.message))
        assert errors == [
            ("content/sources/other/index.md", 4, "slug",
             ("Two pages claim the path '/sources/foo/': 'slug' here and 'slug' in "
              "content/sources/feminita/index.md:4. Hugo writes only one page there, without "
              "a word; give one of them another path.")),
            ("content/sources/thief/index.md", 4, "aliases",
             ("The path '/sources/plain/' is where Hugo serves content/sources/plain/index.md "
              "(its folder's path): 'aliases' here claims it too, and Hugo keeps that page "
              "there, without a word. Give this one another path."))]


#: edits of the linked pages, each followed by a warm run compared with a cold one
EDITS = [
    ("sources/feminita/index.md", "slug: foo", "slug: foo2\naliases: [/sources/foo/]"),
    ("sources/feminita/index.md", "slug: foo2\n", ""),
    ("sources/kazfem.md", "url: /kz/kazfem-org/", "url: /kz/other/"),
    ("sources/zakon/index.md", "aliases: [/old/zakon/, old-rel/]", "aliases: [old-rel/]"),
    ("sources/plain/index.md", 'title: "plain"', 'title: "plain"\nurl: /kz/nothing/'),
    ("sources/moved/index.md", "slug: Moved Now\naliases: [/sources/moved/]",
     "aliases: [/sources/moved-now/]"),
    ("sources/feminita/index.md", "aliases: [/sources/foo/]", "slug: foo"),
]


def test_a_warm_run_after_a_linked_pages_paths_change_equals_a_cold_one(site, tmp_path):
    _no_dead_link(site)
    settings = _settings(site)
    cache = tmp_path / "cache"
    build(settings, tmp_path / "warm", cache=cache)
    for number, (rel, old, new) in enumerate(EDITS):
        replace_in(site / "content" / rel, old, new)
        warm = build(settings, tmp_path / "warm", cache=cache)
        cold = build(settings, tmp_path / f"cold{number}", cache=False)
        assert warm.problems == cold.problems, (rel, new)
        assert warm.rebuilt == 2, (rel, new, warm.rebuilt)  # it and the linking page
        for name in sorted(p.name for p in (tmp_path / f"cold{number}").iterdir()):
            assert (tmp_path / "warm" / name).read_bytes() == \
                (tmp_path / f"cold{number}" / name).read_bytes(), (rel, new, name)
        checked = check(settings, cache=cache)
        assert checked.problems == cold.problems and checked.rebuilt == 0
        shutil.rmtree(tmp_path / f"cold{number}")
    # an edit that claims nothing new makes only its own page again
    replace_in(site / "content/sources/feminita/index.md", 'title: "feminita"',
               'title: "Feminita"')
    assert build(settings, tmp_path / "warm", cache=cache).rebuilt == 1
    said = _link_problems(cold.problems, _lines(site))
    # /kz/nothing/ is now the url of 'plain'; /sources/moved/ the folder path of 'moved' again
    assert 14 not in said and 10 not in said
    assert "'/sources/foo/'" in said[2][1]
