"""The build engine: parallel and cached, yet the same bytes and the same findings as a cold,
single-process build; validation identical to pyshacl on the whole graph."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.generate import generate
from kzgraph.config import Settings
from kzgraph.engine.run import Run
from kzgraph.formats.writers import closing, opening, write_spliced
from kzgraph.formats.registry import get_format
from kzgraph.engine.pipeline import build, export, load_and_map
from kzgraph.check.shacl import results_from_report
from kzgraph.check.validate import run_shacl
from conftest import BASE, replace_in

FORMATS = ("turtle", "jsonld", "ntriples", "nquads", "trig", "xml")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("engine") / "content"
    generate(root, 400, seed=11)
    return root


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _copy(corpus: Path, tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(corpus, root)
    return root


def test_parallel_equals_single_process(corpus, tmp_path):
    settings = Settings(base=BASE, content=corpus)
    one = build(settings, tmp_path / "one", cache=False, jobs=1)
    two = build(settings, tmp_path / "two", cache=False, jobs=2)
    assert one.ok and two.ok and one.rebuilt == two.rebuilt == one.parts > 100
    assert _files(tmp_path / "one") == _files(tmp_path / "two")


def test_pieces_appended_part_by_part_equal_one_write_a_batch(corpus, tmp_path, monkeypatch):
    """A worker appends each part's pieces as soon as the part is made (holding a batch's
    texts cost a worker 300 MB on a batch of guides), in writes of about a megabyte: where a
    write ends must not matter. Pieces written one at a time, by a cold build and by the
    texts-only path (a build after ``validate``), give the bytes of a build that writes each
    batch's pieces at once."""
    from kzgraph.engine import run as engine_run
    from kzgraph.engine.pipeline import check

    settings = Settings(base=BASE, content=corpus)
    monkeypatch.setattr(engine_run._Pieces, "_FLUSH", 1 << 30)
    batch = build(settings, tmp_path / "batch", cache=False, jobs=2)
    monkeypatch.setattr(engine_run._Pieces, "_FLUSH", 1)
    each = build(settings, tmp_path / "each", cache=False, jobs=2)
    assert check(settings, cache=tmp_path / "cache", jobs=2).ok
    texts = build(settings, tmp_path / "texts", cache=tmp_path / "cache", jobs=2)
    assert batch.ok and batch.rebuilt == each.rebuilt == batch.parts > 100
    assert texts.rebuilt == 0 and texts.rewritten == batch.parts
    assert _files(tmp_path / "batch") == _files(tmp_path / "each") == _files(tmp_path / "texts")


def test_rebuild_after_one_edit_redoes_one_part_and_matches_a_cold_build(corpus, tmp_path):
    root = _copy(corpus, tmp_path)
    settings = Settings(base=BASE, content=root)
    cache = tmp_path / "cache"
    first = build(settings, tmp_path / "warm", cache=cache)
    assert first.rebuilt == first.parts
    [page] = sorted(root.glob("sources/*/index.ru.md"))[:1]
    text = page.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title: "))
    replace_in(page, title, 'title: "Изменено"')
    again = build(settings, tmp_path / "warm", cache=cache)
    assert again.rebuilt == 1
    cold = build(settings, tmp_path / "cold", cache=False)
    assert _files(tmp_path / "warm") == _files(tmp_path / "cold")
    assert "Изменено" in (tmp_path / "warm" / "kzgraph.nt").read_text(encoding="utf-8")
    assert again.stats.triples == cold.stats.triples


def test_removing_a_source_reaches_the_guides_that_link_it(corpus, tmp_path):
    root = _copy(corpus, tmp_path)
    settings = Settings(base=BASE, content=root)
    cache = tmp_path / "cache"
    with Run(settings, cache_dir=cache) as run:
        assert run.check().ok
    guide = next(root.glob("guides/*/index.md"))
    linked = next(line for line in guide.read_text(encoding="utf-8").splitlines()
                  if "/sources/sources/" in line)
    slug = linked.split("/sources/sources/")[1].split("/")[0]
    shutil.rmtree(root / "sources" / slug)
    with Run(settings, cache_dir=cache) as run:
        warm = run.check()
    with Run(settings, cache_dir=False) as run:
        cold = run.check()
    assert not warm.ok
    assert any(f"no source '{slug}'" in p.message for p in warm.problems)
    assert warm.problems == cold.problems and warm.results == cold.results


