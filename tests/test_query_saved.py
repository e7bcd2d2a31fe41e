"""Every saved query against the real content: the rows an analyst expects, worked out here
from the Markdown files themselves (front matter, and the guide's own text) without SPARQL."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import BASE, CONTENT, replace_in
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS

from kzgraph.engine.pipeline import load_and_map
from kzgraph.config import Settings
from kzgraph.content.load import load_content
from kzgraph.query.engines import LocalEngine, QueryResult
from kzgraph.query.saved import bind, catalog
from kzgraph.query.sparql import prepare
from kzgraph.vocab import KZ
from plain_queries import PLAIN


def iri(kind: str, slug: str) -> URIRef:
    return URIRef({"source": f"{BASE}sources/sources/{slug}/", "category": f"{BASE}category/{slug}",
                   "perspective": f"{BASE}perspective/{slug}", "guide": f"{BASE}guides/{slug}/",
                   "country": f"{BASE}country/{slug}"}[kind])


@pytest.fixture(scope="module")
def pages() -> dict[tuple[str, str], dict[str, dict]]:
    """(kind, slug) -> language -> front-matter values, read with the loader only."""
    content = load_content(CONTENT, "en")
    out: dict[tuple[str, str], dict[str, dict]] = defaultdict(dict)
    for page in content.pages:
        out[(page.kind, page.slug)][page.lang] = {k: f.value for k, f in page.fields.items()}
    return out


def of_kind(pages, kind: str) -> dict[str, dict[str, dict]]:
    return {slug: langs for (k, slug), langs in pages.items() if k == kind}


@pytest.fixture(scope="module")
def engine(mapped) -> LocalEngine:
    return LocalEngine.from_mapped(mapped)


def run(engine: LocalEngine, name: str, **params: str) -> QueryResult:
    q = catalog().get(name)
    return engine.run(prepare(q.text, BASE, bind(q.params, params, BASE), q.name))


def column(result: QueryResult, name: str) -> list:
    i = result.variables.index(name)
    return [row[i] for row in result.rows]


def records(result: QueryResult) -> list[dict]:
    return [dict(zip(result.variables, row)) for row in result.rows]


def title(pages, kind: str, slug: str, lang: str) -> Literal:
    langs = pages[(kind, slug)]
    chosen = lang if lang in langs else "en"
    return Literal(langs[chosen]["title"], lang=chosen)


# --------------------------------------------------------------------------- sources


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_sources_by_category(engine, pages, lang):
    sources = of_kind(pages, "source")
    for category in of_kind(pages, "category"):
        expected = sorted((title(pages, "source", s, lang), iri("source", s))
                          for s, langs in sources.items()
                          if category in langs["en"]["categories"])
        result = run(engine, "sources-by-category", category=category, lang=lang)
        assert sorted(zip(column(result, "title"), column(result, "source"))) == expected
        assert set(column(result, "category")) <= {iri("category", category)}
        assert set(column(result, "country")) <= {iri("country", "kz")}
    assert len(run(engine, "sources-by-category").rows) == sum(
        len(langs["en"]["categories"]) for langs in sources.values())


def test_sources_by_category_and_country(engine):
    assert len(run(engine, "sources-by-category", category="government", country="KZ").rows) == 4
    assert run(engine, "sources-by-category", country="France").rows == []


def test_sources_by_perspective(engine, pages):
    categories = of_kind(pages, "category")
    sources = of_kind(pages, "source")
    for perspective in of_kind(pages, "perspective"):
        offering = {c for c, langs in categories.items()
                    if perspective in langs["en"].get("perspectives", [])}
        expected = {(iri("source", s), iri("category", c)) for s, langs in sources.items()
                    for c in langs["en"]["categories"] if c in offering}
        result = run(engine, "sources-by-perspective", perspective=perspective)
        assert set(zip(column(result, "source"), column(result, "category"))) == expected
    alternative = run(engine, "sources-by-perspective")  # the default: alternative views
    assert column(alternative, "title") == [Literal("Batyr Jamal", lang="en"),
                                            Literal("Human Rights KZ", lang="en")]


def test_sources_without_description_real_content(engine, pages):
    for lang in ("en", "ru"):
        expected = {s for s, langs in of_kind(pages, "source").items()
                    if not langs.get(lang, {}).get("description")}
        assert {str(s) for s in column(run(engine, "sources-without-description", lang=lang),
                                       "source")} == {str(iri("source", s)) for s in expected}
    # nobody wrote a Kazakh page yet: every source lacks a Kazakh description
    assert len(run(engine, "sources-without-description", lang="kk").rows) == \
        len(of_kind(pages, "source"))


def test_sources_without_description_finds_a_missing_translation(content: Path):
    page = content / "sources" / "kazfem" / "index.ru.md"
    text = page.read_text(encoding="utf-8")
    line = next(l for l in text.splitlines() if l.startswith("description:"))
    replace_in(page, line + "\n", "")
    result = load_and_map(Settings(base=BASE, content=content))
    engine = LocalEngine.from_mapped(result.mapped)
    found = run(engine, "sources-without-description", lang="ru")
    assert found.rows == [(iri("source", "kazfem"), Literal("KazFem", lang="en"))]
    assert run(engine, "sources-without-description", lang="en").rows == []


def test_sources_in_language(engine, pages):
    sources = of_kind(pages, "source")
    codes = {c for langs in sources.values() for c in langs["en"].get("languages", [])}
    assert codes >= {"en", "ru", "kk"}
    for code in codes:
        expected = {iri("source", s) for s, langs in sources.items()
                    if code in langs["en"].get("languages", [])}
        assert set(column(run(engine, "sources-in-language", language=code), "source")) == \
            expected
    assert run(engine, "sources-in-language", language="de").rows == []


@pytest.mark.parametrize("text", ["FEMIN", "права", "gender", "LGBT"])
def test_sources_by_keyword(engine, pages, text):
    expected = {(iri("source", s), Literal(tag, lang=lang))
                for s, langs in of_kind(pages, "source").items()
                for lang, fields in langs.items() for tag in fields.get("tags", [])
                if text.casefold() in tag.casefold()}
    result = run(engine, "sources-by-keyword", text=text)
    assert expected, "the example must match something"
    assert set(zip(column(result, "source"), column(result, "keyword"))) == expected


def test_modified_since(engine, pages):
    dated = {(kind, slug): dt.date.fromisoformat(str(langs["en"]["date"]))
             for (kind, slug), langs in pages.items() if "date" in langs["en"]}
    latest = max(dated.values())
    result = run(engine, "modified-since", since=latest.isoformat())
    assert set(column(result, "resource")) == {iri(k, s) for (k, s), d in dated.items()
                                               if d >= latest}
    assert set(column(result, "modified")) == {Literal(latest)}
    later = (latest + dt.timedelta(days=1)).isoformat()
    assert run(engine, "modified-since", since=later).rows == []


# --------------------------------------------------------------------------- categories


def test_blind_spots(engine, pages):
    categories = of_kind(pages, "category")
    expected = set()
    for c, langs in categories.items():
        for missed in langs["en"].get("blind_spots", []):
            offering = [o for o, l2 in categories.items()
                        if missed in l2["en"].get("perspectives", [])]
            for o in offering or [None]:
                expected.add((iri("category", c), iri("perspective", missed),
                              title(pages, "perspective", missed, "ru"),
                              None if o is None else iri("category", o)))
    assert set(run(engine, "blind-spots", lang="ru").rows) == expected
    ingo = run(engine, "blind-spots", category="ingo")
    assert set(column(ingo, "missesLabel")) == {Literal("Local detail", lang="en"),
                                                Literal("Local voices", lang="en")}


def test_empty_categories(engine, pages):
    used = {c for langs in of_kind(pages, "source").values() for c in langs["en"]["categories"]}
    expected = [(title(pages, "category", c, "en"), iri("category", c))
                for c in of_kind(pages, "category") if c not in used]
    result = run(engine, "empty-categories")
    assert sorted(zip(column(result, "label"), column(result, "category"))) == sorted(expected)
    assert len(expected) == 4  # local, regional, social and state-affiliated media


def test_category_source_counts(engine, pages):
    counts = {c: 0 for c in of_kind(pages, "category")}
    for langs in of_kind(pages, "source").values():
        for c in langs["en"]["categories"]:
            counts[c] += 1
    for minimum in (0, 1, 3, 99):
        result = run(engine, "category-source-counts", min=str(minimum))
        got = {c: int(n) for c, n in zip(column(result, "category"), column(result, "sources"))}
        assert got == {iri("category", c): n for c, n in counts.items() if n >= minimum}
        assert column(result, "sources") == sorted(column(result, "sources"), reverse=True)


def test_category_misses(engine, pages):
    categories = of_kind(pages, "category")
    for c, langs in categories.items():
        for p in of_kind(pages, "perspective"):
            answer = run(engine, "category-misses", category=c, perspective=p)
            assert answer.boolean is (p in langs["en"].get("blind_spots", [])), (c, p)


def test_uncovered_perspectives(engine, pages):
    categories = of_kind(pages, "category")
    used = {c for langs in of_kind(pages, "source").values() for c in langs["en"]["categories"]}
    covered = {p for c in used for p in categories[c]["en"].get("perspectives", [])}
    expected = set()
    for p in of_kind(pages, "perspective"):
        if p in covered:
            continue
        offering = [c for c, langs in categories.items()
                    if p in langs["en"].get("perspectives", [])]
        for c in offering or [None]:
            expected.add((iri("perspective", p), title(pages, "perspective", p, "en"),
                          None if c is None else iri("category", c)))
    assert set(run(engine, "uncovered-perspectives").rows) == expected
    assert {str(p).rsplit("/", 1)[1] for p in column(run(engine, "uncovered-perspectives"),
                                                      "perspective")} == \
        {"current-public-opinion", "local-detail", "local-voices", "sensitive-topics",
         "smaller-issues"}


# --------------------------------------------------------------------------- the guide


LINK = re.compile(r"\[[^\]]*\]\(/sources/sources/([^/)]+)/?\)(.*)")
CATEGORY_LINK = re.compile(r"\(/category/([^/)]+)/?\)")


def guide_sections(lang: str) -> list[tuple[str, list[tuple[str, str | None]], set[str]]]:
    """(heading, [(source slug, words)], category slugs) per ## section, read from the file."""
    name = "index.md" if lang == "en" else f"index.{lang}.md"
    body = (CONTENT / "guides" / "kazakhstan" / name).read_text(encoding="utf-8")
    body = body.split("\n---\n", 1)[1]
    sections: list[tuple[str, list, set]] = []
    for line in body.splitlines():
        if line.startswith("## "):
            sections.append((line[3:].strip(), [], set()))
        elif sections:
            sections[-1][2].update(CATEGORY_LINK.findall(line))
            m = LINK.search(line)
            if m and line.lstrip().startswith("- "):
                words = m.group(2).replace("**", "").strip().lstrip(",").strip()
                sections[-1][1].append((m.group(1), words or None))
    return sections


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_guide_mentions(engine, pages, lang):
    english = {slug: words for _, links, _ in guide_sections("en") for slug, words in links}
    expected = set()
    for position, (heading, links, _) in enumerate(guide_sections(lang), start=1):
        for slug, words in links:
            if words is not None:
                words_term = Literal(words, lang=lang)
            elif english.get(slug):  # the query falls back to the English words
                words_term = Literal(english[slug], lang="en")
            else:
                words_term = None
            expected.add((Literal(position), Literal(heading, lang=lang), iri("source", slug),
                          title(pages, "source", slug, lang), words_term))
    result = run(engine, "guide-mentions", lang=lang)
    assert set(result.rows) == expected
    assert len(result.rows) == 12
    assert column(result, "position") == sorted(column(result, "position"))


