"""The query store: made by the first query, kept current by every build after, equal to the
published data after edits, moves and deletions; a query on stale content says so."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from benchmarks.generate import generate
from conftest import BASE, replace_in
from kzgraph.engine import querystore
from kzgraph.engine.cache import Cache
from kzgraph.engine.cachedirs import default_cache_dir
from kzgraph.engine.pipeline import build
from kzgraph.cli import cli
from kzgraph.config import Settings
from kzgraph.query.engines import from_content
from kzgraph.query.sparql import prepare


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("querystore") / "content"
    generate(root, 300, seed=21, profile="heavy")
    return root


def _store_triples(settings: Settings) -> set[ox.Triple]:
    opened = querystore.open_store(default_cache_dir(settings), Cache.fingerprint_of(settings),
                                   settings)
    assert opened is not None, "no current query store"
    assert opened.changed == []
    triples = {ox.Triple(q.subject, q.predicate, q.object)
               for q in opened.store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert not list(opened.store.named_graphs())
    return triples


def _published(folder: Path) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(path=str(folder / "kzgraph.nt"), format=ox.RdfFormat.N_TRIPLES)}


def _move(root: Path, kind: str, old: str, new: str) -> None:
    """Rename a folder and every link to it (as an editor moving a page would)."""
    (root / kind / old).rename(root / kind / new)
    for page in root.glob("guides/*/index*.md"):
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace(f"/{kind}/{kind}/{old}/", f"/{kind}/{kind}/{new}/"),
                        encoding="utf-8")


def _delete(root: Path, slug: str) -> None:
    """Remove a source and the guide lines that link to it."""
    shutil.rmtree(root / "sources" / slug)
    for page in root.glob("guides/*/index*.md"):
        lines = page.read_text(encoding="utf-8").split("\n")
        page.write_text("\n".join(x for x in lines if f"/sources/sources/{slug}/" not in x),
                        encoding="utf-8")


def test_the_store_equals_the_published_data_after_every_incremental_build(corpus, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(corpus, root)
    settings = Settings(base=BASE, content=root)
    out = tmp_path / "public"
    build(settings, out)
    # a build does not make a store from nothing: the first query does
    assert querystore.open_store(default_cache_dir(settings), Cache.fingerprint_of(settings),
                                 settings) is None
    engine, problems = from_content(settings)
    assert not [p for p in problems if p.severity == "error"]
    assert _store_triples(settings) == _published(out)
    sources = sorted(p.name for p in (root / "sources").iterdir())
    # an edit (a title, a list value and a body), a move, a deletion, a new page, a guide
    page = sorted((root / "sources" / sources[3]).glob("index*.md"))[0]
    text = page.read_text(encoding="utf-8")
    title = next(line for line in text.split("\n") if line.startswith("title:"))
    replace_in(page, title, 'title: "Edited title"')
    with open(page, "a", encoding="utf-8") as handle:
        handle.write("\nOne more sentence.\n")
    steps = [
        lambda: None,
        lambda: _move(root, "sources", sources[7], sources[7] + "-moved"),
        lambda: _delete(root, sources[11]),
        lambda: shutil.copytree(root / "sources" / sources[20],
                                root / "sources" / "a-new-source"),
        lambda: [p.write_text(p.read_text(encoding="utf-8").replace(
            "\n## ", "\nAn added line.\n\n## ", 1), encoding="utf-8")
            for p in sorted(root.glob("guides/*/index.md"))[:1]],
    ]
    for step in steps:
        step()
        outcome = build(settings, out)
        assert outcome.ok and outcome.rebuilt < outcome.parts / 4
        assert _store_triples(settings) == _published(out)
    # a cold build of the same content publishes the same triples the store holds
    cold = build(settings, tmp_path / "cold", cache=False)
    assert cold.ok and _published(tmp_path / "cold") == _store_triples(settings)


def test_a_build_that_changes_most_parts_makes_the_store_afresh(corpus, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(corpus, root)
    settings = Settings(base=BASE, content=root)
    from_content(settings)
    for page in root.glob("sources/*/index*.md"):
        with open(page, "a", encoding="utf-8") as handle:
            handle.write("\nTouched.\n")
    outcome = build(settings, tmp_path / "public")
    assert outcome.rebuilt > outcome.parts / 2
    assert _store_triples(settings) == _published(tmp_path / "public")


def test_a_query_on_changed_content_answers_from_the_store_and_says_it_is_stale(
        corpus, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(corpus, root)
    runner = CliRunner()
    first = runner.invoke(cli, ["query", "category-source-counts", "-f", "tsv",
                                "--content", str(root)])
    assert first.exit_code == 0, first.output
    assert "stale" not in first.stderr
    page = sorted(root.glob("sources/*/index.md"))[0]
    with open(page, "a", encoding="utf-8") as handle:
        handle.write("\nChanged.\n")
    second = runner.invoke(cli, ["query", "category-source-counts", "-f", "tsv",
                                 "--content", str(root)])
    assert second.exit_code == 0, second.output
    assert second.stdout == first.stdout
    assert "The query store is stale: 1 page file(s) changed since the last build" in \
        second.stderr and page.name in second.stderr
    build(Settings(base=BASE, content=root), tmp_path / "public")
    third = runner.invoke(cli, ["query", "category-source-counts", "-f", "tsv",
                                "--content", str(root)])
    assert "stale" not in third.stderr


def test_a_store_left_half_changed_is_not_used(corpus, tmp_path):
    """The state file goes before the store is changed: without it there is no store to
    open, and the next query makes one afresh."""
    root = tmp_path / "content"
    shutil.copytree(corpus, root)
    settings = Settings(base=BASE, content=root)
    from_content(settings)
    folder = querystore.store_folder(default_cache_dir(settings))
    (folder / querystore.STATE).unlink()
    assert querystore.open_store(default_cache_dir(settings), Cache.fingerprint_of(settings),
                                 settings) is None
    engine, _ = from_content(settings)
    build(settings, tmp_path / "public")
    assert _store_triples(settings) == _published(tmp_path / "public")


def test_queries_that_name_graphs_see_the_published_named_graphs(corpus, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(corpus, root)
    settings = Settings(base=BASE, content=root)
    build(settings, tmp_path / "public")
    engine, _ = from_content(settings)
    slug = sorted(p.name for p in (root / "sources").iterdir())[0]
    langs = sorted(p.name for p in (root / "sources" / slug).iterdir())
    rows = engine.run(prepare(f"SELECT DISTINCT ?g {{ GRAPH ?g {{ <sources/sources/{slug}/> "
                              "dcterms:title ?t } } ORDER BY ?g", BASE)).rows
    expected = sorted(f"{BASE}graph/sources/{slug}/"
                      + (name.split(".")[1] if name.count(".") == 2 else "en") for name in langs)
    assert [str(g) for (g,) in rows] == expected
    published = ox.Store()
    published.load(path=str(tmp_path / "public" / "kzgraph.nq"), format=ox.RdfFormat.N_QUADS)
    assert set(engine.dataset.named_graphs()) == set(published.named_graphs())


def _changed(settings: Settings) -> list[str]:
    opened = querystore.open_store(default_cache_dir(settings), Cache.fingerprint_of(settings),
                                   settings)
    assert opened is not None
    return opened.changed


def test_the_check_for_changes_finds_pages_added_removed_edited_and_moved(corpus, tmp_path):
    """It lists again only the folders whose stamp changed, and stat-s every page file: each
    kind of change is found, an edit in place (the folder's stamp unchanged) too."""
    root = tmp_path / "content"
    shutil.copytree(corpus, root)
    settings = Settings(base=BASE, content=root)
    from_content(settings)
    assert _changed(settings) == []
    slugs = sorted(p.name for p in (root / "sources").iterdir())
    edited = sorted((root / "sources" / slugs[2]).glob("index*.md"))[0]
    folder_stamp = (root / "sources" / slugs[2]).stat().st_mtime_ns
    with open(edited, "a", encoding="utf-8") as handle:
        handle.write("\nEdited in place.\n")
    assert (root / "sources" / slugs[2]).stat().st_mtime_ns == folder_stamp
    assert _changed(settings) == [str(edited)]
    removed = sorted((root / "sources" / slugs[4]).glob("index*.md"))
    shutil.rmtree(root / "sources" / slugs[4])
    moved = sorted((root / "sources" / slugs[6]).glob("index*.md"))
    (root / "sources" / slugs[6]).rename(root / "sources" / "a-moved-source")
    shutil.copytree(root / "sources" / slugs[8], root / "sources" / "a-new-source")
    new = sorted(str(p) for p in (root / "sources").glob("a-*/index*.md"))
    assert _changed(settings) == sorted([str(edited), *map(str, removed), *map(str, moved),
                                         *new])
    stray = root / "notes.md"  # in no page: the next build says where pages go
    stray.write_text("A stray file.\n", encoding="utf-8")
    assert str(stray) in _changed(settings)


def test_a_query_repeats_the_first_warnings_of_the_build_and_counts_the_others(
        corpus, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(corpus, root)
    settings = Settings(base=BASE, content=root)
    outcome = build(settings, tmp_path / "public")
    warnings = [p for p in outcome.problems if p.severity == "warning"]
    assert len(warnings) > querystore.PROBLEMS_KEPT
    _, problems = from_content(settings)
    assert problems[:-1] == outcome.problems[:querystore.PROBLEMS_KEPT]
    assert problems[-1].message == (
        f"... and {len(outcome.problems) - querystore.PROBLEMS_KEPT} more warning(s) from the "
        "last build; 'kzgraph validate' lists them all.")
    # a later query reads the same, from the small state file
    _, again = from_content(settings)
    assert again == problems


def test_a_later_query_imports_neither_the_build_engine_nor_the_writers(corpus, tmp_path):
    """A query on a store that exists reads a small state file and imports only what it
    runs on: not the build engine, the writers, the SHACL checks or the Markdown reader (at
    100,000 pages these imports and a whole-state pickle made a later query 5 s of CPU)."""
    import os
    import subprocess
    import sys

    root = tmp_path / "content"
    shutil.copytree(corpus, root)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    script = ("import sys\nfrom kzgraph.cli import cli\n"
              "try:\n    cli(['query', 'category-source-counts', '-f', 'tsv', '--content', "
              f"{str(root)!r}])\nexcept SystemExit:\n    pass\n"
              "print('MODULES', ' '.join(sorted(sys.modules)), file=sys.stderr)\n")
    for _ in range(2):  # the first one makes the store
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    modules = set(done.stderr.split("MODULES ", 1)[1].split())
    assert "kzgraph.query.engines" in modules and "pyoxigraph" in modules
    heavy = {"kzgraph.engine.run", "kzgraph.engine.cache", "kzgraph.engine.pipeline",
             "kzgraph.formats.writers", "kzgraph.check.validate", "kzgraph.graph.mapping",
             "kzgraph.content.load", "markdown_it", "pyshacl"}
    assert not heavy & modules, sorted(heavy & modules)
    assert "category" in done.stdout.split("\n", 1)[0]


def test_a_store_bulk_loaded_in_many_batches_holds_the_published_data(corpus, tmp_path,
                                                                      monkeypatch):
    """The bulk loader is given the pieces a batch at a time (its memory grows with what one
    call loads): batches of a few pieces make the same store as one."""
    root = tmp_path / "content"
    shutil.copytree(corpus, root)
    settings = Settings(base=BASE, content=root)
    monkeypatch.setattr(querystore, "BATCH", 20_000)
    build(settings, tmp_path / "public")
    from_content(settings)
    assert _store_triples(settings) == _published(tmp_path / "public")