def test_engine_results_equal_pyshacl_on_a_corpus_with_violations(tmp_path):
    root = tmp_path / "content"
    generate(root, 500, seed=5, violations=30)
    settings = Settings(base=BASE, content=root)
    with Run(settings, cache_dir=False, jobs=2) as run:
        ours = Counter(run.check().results)
    _, report = run_shacl(load_and_map(settings).mapped.graph)
    theirs = Counter(r.key() for r in results_from_report(report))
    assert sum(theirs.values()) >= 10
    assert ours == theirs


def test_a_different_base_empties_the_cache(corpus, tmp_path):
    cache = tmp_path / "cache"
    with Run(Settings(base=BASE, content=corpus), cache_dir=cache) as run:
        run.check()
    with Run(Settings(base="https://other.example/", content=corpus), cache_dir=cache) as run:
        outcome = run.check()
        assert outcome.rebuilt == outcome.parts
        assert "https://other.example/" in "".join(run.texts("ntriples"))


def test_a_tampered_output_is_rewritten_not_spliced(corpus, tmp_path):
    """Pieces are copied from the last output only while it is exactly as written."""
    root = _copy(corpus, tmp_path)
    settings = Settings(base=BASE, content=root)
    cache = tmp_path / "cache"
    out = tmp_path / "public"
    build(settings, out, cache=cache)
    nt = out / "kzgraph.nt"
    nt.write_bytes(nt.read_bytes().replace(b"<https://", b"<http://", 1))
    page = sorted(root.glob("sources/*/index.md"))[3]
    title = next(l for l in page.read_text(encoding="utf-8").splitlines() if l.startswith("title:"))
    replace_in(page, title, 'title: "Tampered?"')
    build(settings, out, cache=cache)
    build(settings, tmp_path / "cold", cache=False)
    assert _files(out) == _files(tmp_path / "cold")


def test_a_damaged_cache_is_replaced(corpus, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "chunks.sqlite").write_bytes(b"not a database" * 100)
    with Run(Settings(base=BASE, content=corpus), cache_dir=cache) as run:
        outcome = run.check()
    assert outcome.ok and outcome.rebuilt == outcome.parts


def test_pieces_come_from_the_files_written_last_while_they_are_as_written(corpus, tmp_path):
    """The cache keeps no copy of the pieces: a build copies them from the files it wrote last
    (built into another folder, exported, or pushed), and makes a part again only when its
    piece lies in no such file still as written."""
    settings = Settings(base=BASE, content=corpus)
    cache = tmp_path / "cache"
    first = build(settings, tmp_path / "a", cache=cache)
    assert first.rebuilt == first.parts
    # another folder: the pieces are copied from the first build's files
    second = build(settings, tmp_path / "b", cache=cache)
    assert second.rebuilt == 0 and _files(tmp_path / "a") == _files(tmp_path / "b")
    data, _ = export(settings, get_format("jsonld"), cache=cache)
    assert data == (tmp_path / "b" / "kzgraph.jsonld").read_bytes()
    # both folders gone: every part's texts are made again (its other rows are current:
    # none is validated again), and the output is still the same
    shutil.rmtree(tmp_path / "a")
    shutil.rmtree(tmp_path / "b")
    third = build(settings, tmp_path / "c", cache=cache)
    assert third.rebuilt == 0 and third.rewritten == third.parts
    cold = build(settings, tmp_path / "cold", cache=False)
    assert _files(tmp_path / "c") == _files(tmp_path / "cold")
    assert cold.rebuilt == cold.parts


