"""The query helper checks what it can: slug parameters against the graph, the terms of an ad-hoc
query against the ontology and the data, relative IRIs as tables print them, and an endpoint
whose data sits in named graphs (a real Oxigraph server)."""

from __future__ import annotations

import urllib.request

import pytest

from kzgraph.cli import cli
from kzgraph.formats.registry import get_format
from kzgraph.formats.writers import serialize
from conftest import CONTENT


def invoke(runner, *args: str):
    return runner.invoke(cli, ["query", "-c", str(CONTENT), *args])


def test_a_misspelt_category_is_refused_with_a_suggestion(runner) -> None:
    result = invoke(runner, "sources-by-category", "--param", "category=goverment")
    assert result.exit_code == 2, result.output
    assert ("--param category=goverment: there is no category 'goverment' in the graph. "
            "Did you mean 'government'?") in result.stderr
    assert "No match." not in result.output


def test_a_slug_far_from_any_lists_those_that_exist(runner) -> None:
    result = invoke(runner, "sources-by-perspective", "--param", "perspective=zzzz")
    assert result.exit_code == 2, result.output
    assert "there is no perspective 'zzzz' in the graph. The graph has 14: " in result.stderr
    assert "local-detail" in result.stderr


def test_a_known_slug_still_runs(runner) -> None:
    result = invoke(runner, "sources-by-category", "--param", "category=government")
    assert result.exit_code == 0, result.output
    assert "ak_orda" in result.stdout


def test_relative_iri_as_a_table_prints_it(runner) -> None:
    table = invoke(runner, "sources-by-category", "--param", "category=local-ngo")
    assert "<sources/sources/feminita/>" in table.stdout
    result = invoke(runner, "describe", "--param", "resource=<sources/sources/feminita/>")
    assert result.exit_code == 0, result.output
    assert "Feminita" in result.stdout
    # and as a slug parameter's value, in either of the forms a table prints
    by_iri = invoke(runner, "source-profile", "--param", "source=<sources/sources/feminita/>")
    assert by_iri.exit_code == 0, by_iri.output
    assert "Feminita" in by_iri.stdout
    by_name = invoke(runner, "sources-by-category", "--param", "category=category:local-ngo")
    assert by_name.exit_code == 0, by_name.output
    assert by_name.stdout == table.stdout


@pytest.mark.parametrize("query,written,suggested", [
    ("SELECT ?s WHERE { ?s kz:categroy ?c }", "kz:categroy", "kz:category"),
    ("SELECT ?s WHERE { ?s a kz:source }", "kz:source", "kz:Source"),
    ("SELECT ?s WHERE { ?s kz:category category:goverment }", "category:goverment",
     "category:government"),
    ("SELECT ?s WHERE { ?s kz:category <category/local-ngos> }", "<category/local-ngos>",
     "category:local-ngo"),
])
def test_unknown_terms_of_an_ad_hoc_query_are_named(runner, query, written, suggested) -> None:
    result = invoke(runner, query)
    assert result.exit_code == 0, result.output
    assert f"Warning: {written} is not in " in result.stderr
    assert f"Did you mean {suggested}" in result.stderr
    assert "No match." in result.stderr


def test_a_good_ad_hoc_query_gets_no_warning(runner) -> None:
    result = invoke(runner, "SELECT ?s WHERE { ?s a kz:Source ; kz:category category:ingo }")
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.stderr


# -- an endpoint whose data is in named graphs ----------------------------------------------------

def _post(url: str, data: bytes, media_type: str) -> None:
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": media_type})
    urllib.request.urlopen(request, timeout=30).read()


@pytest.fixture
def named_only(oxigraph, mapped):
    oxigraph.clear()
    _post(oxigraph.store_url, serialize(mapped.dataset, mapped.graph, get_format("nquads")),
          "application/n-quads")
    yield oxigraph
    oxigraph.clear()


def test_endpoint_with_data_in_named_graphs_says_how_to_ask_for_the_union(runner, named_only):
    result = invoke(runner, "sources-by-category", "--endpoint", named_only.query_url)
    assert result.exit_code == 0, result.output
    assert "No match." in result.stderr
    assert "the store keeps the data in named graphs" in result.stderr
    assert f"{named_only.query_url}?union-default-graph" in result.stderr
    union = invoke(runner, "sources-by-category", "--endpoint",
                   named_only.query_url + "?union-default-graph")
    assert union.exit_code == 0, union.output
    assert "feminita" in union.stdout and "named graphs" not in union.stderr
