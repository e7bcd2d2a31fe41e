"""Result formats: the W3C ones read back by two independent parsers (pyoxigraph and rdflib)
to the same terms; the table fits the width it is given; graphs in every RDF format."""

from __future__ import annotations

import csv
import io
import re

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from conftest import BASE
from rdfcheck import OX_FORMATS, rdflib_triples
from rdflib import BNode, Literal, URIRef
from rdflib.query import Result

from kzgraph.formats.registry import FORMATS
from kzgraph.query.engines import QueryResult, result_from_ox
from kzgraph.query.results import display, render, short_iri, table
from kzgraph.query.sparql import QueryError
from kzgraph.vocab import XSD

PREFIXES = {"kz": "https://kzgraph.example/ontology#", "category": BASE + "category/"}

TRICKY = QueryResult("SELECT", ["s", "text", "n", "missing"], [
    (URIRef(BASE + "sources/sources/feminita/"), Literal('Квир "феминизм", <b>&amp;\n\ttab',
                                                         lang="ru"),
     Literal(3), None),
    (BNode("b0"), Literal("a,b;c|d\\e"), Literal("2023-12-03", datatype=XSD.date),
     URIRef("urn:x:y")),
    (URIRef("https://e.org/a#b"), Literal(""), Literal("1.5", datatype=XSD.decimal), None),
])


def ox_parse(data: bytes, fmt: str) -> QueryResult:
    answer = ox.parse_query_results(data, format={"json": ox.QueryResultsFormat.JSON,
                                                  "xml": ox.QueryResultsFormat.XML,
                                                  "tsv": ox.QueryResultsFormat.TSV}[fmt])
    return result_from_ox(answer, "SELECT")


def rdflib_parse(data: bytes, fmt: str) -> Result:
    return Result.parse(io.BytesIO(data), format=fmt)


def canonical_bnodes(rows):
    """Rows with blank nodes renamed by first appearance (parsers may relabel them)."""
    names: dict = {}
    return [tuple(BNode(names.setdefault(t, f"b{len(names)}")) if isinstance(t, BNode) else t
                  for t in row) for row in rows]


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_w3c_formats_read_back_in_pyoxigraph(fmt):
    back = ox_parse(render(TRICKY, fmt, PREFIXES), fmt)
    assert back.variables == TRICKY.variables
    assert canonical_bnodes(back.rows) == canonical_bnodes(TRICKY.rows)


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_w3c_formats_read_back_in_rdflib(fmt):
    back = rdflib_parse(render(TRICKY, fmt, PREFIXES), fmt)
    assert [str(v) for v in back.vars] == TRICKY.variables
    assert canonical_bnodes([tuple(r) for r in back]) == canonical_bnodes(TRICKY.rows)


def test_csv_is_rfc4180_with_lexical_forms():
    data = render(TRICKY, "csv", PREFIXES).decode("utf-8")
    assert data.startswith("s,text,n,missing\r\n")
    rows = list(csv.reader(io.StringIO(data, newline="")))
    assert rows[1] == [BASE + "sources/sources/feminita/", 'Квир "феминизм", <b>&amp;\n\ttab',
                       "3", ""]
    assert rows[2] == ["_:b0", "a,b;c|d\\e", "2023-12-03", "urn:x:y"]
    back = rdflib_parse(data.encode("utf-8"), "csv")
    assert [str(t) if t is not None else "" for t in list(back)[0]] == rows[1]


@pytest.mark.parametrize("answer", [True, False])
def test_ask_in_json_and_xml(answer):
    result = QueryResult("ASK", boolean=answer)
    for fmt in ("json", "xml"):
        data = render(result, fmt, PREFIXES)
        assert bool(ox.parse_query_results(data, format={"json": ox.QueryResultsFormat.JSON,
                                                         "xml": ox.QueryResultsFormat.XML}[fmt]
                                           )) is answer
        assert rdflib_parse(data, fmt).askAnswer is answer
    assert render(result, "table", PREFIXES) == (b"true\n" if answer else b"false\n")


def test_markdown_escapes_cells():
    text = render(TRICKY, "markdown", PREFIXES).decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "| s | text | n | missing |"
    assert lines[1] == "|---|---|---|---|"
    assert len(lines) == 2 + len(TRICKY.rows)
    assert "a,b;c\\|d\\\\e" in lines[3]
    assert "<br>" in lines[2]
    assert all(len(re.findall(r"(?<!\\)\|", line)) == 5 for line in lines)