def test_guide_mentions_fall_back_to_english(engine):
    kazakh = run(engine, "guide-mentions", lang="kk")
    english = run(engine, "guide-mentions", lang="en")
    assert kazakh.rows == english.rows


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_guide_sections(engine, pages, lang):
    expected = {(Literal(n), Literal(heading, lang=lang), iri("category", c),
                 title(pages, "category", c, lang))
                for n, (heading, _, cats) in enumerate(guide_sections(lang), start=1)
                for c in cats}
    assert set(run(engine, "guide-sections", lang=lang).rows) == expected


# --------------------------------------------------------------------------- labels, graphs


def test_labels_in_russian_with_english_fallback(engine, pages, mapped):
    result = records(run(engine, "labels", lang="ru"))
    by = {r["resource"]: r for r in result}
    for (kind, slug), langs in pages.items():
        row = by[iri(kind, slug)]
        assert row["label"] == title(pages, kind, slug, "ru")
        assert row["labelLang"] == Literal("ru" if "ru" in langs else "en")
    kazakh = by[URIRef("http://id.loc.gov/vocabulary/iso639-1/kk")]
    # languages are labelled in Russian too (pycountry's names)
    assert (kazakh["label"], kazakh["labelLang"]) == (Literal("казахский", lang="ru"),
                                                      Literal("ru"))
    person = by[URIRef(BASE + "people/aizada-arystanbek")]
    assert (person["label"], person["labelLang"]) == (Literal("Aizada Arystanbek"), Literal(""))
    label_properties = (SKOS.prefLabel, DCTERMS.title, RDFS.label, FOAF.name)
    typed_with_label = {s for s in mapped.graph.subjects(RDF.type) if any(
        (s, p, None) in mapped.graph for p in label_properties)}
    assert set(by) == typed_with_label
    sources = run(engine, "labels", lang="ru", type="kz:Source")
    assert set(column(sources, "resource")) == {iri("source", s) for s in of_kind(pages, "source")}


