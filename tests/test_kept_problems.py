"""What the cache keeps of the problems and statistics comes back as found: the problems with
their equal values shared (:func:`kzgraph.engine.summaries.shared_problems`, so that a kept
bucket unpickles fast) and the distinct objects merged only when asked for
(:class:`kzgraph.graph.describe.Statistics`)."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

from conftest import BASE, CONTENT, replace_in
from kzgraph.check.validate import ShaclDetail
from kzgraph.cli import cli
from kzgraph.config import Settings
from kzgraph.engine.summaries import shared_problems
from kzgraph.engine.parts import MESSAGE_LANGUAGES
from kzgraph.engine.pipeline import check
from kzgraph.errors import WARNING, Problem, msg
from kzgraph.graph.describe import Statistics
from kzgraph.vocab import SH


def _broken(tmp_path: Path) -> Path:
    """The sample content with problems of every stage: a bad date and a bad homepage (SHACL
    results with values), a missing translation (a coverage warning), a misspelt key and a
    bad front matter (load problems with values in their messages)."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    replace_in(content / "sources/zakon_kz/index.md", "date: 2023-12-03", "date: 2023-13-45")
    replace_in(content / "sources/zakon_kz/index.md", 'homepage: "https://', 'homepage: "ftp://')
    (content / "sources/batyr_jamal/index.ru.md").unlink()
    replace_in(content / "sources/batyr_jamal/index.md", "title:", "titel: x\ntitle:")
    (content / "sources/broken").mkdir()
    (content / "sources/broken/index.md").write_text("---\ntitle: [unclosed\n---\nBody.\n",
                                                      encoding="utf-8")
    return content


def _same(found: list[Problem], kept: list[Problem]) -> None:
    """Field by field, of the same types, rendered alike in every message language, with the
    same SHACL details (as RDF terms too)."""
    assert len(found) == len(kept)
    for a, b in zip(found, kept):
        assert vars(a).keys() == vars(b).keys()
        for name, value in vars(a).items():
            other = vars(b)[name]
            assert type(other) is type(value) and other == value, (name, value, other)
        if a.detail is not None:
            assert a.detail.plain() == b.detail.plain()
            assert [type(t) for t in a.detail._all()] == [type(t) for t in b.detail._all()]
        for lang in MESSAGE_LANGUAGES:
            assert a.render(lang) == b.render(lang)


@pytest.mark.parametrize("lang", MESSAGE_LANGUAGES)
def test_shared_problems_are_the_problems_found(tmp_path, lang):
    """Real problems (Message texts with values, SHACL details with typed and language-tagged
    values), in each message language: shared and pickled, they come back as found, and the
    pickle is smaller (the values met again are written once)."""
    found = check(Settings(base=BASE, content=_broken(tmp_path)), lang, cache=False).problems
    stages = {p.stage for p in found}
    assert {"load", "shacl"} <= stages and any(p.text is not None for p in found)
    assert any(p.detail is not None and p.detail.value is not None for p in found)
    # the same problem met in several parts (as the buckets hold them): made apart, shared
    doubled = found + pickle.loads(pickle.dumps(found))
    shared = shared_problems(doubled)
    _same(doubled, shared)
    _same(doubled, pickle.loads(pickle.dumps(shared)))
    assert len(pickle.dumps(shared)) < 0.75 * len(pickle.dumps(doubled))


def test_values_equal_but_of_other_types_are_not_shared():
    """1 and True, a URIRef and its string are equal, but print or type differently: sharing
    keeps each as it was."""
    detail = ShaclDetail(SH.DatatypeConstraintComponent, URIRef("https://x/shape"), None,
                         Literal("1"), SH.Warning, (Literal("m", lang="en"),))
    problems = [Problem("a.md", 1, None, msg("{n} of them", n=1), severity=WARNING),
                Problem("a.md", 1, None, msg("{n} of them", n=True), severity=WARNING),
                Problem("a.md", 2, "k", "text", focus="https://x/a", detail=detail),
                Problem("a.md", 2, "k", "text", focus=URIRef("https://x/a"), detail=detail)]
    shared = pickle.loads(pickle.dumps(shared_problems(problems)))
    assert [p.message for p in shared] == ["1 of them", "True of them", "text", "text"]
    assert [type(p.focus) for p in shared] == [type(None), type(None), str, URIRef]
    _same(problems, shared)


def test_statistics_merge_their_objects_when_asked(tmp_path):
    """Statistics added from the cache (their objects as bytes) merge them when first asked
    for: the same figures as statistics added as made, pickled alike."""
    made = [Statistics(triples=1, subjects=1, objects={1, 2, 3}, languages={"en"}),
            Statistics(triples=2, subjects=2, objects={3, 4}, countries={"https://x/kz"})]
    eager, lazy = Statistics(), Statistics()
    for stats in made:
        eager.add(stats)
        lazy.add(pickle.loads(pickle.dumps(stats)))
    assert lazy.triples == 3 and lazy._pending  # nothing merged yet
    assert lazy == eager and lazy.objects == {1, 2, 3, 4} and not lazy._pending
    assert pickle.loads(pickle.dumps(lazy)) == eager
    again = Statistics()
    again.add(pickle.loads(pickle.dumps(lazy)))
    again.add(Statistics(objects={9}))
    assert len(again.objects) == 5


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "turtle"])
def test_a_kept_validation_reports_what_a_fresh_one_does(tmp_path, fmt):
    """``validate`` from a warm cache (its problems kept by buckets, shared) prints what a run
    from nothing prints, in every message language and report format."""
    content = _broken(tmp_path)
    for lang in MESSAGE_LANGUAGES:
        outputs = []
        for cache in ("kept", "kept", "fresh-" + lang):
            result = CliRunner().invoke(cli, ["validate", "-c", str(content), "--lang", lang,
                                              "--format", fmt, "--cache", str(tmp_path / cache)])
            assert result.exit_code == 1, result.output
            outputs.append(result.output)
        assert outputs[0] == outputs[1] == outputs[2]