@pytest.mark.parametrize("width", [30, 50, 80, 200])
def test_table_fits_its_width_and_keeps_every_word(width):
    cells = [["category:local-ngo", "Feminita",
              "A grassroots queer feminist initiative in Kazakhstan that works for the rights "
              "of women and LGBTQ+ people"],
             ["category:government", "Bureau of National Statistics: Gender Statistics", "-"]]
    text = table(["category", "title", "description"], cells, width)
    lines = text.splitlines()
    assert all(len(line) <= max(width, 3 * 8 + 4) for line in lines), text
    words = " ".join(text.split())
    for row in cells:
        for cell in row:
            for word in cell.split():
                assert word in words or len(word) > 8
    assert sum(1 for line in lines if re.fullmatch(r"-{8,}(  -{8,})*", line)) == 1


def test_display_of_terms():
    assert display(URIRef(BASE + "category/ingo"), PREFIXES) == "category:ingo"
    assert display(URIRef(BASE + "sources/sources/x/"), PREFIXES, base=BASE) == \
        "<sources/sources/x/>"
    assert display(URIRef("https://e.org/a b"), PREFIXES) == "<https://e.org/a b>"
    assert display(Literal("Феминита", lang="ru"), PREFIXES) == "Феминита"
    assert display(None, PREFIXES) == ""
    labels = {URIRef(BASE + "category/ingo"): "International NGOs"}
    assert display(URIRef(BASE + "category/ingo"), PREFIXES, labels) == "International NGOs"
    # only prefixed names that are valid SPARQL: a '/' in the local part is not
    assert short_iri(BASE + "category/a/b", PREFIXES) == f"<{BASE}category/a/b>"
    assert short_iri("https://kzgraph.example/ontology#Source", PREFIXES) == "kz:Source"


@pytest.mark.parametrize("fmt", [f.name for f in FORMATS])
def test_graph_results_in_every_rdf_format(fmt, mapped):
    from rdflib import Graph

    graph = Graph()
    for triple in list(mapped.graph)[:60]:
        graph.add(triple)
    data = render(QueryResult("CONSTRUCT", graph=graph), fmt, PREFIXES)
    assert rdflib_triples(data, fmt) == set(graph)
    assert len(list(ox.parse(data, format=OX_FORMATS[fmt]))) == len(graph)


def test_graph_aliases_and_refusals(mapped):
    from rdflib import Graph

    graph = Graph()
    graph.add((URIRef("urn:a"), URIRef("urn:p"), Literal("x")))
    result = QueryResult("CONSTRUCT", graph=graph)
    assert render(result, "table", PREFIXES).startswith(b"@prefix") or \
        b"<urn:a>" in render(result, "table", PREFIXES)
    assert rdflib_triples(render(result, "json", PREFIXES), "jsonld") == set(graph)
    assert rdflib_triples(render(result, "xml", PREFIXES), "xml") == set(graph)
    with pytest.raises(QueryError, match="gives a graph: use an RDF format"):
        render(result, "csv", PREFIXES)
    with pytest.raises(QueryError, match="gives a table"):
        render(TRICKY, "turtle", PREFIXES)


# --------------------------------------------------------------------------- wrapping cells

_CELL_TEXT = st.text(alphabet=st.sampled_from(
    list("ab-Жx.") + [" ", "\t", "\xa0", "\u3000", "\u2009", "\x0b", "\x85", "\u2028"]),
    max_size=24)


@given(_CELL_TEXT, st.integers(min_value=1, max_value=30))
@settings(max_examples=3000, deadline=None)
def test_wrap_is_textwrap(text, width):
    """The shortcut for a line that fits gives what textwrap gives, on any mix of spaces,
    Unicode white space, tabs and breaks."""
    import textwrap

    from kzgraph.query.results import wrap

    assert wrap(text, width) == (textwrap.wrap(text, width, break_long_words=True,
                                               break_on_hyphens=False) or [""])


def test_wrap_takes_the_shortcut_for_usual_cells():
    from kzgraph.query.results import wrap

    for text in ("sources:feminita", "Феминита", "  leading", "a  b", ""):
        assert wrap(text, 20) == [text]