def test_source_profile(engine, pages, mapped):
    for slug in ("feminita", "zakon_kz"):
        graph = run(engine, "source-profile", source=slug).graph
        assert isinstance(graph, Graph)
        source = iri("source", slug)
        assert set(graph.objects(source, DCTERMS.title)) == set(mapped.graph.objects(
            source, DCTERMS.title))
        categories = {iri("category", c) for c in pages[("source", slug)]["en"]["categories"]}
        assert set(graph.objects(source, KZ.category)) == categories
        for c in categories:
            slug_c = str(c).rsplit("/", 1)[1]
            offered = {iri("perspective", p)
                       for p in pages[("category", slug_c)]["en"].get("perspectives", [])}
            assert set(graph.objects(c, KZ.offersPerspective)) == offered
            for p in offered:
                assert Literal(pages[("perspective", str(p).rsplit("/", 1)[1])]["ru"]["title"],
                               lang="ru") in set(graph.objects(p, SKOS.prefLabel))
    assert len(run(engine, "source-profile", source="no-such-source").graph) == 0


def test_describe(engine, mapped):
    for resource in ("category:ingo", "<" + BASE + "sources/sources/kazfem/>"):
        graph = run(engine, "describe", resource=resource).graph
        subject = URIRef(resource.strip("<>").replace("category:", BASE + "category/"))
        assert set(graph) == set(mapped.graph.triples((subject, None, None)))
        assert len(graph) > 5