def test_pieces_written_on_another_filesystem_are_copied_all_the_same(corpus, tmp_path):
    """Workers write pieces in a scratch folder; on another filesystem than the output (the
    kernel refuses copy_file_range across some) they are read and written instead."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or shm.stat().st_dev == tmp_path.stat().st_dev:
        pytest.fail("this test needs /dev/shm on a filesystem of its own")
    settings = Settings(base=BASE, content=corpus)
    with Run(settings, formats=["nquads"], cache_dir=False, scratch=shm) as run:
        run.check()
        assert run.scratch is not None and run.scratch.parent == shm
        written, _ = write_spliced(tmp_path / "out.nq", "nquads", run.pieces_of("nquads"), [])
    assert not any(shm.glob("kzgraph-pieces-*")), "the scratch folder is removed"
    body = "".join(_texts(settings, "nquads"))
    assert (tmp_path / "out.nq").read_text(encoding="utf-8") == \
        opening("nquads") + body + closing("nquads")
    assert written == (tmp_path / "out.nq").stat().st_size


def _texts(settings: Settings, fmt: str) -> list[str]:
    with Run(settings, formats=[fmt], cache_dir=False) as run:
        run.check()
        return list(run.texts(fmt))


def test_a_warm_check_finds_what_a_cold_one_finds_after_edits(tmp_path):
    """Problems, results and statistics are summed by buckets of parts and kept between
    runs; after edits (one fixing nothing, one adding a violation, one removing a page) a
    warm run reports exactly what a run with no cache reports."""
    root = tmp_path / "content"
    generate(root, 500, seed=5, violations=30)
    settings = Settings(base=BASE, content=root)
    cache = tmp_path / "cache"

    def outcome(cache_dir):
        with Run(settings, cache_dir=cache_dir, formats=()) as run:
            got = run.check("ru")
            return got, run.reference, run.files

    first, _, _ = outcome(cache)
    assert first.problems and first.rebuilt == first.parts
    pages = sorted(root.glob("sources/*/index.md"))
    replace_in(pages[0], "title:", "title_typo:")  # a key kzgraph does not know: an error
    shutil.rmtree(pages[1].parent)
    warm, warm_reference, warm_files = outcome(cache)
    cold, cold_reference, cold_files = outcome(False)
    assert 0 < warm.rebuilt < warm.parts // 4  # the edited page and the guides (links)
    assert warm.problems == cold.problems and warm.results == cold.results
    assert warm.problems != first.problems
    assert warm.stats == cold.stats
    assert warm_reference == cold_reference and warm_files == cold_files


def test_files_deleted_after_they_were_written_do_not_crowd_out_the_build(corpus, tmp_path):
    """Each `kzgraph query` exports the union to a temporary file (remembered, then deleted):
    the build's files stay the ones pieces are copied from."""
    settings = Settings(base=BASE, content=corpus)
    cache = tmp_path / "cache"
    build(settings, tmp_path / "public", cache=cache, formats=["ntriples"])
    for n in range(3):
        temporary = tmp_path / f"query-{n}.nt"
        with Run(settings, formats=["ntriples"], cache_dir=cache) as run:
            assert run.check().rebuilt == 0
        from kzgraph.engine.pipeline import export_file
        export_file(settings, get_format("ntriples"), temporary, cache=cache)
        temporary.unlink()
    with Run(settings, formats=["ntriples"], cache_dir=cache) as run:
        assert run.check().rebuilt == 0


def test_a_file_is_hashed_while_it_is_written(corpus, tmp_path, monkeypatch):
    """write_spliced's checksum reads each stretch back as it is written: with stretches of a
    few bytes (many of them, pieces copied and text written in turn) the digest is the file's
    SHA-256; and a write that fails stops the reader and leaves no file."""
    import hashlib

    import kzgraph.formats.writers as writers

    monkeypatch.setattr(writers, "_STRETCH", 997)
    settings = Settings(base=BASE, content=corpus)
    with Run(settings, formats=["nquads"], cache_dir=False) as run:
        run.check()
        pieces = run.pieces_of("nquads")
        checksum = hashlib.sha256()
        size, _ = write_spliced(tmp_path / "out.nq", "nquads", pieces, ["<a:s> <a:p> <a:o> .\n"],
                                checksum)
        data = (tmp_path / "out.nq").read_bytes()
        assert size == len(data) > 100 * 997
        assert checksum.hexdigest() == hashlib.sha256(data).hexdigest()

        def failing_tail():
            yield "<a:s> <a:p> <a:o> .\n"
            raise RuntimeError("the tail failed")

        with pytest.raises(RuntimeError, match="the tail failed"):
            write_spliced(tmp_path / "failed.nq", "nquads", pieces, failing_tail(),
                          hashlib.sha256())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.nq"]