# -- TSV and CSV written from Oxigraph's terms (what `kzgraph query -f tsv|csv` does) ------------

_OX_TERMS = st.one_of(
    st.builds(lambda t: ox.Literal(t), st.text(max_size=12)),
    st.builds(lambda t, lang: ox.Literal(t, language=lang), st.text(max_size=12),
              st.sampled_from(["en", "ru", "kk-Cyrl", "en-GB"])),
    st.builds(lambda t, dt: ox.Literal(t, datatype=ox.NamedNode(dt)), st.text(max_size=12),
              st.sampled_from([str(XSD.integer), str(XSD.date), "https://e.org/dt#x"])),
    st.builds(lambda tail: ox.NamedNode("https://e.org/" + "".join(tail)),
              st.lists(st.sampled_from(["a", "é", "%20", "/", "-", "_", ".", "~", "Ж", "?q="]),
                       max_size=6)),
    st.builds(lambda n: ox.BlankNode(f"b{n}"), st.integers(0, 5)),
)
#: the characters Oxigraph and kzgraph escape differently, and others worth a try
_ODD = list('a"\\\'\n\r\t\b\f\x00\x07\x1b\x7f \u2028\ufffe\uffff\U0001f600Ж,;|')


def _store_of(rows: list[tuple[object, object]]) -> ox.Store:
    """A store whose SELECT ?o ?p answers ``rows``: ?o the object of a statement (None:
    a subject without one), ?p its own term for a second column."""
    store = ox.Store()
    for i, (o, p) in enumerate(rows):
        s = ox.NamedNode(f"https://e.org/row/{i:03d}")
        store.add(ox.Quad(s, ox.NamedNode("https://e.org/order"), ox.Literal(str(i))))
        if o is not None:
            store.add(ox.Quad(s, ox.NamedNode("https://e.org/o"), o))
        store.add(ox.Quad(s, ox.NamedNode("https://e.org/p"), p))
    return store


_ROWS_QUERY = """SELECT ?o ?p WHERE { ?s <https://e.org/order> ?n ; <https://e.org/p> ?p
  OPTIONAL { ?s <https://e.org/o> ?o } } ORDER BY ?s"""


def _both(store: ox.Store, query: str, fmt: str) -> tuple[bytes, bytes, int]:
    from kzgraph.query.results import text_from_ox

    answer = store.query(query)
    fast, count = text_from_ox(answer, [v.value for v in answer.variables], fmt)
    general = render(result_from_ox(store.query(query), "SELECT"), fmt, PREFIXES)
    return fast, general, count


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), _OX_TERMS,
                                    st.builds(lambda t: ox.Literal(t),
                                              st.text(alphabet=_ODD, max_size=8))),
                          _OX_TERMS), max_size=6),
       st.sampled_from(["tsv", "csv"]))
def test_tsv_and_csv_from_oxigraph_terms_are_the_general_writers_bytes(rows, fmt):
    """Every kind of term (literals with every character Oxigraph escapes its own way,
    language tags, datatypes, IRIs, blank nodes, unbound values): the same bytes."""
    fast, general, count = _both(_store_of(rows), _ROWS_QUERY, fmt)
    assert fast == general
    assert count == len(rows)


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_saved_queries_written_from_oxigraph_terms_are_the_same_bytes(fmt, mapped):
    """Every saved SELECT query on the real content, with its default parameters."""
    from kzgraph.query.engines import LocalEngine
    from kzgraph.query.results import text_from_ox
    from kzgraph.query.saved import bind, catalog
    from kzgraph.query.sparql import prepare

    engine = LocalEngine.from_mapped(mapped)
    seen = 0
    for saved in catalog().all():
        given = {"text": "fem", "resource": "category:ingo", "since": "2020-01-01"}
        bindings = bind(saved.params, {p.name: given[p.name] for p in saved.params
                                       if p.name in given}, BASE)
        prepared = prepare(saved.text, BASE, bindings, saved.name)
        if prepared.form != "SELECT":
            continue
        answer = engine.answer(prepared)
        fast, count = text_from_ox(answer, [v.value for v in answer.variables], fmt)
        result = engine.run(prepared)
        assert fast == render(result, fmt, PREFIXES), saved.name
        assert count == len(result.rows)
        seen += count
    assert seen > 100
