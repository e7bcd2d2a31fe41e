"""kzgraph's SHACL engine gives exactly pyshacl's results: on the real content, on every broken
case, and on a generated corpus with deliberate violations."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from benchmarks.generate import generate
from broken_cases import CASES, broken_copy
from kzgraph.config import Settings
from kzgraph.engine.pipeline import load_and_map
from kzgraph.check.shacl import results_from_report
from kzgraph.check.validate import run_engine, run_shacl
from conftest import BASE, CONTENT


def _both(content: Path) -> tuple[Counter, Counter]:
    graph = load_and_map(Settings(base=BASE, content=content)).mapped.graph
    _, report = run_shacl(graph)
    theirs = Counter(r.key() for r in results_from_report(report))
    ours = Counter(r.key() for r in run_engine(graph))
    return ours, theirs


def test_real_content(tmp_path):
    ours, theirs = _both(CONTENT)
    assert ours == theirs == Counter()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_case(case, tmp_path):
    ours, theirs = _both(broken_copy(case, CONTENT, tmp_path / "content"))
    assert theirs, "the case must break a shape"
    assert ours == theirs


def test_generated_corpus_with_violations(tmp_path):
    content = tmp_path / "content"
    generate(content, pages=600, seed=7, violations=25)
    ours, theirs = _both(content)
    assert sum(theirs.values()) >= 10, "the corpus must break shapes in several ways"
    components = {key[3].rsplit("#", 1)[1] for key in theirs}
    assert len(components) >= 3, components
    assert ours == theirs
