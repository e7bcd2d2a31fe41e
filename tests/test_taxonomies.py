"""Hugo taxonomies: the keys a site declares in ``[taxonomies]`` are read, each term becomes a
SKOS concept at the path the real ``hugo`` publishes its page at, and what kzgraph cannot give
an address is an error with file, line and key."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from conftest import CONTENT, replace_in
from kzgraph.config import DEFAULT_TAXONOMIES, Settings, with_hugo_site
from kzgraph.content.taxonomies import term_path
from kzgraph.engine.pipeline import build
from kzgraph.errors import ConfigError, ContentError
from test_hugo_config import _hugo

BASE = "https://guide.example/"
REGIONS = Namespace(BASE + "regions/")
#: terms that exercise each of Hugo's rules (kept, dropped, spaces, hyphens, case, scripts,
#: marks, '%' escapes)
TERMS = ["Almaty Region", "East-Kazakhstan", "C++ & Go", "Zhetisu_1", "  spaced  out ",
         "Ünïcode Ö", "dots.and.more", "Мангистау", "hello!?", "UPPER", "x@y", "p%41q",
         "p%zzq", "tab\tbed", "--double--", "a - b", "a_-_b", "Ǆemal", "İstanbul", "x~y",
         "2024", "cafe\u0301", "ß", "日本", "Алматинская область", "ΟΔΟΣ"]


def _yaml_list(terms: list[str]) -> str:
    return "[" + ", ".join('"' + t.replace("\\", "\\\\").replace("\t", "\\t") + '"'
                           for t in terms) + "]"


@pytest.mark.parametrize("options", [{}, {"disablePathToLower": True},
                                     {"removePathAccents": True}])
def test_term_paths_are_the_paths_hugo_publishes(tmp_path: Path, options) -> None:
    site = tmp_path / "site"
    (site / "content/sources/a").mkdir(parents=True)
    (site / "layouts/_default").mkdir(parents=True)
    for name in ("single", "list", "term", "taxonomy"):
        (site / f"layouts/_default/{name}.html").write_text("{{ .Title }}", encoding="utf-8")
    config = 'baseURL = "https://example.org/"\n'
    config += "".join(f"{k} = {str(v).lower()}\n" for k, v in options.items())
    (site / "hugo.toml").write_text(config + '[taxonomies]\nregion = "regions"\n',
                                    encoding="utf-8")
    (site / "content/sources/a/index.md").write_text(
        f"---\ntitle: A\nregions: {_yaml_list(TERMS)}\n---\nx\n", encoding="utf-8")
    subprocess.run([_hugo(), "--quiet", "--source", str(site), "--destination", "out"],
                   check=True, capture_output=True, timeout=120)
    published = {p.parent.relative_to(site / "out/regions").as_posix()
                 for p in (site / "out/regions").rglob("index.html")} - {"."}
    settings = with_hugo_site(Settings(content=site / "content"))
    ours = {term_path(t, lower=settings.path_to_lower,
                      remove_accents=settings.remove_path_accents) for t in TERMS}
    assert ours == published
    assert settings.path_to_lower is not options.get("disablePathToLower", False)


def _site(tmp_path: Path, taxonomies: str = 'region = "regions"\n') -> Path:
    """The real content in a Hugo site that declares ``taxonomies``, Feminita in two regions
    in English and one in Russian."""
    site = tmp_path / "site"
    shutil.copytree(CONTENT, site / "content")
    (site / "hugo.toml").write_text(f'baseURL = "{BASE}"\n[taxonomies]\n{taxonomies}',
                                    encoding="utf-8")
    replace_in(site / "content/sources/feminita/index.md", 'title: "Feminita"\n',
               'title: "Feminita"\nregions: ["Almaty Region", "East Kazakhstan"]\n')
    replace_in(site / "content/sources/kazfem/index.md", 'title: "KazFem"\n',
               'title: "KazFem"\nregions: ["almaty region"]\n')
    ru = site / "content/sources/feminita/index.ru.md"
    text = ru.read_text(encoding="utf-8")
    ru.write_text(text.replace("\ntitle:", '\nregions: ["Алматинская область"]\ntitle:', 1),
                  encoding="utf-8")
    return site


def _graph(out: Path) -> Dataset:
    data = Dataset(default_union=True)
    data.parse(out / "kzgraph.nq", format="nquads")
    return data


def test_terms_are_concepts_at_hugos_paths_labelled_as_each_page_wrote_them(tmp_path) -> None:
    site = _site(tmp_path)
    settings = with_hugo_site(Settings(content=site / "content"))
    assert settings.taxonomies == ("regions",)
    result = build(settings, tmp_path / "out", cache=False)
    assert result.ok, result.problems
    g = _graph(tmp_path / "out")
    feminita, kazfem = URIRef(BASE + "sources/sources/feminita/"), \
        URIRef(BASE + "sources/sources/kazfem/")
    almaty = REGIONS["almaty-region/"]
    assert set(g.objects(feminita, DCTERMS.subject)) == {
        almaty, REGIONS["east-kazakhstan/"], REGIONS["алматинская-область/"]}
    assert set(g.objects(kazfem, DCTERMS.subject)) == {almaty}  # one path: one term
    assert (almaty, RDF.type, SKOS.Concept) in g
    assert (almaty, SKOS.inScheme, URIRef(BASE + "regions/")) in g
    assert (URIRef(BASE + "regions/"), RDF.type, SKOS.ConceptScheme) in g
    assert set(g.objects(almaty, RDFS.label)) == {Literal("Almaty Region", lang="en"),
                                                 Literal("almaty region", lang="en")}
    assert set(g.objects(REGIONS["алматинская-область/"], RDFS.label)) == {
        Literal("Алматинская область", lang="ru")}
    # the page's graph holds the page's statement; the concepts are reference data
    page_graph = URIRef(BASE + "graph/source/feminita/en")
    assert (feminita, DCTERMS.subject, almaty, page_graph) in g
    assert (almaty, RDF.type, SKOS.Concept, URIRef(BASE + "graph/reference")) in g


def _errors(settings: Settings, out: Path) -> list:
    with pytest.raises(ContentError) as caught:
        build(settings, out, cache=False)
    assert not out.exists()  # nothing published
    return [p for p in caught.value.problems if p.severity == "error"]


def test_an_undeclared_key_is_still_an_error_and_a_term_without_a_page_too(tmp_path) -> None:
    site = _site(tmp_path, taxonomies='tag = "tags"\n')  # regions not declared
    errors = _errors(with_hugo_site(Settings(content=site / "content")), tmp_path / "out")
    said = [(p.path, p.line, p.key, str(p.message)) for p in errors]
    assert ("content/sources/feminita/index.md", 3, "regions") in [s[:3] for s in said]
    assert any("kzgraph does not know the key 'regions'" in s[3] for s in said)
    site = _site(tmp_path / "2")
    replace_in(site / "content/sources/kazfem/index.md", '["almaty region"]', '["a/b", "!?"]')
    errors = _errors(with_hugo_site(Settings(content=site / "content")), tmp_path / "out2")
    assert [(p.path, p.key) for p in errors] == [("content/sources/kazfem/index.md", "regions")] * 2
    said = sorted(str(p.message) for p in errors)
    assert "at '/regions/a/b/'" in said[0] and "no letter or digit" in said[1]


def test_a_warm_build_after_a_term_and_a_taxonomy_change_equals_a_cold_one(tmp_path) -> None:
    site = _site(tmp_path)
    cache = tmp_path / "cache"
    assert build(with_hugo_site(Settings(content=site / "content")), tmp_path / "warm",
                 cache=cache).ok
    replace_in(site / "content/sources/kazfem/index.md", '["almaty region"]', '["Turkistan"]')
    (site / "hugo.toml").write_text("disablePathToLower = true\n" + (
        site / "hugo.toml").read_text(encoding="utf-8"), encoding="utf-8")
    settings = with_hugo_site(Settings(content=site / "content"))
    assert build(settings, tmp_path / "warm", cache=cache).ok
    assert build(settings, tmp_path / "cold", cache=False).ok
    files = sorted(p.name for p in (tmp_path / "cold").iterdir())
    for name in files:
        assert (tmp_path / "warm" / name).read_bytes() == (tmp_path / "cold" / name).read_bytes()
    g = _graph(tmp_path / "cold")
    assert (None, RDFS.label, Literal("almaty region", lang="en")) not in g
    assert (REGIONS["Turkistan/"], RDF.type, SKOS.Concept) in g  # the case kept


@pytest.mark.parametrize("config, said", [
    ('sources = "sources"\n', "where kzgraph publishes its own pages"),
    ('region = "two words"\n', "must be named by a plural word"),
    ('region = 3\n', "must be a text"),
])
def test_a_taxonomy_kzgraph_cannot_publish_is_a_config_error(tmp_path, config, said) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "hugo.toml").write_text(f"[taxonomies]\n{config}", encoding="utf-8")
    with pytest.raises(ConfigError, match=said) as caught:
        with_hugo_site(Settings(content=site / "content"))
    assert "hugo.toml" in str(caught.value)


def test_no_declaration_means_hugos_defaults_which_kzgraph_reads_itself(tmp_path) -> None:
    assert Settings().taxonomies == DEFAULT_TAXONOMIES == ("categories", "tags")
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "config/_default").mkdir(parents=True)
    (site / "config/_default/taxonomies.toml").write_text('Region = "Regions"\n',
                                                          encoding="utf-8")
    assert with_hugo_site(Settings(content=site / "content")).taxonomies == ("regions",)


def test_the_front_matter_schema_offers_the_declared_taxonomies(tmp_path) -> None:
    """An editor's YAML tooling accepts 'regions' where the site declares it, and only there."""
    import jsonschema

    from kzgraph.check.schema import front_matter_schema

    site = _site(tmp_path)
    settings = with_hugo_site(Settings(content=site / "content"))
    schema = front_matter_schema("source", settings.content, "ru", settings.language_dirs,
                                 settings.taxonomies)
    assert schema["properties"]["regions"]["type"] == "array"
    assert "таксономии" in schema["properties"]["regions"]["description"]
    page = {"title": "T", "categories": ["local-ngo"], "regions": ["Алматы"]}
    jsonschema.validate(page, schema)
    without = front_matter_schema("source", settings.content, "ru", settings.language_dirs)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(page, without)


