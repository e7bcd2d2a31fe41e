"""A ``[permalinks]`` pattern of a taxonomy (``regions = "/r/:slug/"``) moves its term pages, and
kzgraph's term concepts with them: each concept is at the path the real ``hugo`` 0.111 writes
its term's page at (without the language prefix, and as a folder whatever ``uglyURLs`` says),
in every language, while the taxonomy's own list page (``/regions/``) stays. What kzgraph cannot
follow (a date token, a pattern that puts every term at one path, two taxonomies at one path,
kzgraph's own paths) is an error naming the file and the key; a warm build after the pattern
changes equals a cold one."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Dataset, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from conftest import replace_in
from kzgraph.config import Settings, with_hugo_site
from kzgraph.content.permalinks import term_path_of
from kzgraph.engine.pipeline import build, load_and_map
from kzgraph.errors import ConfigError
from test_hugo_config import _hugo
from test_site_paths import LAYOUTS
from test_taxonomies import _site

BASE = "https://guide.example/"
#: the page Hugo writes for a term and for a taxonomy: its kind, language and title
_MARK = ('<meta name="kz-{kind}" content="{{{{ .Language.Lang }}}}|{{{{ .Title }}}}">'
         '{{{{ range .Pages }}}}{{{{ .Title }}}} {{{{ end }}}}')
#: the Hugo configuration besides the taxonomies and the permalinks
_CONFIG = (f'baseURL = "{BASE}"\ndefaultContentLanguage = "en"\n'
           'disableKinds = ["RSS", "sitemap", "robotsTXT", "404"]\n'
           "{root}[languages.en]\nweight = 1\n[languages.ru]\nweight = 2\n"
           '[taxonomies]\nregion = "regions"\ntopic = "topics"\n')
PATTERNS = {
    "slug": 'regions = "/r/:slug/"\n',
    "title-section": 'regions = "/where/:section/:title/"\ntopics = "/t/:sections/:slug.html"\n',
    "empty-filename": 'regions = "/:filename/r/:slugorfilename/:slug/"\n',
    "none": "",
}


def _hugo_site(tmp_path: Path, patterns: str, ugly: bool) -> Path:
    site = _site(tmp_path)
    (site / "hugo.toml").write_text(
        _CONFIG.format(root="uglyURLs = true\n" if ugly else "")
        + ("[permalinks]\n" + patterns if patterns else ""), encoding="utf-8")
    shutil.copytree(LAYOUTS, site / "layouts")
    for kind in ("term", "taxonomy"):
        (site / f"layouts/_default/{kind}.html").write_text(_MARK.format(kind=kind),
                                                              encoding="utf-8")
    replace_in(site / "content/sources/kazfem/index.md", 'regions: ["almaty region"]\n',
               'regions: ["almaty region"]\ntopics: ["Gender Equality", "Law & Order"]\n')
    return site


def _hugo_terms(site: Path, out: Path) -> tuple[set, set]:
    """The term pages the real hugo writes, (language, path without the language prefix and
    '.html'), and its taxonomy pages so."""
    run = subprocess.run([_hugo(), "--source", str(site), "--destination", str(out), "--quiet"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    found: dict[str, set] = {"term": set(), "taxonomy": set()}
    for page in out.rglob("*.html"):
        if not page.is_file():
            continue
        m = re.search(r'name="kz-(term|taxonomy)" content="([^|]*)\|',
                      page.read_text(encoding="utf-8"))
        if m is None:
            continue
        rel = page.relative_to(out).as_posix()
        rel = rel[:-len("index.html")] if rel.endswith("/index.html") else rel[:-len(".html")]
        lang = m.group(2)
        if lang != "en":
            assert rel.startswith(lang + "/"), rel
            rel = rel[len(lang) + 1:]
        found[m.group(1)].add((lang, rel.strip("/")))
    return found["term"], found["taxonomy"]


def _ours(g: Dataset) -> tuple[set, set]:
    """kzgraph's term concepts, (language of a label, path under the base), and its schemes."""
    labelled = [(iri, label) for iri, label in g.subject_objects(RDFS.label)
                if (iri, SKOS.inScheme, None) in g and str(iri).startswith(BASE)]
    terms = {(label.language, str(iri)[len(BASE):].strip("/")) for iri, label in labelled}
    schemes = {str(s)[len(BASE):].strip("/") for iri, _ in labelled
               for s in g.objects(iri, SKOS.inScheme)}
    return terms, schemes