# --------------------------------------------------------------------------- linked out


def test_same_as_wikidata(content: Path):
    """The 'wikidata' key of the pages, as the query finds it: nothing in the query maps one
    source to one item (the real content names none; two sources get one here)."""
    for slug, item in (("feminita", "Q1"), ("zakon_kz", "Q2")):
        for name in ("index.md", "index.ru.md"):
            replace_in(content / "sources" / slug / name, "title:", f"wikidata: {item}\ntitle:")
    engine = LocalEngine.from_mapped(load_and_map(Settings(base=BASE, content=content)).mapped)
    rows = records(run(engine, "same-as-wikidata", lang="ru"))
    assert [(r["resource"], r["item"]) for r in rows] == [
        (iri("source", "feminita"), URIRef("http://www.wikidata.org/entity/Q1")),
        (iri("source", "zakon_kz"), URIRef("http://www.wikidata.org/entity/Q2"))]
    assert rows[0]["title"].language == "ru"
    assert run(engine, "same-as-wikidata", type="kz:Category").rows == []


def test_same_as_wikidata_on_the_real_content(engine, pages):
    expected = {(iri(kind, slug), URIRef("http://www.wikidata.org/entity/" + v["wikidata"]))
                for (kind, slug), langs in pages.items() if kind == "source"
                for v in langs.values() if v.get("wikidata")}
    assert set((r["resource"], r["item"]) for r in records(run(engine, "same-as-wikidata"))) \
        == expected


def test_country_identifiers(engine, mapped):
    rows = records(run(engine, "country-identifiers", lang="ru"))
    found = {(r["country"], r["identifier"]) for r in rows}
    assert found == set(mapped.graph.subject_objects(SKOS.exactMatch)) & {
        (c, i) for c in mapped.graph.subjects(RDF.type, KZ.Country)
        for i in mapped.graph.objects(c, SKOS.exactMatch)}
    by_id = {str(r["identifier"]): r for r in rows}
    eu = by_id["http://publications.europa.eu/resource/authority/country/KAZ"]
    assert (str(eu["namespace"]), str(eu["localCode"])) == (
        "http://publications.europa.eu/resource/authority/country/", "KAZ")
    geonames = by_id["https://sws.geonames.org/1522867/"]
    assert (str(geonames["namespace"]), str(geonames["localCode"])) == (
        "https://sws.geonames.org/", "1522867")
    wikidata = by_id["http://www.wikidata.org/entity/Q232"]
    assert (str(wikidata["namespace"]), str(wikidata["localCode"])) == (
        "http://www.wikidata.org/entity/", "Q232")
    assert len(rows) == 3
    assert all(r["name"] == Literal("Казахстан", lang="ru") for r in rows)


@pytest.fixture(scope="module")
def heavy_store(tmp_path_factory):
    """The query store of a generated heavy corpus (several labels per resource, gaps in the
    translations), as ``kzgraph query`` opens it."""
    from benchmarks.generate import generate
    from kzgraph.query.engines import from_content

    root = tmp_path_factory.mktemp("labels") / "content"
    generate(root, 400, seed=5, profile="heavy")
    engine, _ = from_content(Settings(base=BASE, content=root))
    return engine


@pytest.mark.parametrize("params", [{"lang": "ru"}, {"lang": "en"}, {"lang": "kk"},
                                    {"lang": "de", "type": "kz:Source"}])
def test_labels_gives_the_rows_of_the_query_as_written_before(engine, heavy_store, params):
    saved = catalog().get("labels")
    assert "SELECT DISTINCT" not in saved.text.split("WHERE", 1)[0]  # the rewritten form
    for on in (engine, heavy_store):
        bindings = bind(saved.params, params, BASE)
        now = on.run(prepare(saved.text, BASE, bindings, saved.name))
        before = on.run(prepare(PLAIN["labels"], BASE, bindings))
        assert now.variables == before.variables
        assert len(now.rows) > 10 and now.rows == before.rows
