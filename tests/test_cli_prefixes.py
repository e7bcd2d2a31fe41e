"""`kzgraph prefixes`: the predeclared prefixes, which every query may use undeclared."""

from __future__ import annotations

import re

import pytest

from kzgraph.cli import cli
from kzgraph.vocab import PREFIXES
from conftest import BASE, CONTENT

LINE = re.compile(r"(BASE|PREFIX) +(\S*) +<([^>]+)>")


def listed(output: str) -> dict[str, str]:
    out = {}
    for line in output.splitlines():
        m = LINE.fullmatch(line)
        assert m, line
        out["@base" if m.group(1) == "BASE" else m.group(2).rstrip(":")] = m.group(3)
    return out


def test_lists_the_vocabularies_and_the_data_prefixes(runner):
    result = runner.invoke(cli, ["prefixes"])
    assert result.exit_code == 0, result.output
    found = listed(result.stdout)
    assert PREFIXES.items() <= found.items()
    assert found["@base"] == BASE
    assert found["category"] == BASE + "category/"
    assert found["perspective"] == BASE + "perspective/"
    assert found["country"] == BASE + "country/"
    assert found["iso639"] == "http://id.loc.gov/vocabulary/iso639-1/"


def test_follows_the_configured_base(runner, tmp_path, monkeypatch):
    (tmp_path / "kzgraph.toml").write_text('base = "https://guides.example.org/kz/"\n',
                                           encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    found = listed(runner.invoke(cli, ["prefixes"]).stdout)
    assert found["category"] == "https://guides.example.org/kz/category/"
    assert found["@base"] == "https://guides.example.org/kz/"


@pytest.mark.parametrize("prefix", sorted(PREFIXES) + ["category", "perspective", "country",
                                                       "iso639"])
def test_every_listed_prefix_works_undeclared(runner, prefix):
    """A query using the prefix without declaring it runs, and the prefix means what
    'kzgraph prefixes' says."""
    namespace = listed(runner.invoke(cli, ["prefixes"]).stdout)[prefix]
    result = runner.invoke(cli, ["query", f"SELECT (STR({prefix}:x) AS ?iri) {{}}", "-f", "csv",
                                 "--content", str(CONTENT)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["iri", namespace + "x"]


def test_a_query_declaring_its_own_prefix_keeps_it(runner):
    result = runner.invoke(cli, ["query", "PREFIX kz: <urn:mine:> SELECT (STR(kz:x) AS ?iri) {}",
                                 "-f", "csv", "--content", str(CONTENT)])
    assert result.stdout.splitlines() == ["iri", "urn:mine:x"]
    shown = runner.invoke(cli, ["query", "PREFIX kz: <urn:mine:> ASK { ?s skos:x kz:y }",
                                "--show"])
    assert shown.stdout == ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                            "PREFIX kz: <urn:mine:> ASK { ?s skos:x kz:y }\n")
