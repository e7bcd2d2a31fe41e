"""`kzgraph export`: every format parses back, in rdflib and in Oxigraph, to the graph we built."""

from __future__ import annotations

import json
import os

import pytest

from kzgraph.cli import cli
from kzgraph.formats.registry import FORMATS
from rdfcheck import oxigraph_quads, oxigraph_triples, rdflib_quads, rdflib_triples
from conftest import BASE, CONTENT

DATASET_FORMATS = {f.name for f in FORMATS if f.dataset}


@pytest.fixture(scope="module")
def exported():
    from click.testing import CliRunner

    runner = CliRunner()
    out = {}
    for fmt in FORMATS:
        result = runner.invoke(cli, ["export", "--format", fmt.name, "--content", str(CONTENT)])
        assert result.exit_code == 0, result.output
        out[fmt.name] = result.stdout_bytes
    return out


@pytest.fixture(scope="module")
def extra_graphs(mapped):
    """The graphs the dataset formats carry besides the data: the ontology (as the shipped
    file says) and the provenance of each page graph."""
    from rdflib import Graph, URIRef

    from kzgraph.config import Settings
    from kzgraph.content.load import load_content
    from kzgraph.graph.provenance import provenance_graph
    from kzgraph.resources import ontology_file

    ontology = Graph(identifier=URIRef(BASE + "graph/ontology")).parse(ontology_file())
    pages = load_content(CONTENT).pages
    provenance = provenance_graph(mapped, pages, Settings(base=BASE, content=CONTENT),
                                  other_graphs=[URIRef(BASE + "graph/reference"),
                                                ontology.identifier])
    return [ontology, provenance]


def _expected_triples(mapped, extra_graphs, fmt):
    """Single-graph formats carry the data; N-Quads and TriG also the ontology and provenance."""
    triples = set(mapped.graph)
    if fmt in DATASET_FORMATS:
        for graph in extra_graphs:
            triples |= set(graph)
    return triples


@pytest.mark.parametrize("fmt", [f.name for f in FORMATS])
def test_format_parses_back_in_rdflib(exported, mapped, extra_graphs, fmt):
    assert rdflib_triples(exported[fmt], fmt) == _expected_triples(mapped, extra_graphs, fmt)


@pytest.mark.parametrize("fmt", [f.name for f in FORMATS])
def test_format_parses_back_in_oxigraph(exported, mapped, extra_graphs, fmt):
    assert oxigraph_triples(exported[fmt], fmt) == _expected_triples(mapped, extra_graphs, fmt)


@pytest.mark.parametrize("fmt", ["nquads", "trig"])
def test_named_graphs_survive(exported, mapped, extra_graphs, fmt):
    expected = {(s, p, o, g.identifier) for g in [*mapped.dataset.graphs(), *extra_graphs]
                for s, p, o in g}
    assert len(extra_graphs[0]) > 100 and len(extra_graphs[1]) > 100
    assert oxigraph_quads(exported[fmt], fmt) == expected
    assert rdflib_quads(exported[fmt], fmt) == expected


def test_jsonld_reads_as_words(exported):
    doc = json.loads(exported["jsonld"])
    assert isinstance(doc["@context"], dict), "the context is embedded, so it works offline"
    nodes = {n["id"]: n for n in doc["@graph"]}
    feminita = nodes["https://kzgraph.example/sources/sources/feminita/"]
    assert feminita["title"] == {"en": "Feminita", "ru": "Feminita"}
    assert feminita["category"] == "https://kzgraph.example/category/local-ngo"
    assert feminita["country"] == "https://kzgraph.example/country/kz"
    # a kz:Source, and an NGO as its category (local NGOs) declares
    assert feminita["type"] == ["Source", "schema:NGO"]


def test_alias_and_output_file(runner, tmp_path):
    target = tmp_path / "out" / "graph.nt"
    result = runner.invoke(cli, ["export", "-f", "nt", "-o", str(target), "-c", str(CONTENT)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().count(b"\n") > 600
    assert [p.name for p in target.parent.iterdir()] == ["graph.nt"], "no temporary file left"


def test_unknown_format_is_a_usage_error(runner):
    result = runner.invoke(cli, ["export", "--format", "csv", "-c", str(CONTENT)])
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.output


def test_missing_content_folder_exits_2(runner, tmp_path):
    result = runner.invoke(cli, ["export", "-c", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_an_export_removes_what_a_killed_export_left(runner, tmp_path):
    """Workers write their pieces in a folder beside the file; one a killed export left (its
    process is gone) is removed by the next export, and a live one's is kept."""
    target = tmp_path / "out" / "graph.nt"
    target.parent.mkdir()
    dead = target.parent / ".graph.nt.build-999999999-abc"
    live = target.parent / f".graph.nt.build-{os.getpid()}-abc"
    for folder in (dead, live):
        (folder / "kzgraph-pieces-x").mkdir(parents=True)
        (folder / "kzgraph-pieces-x" / "ntriples.1").write_bytes(b"<a> <b> <c> .\n")
    result = runner.invoke(cli, ["export", "-f", "nt", "-o", str(target), "-c", str(CONTENT)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in target.parent.iterdir()) == sorted(["graph.nt", live.name])
