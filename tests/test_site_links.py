"""A guide's links on the static site lead where the graph says they lead: a link naming a
source by its ``slug``, ``url``, an alias, its folder path, the published IRI's path, a
``ref`` shortcode or an absolute address under ``baseURL`` points at the source's page of the
built site (which publishes each resource at its IRI's path, not where Hugo serves it); a
link to another site, or to no page, stays as written. Checked in the built HTML, and by
following links in the real headless Chromium."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from kzgraph.config import Settings, with_hugo_site
from kzgraph.publish.site import build_site
from kzgraph.publish.site.build import guide_texts
from sitekit import StaticServer, chromium

BASE = "https://links.example/"
CONFIG = f'''baseURL = "{BASE}"
defaultContentLanguage = "en"
[languages.en]
weight = 1
[languages.ru]
weight = 2
'''
#: source page files: path in content/ -> front matter lines (besides title and categories)
SOURCES = {
    "sources/slugged/index.md": "slug: Foo Bar",
    "sources/urled.md": "url: /kz/urled-org/",
    "sources/aliased/index.md": "aliases: [/old/aliased/, was-here/]",
    "sources/plain/index.md": "",
    "sources/plain/index.ru.md": "",
}
#: the guide's links: (address, the source it names, or None: left as written)
LINKS = [
    ("/sources/foo-bar/", "slugged"),
    ("/sources/slugged/", "slugged"),  # its folder path, moved by the slug (a warning)
    ("/kz/urled-org/", "urled"),
    (f"{BASE}kz/urled-org/", "urled"),
    ("/old/aliased/", "aliased"),
    ("/sources/was-here/", "aliased"),
    ("/sources/plain/", "plain"),
    ("/sources/plain", "plain"),
    ("/sources/sources/plain/#top", "plain"),
    ("../../sources/aliased/", "aliased"),
    ('{{< ref "sources/slugged" >}}', "slugged"),
    ('{{< relref "/sources/urled.md" >}}', "urled"),
    ("https://elsewhere.example/sources/plain/", None),
    ("mailto:someone@example.org", None),
]


def _page(path: Path, lines: str, body: str = "Text.") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    extra = lines + "\n" if lines else ""
    path.write_text(f'---\ntitle: "{path.parent.name if path.name.startswith("index") else path.stem}"'
                    f'\ncategories: ["local-ngo"]\n{extra}---\n\n{body}\n', encoding="utf-8")


def make_site(root: Path, links: list[tuple[str, str | None]] = LINKS) -> Settings:
    (root / "content").mkdir(parents=True)
    (root / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    for lang in ("", ".ru"):
        cat = root / f"content/categories/local-ngo/index{lang}.md"
        cat.parent.mkdir(parents=True, exist_ok=True)
        cat.write_text('---\ntitle: "Local NGOs"\n---\n\nNGOs.\n', encoding="utf-8")
    for rel, lines in SOURCES.items():
        _page(root / "content" / rel, lines)
    body = "## Sources\n\n" + "".join(f"- [link {n}]({href})\n"
                                      for n, (href, _) in enumerate(links))
    guide = root / "content/guides/kz/index.md"
    guide.parent.mkdir(parents=True)
    guide.write_text(f'---\ntitle: "Getting started"\ncountries: ["KZ"]\n---\n\n{body}',
                     encoding="utf-8")
    return with_hugo_site(Settings(content=root / "content"))


def _hrefs(html: str) -> dict[str, str]:
    """The guide body's links: link text -> href."""
    return {text: unescape(href) for href, text in
            re.findall(r'<a href="([^"]*)">(link \d+)</a>', html)}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Settings, Path]:
    root = tmp_path_factory.mktemp("links")
    settings = make_site(root / "site")
    out = root / "public"
    build_site(settings, out, cache=root / "cache", search=False)
    return settings, out


def test_every_link_the_graph_resolved_leads_to_the_sources_page(built):
    settings, out = built
    page = out / "guides/kz/index.html"
    hrefs = _hrefs(page.read_text(encoding="utf-8"))
    assert len(hrefs) == len(LINKS)
    here = "https://site.test/guides/kz/index.html"
    for n, (written, slug) in enumerate(LINKS):
        href = hrefs[f"link {n}"]
        if slug is None:
            assert href == written, (written, href)
            continue
        path = urlsplit(urljoin(here, href)).path.lstrip("/")
        target = out / (path + "index.html" if path.endswith("/") or not path else path)
        assert target.is_file(), (written, href)
        assert target == out / f"sources/sources/{slug}/index.html", (written, href)
        if "#" in written and not written.startswith("{{"):
            assert href.endswith("#" + written.split("#")[1]), (written, href)


def test_a_link_to_no_page_stays_as_written_and_is_reported(tmp_path):
    """Validate reports each dead link with file and line (a build refuses the content); the
    site's renderer, given the graph mapped anyway, leaves them as written."""
    from kzgraph.engine.pipeline import check, load_and_map
    from kzgraph.publish.site.build import Site

    dead = [("/sources/nothing-here/", None), ("/kz/nowhere/", None),
            ('{{< ref "sources/absent" >}}', None), ("/sources/foo-bar/", "slugged")]
    settings = make_site(tmp_path / "site", dead)
    outcome = check(settings, cache=tmp_path / "cache")
    said = sorted((p.line, p.severity) for p in outcome.problems
                  if p.path.endswith("guides/kz/index.md") and "link" in str(p.message))
    assert said == [(8, "error"), (9, "warning"), (10, "error")]
    bodies, links = guide_texts(settings, outcome.paths)
    site = Site(load_and_map(settings).mapped.graph, settings, bodies=bodies, links=links)
    hrefs = _hrefs(site.page(f"{BASE}guides/kz/").decode("utf-8"))
    assert [hrefs[f"link {n}"] for n in range(4)] == [
        "/sources/nothing-here/", "/kz/nowhere/", '{{< ref "sources/absent" >}}',
        "../../sources/sources/slugged/"]


