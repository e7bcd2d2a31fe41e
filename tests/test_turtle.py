"""The Turtle chunk writer gives exactly what pyoxigraph's serialiser gives, or steps aside."""

from __future__ import annotations

import pyoxigraph as ox
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Literal, URIRef

from kzgraph.formats.writers import _oxigraph_turtle, encoded
from kzgraph.formats.turtle import chunk
from kzgraph.vocab import PREFIXES, RDF, XSD


def _oxigraph(lines: list[str]) -> str:
    triples = [q.triple for q in ox.parse("".join(lines).encode("utf-8"),
                                          format=ox.RdfFormat.N_TRIPLES)]
    return _oxigraph_turtle(triples)


def test_every_graph_of_the_content_is_written_as_pyoxigraph_writes_it(mapped):
    for graph, triples in [*mapped.quads.items(), (None, list(mapped.graph))]:
        lines = [line for line, _ in encoded(triples)]
        fast = chunk(lines)
        assert fast is not None, graph  # the content's terms all take the fast path
        assert fast == _oxigraph(lines), graph
    assert len(mapped.quads) > 50


_NAMESPACES = [*PREFIXES.values(), "http://example.org/x/", "https://kzgraph.example/source/"]


def _mostly(usual: st.SearchStrategy, odd: st.SearchStrategy) -> st.SearchStrategy:
    """Usually an ordinary term (the fast path), one time in ten an odd one (pyoxigraph's
    own way), so that examples mix both."""
    return st.integers(0, 9).flatmap(lambda i: odd if i == 0 else usual)


_locals = _mostly(st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,5}", fullmatch=True),
                  st.text(alphabet="aZ09_-.:/#%~é·!()", max_size=6))
_iris = st.builds(lambda ns, local: URIRef(ns + local), st.sampled_from(_NAMESPACES), _locals)
_subjects = _mostly(_iris, st.builds(BNode, st.from_regex(r"b[0-9]{1,3}", fullmatch=True)))
_predicates = st.one_of(st.just(URIRef(str(RDF.type))), _iris)
_text = _mostly(st.text(st.characters(min_codepoint=0x20, max_codepoint=0x4ff,
                                      exclude_categories=("Cs", "Cc")), max_size=12),
                st.text(st.characters(exclude_categories=("Cs",)), max_size=12))
_lexical = st.one_of(_text, st.from_regex(r"[+-]?[0-9]{0,3}\.?[0-9]{0,3}([eE][+-]?[0-9]{1,2})?",
                                          fullmatch=True), st.sampled_from(["true", "false"]))
_datatypes = st.sampled_from([XSD.integer, XSD.decimal, XSD.double, XSD.boolean, XSD.date,
                              URIRef("http://example.org/x/dt"), URIRef("http://example.org/x/")])
_languages = _mostly(st.from_regex(r"[a-z]{2}(-[a-z0-9]{2,4})?", fullmatch=True),
                     st.from_regex(r"[a-zA-Z]{2}(-[a-zA-Z0-9]{2,4})?", fullmatch=True))
_literals = st.one_of(
    st.builds(Literal, _text),
    st.builds(lambda t, lang: Literal(t, lang=lang), _text, _languages),
    st.builds(lambda t, dt: Literal(t, datatype=dt), _lexical, _datatypes))
_triples = st.lists(st.tuples(_subjects, _predicates, st.one_of(_iris, _subjects, _literals)),
                    min_size=1, max_size=6)


@settings(max_examples=500, deadline=None)
@given(_triples)
def test_chunk_is_pyoxigraphs_turtle_or_none(triples):
    lines = [line for line, _ in encoded(triples)]
    try:
        expected = _oxigraph(lines)
    except SyntaxError:  # a term pyoxigraph refuses: never one of ours
        assume(False)
    fast = chunk(lines)
    if fast is not None:
        assert fast == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(
    st.builds(lambda local: URIRef("https://kzgraph.example/source/" + local),
              st.from_regex(r"[a-z0-9-]{1,8}/?", fullmatch=True)),
    st.sampled_from([URIRef(str(RDF.type)), URIRef(PREFIXES["dcterms"] + "title"),
                     URIRef(PREFIXES["kz"] + "weight")]),
    st.one_of(st.builds(lambda t, lang: Literal(t, lang=lang),
                        st.text(st.characters(min_codepoint=0x20, max_codepoint=0x2fff,
                                              exclude_categories=("Cs", "Cc")), max_size=10),
                        st.sampled_from(["en", "ru", "kk"])),
              st.builds(lambda n: Literal(n, datatype=XSD.integer), st.integers()),
              st.builds(lambda local: URIRef(PREFIXES["kz"] + local),
                        st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,6}", fullmatch=True)))),
    min_size=1, max_size=12))
def test_ordinary_statements_take_the_fast_path(triples):
    lines = [line for line, _ in encoded(triples)]
    fast = chunk(lines)
    assert fast is not None
    assert fast == _oxigraph(lines)


def test_terms_pyoxigraph_writes_its_own_way_are_left_to_it():
    s, p = URIRef("http://example.org/x/s"), URIRef("http://example.org/x/p")
    for o in (Literal("a\tb"), Literal("x", lang="EN"), URIRef(PREFIXES["schema"] + "a.")):
        assert chunk([line for line, _ in encoded([(s, p, o)])]) is None
    assert chunk([line for line, _ in encoded([(BNode("b1"), p, s)])]) is None
    assert chunk([]) == ""


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(['\\', '"', "\n", "\r", "a", "Ж", "\t", "'", " "]),
               max_size=30), st.sampled_from([None, "ru"]))
def test_a_literal_term_reads_back_as_written(text, lang):
    """term() escapes a literal's backslashes, quotes and line ends as N-Triples asks:
    pyoxigraph reads the line back to the same text."""
    from kzgraph.formats.ntriples import term

    line = f"<http://example.org/s> <http://example.org/p> {term(Literal(text, lang=lang))} .\n"
    [quad] = ox.parse(line.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    assert quad.object.value == text
    assert quad.object.language == lang


def test_long_literals_are_written_but_not_kept():
    """The cache of terms keeps IRIs and short literals, which recur, not a long text met
    once (kept, they filled a build worker's memory with 90 MB at 100,000 heavy pages); a
    chunk is the same either way."""
    from kzgraph.formats import turtle

    s = URIRef("https://kzgraph.example/sources/sources/a-long-one/")
    long_text = Literal("A description that goes on. " * 20, lang="en")
    short = Literal("news", lang="en")
    triples = [(s, URIRef("http://schema.org/description"), long_text),
               (s, URIRef("http://schema.org/keywords"), short)]
    lines = [line for line, _ in encoded(triples)]
    first = chunk(lines)
    assert first == _oxigraph_turtle([ox.Triple(ox.NamedNode(str(a)), ox.NamedNode(str(b)),
                                                ox.Literal(str(c), language=c.language))
                                      for a, b, c in triples])
    kept = turtle._terms
    assert lines[0].split(" ", 2)[2][:-3] not in kept  # the long literal
    assert lines[1].split(" ", 2)[2][:-3] in kept and f"<{s}>" in kept
    assert chunk(lines) == first
