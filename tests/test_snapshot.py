"""The run's snapshot (kzgraph.engine.snapshot): the next run takes the last run's plan, slugs,
cache index and failed checks from it instead of working them out again, and must find and
write exactly what a run without one does."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from benchmarks.generate import generate
from conftest import BASE, CONTENT, replace_in
from kzgraph.config import Settings
from kzgraph.engine import run as run_module
from kzgraph.engine.cache import Cache
from kzgraph.engine.parts import Part
from kzgraph.engine.pipeline import build
from kzgraph.engine.run import Run
from kzgraph.engine.snapshot import Snapshot

FORMATS = ["turtle", "nquads"]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _check(settings: Settings, cache: Path | bool, lang: str = "en"):
    with Run(settings, formats=(), cache_dir=cache) as run:
        outcome = run.check(lang)
        return outcome, run.reference, run.files, [(p.key, p.names, p.places) for p in run.parts]


def _same(warm, cold) -> None:
    (w, w_ref, w_files, w_parts), (c, c_ref, c_files, c_parts) = warm, cold
    assert w.problems == c.problems and w.results == c.results
    assert w.stats == c.stats and w.coverage == c.coverage
    assert (w_ref, w_files, w_parts) == (c_ref, c_files, c_parts)


def _snapshot(cache: Path) -> Snapshot | None:
    """The snapshot the cache keeps (none while a run has it taken)."""
    with sqlite3.connect(cache / "chunks.sqlite") as db:
        kept = db.execute("SELECT v FROM meta WHERE k = 'snapshot'").fetchone()
        row = db.execute("SELECT data FROM snapshot").fetchone()
    return Snapshot.loads(row[0]) if row and kept == ("kept",) else None


def test_a_snapshot_gives_back_the_parts_and_the_index_it_was_made_of():
    parts = [Part("source/a", ["/c/sources/a/index.md", "/c/sources/a/index.ru.md"],
                  [("source", "a"), ("source", "a")]),
             Part("source/b", ["/c/sources/B/index.md"], [("source", "B")])]
    stamps = {"/c/sources/a/index.md": "1:2:3", "/c/sources/a/index.ru.md": "4:5:6",
              "/c/sources/B/index.md": "7:8:9"}
    kept = {"source/a": ("turtle,nquads", "v1"), "source/b": ("@2030-01-01", "v2")}
    made = Snapshot.of("digest", parts, stamps, kept, stray=["/c/x.md"], keys_read=True,
                       known={"source": ["a", "B"]},
                       failed=[("source/a", "v", "c", "s", "f", None)])
    again = Snapshot.loads(made.dumps())
    assert again is not None and again.parts() == parts
    assert again.files() == {name: (stamps[name], p.key) for p in parts for name in p.names}
    assert again.kept() == kept
    assert again.changed(parts, dict(stamps)) == []
    edited = {**stamps, "/c/sources/a/index.ru.md": "4:5:7"}
    assert again.changed(parts, edited) == [parts[0]]
    assert (again.stray, again.keys_read, again.known, again.failed) == \
        (["/c/x.md"], True, {"source": ["a", "B"]}, [("source/a", "v", "c", "s", "f", None)])
    assert Snapshot.loads(b"not marshal") is None
    assert Snapshot.loads(b"\xe9\x01\x00\x00\x00") is None  # another shape


def test_unchanged_content_is_not_planned_again(tmp_path, monkeypatch):
    """Right after a build nothing moved: the check takes the build's plan, slugs and failed
    checks from the snapshot, and finds what the build found."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    settings = Settings(base=BASE, content=root)
    cache = tmp_path / "cache"
    build(settings, tmp_path / "public", cache=cache, formats=FORMATS)
    first = _check(settings, cache)
    assert _snapshot(cache) is not None

    def refuse(*args, **kwargs):
        raise AssertionError("planned again")

    monkeypatch.setattr(run_module, "plan_paths", refuse)
    monkeypatch.setattr(run_module, "known_slugs", refuse)
    monkeypatch.setattr(Cache, "failed_checks", refuse)
    monkeypatch.setattr("kzgraph.check.validate.compiled_shapes", refuse)
    _same(_check(settings, cache), first)
    # an edited page: still the same plan, and no category changed
    page = sorted(root.glob("sources/*/index.md"))[0]
    replace_in(page, "title:", "title_typo:")
    monkeypatch.undo()
    monkeypatch.setattr(run_module, "plan_paths", refuse)
    monkeypatch.setattr(run_module, "known_slugs", refuse)
    edited = _check(settings, cache)
    monkeypatch.undo()
    _same(edited, _check(settings, False))
    assert edited[0].problems != first[0].problems


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("snapshot") / "content"
    generate(root, 300, seed=7, violations=20)
    return root


