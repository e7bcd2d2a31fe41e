"""The query core: prefixes, parameter binding (and why it cannot be injected into), and the
embedded Oxigraph engine giving rdflib's answers for every saved query."""

from __future__ import annotations

import pytest
from conftest import BASE
from rdflib import BNode, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery

from kzgraph.query.engines import LocalEngine, RdflibEngine
from kzgraph.query.saved import Param, ParameterError, bind, catalog, to_term
from kzgraph.query.sparql import (
    QueryError,
    QuerySyntaxError,
    analyse,
    predeclared_prefixes,
    prepare,
    term_syntax,
)
from kzgraph.vocab import PREFIXES, XSD

#: values crafted to leave the literal they are put in and add a pattern of their own
HOSTILE = [
    'x" } UNION { ?s ?p ?o } #',
    "x' } UNION { ?s ?p ?o } #",
    'x""" } UNION { ?s ?p ?o } """',
    '\\" } UNION { ?s ?p ?o } #',
    'x\\u0022 } UNION { ?s ?p ?o } #',
    "x\n} UNION { ?s ?p ?o }\n#",
    "x\r\n\t} UNION {",
    '} UNION { ?s ?p ?o',
    "<https://kzgraph.example/> } UNION { ?s ?p ?o }",
    "x\\",
    "\\\\",
    "?s",
    "# comment",
    "\x00\x07\x1b\x7f",
    "Казахстан \" } ",
]

#: parameter values each saved query is run with (besides its defaults)
VARIANTS: dict[str, list[dict[str, str]]] = {
    "sources-by-category": [{}, {"category": "government"}, {"category": "local-ngo",
                                                            "lang": "ru"},
                            {"country": "Kazakhstan"}, {"country": "FR"}],
    "sources-by-perspective": [{}, {"perspective": "official-data", "lang": "ru"},
                               {"perspective": "local-voices"}],
    "blind-spots": [{}, {"category": "ingo", "lang": "ru"}],
    "guide-mentions": [{}, {"lang": "ru"}, {"lang": "kk"}],
    "guide-sections": [{}, {"lang": "ru"}],
    "sources-without-description": [{}, {"lang": "en"}, {"lang": "kk"}],
    "empty-categories": [{}, {"lang": "ru"}],
    "labels": [{}, {"lang": "en"}, {"type": "kz:Source"}, {"type": "dcterms:LinguisticSystem"}],
    "uncovered-perspectives": [{}, {"lang": "ru"}],
    "sources-in-language": [{}, {"language": "en", "lang": "ru"}, {"language": "de"}],
    "sources-by-keyword": [{"text": "FEMIN"}, {"text": "права", "lang": "ru"}, {"text": "zzz"}],
    "modified-since": [{"since": "2023-01-01"}, {"since": "2023-12-03", "lang": "ru"},
                       {"since": "2024-01-01"}],
    "category-source-counts": [{}, {"min": "1"}, {"min": "3", "lang": "ru"}],
    "source-profile": [{}, {"source": "zakon_kz"}, {"source": "no-such-source"}],
    "describe": [{"resource": "category:ingo"}, {"resource": "<https://kzgraph.example/"
                                                             "sources/sources/kazfem/>"}],
    "category-misses": [{}, {"category": "ingo", "perspective": "local-voices"},
                        {"category": "ingo", "perspective": "official-data"}],
    "same-as-wikidata": [{}, {"lang": "ru", "type": "kz:Category"}],
    "country-identifiers": [{}, {"lang": "ru"}],
}


@pytest.fixture(scope="module")
def local(mapped) -> LocalEngine:
    return LocalEngine.from_mapped(mapped)


@pytest.fixture(scope="module")
def rdflib_terms(mapped) -> RdflibEngine:
    return RdflibEngine.from_mapped(mapped)


@pytest.fixture(scope="module")
def rdflib_values(mapped) -> RdflibEngine:
    return RdflibEngine.from_mapped(mapped, bind_as_values=True)


