"""The benchmark content generator: what it writes is real kzgraph content (it loads, maps and
validates clean), its deliberate violations are reported where its manifest says, and the same
seed gives the same bytes. Plus a small run of the benchmark runner, so it keeps working."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.corpus import CATEGORIES
from benchmarks.generate import (REPO_CONTENT, VIOLATION_KINDS, GenerateError, build_corpus,
                                 generate, main)
from kzgraph.config import Settings
from kzgraph.errors import ERROR
from kzgraph.engine.pipeline import check, load_and_map
from kzgraph.vocab import DCTERMS, KZ, RDF

BASE = "https://kzgraph.example/"
#: a digest of the light profile's files for (1234 pages, seed 3, 5 violations): change it
#: only with a change to the light profile made on purpose
LIGHT_1234_SEED_3 = "7e786870c35d4eda"


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> tuple[Path, object]:
    """120 generated pages, checked once (load, map and pyshacl)."""
    root = tmp_path_factory.mktemp("clean") / "content"
    generate(root, 120, seed=7)
    return root, check(Settings(base=BASE, content=root))


def test_clean_corpus_has_no_problems_at_all(clean):
    root, result = clean
    assert sorted(map(str, result.problems)) == []
    assert len(list(root.rglob("*.md"))) == 120


def test_clean_corpus_looks_like_ours(clean):
    root, result = clean
    g = load_and_map(Settings(base=BASE, content=root)).mapped.graph
    # the real category and perspective schemes, byte for byte
    for folder in ("categories", "perspectives"):
        for path in (REPO_CONTENT / folder).rglob("*.md"):
            assert (root / path.relative_to(REPO_CONTENT)).read_bytes() == path.read_bytes()
    sources = set(g.subjects(RDF.type, KZ.Source))
    guides = set(g.subjects(RDF.type, KZ.Guide))
    assert len(guides) >= 3 and len(sources) >= 20
    # every one of the nine categories has sources
    used = {str(c).rsplit("/", 1)[1] for c in g.objects(None, KZ.category)}
    assert used == set(CATEGORIES)
    # two or three language versions of every source, with a title in each
    for source in sources:
        langs = {t.language for t in g.objects(source, DCTERMS.title)}
        assert len(langs) in (2, 3) and langs <= {"en", "ru", "kk"}, source
    # each guide mentions every source of its country, and nothing else
    for guide in guides:
        (country,) = set(g.objects(guide, KZ.country))
        covering = {s for s in sources if (s, KZ.country, country) in g}
        assert set(g.objects(guide, KZ.mentions)) == covering, guide


def _expected(manifest: dict, folder: str) -> set[tuple[str, str | None, int]]:
    return {(f"{folder}/{rel}", entry["key"], entry["lines"][rel])
            for entry in manifest["violations"] for rel in entry["files"]}


def test_violations_are_reported_where_the_manifest_says(tmp_path):
    root = tmp_path / "broken"
    corpus = generate(root, 150, seed=3, violations=len(VIOLATION_KINDS))
    manifest = json.loads((tmp_path / "broken.violations.json").read_text(encoding="utf-8"))
    assert manifest == corpus.manifest
    assert Counter(e["kind"] for e in manifest["violations"]) == Counter(VIOLATION_KINDS)
    result = check(Settings(base=BASE, content=root))
    found = {(p.path, p.key, p.line) for p in result.problems if p.severity == ERROR}
    assert found == _expected(manifest, "broken")
    # the one warning: the source whose Russian file does not load has no Russian title
    unreadable = {rel.split("/")[1] for e in manifest["violations"] if e["kind"] == "broken_yaml"
                  for rel in e["files"]}
    assert not [p for p in result.problems if p.severity != ERROR and not (
        "no Russian version" in p.message and p.path.split("/")[2] in unreadable)]
    stages = {(p.path, p.key): p.stage for p in result.problems}
    for entry in manifest["violations"]:
        for rel in entry["files"]:
            assert stages[(f"broken/{rel}", entry["key"])] == entry["stage"], entry


def test_violations_change_only_the_files_they_name():
    clean = build_corpus(150, seed=3)
    broken = build_corpus(150, seed=3, violations=7)
    named = {rel for e in broken.manifest["violations"] for rel in e["files"]}
    changed = {rel for rel in clean.files if clean.files[rel] != broken.files[rel]}
    assert changed == named and len(named) >= 7


def test_the_same_seed_gives_the_same_bytes(tmp_path):
    generate(tmp_path / "a", 90, seed=11, violations=3)
    generate(tmp_path / "b", 90, seed=11, violations=3)
    a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*")
         if p.is_file()}
    b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*")
         if p.is_file()}
    assert a == b and len(a) == 90
    assert (tmp_path / "a.violations.json").read_bytes() == \
        (tmp_path / "b.violations.json").read_bytes()
    assert build_corpus(90, seed=12).files != build_corpus(90, seed=11).files


@pytest.mark.parametrize("pages", [50, 51, 97, 333, 1234])
def test_the_page_count_is_exact(pages):
    corpus = build_corpus(pages)
    assert len(corpus.files) == corpus.stats["pages"] == pages


def test_what_cannot_be_made_is_refused(tmp_path):
    with pytest.raises(GenerateError, match="too few"):
        build_corpus(40)
    with pytest.raises(GenerateError, match="Ask for more pages"):
        build_corpus(60, violations=40)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("x")
    with pytest.raises(GenerateError, match="not empty"):
        generate(tmp_path / "full", 60)
    assert (tmp_path / "full" / "keep.txt").exists()


def test_command_line(tmp_path, capsys):
    assert main(["--pages", "70", "--out", str(tmp_path / "c"), "--violations", "2"]) == 0
    assert len(list((tmp_path / "c").rglob("*.md"))) == 70
    assert "Wrote 70 pages" in capsys.readouterr().err
    assert len(json.loads((tmp_path / "c.violations.json").read_text())["violations"]) == 2
    assert main(["--pages", "10", "--out", str(tmp_path / "d")]) == 2


def test_runner_times_stages_and_reports_a_failing_one(tmp_path):
    """A small real run: each stage in its own forked process; a stage that fails (build
    refuses content with errors) is reported and the others still run."""
    from benchmarks.run import compare, run_stages, summarise
    from benchmarks.stages import select

    root = tmp_path / "content"
    generate(root, 60, seed=1, violations=1)
    stages = select("floor,load,export_ntriples,base_ntriples,build")
    raw = run_stages(stages, root, repeat=2, isolation="fork", base=BASE, timeout=300,
                     scratch=tmp_path, progress=False)
    summary = {s.name: summarise(s, raw["runs"][s.name]) for s in stages}
    for name in ("floor", "load", "export_ntriples", "base_ntriples"):
        s = summary[name]
        assert s["status"] == "ok" and s["ok"] == 2, s
        assert s["min_s"] <= s["median_s"] <= s["max_s"] and s["peak_rss_mb"] > 0
    assert summary["floor"]["extra"]["files"] == 60
    assert summary["build"]["status"] == "error"
    assert "ContentError" in summary["build"]["error"]
    ratio = compare(summary)["ratios"]["export_ntriples"]
    assert ratio["vs"] == "base_ntriples"
    assert ratio["ratio"] == pytest.approx(summary["export_ntriples"]["median_s"]
                                           / summary["base_ntriples"]["median_s"])


def test_runner_reports_a_runs_memory_as_its_summary_counts_it(capsys, monkeypatch):
    """The progress line of a run and the summary give the same memory: the largest sum over
    the process tree when the stage starts processes (``kzgraph query`` in a new process
    peaks there, not in the small process that waits for it: the progress line used to show
    44 MB for a first query the summary counted at 729 MB)."""
    from benchmarks import run as runner
    from benchmarks.stages import STAGES

    record = {"type": "run", "stage": "query_first", "status": "ok", "wall_s": 18.2,
              "cpu_s": 0.1, "children_cpu_s": 22.0, "peak_rss_mb": 44.0,
              "tree_peak_pss_mb": 729.0, "start_rss_mb": 40.0, "extra": {}}
    alone = {**record, "stage": "floor", "peak_rss_mb": 300.0}
    del alone["tree_peak_pss_mb"]
    assert runner.run_peak_mb(record) == 729.0
    assert runner.run_peak_mb(alone) == 300.0
    assert runner.summarise(STAGES["query_first"], [record])["peak_rss_mb"] == 729.0

    def worker(args, timeout, on_record):
        on_record(record)
        return [record], ""

    monkeypatch.setattr(runner, "_worker", worker)
    runner.run_stages([STAGES["query_first"]], Path("content"), repeat=1, isolation="fork",
                      base=BASE, timeout=10, scratch=Path("."))
    assert "query_first: 18.20 s, 729 MB" in capsys.readouterr().err


# -- the heavy profile ---------------------------------------------------------------------------

def _front(text: str) -> str:
    from kzgraph.content.load import BOUNDARY

    opening = BOUNDARY.match(text)
    closing = BOUNDARY.search(text, opening.end())
    return text[opening.end():closing.start()].lstrip("\n")


def test_heavy_front_matter_reads_as_meant_and_half_takes_no_fast_path():
    """Every heavy file's front matter, read by YAML, gives exactly the values the generator
    meant (plain scalars, block lists and folded text round-trip); about 45% of the files are
    in the quoted style (the loader's fast path), the rest in the styles editors write."""
    import yaml

    from kzgraph.content.load import _Loader

    corpus = build_corpus(2000, seed=4, profile="heavy")
    assert len(corpus.files) == 2000
    styles = Counter()
    for rel, page in corpus.texts.items():
        front = _front(corpus.files[rel].decode("utf-8"))
        assert yaml.load(front, Loader=_Loader) == page.values, rel
        styles["block list"] += "\n  - " in front
        styles["folded"] += ": >-\n" in front
        styles["comment"] += "#" in front.replace("# ", "#") and any(
            line.lstrip().startswith("#") or "  # " in line for line in front.split("\n"))
        styles["plain title"] += front.startswith("title: ") and not front.startswith('title: "')
    quoted = corpus.stats["quoted_style_pages"] / len(corpus.texts)
    assert 0.38 < quoted < 0.52, quoted
    for style, n in styles.items():
        assert n > 150, (style, n)


def test_heavy_corpus_is_clean_kzgraph_content_with_link_heavy_guides(tmp_path):
    root = tmp_path / "content"
    corpus = generate(root, 1500, seed=2, profile="heavy")
    result = check(Settings(base=BASE, content=root))
    # pages in one language, or without English or Russian, get the shapes' language-coverage
    # warning, as such pages written by editors do; nothing else is reported
    others = [str(p) for p in result.problems if "This page has no " not in p.message]
    assert others == [] and result.ok
    g = load_and_map(Settings(base=BASE, content=root)).mapped.graph
    guides = set(g.subjects(RDF.type, KZ.Guide))
    assert corpus.stats["guide_pages"] == 15
    assert all(50 <= len(set(g.objects(guide, KZ.mentions))) <= 300 for guide in guides)
    langs = Counter(len({t.language for t in g.objects(s, DCTERMS.title)})
                    for s in g.subjects(RDF.type, KZ.Source))
    assert set(langs) == {1, 2, 3, 4}
    contributors = Counter(len(set(g.objects(s, DCTERMS.contributor)))
                           for s in g.subjects(RDF.type, KZ.Source))
    assert max(contributors) == 4


def test_heavy_violations_are_reported_where_the_manifest_says(tmp_path):
    root = tmp_path / "broken"
    corpus = generate(root, 900, seed=3, violations=len(VIOLATION_KINDS), profile="heavy")
    result = check(Settings(base=BASE, content=root))
    found = {(p.path, p.key, p.line) for p in result.problems if p.severity == ERROR}
    assert found == _expected(corpus.manifest, "broken")


def test_the_light_profile_is_unchanged_by_the_heavy_one():
    """The light profile's bytes are what they were before the heavy profile existed (the
    runner's and the tests' corpora stay comparable)."""
    import hashlib

    digest = hashlib.sha256()
    for rel, data in build_corpus(1234, seed=3, violations=5).files.items():
        digest.update(rel.encode() + data)
    assert digest.hexdigest()[:16] == LIGHT_1234_SEED_3