def _edits(root: Path, errors: bool):
    """Edits a snapshot must see through, one after another (each yields its name); with
    ``errors``, some make errors."""
    sources = sorted(root.glob("sources/*/index.md"))
    if errors:
        replace_in(sources[0], "title:", "title_typo:")
    else:
        with open(sources[0], "a", encoding="utf-8") as handle:
            handle.write("\nOne more line.\n")
    yield "a page edited in place"
    category = sorted(root.glob("categories/*/index.md"))[0]
    other = "NGO" if "NewsMediaOrganization" in category.read_text(encoding="utf-8") else \
        "NewsMediaOrganization"
    for version in sorted(category.parent.glob("*.md")):  # every language gives the same
        lines = [line for line in version.read_text(encoding="utf-8").split("\n")
                 if not line.startswith("schema_type:")]
        lines.insert(1, f'schema_type: "{other}"')
        version.write_text("\n".join(lines), encoding="utf-8")
    yield "a category's schema.org type changed (its sources' types change)"
    alone = root / "sources/alone/index.ru.md"
    alone.parent.mkdir()
    alone.write_text('---\ntitle: "Одна"\ntranslationKey: "k1"\n---\n', encoding="utf-8")
    owner = sources[2]
    for translation in owner.parent.glob("index.*.md"):
        translation.unlink()
    replace_in(owner, "---\n", '---\ntranslationKey: "k1"\n')
    yield "a translation named on its own joins a page by its translationKey"
    if errors:  # alone, the translation is a source with no category
        replace_in(alone, "k1", "k2")
        yield "the translation's key changed in place (nothing moved; it leaves the page)"
    shutil.copytree(sources[4].parent, root / "sources" / "a-copy")
    yield "a page added (a copy of another, under another name)"
    shutil.rmtree(root / "sources" / "a-copy")
    yield "the page removed"
    if errors:
        (root / "sources" / "stray.md").write_text("no front matter\n", encoding="utf-8")
        yield "a file in no part"
        linking, target = sources[5], sources[6]
        with open(linking, "a", encoding="utf-8") as handle:
            handle.write(f"\nSee [the other](/sources/{target.parent.name}/).\n")
        yield "a source's body links to another source"
        shutil.move(target.parent, root / "gone")
        yield "the source linked to is removed: the link leads nowhere"
        shutil.move(root / "gone", target.parent)
        yield "the source comes back"
    new = root / "categories" / "new-kind" / "index.md"
    new.parent.mkdir()
    new.write_text('---\ntitle: "New kind"\nschema_type: "NGO"\n---\n', encoding="utf-8")
    yield "a category added (every part may name it)"


def test_every_check_with_a_snapshot_equals_a_check_without(corpus, tmp_path):
    """After each edit, a check that starts from the last run's snapshot finds what a check
    with no cache finds."""
    root = tmp_path / "content"
    shutil.copytree(corpus, root)
    settings = Settings(base=BASE, content=root)
    cache = tmp_path / "cache"
    _check(settings, cache)
    for step in _edits(root, errors=True):
        assert _snapshot(cache) is not None, step
        cold = _check(settings, False, "ru")
        _same(_check(settings, cache, "ru"), cold)
        _same(_check(settings, cache, "ru"), cold)  # and again, with nothing changed


def test_every_build_with_a_snapshot_equals_a_cold_build(tmp_path):
    """After each edit, a build that starts from the last build's snapshot writes the bytes
    a build with no cache writes."""
    root = tmp_path / "content"
    generate(root, 200, seed=8)
    settings = Settings(base=BASE, content=root)
    cache = tmp_path / "cache"
    build(settings, tmp_path / "out", cache=cache, formats=FORMATS)
    for step in _edits(root, errors=False):
        assert _snapshot(cache) is not None, step
        build(settings, tmp_path / "out", cache=cache, formats=FORMATS)
        build(settings, tmp_path / "cold", cache=False, formats=FORMATS)
        assert _files(tmp_path / "out") == _files(tmp_path / "cold"), step


