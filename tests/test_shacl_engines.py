"""Our shapes mean the same to a second SHACL engine: pyshacl (what ``kzgraph validate`` runs) and
Jena SHACL give the same conformance and the same results, on the real content and on each broken
copy of it in ``broken_cases.py``.

The data graph is what ``validate`` checks: the mapped graph with the ontology mixed in (pyshacl
gets the ontology as ``ont_graph``, with no inference; Jena gets both in one Turtle file).
Results are compared as (focus node, path, value, severity, constraint component) multisets.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.term import Node

import tools
from broken_cases import CASES, broken_copy
from conftest import BASE, CONTENT
from kzgraph.config import Settings
from kzgraph.engine.pipeline import load_and_map
from kzgraph.resources import shapes_file
from kzgraph.check.validate import load_ontology, run_shacl
from kzgraph.vocab import SH

REAL = "real-content"
NAMES = [REAL] + [case.name for case in CASES]

Result = tuple[str, ...]


@dataclass
class Verdict:
    """One engine's answer: whether the data conforms and its results."""

    conforms: bool
    results: Counter[Result]


def _n3(node: Node | None) -> str:
    return "-" if node is None else node.n3()


def verdict(report: Graph) -> Verdict:
    """Read a SHACL validation report, whoever wrote it."""
    [conforms] = list(report.objects(None, SH.conforms))
    results = Counter(
        tuple(_n3(report.value(r, p)) for p in (SH.focusNode, SH.resultPath, SH.value,
                                                SH.resultSeverity, SH.sourceConstraintComponent))
        for r in report.objects(None, SH.result))
    return Verdict(bool(conforms.toPython()), results)


@dataclass
class Outcome:
    pyshacl: Verdict
    jena: Verdict


@pytest.fixture(scope="session")
def outcomes(tmp_path_factory) -> dict[str, Outcome]:
    """Every data graph validated by both engines (all the Jena runs in one JVM)."""
    tools.need(tools.jena_installed(), "Apache Jena (with java)", tools.APT_HINT)
    work = tmp_path_factory.mktemp("shacl-engines")
    classpath = tools.jena_classpath(work / "cache")
    ontology = load_ontology()
    folders = {REAL: CONTENT}
    for case in CASES:
        folders[case.name] = broken_copy(case, CONTENT, work / case.name / "content")
    pyshacl: dict[str, Verdict] = {}
    commands = []
    for name, folder in folders.items():
        data = load_and_map(Settings(base=BASE, content=folder)).mapped.graph
        _, report = run_shacl(data, ontology=ontology)
        pyshacl[name] = verdict(report)
        data_file = work / f"{name}.ttl"
        (data + ontology).serialize(data_file, format="turtle", encoding="utf-8")
        commands.append(tools.jena_shacl(shapes_file(), data_file))
    outcomes = {}
    for name, done in zip(folders, tools.jena_batch(classpath, commands, work / "batch")):
        assert done.returncode == 0 and "ERROR" not in done.stderr, done.explain()
        jena = verdict(Graph().parse(data=done.stdout, format="turtle"))
        outcomes[name] = Outcome(pyshacl[name], jena)
    return outcomes


@pytest.mark.parametrize("name", NAMES)
def test_engines_agree(outcomes, name):
    outcome = outcomes[name]
    assert outcome.jena.conforms == outcome.pyshacl.conforms
    assert sum(outcome.jena.results.values()) == sum(outcome.pyshacl.results.values())
    assert outcome.jena.results == outcome.pyshacl.results


def test_real_content_conforms_under_both(outcomes):
    real = outcomes[REAL]
    assert real.pyshacl.conforms and real.jena.conforms
    assert not real.pyshacl.results and not real.jena.results


@pytest.mark.parametrize("name", [case.name for case in CASES])
def test_each_broken_case_breaks_a_shape(outcomes, name):
    # the cases are worth comparing only if the shapes (not just mapping) object to them
    outcome = outcomes[name]
    assert not outcome.pyshacl.conforms and not outcome.jena.conforms
    assert outcome.pyshacl.results and outcome.jena.results


def test_enough_distinct_broken_cases():
    assert len(CASES) >= 8
    assert len({case.name for case in CASES}) == len(CASES)


def test_verdict_reads_a_report(tmp_path: Path):
    report = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        [] a sh:ValidationReport ; sh:conforms false ; sh:result [
            sh:focusNode <https://x.example/s> ; sh:resultPath <https://x.example/p> ;
            sh:resultSeverity sh:Violation ;
            sh:sourceConstraintComponent sh:MinCountConstraintComponent ] .
    """, format="turtle")
    found = verdict(report)
    assert found.conforms is False
    assert found.results == Counter({("<https://x.example/s>", "<https://x.example/p>", "-",
                                      SH.Violation.n3(), SH.MinCountConstraintComponent.n3()): 1})
