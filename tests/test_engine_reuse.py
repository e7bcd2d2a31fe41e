"""What a rebuild no longer does again: validate the parts ``validate`` made (their texts
alone are made), list the folders that did not change (one ``stat`` each instead of a
``scandir``), read the ``translationKey`` of the files that did not change (kept in the cache
by file stamp). Whatever moved, was added, deleted or edited, a warm build still writes exactly
what a cold one writes."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from benchmarks.generate import generate
from kzgraph.config import Settings, with_hugo_site
from kzgraph.content import walk
from kzgraph.engine import cache as cache_module
from kzgraph.engine.parts import plan
from kzgraph.engine.pipeline import build
from conftest import BASE, replace_in

SITE = Path(__file__).parent / "hugo_site"


def _age(root: Path) -> None:
    """Every folder's modification time set an hour back, as after an editor's last edit
    long ago (a folder changed within the last second is listed again, whatever is kept)."""
    past = time.time() - 3600
    for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        os.utime(folder, (past, past))


@pytest.fixture
def listed(monkeypatch, tmp_path) -> list[str]:
    """The folders of the test's content folder that ``scandir`` lists, in order."""
    seen: list[str] = []
    real = os.scandir
    content = str(tmp_path / "content")

    def scandir(path):
        if str(path) == content or str(path).startswith(content + os.sep):
            seen.append(str(path))
        return real(path)

    monkeypatch.setattr(walk.os, "scandir", scandir)
    return seen


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_the_walk_lists_again_only_the_folders_that_changed(tmp_path, listed):
    root = tmp_path / "content"
    for rel in ("sources/a/index.md", "sources/a/index.ru.md", "sources/b/index.md",
                "guides/g/index.md", "categories/c/index.md"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("---\ntitle: x\n---\n", encoding="utf-8")
    _age(root)
    listed.clear()
    listings: dict = {}
    first, _ = walk._walk(root, listings)
    assert len(listed) == 8 and len(listings) == 8
    listed.clear()
    again, _ = walk._walk(root, listings)
    assert again == first and listed == []  # nothing changed: no folder listed
    # a file edited in place changes no folder: still nothing listed, the same files
    (root / "sources/b/index.md").write_text("---\ntitle: y\n---\n", encoding="utf-8")
    assert walk._walk(root, listings)[0] == first and listed == []
    # a new file, a folder moved, a file deleted: only the changed folders are listed
    (root / "sources/a/index.kk.md").write_text("---\ntitle: z\n---\n", encoding="utf-8")
    (root / "guides/g").rename(root / "guides/h")
    (root / "categories/c/index.md").unlink()
    listed.clear()
    found, _ = walk._walk(root, listings)
    fresh, _ = walk._walk(root)  # without listings: a full walk
    assert found == fresh and str(root / "sources/a/index.kk.md") in found
    assert str(root / "guides/h/index.md") in found and str(root / "guides/g/index.md") \
        not in found and str(root / "categories/c/index.md") not in found
    # changed: sources/a, guides (and guides/h, new under that name), categories/c
    assert set(listed[:4]) == {str(root / p) for p in
                               ("sources/a", "guides", "guides/h", "categories/c")}
    # kept for next time: every folder but those changed just now (see the next test)
    changed = {str(root / p) for p in ("sources/a", "guides", "categories/c")}
    assert set(listings) == {str(root), *(str(p) for p in root.rglob("*") if p.is_dir())} \
        - changed


def test_a_folder_changed_just_now_is_listed_again_next_time(tmp_path, listed):
    """Within the filesystem clock's tick of a listing, a change may leave a folder's time as
    recorded: such a folder is not kept."""
    root = tmp_path / "content"
    (root / "sources/a").mkdir(parents=True)
    (root / "sources/a/index.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    listings: dict = {}
    walk._walk(root, listings)
    assert listings == {}
    listed.clear()
    walk._walk(root, listings)
    assert len(listed) == 3


def _settings(site: Path) -> Settings:
    return with_hugo_site(Settings(content=site / "content", base="https://hugo-site.example/"))


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The files whose ``translationKey`` is read from the file."""
    seen: list[str] = []
    real = cache_module.read_translation_key

    def read(path: str):
        seen.append(path)
        return real(path)

    monkeypatch.setattr(cache_module, "read_translation_key", read)
    return seen


def test_translation_keys_are_read_again_only_from_changed_files(tmp_path, reads):
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    settings = _settings(site)
    cache = tmp_path / "cache"
    first = build(settings, tmp_path / "warm", cache=cache)
    assert first.ok and reads  # the translation named on its own made them read
    assert any(r.endswith("zakon-ru.md") for r in reads)
    reads.clear()
    edited = site / "content/en/sources/kazfem.md"
    replace_in(edited, 'title = "KazFem"', 'title = "KazFem (edited)"')
    again = build(settings, tmp_path / "warm", cache=cache)
    assert again.rebuilt == 1 and reads == [str(edited)]
    # the translation's key changed: it is its own resource now, in the warm build as in a
    # cold one
    reads.clear()
    replace_in(site / "content/ru/sources/zakon-ru.md", 'translationKey: "zakon"',
               'translationKey: "zakon-other"')
    moved = build(settings, tmp_path / "warm", cache=cache)
    assert reads == [str(site / "content/ru/sources/zakon-ru.md")]
    assert moved.parts == first.parts + 1
    keys = [p.key for p in plan(settings.content, settings.language_dirs,
                                settings.default_language)[0]]
    assert "source/zakon-ru" in keys
    build(settings, tmp_path / "cold", cache=False)
    assert _files(tmp_path / "warm") == _files(tmp_path / "cold")


def test_a_warm_build_after_moves_deletions_and_new_pages_equals_a_cold_one(tmp_path, listed):
    root = tmp_path / "content"
    generate(root, 120, seed=5)
    _age(root)
    listed.clear()
    settings = Settings(base=BASE, content=root)
    cache = tmp_path / "cache"
    first = build(settings, tmp_path / "warm", cache=cache)
    assert first.ok and first.rebuilt == first.parts
    listed.clear()
    again = build(settings, tmp_path / "warm", cache=cache)
    assert again.rebuilt == 0 and listed == []  # no folder listed: none changed
    # a source edited in place; guides (which no page links to) renamed (a move), deleted,
    # and copied as a new page
    source = sorted(p for p in (root / "sources").iterdir() if p.is_dir())[0]
    with (source / "index.md").open("a", encoding="utf-8") as f:
        f.write("\nEdited in place.\n")
    guides = sorted(p for p in (root / "guides").iterdir() if p.is_dir())
    assert len(guides) >= 3
    guides[0].rename(guides[0].with_name(guides[0].name + "-moved"))
    shutil.rmtree(guides[1])
    shutil.copytree(guides[2], guides[2].with_name(guides[2].name + "-copy"))
    listed.clear()
    warm = build(settings, tmp_path / "warm", cache=cache)
    # the folder of guides is listed, and the new folders in it; no other folder
    assert str(root / "guides") in listed
    assert len(listed) == 3, listed
    cold = build(settings, tmp_path / "cold", cache=False)
    assert warm.parts == cold.parts == first.parts
    assert warm.rebuilt < warm.parts
    assert _files(tmp_path / "warm") == _files(tmp_path / "cold")


def test_a_build_after_validate_validates_no_part_again(tmp_path):
    """``validate`` keeps every part's rows; the build after it makes only their texts (no
    part is validated again), and writes what a cold build writes, edits in between or not."""
    from kzgraph.engine.pipeline import check, export
    from kzgraph.formats.registry import get_format

    root = tmp_path / "content"
    generate(root, 120, seed=7)
    settings = Settings(base=BASE, content=root)
    cache = tmp_path / "cache"
    checked = check(settings, cache=cache)
    assert checked.ok and checked.rebuilt == checked.parts
    built = build(settings, tmp_path / "warm", cache=cache)
    assert built.rebuilt == 0 and built.rewritten == built.parts
    cold = build(settings, tmp_path / "cold", cache=False)
    assert _files(tmp_path / "warm") == _files(tmp_path / "cold")
    assert built.problems == cold.problems and built.stats == cold.stats
    # the chunks now serve the build's formats: neither validate nor build makes any again
    assert check(settings, cache=cache).rebuilt == 0
    again = build(settings, tmp_path / "warm", cache=cache)
    assert again.rebuilt == again.rewritten == 0
    # an edit, then validate, then build: one part made (by validate), none after
    page = sorted(root.glob("sources/*/index.md"))[5]
    with page.open("a", encoding="utf-8") as f:
        f.write("\nEdited between validate and build.\n")
    assert check(settings, cache=cache).rebuilt == 1
    after = build(settings, tmp_path / "warm", cache=cache)
    assert after.rebuilt == 0 and after.rewritten == 1
    # a format exported alone, then every format built: the other formats' texts made
    data, _ = export(settings, get_format("turtle"), cache=tmp_path / "cache2")
    wide = build(settings, tmp_path / "wide", cache=tmp_path / "cache2")
    assert wide.rebuilt == 0 and wide.rewritten == wide.parts
    build(settings, tmp_path / "cold", cache=False)
    assert _files(tmp_path / "warm") == _files(tmp_path / "cold") == _files(tmp_path / "wide")
    assert data == (tmp_path / "cold" / "kzgraph.ttl").read_bytes()


def test_a_linked_folder_is_reported_by_every_walk(tmp_path):
    """The folder holding it is not kept, so its warning is given each time."""
    root = tmp_path / "content"
    (root / "sources/a").mkdir(parents=True)
    (root / "sources/a/index.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (root / "sources/linked").symlink_to(tmp_path / "elsewhere")
    _age(root)
    listings: dict = {}
    for _ in range(2):
        found, problems = walk._walk(root, listings)
        assert found == [str(root / "sources/a/index.md")]
        assert [p.path for p in problems] == ["content/sources/linked"]
    assert str(root / "sources") not in listings and str(root / "sources/a") in listings


def test_no_page_is_opened_for_its_key_when_no_translation_has_one(tmp_path):
    """A translation named on its own (no file in the default language) makes ``plan`` read
    ``translationKey``s; when none of those translations has one, nothing can join it, and
    the pages in the default language (nearly every file) are not opened."""
    from kzgraph.engine.parts import read_translation_key

    root = tmp_path / "content"
    generate(root, 60, seed=3)
    alone = root / "sources/alone/index.ru.md"
    alone.parent.mkdir()
    alone.write_text('---\ntitle: "Одна"\n---\n', encoding="utf-8")
    opened: list[str] = []

    def key_of(path: str):
        opened.append(path)
        return read_translation_key(path)

    keys = [p.key for p in plan(root, translation_key=key_of)[0]]
    assert opened == [str(alone)] and "source/alone" in keys
    # with a key, the pages of its kind are read, and it joins the page that has it
    alone.write_text('---\ntitle: "Одна"\ntranslationKey: "k1"\n---\n', encoding="utf-8")
    owner = sorted(p for p in (root / "sources").iterdir() if p.name != "alone")[0] / "index.md"
    owner.write_text(owner.read_text(encoding="utf-8").replace(
        "---\n", '---\ntranslationKey: "k1"\n', 1), encoding="utf-8")
    opened.clear()
    parts = plan(root, translation_key=key_of)[0]
    assert len(opened) > 10 and "source/alone" not in [p.key for p in parts]
    assert str(alone) in next(p.names for p in parts if str(owner) in p.names)


def test_kept_problems_come_back_in_the_language_asked_for(tmp_path):
    """The cache keeps each bucket's problems in every message language, and a run reads only
    its own: validating in English and then in Russian from the same cache prints what a
    fresh Russian run prints, in Russian."""
    from click.testing import CliRunner

    from conftest import CONTENT
    from kzgraph.cli import cli

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    (content / "sources/batyr_jamal/index.ru.md").unlink()  # a language-coverage warning
    replace_in(content / "sources/zakon_kz/index.md", "date: 2023-12-03", "date: 2023-13-45")

    def run(lang: str, cache: Path) -> str:
        result = CliRunner().invoke(cli, ["validate", "-c", str(content), "--lang", lang,
                                          "--cache", str(cache)])
        assert result.exit_code == 1, result.output
        return result.output

    english = run("en", tmp_path / "kept")
    russian = run("ru", tmp_path / "kept")
    assert russian == run("ru", tmp_path / "fresh")
    assert russian != english and "ошибка" in russian and "error" in english


def test_the_content_folder_given_relative_or_absolute_is_one_folder(tmp_path, monkeypatch):
    """``--content content``, ``./content`` and ``/site/content`` name the same files: a run
    after another with the folder written another way makes no part again, and says the same
    problems at the same paths (the cache knew files by the path as written, so every part
    was made again: 86 s at 100,000 pages)."""
    from kzgraph.engine.pipeline import check

    root = tmp_path / "content"
    generate(root, 60, seed=3, violations=2)
    monkeypatch.chdir(tmp_path)
    cache = tmp_path / "cache"
    first = check(Settings(base=BASE, content=Path("content")), cache=cache)
    assert first.rebuilt == first.parts and first.problems
    for written in (root, Path("./content"), Path("content")):
        again = check(Settings(base=BASE, content=written), cache=cache)
        assert again.rebuilt == 0, written
        assert again.problems == first.problems, written
    assert all(p.path.startswith("content/") for p in first.problems if "/" in p.path)