def test_a_run_stopped_half_way_leaves_no_snapshot(corpus, tmp_path):
    """A run takes the snapshot out of the cache, and its first commit makes that stick: a run
    killed after it leaves tables the snapshot no longer describes, and the next run reads
    the tables."""
    root = tmp_path / "content"
    shutil.copytree(corpus, root)
    settings = Settings(base=BASE, content=root)
    cache_dir = tmp_path / "cache"
    _check(settings, cache_dir)
    assert _snapshot(cache_dir) is not None
    cache = Cache(cache_dir, settings)
    assert cache.take_snapshot() is not None
    cache.db.commit()  # as a run's first batch of rows does; then it is killed
    cache.close()
    assert _snapshot(cache_dir) is None
    replace_in(sorted(root.glob("sources/*/index.md"))[1], "title:", "title_typo:")
    _same(_check(settings, cache_dir), _check(settings, False))
    assert _snapshot(cache_dir) is not None


def test_a_run_that_changes_nothing_keeps_the_snapshot_it_would_write(corpus, tmp_path,
                                                                      monkeypatch):
    """A run whose snapshot is the one it took does not write it again: the cache then holds
    the bytes a run that writes it holds."""
    root = tmp_path / "content"
    shutil.copytree(corpus, root)
    settings = Settings(base=BASE, content=root)
    _check(settings, tmp_path / "cache")
    shutil.copytree(tmp_path / "cache", tmp_path / "written")

    def stored(cache: Path) -> bytes:
        with sqlite3.connect(cache / "chunks.sqlite") as db:
            return db.execute("SELECT data FROM snapshot").fetchone()[0]

    before = stored(tmp_path / "cache")
    writes = []
    put = Cache.put_snapshot

    def counted(self, snapshot):
        writes.append(snapshot.dumps() != self._taken)
        put(self, snapshot)

    monkeypatch.setattr(Cache, "put_snapshot", counted)
    kept = _check(settings, tmp_path / "cache")
    assert writes == [False] and stored(tmp_path / "cache") == before

    def always(self, snapshot):  # the general path: written whatever it holds
        self._taken = None
        put(self, snapshot)

    monkeypatch.setattr(Cache, "put_snapshot", always)
    written = _check(settings, tmp_path / "written")
    assert stored(tmp_path / "written") == stored(tmp_path / "cache")
    _same(kept, written)
    assert _snapshot(tmp_path / "cache") is not None


def test_a_rebuild_checks_again_only_the_class_checks_a_change_touches(corpus, tmp_path,
                                                                        monkeypatch):
    """With a snapshot, the deferred class checks are made again only for the parts stored
    since and for the types that came or went (the others failed as the snapshot says): a
    source whose every language version is unreadable gives no type, so the guides that
    mention it, not made again, fail their check; fixed, they pass again. Each time as a check
    without a cache finds."""
    root = tmp_path / "content"
    shutil.copytree(corpus, root)
    settings = Settings(base=BASE, content=root)
    cache = tmp_path / "cache"
    _check(settings, cache)
    guide = sorted(root.glob("guides/*/index.md"))[0].read_text(encoding="utf-8")
    source = next(p.parent for p in sorted(root.glob("sources/*/index.md"))
                  if p.parent.name in guide)
    texts = {path: path.read_text(encoding="utf-8") for path in source.glob("*.md")}
    incremental = []
    failed_checks = Cache.failed_checks

    def spy(self, types, before=None):
        incremental.append(before is not None and self._retyped is not None)
        return failed_checks(self, types, before)

    monkeypatch.setattr(Cache, "failed_checks", spy)

    def mentions_fail(found) -> bool:
        return any("may only link to sources" in str(p) and source.name in str(p)
                   for p in found[0].problems)

    for path, text in texts.items():
        path.write_text(text.replace("---\n", "---\ntitle: [unclosed\n", 1), encoding="utf-8")
    broken = _check(settings, cache)
    _same(broken, _check(settings, False))
    assert broken[0].rebuilt == 1 and mentions_fail(broken)
    for path, text in texts.items():
        path.write_text(text, encoding="utf-8")
    fixed = _check(settings, cache)
    _same(fixed, _check(settings, False))
    assert fixed[0].rebuilt == 1 and not mentions_fail(fixed)
    assert incremental == [True, False, True, False]
