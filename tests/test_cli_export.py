"""`kzgraph export`: every format parses back, in rdflib and in Oxigraph, to the graph we built."""

from __future__ import annotations

import json

import pytest

from kzgraph.cli import cli
from kzgraph.formats import FORMATS
from rdfcheck import oxigraph_quads, oxigraph_triples, rdflib_quads, rdflib_triples
from conftest import CONTENT


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


@pytest.mark.parametrize("fmt", [f.name for f in FORMATS])
def test_format_parses_back_in_rdflib(exported, mapped, fmt):
    assert rdflib_triples(exported[fmt], fmt) == set(mapped.graph)


@pytest.mark.parametrize("fmt", [f.name for f in FORMATS])
def test_format_parses_back_in_oxigraph(exported, mapped, fmt):
    assert oxigraph_triples(exported[fmt], fmt) == set(mapped.graph)


@pytest.mark.parametrize("fmt", ["nquads", "trig"])
def test_named_graphs_survive(exported, mapped, fmt):
    expected = {(s, p, o, g.identifier) for g in mapped.dataset.graphs()
                for s, p, o in g}
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
    assert feminita["type"] == "Source"


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