def test_a_new_page_offers_the_declared_taxonomies_in_every_language(tmp_path) -> None:
    from click.testing import CliRunner

    from kzgraph.cli import cli

    site = _site(tmp_path)
    result = CliRunner().invoke(cli, ["new", "source", "new-one", "--lang", "ru",
                                      "-c", str(site / "content")])
    assert result.exit_code == 0, result.output
    for name, said in (("index.md", "# regions (optional): terms of the site's taxonomy"),
                       ("index.ru.md", "# regions (необязательно): термины таксономии")):
        text = (site / "content/sources/new-one" / name).read_text(encoding="utf-8")
        assert said in text and "\n# regions: []\n" in text
    # uncommented and filled in, the terms are published
    for name in ("index.md", "index.ru.md"):
        page = site / "content/sources/new-one" / name
        replace_in(page, "\n# regions: []\n", '\nregions: ["Turkistan"]\n')
        replace_in(page, 'title: ""', 'title: "New"')
    replace_in(site / "content/sources/new-one/index.md", "categories: []",
               'categories: ["local-ngo"]')
    settings = with_hugo_site(Settings(content=site / "content"))
    assert build(settings, tmp_path / "out", cache=False).ok
    g = _graph(tmp_path / "out")
    assert (URIRef(BASE + "sources/sources/new-one/"), DCTERMS.subject,
            REGIONS["turkistan/"]) in g