def saved(name: str, **params: str):
    q = catalog().get(name)
    return prepare(q.text, BASE, bind(q.params, params, BASE), q.name)


def same_answer(a, b) -> None:
    assert a.form == b.form
    if a.graph is not None or b.graph is not None:
        assert set(a.graph) == set(b.graph)
    else:
        assert a.boolean == b.boolean
        assert a.variables == b.variables
        assert a.rows == b.rows


# --------------------------------------------------------------------------- saved queries


def test_every_saved_query_is_exercised():
    assert len(catalog().names()) >= 10
    assert set(VARIANTS) == set(catalog().names())


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_oxigraph_gives_rdflibs_answers(name, local, rdflib_terms, rdflib_values):
    """rdflib binds parameters with initBindings (the text untouched), Oxigraph runs the
    VALUES-bound text: the same answers, row for row, for every saved query and variant."""
    for params in VARIANTS[name]:
        prepared = saved(name, **params)
        ours = local.run(prepared)
        same_answer(ours, rdflib_terms.run(prepared))
        same_answer(ours, rdflib_values.run(prepared))


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_saved_query_headers(name):
    q = catalog().get(name)
    assert q.title and q.description
    for p in q.params:
        assert p.doc, f"{name}: parameter {p.name} has no doc"
        if p.default is not None:
            to_term(p, p.default, BASE)  # every default is a valid value of its type
    assert q.form in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def test_forms_are_all_there():
    forms = {q.form for q in catalog().all()}
    assert forms == {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


# --------------------------------------------------------------------------- injection


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_matches_nothing_and_adds_nothing(value, local, rdflib_terms):
    prepared = saved("sources-by-keyword", text=value)
    for engine in (local, rdflib_terms):
        result = engine.run(prepared)
        assert result.variables == ["source", "title", "keyword"]
        assert result.rows == []


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_comes_back_as_one_literal(value, local, rdflib_values):
    """What goes in is exactly what comes out: one row, one literal, the same characters."""
    for term in (Literal(value), Literal(value, lang="ru")):
        prepared = prepare("SELECT ?v ?w WHERE { BIND(STRLEN(?v) AS ?w) }", BASE, {"v": term})
        for engine in (local, rdflib_values):
            result = engine.run(prepared)
            assert result.rows == [(term, Literal(len(value), datatype=XSD.integer))]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_parses_as_the_same_query(value):
    """rdflib's parser reads the bound text as the query with one VALUES row holding exactly
    the value (nothing else was added to the pattern)."""
    text = saved("sources-by-keyword", text=value).bound_text
    benign = saved("sources-by-keyword", text="benign").bound_text
    ns = predeclared_prefixes(BASE)
    parsed, reference = prepareQuery(text, initNs=ns), prepareQuery(benign, initNs=ns)
    values = [part for part in _walk(parsed.algebra) if part.name == "values"]
    assert [row[next(iter(row))] for row in values[0].res] == [Literal(value)]
    assert _shape(parsed.algebra) == _shape(reference.algebra)


def _walk(node):
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, (list, tuple)):
        for v in node:
            yield from _walk(v)


def _shape(node) -> list[str]:
    return [part.name for part in _walk(node)]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_slug_names_no_resource(value, local):
    result = local.run(saved("sources-by-category", category=value))
    assert result.rows == []
    assert local.run(saved("category-misses", category=value)).boolean is False


@pytest.mark.parametrize("value", ["https://x> } UNION { ?s ?p ?o } <https://y",
                                   'https://x"', "https://x y", "kz:a>b", "not an iri"])
def test_hostile_iri_is_refused(value):
    with pytest.raises(ParameterError, match="resource"):
        saved("describe", resource=value)


