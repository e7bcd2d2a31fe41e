"""The site build's fast paths held to the plain code they replace: the statements no page
holds (found from the subjects outside the base), the dump read into rdflib terms (each term
looked up without a call), and the site's size (counted when asked)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings, strategies as st
from rdflib import BNode, Graph, Literal, URIRef

from conftest import CONTENT
from kzgraph.config import Settings
from kzgraph.publish.site import build_site
from kzgraph.publish.site.build import read_triples
from kzgraph.publish.site.model import SiteData, _order

BASE = "https://kzgraph.example/"


def _plain_orphans(data: SiteData) -> list:
    """The statements about things outside the base that no statement of a base subject
    points at, by a pass over every statement (the code before)."""
    reached = {o for s, _, o in data.triples if isinstance(s, URIRef) and str(s).startswith(
        data.base)}
    return sorted({t for t in data.triples if data._external(t[0]) and t[0] not in reached},
                  key=lambda t: tuple(map(_order, t)))


def test_orphans_on_the_real_content(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(Settings(base=BASE, content=CONTENT), out, cache=False, search=False)
    triples = read_triples((out / "kzgraph.nt").read_bytes(), "nt") + read_triples(
        (out / "void.ttl").read_bytes(), "ttl")
    data = SiteData(triples, BASE, "en", ["en", "ru"])
    assert sorted(set(data.orphans()), key=lambda t: tuple(map(_order, t))) == \
        _plain_orphans(data)
    assert data.orphans()  # the dataset's publisher, licence, ... : not nothing


_nodes = st.sampled_from([URIRef(BASE + "a"), URIRef(BASE + "b#x"), URIRef("http://o.org/1"),
                          URIRef("http://o.org/2"), BNode("b1"), BNode("b2")])
_objects = st.one_of(_nodes, st.sampled_from([Literal("t"), Literal("t", lang="ru"),
                                              Literal(1)]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_nodes, st.sampled_from([URIRef("http://p.org/p"),
                                                   URIRef("http://p.org/q")]), _objects),
                max_size=25))
def test_orphans_on_generated_graphs(triples: list) -> None:
    data = SiteData(triples, BASE, "en", ["en"])
    assert sorted(set(data.orphans()), key=lambda t: tuple(map(_order, t))) == \
        _plain_orphans(data)


def test_read_triples_equals_rdflibs_parse() -> None:
    text = ('<http://a.org/s> <http://a.org/p> "" .\n'
            '<http://a.org/s> <http://a.org/p> "" .\n'
            '<http://a.org/s> <http://a.org/p> "x"@ru .\n'
            '<http://a.org/s> <http://a.org/p> "0"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
            '_:b <http://a.org/p> <http://a.org/s> .\n'
            '<http://a.org/s> <http://a.org/q> "x\\n\\"y\\"" .\n')
    got = read_triples(text.encode(), "nt")
    assert len(got) == 6
    want = Graph().parse(data=text, format="nt")
    assert {t for t in got if not isinstance(t[0], BNode)} == \
        {t for t in want if not isinstance(t[0], BNode)}
    assert got[0][2] == Literal("") and got[1][2] is got[0][2]
    # a second read (a rebuild in the same process) takes the terms the first one made, and
    # makes the others: the same statements as rdflib's parse
    other = text.replace('"x"@ru', '"y"@kk').replace("a.org/q", "a.org/r")
    again = read_triples(other.encode(), "nt")
    assert again[0][0] is got[0][0] and again[1][2] is got[0][2]
    assert {t for t in again if not isinstance(t[0], BNode)} == \
        {t for t in Graph().parse(data=other, format="nt") if not isinstance(t[0], BNode)}


def test_the_size_counted_when_asked_is_the_folders(tmp_path: Path) -> None:
    out = tmp_path / "site"
    settings = Settings(base=BASE, content=CONTENT)
    build_site(settings, out, cache=tmp_path / "cache", search=False)
    again = build_site(settings, out, cache=tmp_path / "cache", search=False)
    listed = (out / ".kzgraph-site").read_text(encoding="utf-8").split("\n")
    assert again.rendered < len(listed) / 4  # most files kept: their sizes are read
    assert again.size == sum((out / name).stat().st_size for name in listed)
    assert sorted(listed) == sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                                    if p.is_file() and not p.name.startswith(".kzgraph-site"))


def test_a_documents_rdf_files_made_together_are_those_made_one_by_one(tmp_path: Path) -> None:
    from kzgraph.engine.pipeline import load_and_map
    from kzgraph.publish.site import Site
    from kzgraph.publish.site.rdf import RDF_FILES, render_rdf, render_rdf_files

    settings = Settings(base=BASE, content=CONTENT)
    site = Site(load_and_map(settings).mapped.graph, settings)
    docs = site.documents()
    assert len(docs) > 30
    for doc in [*docs, BASE]:
        together = render_rdf_files(site.data, doc)
        assert together == {ext: render_rdf(site.data, doc, ext) for ext in RDF_FILES}, doc