@pytest.mark.parametrize("ugly", [False, True], ids=["folders", "uglyURLs"])
@pytest.mark.parametrize("name", list(PATTERNS))
def test_term_concepts_are_where_hugo_writes_the_term_pages(tmp_path, name, ugly):
    site = _hugo_site(tmp_path, PATTERNS[name], ugly)
    theirs, lists = _hugo_terms(site, tmp_path / "public")
    settings = with_hugo_site(Settings(content=site / "content"))
    result = load_and_map(settings)
    assert not [p for p in result.problems if p.severity == "error"], result.problems
    ours, schemes = _ours(result.mapped.graph)
    assert ours == theirs
    assert {path for _, path in lists} == schemes == {"regions", "topics"}  # lists stay
    assert len(theirs) == 5  # two languages' regions, and two topics
    if name == "slug":
        assert ("en", "r/almaty-region") in ours and ("ru", "r/алматинская-область") in ours
        kazfem = URIRef(BASE + "sources/sources/kazfem/")
        assert URIRef(BASE + "r/almaty-region/") in set(
            result.mapped.graph.objects(kazfem, DCTERMS.subject))


def test_the_path_of_a_term_by_each_form():
    settings = Settings(permalinks=(("regions", "/a/:section/:filename/:title.html"),))
    assert term_path_of("regions", "almaty", settings) == "a/regions/almaty.html"
    assert term_path_of("topics", "law", settings) == "topics/law"


@pytest.mark.parametrize("patterns, says", [
    ('regions = "/r/:year/:slug/"\n', "places the taxonomy's term pages by :year"),
    ('regions = "/r/:section/"\n', "has neither :slug nor :title"),
    ('regions = "/t/:slug/"\ntopics = "/t/:title/"\n', "'regions' and 'topics' put their "
     "terms at the same paths (by 'permalinks.regions' and 'permalinks.topics')"),
    ('regions = "/topics/:slug/"\n', "'regions' and 'topics' put their terms at the same "
     "paths (by 'permalinks.regions')"),
    ('regions = "/sources/:slug/"\n', "under /sources/, where kzgraph publishes its own"),
])
def test_a_pattern_kzgraph_cannot_follow_is_an_error_naming_file_and_key(tmp_path, patterns,
                                                                         says):
    site = _hugo_site(tmp_path, patterns, False)
    with pytest.raises(ConfigError) as caught:
        with_hugo_site(Settings(content=site / "content"))
    assert str(caught.value).startswith(f"{site / 'hugo.toml'}: ")
    assert says in str(caught.value)


def test_a_term_the_pattern_puts_among_kzgraphs_pages_is_an_error_at_its_key(tmp_path):
    site = _hugo_site(tmp_path, 'regions = "/:slug/"\n', False)
    replace_in(site / "content/sources/kazfem/index.md", '["almaty region"]', '["Sources"]')
    result = load_and_map(with_hugo_site(Settings(content=site / "content")))
    said = [(p.path, p.key, str(p.message)) for p in result.problems if p.severity == "error"]
    assert said == [("content/sources/kazfem/index.md", "regions",
                     "The site's permalinks pattern of 'regions' publishes the term 'Sources' at "
                     "'/sources/', among kzgraph's own pages (/sources/): write another term, "
                     "or give the pattern a fixed first folder.")]


def test_a_warm_build_after_the_pattern_changes_equals_a_cold_one(tmp_path):
    site = _hugo_site(tmp_path, PATTERNS["slug"], False)
    cache = tmp_path / "cache"
    assert build(with_hugo_site(Settings(content=site / "content")), tmp_path / "warm",
                 cache=cache).ok
    replace_in(site / "hugo.toml", '"/r/:slug/"', '"/regions-by/:title/"')
    settings = with_hugo_site(Settings(content=site / "content"))
    warm = build(settings, tmp_path / "warm2", cache=cache)
    cold = build(settings, tmp_path / "cold", cache=False)
    assert warm.ok and cold.ok
    text = (tmp_path / "warm2/kzgraph.nq").read_bytes()
    assert text == (tmp_path / "cold/kzgraph.nq").read_bytes()
    assert f"<{BASE}regions-by/almaty-region/>".encode() in text
    assert f"<{BASE}r/almaty-region/>".encode() not in text


def test_a_pattern_under_a_taxonomys_singular_moves_nothing_and_says_so(tmp_path):
    site = _hugo_site(tmp_path, 'region = "/sing/:slug/"\n', False)
    theirs, _ = _hugo_terms(site, tmp_path / "public")
    assert ("en", "regions/almaty-region") in theirs  # Hugo leaves the terms where they were
    settings = with_hugo_site(Settings(content=site / "content"))
    assert settings.permalinks == ()
    ours, _ = _ours(load_and_map(settings).mapped.graph)
    assert ours == theirs
    assert settings.hugo_warnings == (
        f"{site / 'hugo.toml'}: 'permalinks.region' names the taxonomy 'regions' by its "
        "singular: Hugo 0.111 reads a taxonomy's pattern under its plural name "
        "('permalinks.regions') and moves no page by this one; neither does kzgraph.",)