def test_term_syntax_escapes():
    assert term_syntax(Literal('a"b\\c\nd')) == '"a\\"b\\\\c\\nd"'
    assert term_syntax(Literal("x", lang="ru")) == '"x"@ru'
    assert term_syntax(Literal("2024-01-02", datatype=XSD.date)) == \
        '"2024-01-02"^^<http://www.w3.org/2001/XMLSchema#date>'
    assert term_syntax(URIRef("https://e.org/a#b")) == "<https://e.org/a#b>"
    with pytest.raises(QueryError):
        term_syntax(URIRef("https://e.org/a>b"))
    with pytest.raises(QueryError, match="cannot be a parameter"):
        term_syntax(BNode("b0"))


# --------------------------------------------------------------------------- typed parameters


@pytest.mark.parametrize("kind,value,expected", [
    ("date", "2023-12-03", Literal("2023-12-03", datatype=XSD.date)),
    ("integer", "+42", Literal(42)),
    ("langstring", "Feminita@RU", Literal("Feminita", lang="ru")),
    ("langstring", "a@b@en", Literal("a@b", lang="en")),
    ("lang", "ru", Literal("ru")),
    ("boolean", "TRUE", Literal(True)),
    ("iri", "kz:Source", URIRef("https://kzgraph.example/ontology#Source")),
    ("iri", "<urn:x:y>", URIRef("urn:x:y")),
    ("country", "Казахстан", URIRef(BASE + "country/kz")),
    ("country", "kaz", URIRef(BASE + "country/kz")),
    ("language", "KK", URIRef("http://id.loc.gov/vocabulary/iso639-1/kk")),
    ("category", "local-ngo", URIRef(BASE + "category/local-ngo")),
    ("source", "ak_orda", URIRef(BASE + "sources/sources/ak_orda/")),
    ("guide", "kazakhstan", URIRef(BASE + "guides/kazakhstan/")),
])
def test_typed_values(kind, value, expected):
    assert to_term(Param("p", kind), value, BASE) == expected


@pytest.mark.parametrize("kind,value,message", [
    ("date", "2023-13-01", "'p' takes a date, YYYY-MM-DD"),
    ("date", "yesterday", "not a date written YYYY-MM-DD"),
    ("integer", "1.5", "not a whole number"),
    ("integer", "1 } UNION {", "not a whole number"),
    ("langstring", "no tag", "not text followed by @ and a language tag"),
    ("langstring", "x@en } UNION {", "not text followed by @ and a language tag"),
    ("lang", "english!", "not a language tag"),
    ("country", "Narnia", "not a country kzgraph knows"),
    ("language", "xx", "not an ISO 639-1 language code"),
    ("iri", "zz:x", "'zz:' is not a predeclared prefix"),
    ("iri", "no-scheme", "not an absolute IRI"),
    ("boolean", "maybe", "not true or false"),
])
def test_wrong_typed_values_are_refused_clearly(kind, value, message):
    with pytest.raises(ParameterError) as err:
        to_term(Param("p", kind), value, BASE)
    assert message in str(err.value)
    assert str(err.value).startswith(f"--param p={value}: ")


def test_required_unknown_and_optional_parameters():
    q = catalog().get("modified-since")
    with pytest.raises(ParameterError, match="'since' is required"):
        bind(q.params, {}, BASE)
    with pytest.raises(ParameterError, match="Unknown parameter.*sinse.*since, lang"):
        bind(q.params, {"sinse": "2023-01-01"}, BASE)
    optional = catalog().get("sources-by-category")
    assert set(bind(optional.params, {}, BASE)) == {"lang"}


# --------------------------------------------------------------------------- the text


def test_predeclared_prefixes_are_added_only_when_missing(local):
    prefixes = predeclared_prefixes(BASE)
    assert PREFIXES.items() <= prefixes.items()
    assert prefixes["category"] == BASE + "category/"
    own = prepare("PREFIX kz: <https://other.example/#> SELECT ?s { ?s a kz:Source }", BASE)
    assert "kz" not in own.prefixes and "skos" in own.prefixes
    assert local.run(own).rows == []
    assert len(local.run(prepare("SELECT ?s { ?s a kz:Source }", BASE)).rows) == 12