def test_a_changed_slug_is_followed_by_the_next_build(tmp_path):
    """A link by slug follows the path when another page takes it: the next build (with
    the cache) points it at the page that has it now."""
    links = [("/sources/foo-bar/", "slugged"), ("/sources/other/", None)]
    settings = make_site(tmp_path / "site", links)
    _page(tmp_path / "site/content/sources/other/index.md", "")
    out = tmp_path / "public"
    build_site(settings, out, cache=tmp_path / "cache", search=False)
    page = out / "guides/kz/index.html"
    assert _hrefs(page.read_text(encoding="utf-8"))["link 0"] == \
        "../../sources/sources/slugged/"
    # 'other' now takes the path by its slug, and 'slugged' moves away from it
    for rel, old, new in (("sources/slugged/index.md", "slug: Foo Bar", "slug: elsewhere"),
                          ("sources/other/index.md", 'title: "other"',
                           'title: "other"\nslug: foo-bar')):
        path = tmp_path / "site/content" / rel
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    build_site(settings, out, cache=tmp_path / "cache", search=False)
    hrefs = _hrefs(page.read_text(encoding="utf-8"))
    assert hrefs["link 0"] == "../../sources/sources/other/"
    assert hrefs["link 1"] == "../../sources/sources/other/"


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def test_following_a_link_in_chromium_lands_on_the_sources_page(built, browser):
    _, out = built
    with StaticServer(out) as server:
        context = browser.new_context(locale="en-GB")
        try:
            pg = context.new_page()
            pg.set_default_timeout(30_000)
            for n, (_, slug) in enumerate(LINKS):
                if slug is None:
                    continue
                pg.goto(server.url + "guides/kz/")
                with pg.expect_navigation():
                    pg.get_by_role("link", name=f"link {n}", exact=True).click()
                assert urlsplit(pg.url).path == f"/sources/sources/{slug}/", (n, pg.url)
                assert pg.locator("h1").inner_text() == slug
        finally:
            context.close()


def test_links_by_permalink_and_ugly_paths_lead_to_the_sources_page(tmp_path):
    """With the site's ``[permalinks]`` and ``uglyURLs``, the paths Hugo serves the sources at
    (``/s/foo-bar.html``, ``/sources/plain.html``) lead to their pages on this site too."""
    links = [("/s/foo-bar.html", "slugged"), ("/sources/plain.html", "plain"),
             ("/kz/urled-org/", "urled"), ("/old/aliased.html", "aliased"),
             ("/sources/plain/", "plain")]  # the folder path: a warning, and still the page
    root = tmp_path / "site"
    make_site(root, links)
    config = root / "hugo.toml"
    config.write_text("uglyURLs = true\n" + config.read_text(encoding="utf-8") +
                      '[permalinks]\nsources = "/s/:slugorfilename/"\n', encoding="utf-8")
    (root / "content/sources/plain/index.md").write_text(
        '---\ntitle: "plain"\ncategories: ["local-ngo"]\nurl: /sources/plain.html\n---\n\nText.\n',
        encoding="utf-8")
    (root / "content/sources/plain/index.ru.md").unlink()
    settings = with_hugo_site(Settings(content=root / "content"))
    out = tmp_path / "public"
    build_site(settings, out, cache=tmp_path / "cache", search=False)
    hrefs = _hrefs((out / "guides/kz/index.html").read_text(encoding="utf-8"))
    assert [hrefs[f"link {n}"] for n in range(len(links))] == [
        f"../../sources/sources/{slug}/" for _, slug in links]


def test_the_guides_text_is_read_again_when_a_guide_file_or_the_claims_change(
        tmp_path: Path) -> None:
    """:func:`guide_texts` keeps its last answer while every guide file has the stamp it had
    and the claims the same digest: a guide saved since (another time, size or inode) is
    read again, and so are its links when the claims change. Each answer equals the one a
    fresh process would give (the kept answer forgotten)."""
    import shutil
    import time

    from kzgraph.content.sitepaths import SitePaths
    from kzgraph.publish.site import build as site_build

    content = tmp_path / "content"
    shutil.copytree(Path(__file__).parent.parent / "content", content)
    settings = Settings(base=BASE, content=content)
    guide = content / "guides/kazakhstan/index.md"
    time.sleep(1.1)  # (a file changed within the last second is read again, whatever)
    def fresh(paths: SitePaths | None = None) -> tuple:
        site_build._GUIDES.clear()
        return guide_texts(settings, paths)

    first = guide_texts(settings)
    assert site_build._GUIDES and first == fresh()
    assert guide_texts(settings) == first  # kept (the files' stamps as they were)
    text = guide.read_text(encoding="utf-8")
    assert "For example:" in text
    guide.write_text(text.replace("For example:", "For instance:"), encoding="utf-8")
    time.sleep(1.1)
    second = guide_texts(settings)
    assert second != first and second == fresh()
    assert any("For instance:" in body for body in second[0].values())
    claims = SitePaths([])
    assert guide_texts(settings, claims) == fresh(claims)