def test_the_prologue_declares_only_what_the_text_needs():
    text = ('SELECT ?t { <sources/sources/kazfem/> dcterms:title|^skos:x ?t . '
            '?t kz:a/foaf:b "x"^^xsd:date . "rdfs:no" <urn:x:y> ?z } # owl:no')
    prepared = prepare(text, BASE)
    assert prepared.prologue == (f"BASE <{BASE}> " + " ".join(
        f"PREFIX {p}: <{PREFIXES[p]}>" for p in ("kz", "xsd", "skos", "dcterms", "foaf")))
    assert prepare("BASE <urn:b/> SELECT * { <x> ?p ?o }", BASE).prologue == ""
    assert prepare("SELECT * { <urn:x> ?p ?o }", BASE).prologue == ""


def test_relative_iris_resolve_against_the_base(local):
    rows = local.run(prepare("SELECT ?t { <sources/sources/kazfem/> dcterms:title ?t "
                             'FILTER(lang(?t) = "en") }', BASE)).rows
    assert rows == [(Literal("KazFem", lang="en"),)]


@pytest.mark.parametrize("text,form,where_starts", [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT", "{ ?s"),
    ("# a { comment\nselect ?x { ?x ?p '}' }", "SELECT", "{ ?x"),
    ('PREFIX a: <urn:x#> SELECT (EXISTS { ?a ?b ?c } AS ?e) WHERE { ?a ?b "{" }', "SELECT",
     "{ ?a ?b \""),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT", "{ ?s ?p ?o }"),
    ("CONSTRUCT { ?s ?p ?o } { ?s <urn:p> ?o }", "CONSTRUCT", "{ ?s <urn:p>"),
    ("ASK { ?s ?p '''}}}''' }", "ASK", "{ ?s"),
    ("DESCRIBE ?s WHERE { ?s ?p ?o }", "DESCRIBE", "{ ?s"),
    ("SELECT ?n { SELECT (COUNT(*) AS ?n) { SELECT ?s WHERE { ?s ?p 1 } } }", "SELECT",
     "{ ?s ?p 1 }"),
])
def test_analyse_finds_the_where_group(text, form, where_starts):
    shape = analyse(text)
    assert shape.form == form
    assert shape.where is not None
    assert text[shape.where[0]:].startswith(where_starts)
    assert text[shape.where[1]] == "}"


def test_binding_into_a_subselect_group(local, rdflib_terms):
    text = ("SELECT ?n WHERE { SELECT (COUNT(?s) AS ?n) WHERE { ?s a kz:Source ; "
            "kz:category ?c } }")
    prepared = prepare(text, BASE, {"c": URIRef(BASE + "category/government")})
    assert local.run(prepared).rows == [(Literal(4),)]
    same_answer(local.run(prepared), rdflib_terms.run(prepared))


def test_where_parameters_cannot_go(local):
    with pytest.raises(QueryError, match="short form"):
        prepare("CONSTRUCT WHERE { ?s a ?t }", BASE, {"t": URIRef("urn:x")}).bound_text
    with pytest.raises(QueryError, match="WHERE clause"):
        prepare("DESCRIBE <urn:x>", BASE, {"t": URIRef("urn:x")}).bound_text


def test_syntax_error_names_line_and_column(local):
    text = "SELECT ?s WHERE {\n  ?s a kz:Source .\n  OPTIONAL ?x }"
    with pytest.raises(QuerySyntaxError) as err:
        local.run(prepare(text, BASE, {"lang": Literal("en")}))
    assert (err.value.line, err.value.column) == (3, 12)
    assert "line 3, column 12" in str(err.value)
    assert str(err.value).splitlines()[-2:] == ["    OPTIONAL ?x }", "             ^"]


def test_unknown_prefix_is_named_where_it_is(local):
    with pytest.raises(QuerySyntaxError) as err:
        local.run(prepare("SELECT * {\n  ?s a kz:Source ;\n     zz:p ?o }", BASE))
    assert (err.value.line, err.value.column) == (3, 6)
    assert "the prefix 'zz:' is not declared" in str(err.value)


def test_local_engine_keeps_named_graphs(local):
    rows = local.run(prepare("SELECT DISTINCT ?g { GRAPH ?g { <sources/sources/feminita/> "
                             "dcterms:title ?t } } ORDER BY ?g", BASE)).rows
    assert rows == [(URIRef(BASE + "graph/sources/feminita/en"),),
                    (URIRef(BASE + "graph/sources/feminita/ru"),)]
    # the default graph is the union as a set: a statement made in two files counts once
    count = local.run(prepare("SELECT (COUNT(*) AS ?n) { <guides/kazakhstan/> kz:mentions ?s }",
                              BASE)).rows
    assert count == [(Literal(12),)]


def test_from_file_loads_a_dump(tmp_path, mapped, local):
    from kzgraph.formats.registry import get_format
    from kzgraph.formats.writers import serialize

    for fmt in ("nquads", "turtle"):
        path = tmp_path / f"dump.{get_format(fmt).extension}"
        path.write_bytes(serialize(mapped.dataset, mapped.graph, get_format(fmt)))
        engine = LocalEngine.from_file(path)
        same_answer(engine.run(saved("guide-mentions")), local.run(saved("guide-mentions")))
    with pytest.raises(QueryError, match="cannot tell the RDF format"):
        LocalEngine.from_file(tmp_path / "x.docx")


def test_queries_naming_no_graph_run_on_the_union_alone(tmp_path, mapped):
    """A query that names no graph runs on a store holding the union alone (faster at scale);
    the store with the named graphs is made only when a query names graphs, and both give
    the answers one store with everything gives."""
    from kzgraph.formats.registry import get_format
    from kzgraph.formats.writers import serialize
    from kzgraph.query.engines import names_graphs

    path = tmp_path / "dump.nq"
    path.write_bytes(serialize(mapped.dataset, mapped.graph, get_format("nquads")))
    for engine in (LocalEngine.from_mapped(mapped), LocalEngine.from_file(path)):
        assert not any(True for _ in engine.store.named_graphs())
        assert callable(engine._dataset), "no named graphs are loaded before they are asked"
        same_answer(engine.run(saved("guide-mentions")), _everything(mapped).run(
            saved("guide-mentions")))
        assert callable(engine._dataset)
        query = prepare("SELECT DISTINCT ?g { GRAPH ?g { <sources/sources/feminita/> "
                        "dcterms:title ?t } } ORDER BY ?g", BASE)
        assert engine.run(query).rows == [(URIRef(BASE + "graph/sources/feminita/en"),),
                                          (URIRef(BASE + "graph/sources/feminita/ru"),)]
        assert not callable(engine._dataset)
    assert names_graphs("SELECT * FROM <urn:g> { ?s ?p ?o }")
    assert names_graphs("SELECT * { ?s ?p 'x' . FILTER(?a<?b) GRAPH ?g { ?s ?p ?o } }")
    assert not names_graphs('SELECT * { ?s <http://x/graph#from> "graph from" } # graph')
    assert not names_graphs('SELECT * { ?s ?p """a "graph" from b""" }')


def _everything(mapped) -> LocalEngine:
    import pyoxigraph as ox

    from kzgraph.formats.registry import get_format
    from kzgraph.formats.writers import serialize

    store = ox.Store()
    store.load(serialize(mapped.dataset, mapped.graph, get_format("nquads")),
               format=ox.RdfFormat.N_QUADS)
    store.load(serialize(mapped.dataset, mapped.graph, get_format("ntriples")),
               format=ox.RdfFormat.N_TRIPLES)
    return LocalEngine(store)
