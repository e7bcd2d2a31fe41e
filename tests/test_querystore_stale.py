"""The check for page files changed since the query store was made: the comparison in order
(here, in a thread and in a forked process) gives what the general code gives, for each kind
of change, and answers alone when nothing changed."""

from __future__ import annotations

import marshal
import os
import shutil
import time
from pathlib import Path
from typing import Callable

import pytest

from kzgraph.content.walk import _walk, stamp
from kzgraph.engine import querystore, stale

PAGE = "---\ntitle: A page\n---\nSome text.\n"


def _tree(root: Path, sources: int = 12) -> None:
    """Bundles in sources/ and guides/ (some in several languages), a single page, and an
    image beside a page; every folder dated a minute ago, as after an editor's last save."""
    for n in range(sources):
        folder = root / "sources" / f"source-{n:02d}"
        folder.mkdir(parents=True)
        for name in ["index.md", "index.ru.md", "index.kk.md"][: 1 + n % 3]:
            (folder / name).write_text(PAGE, encoding="utf-8")
    (root / "guides" / "kazakhstan").mkdir(parents=True)
    (root / "guides" / "kazakhstan" / "index.md").write_text(PAGE, encoding="utf-8")
    (root / "guides" / "kazakhstan" / "map.png").write_bytes(b"\x89PNG")
    (root / "about.md").write_text(PAGE, encoding="utf-8")
    _age(root)


def _age(root: Path, seconds: int = 60) -> None:
    then = time.time() - seconds
    for folder, _, _ in os.walk(root):
        os.utime(folder, (then, then))


def _snapshot(root: Path, store: Path) -> None:
    """What a build records: the stamp of every page file, the folders' listings."""
    listings: dict = {}
    _walk(root, listings)
    found, _ = _walk(root, listings)
    pages = stale.Pages.of(str(root), {name: stamp(name) for name in found}, [], listings)
    store.mkdir(exist_ok=True)
    stale.write_pages(store / stale.PAGES, pages, querystore._write)


def _answers(root: Path, store: Path) -> list[str]:
    """The general code's answer, after checking that every other way gives the same."""
    general = stale.changed_files(stale.read_pages(store / stale.PAGES), root)
    assert stale.check_pages(store / stale.PAGES, root) == general
    assert stale.start(store, root).result() == general
    assert stale.start(store, root, fork=True).result() == general
    return general


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "content"
    _tree(root)
    _snapshot(root, tmp_path / "store")
    return root, tmp_path / "store"


def _append(path: Path) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\nEdited in place.\n")


CHANGES: dict[str, Callable[[Path], list[str]]] = {
    "an edit in place": lambda root: (
        _append(root / "sources/source-04/index.md"), ["sources/source-04/index.md"])[1],
    "a file touched": lambda root: (
        os.utime(root / "about.md", (1, 1)), ["about.md"])[1],
    "a file added in a bundle": lambda root: (
        (root / "sources/source-03/index.ru.md").write_text(PAGE, encoding="utf-8"),
        ["sources/source-03/index.ru.md"])[1],
    "a bundle added": lambda root: (
        (root / "sources/source-99").mkdir(),
        (root / "sources/source-99/index.md").write_text(PAGE, encoding="utf-8"),
        ["sources/source-99/index.md"])[2],
    "a file removed": lambda root: (
        (root / "sources/source-05/index.kk.md").unlink(), ["sources/source-05/index.kk.md"])[1],
    "a bundle removed": lambda root: (
        shutil.rmtree(root / "sources/source-01"),
        ["sources/source-01/index.md", "sources/source-01/index.ru.md"])[1],
    "a folder renamed": lambda root: (
        (root / "sources/source-02").rename(root / "sources/source-77"),
        [f"sources/source-{n}/index{lang}.md" for n in ("02", "77")
         for lang in ("", ".kk", ".ru")])[1],
    "a stray Markdown file": lambda root: (
        (root / "guides/notes.md").write_text("Notes.\n", encoding="utf-8"),
        ["guides/notes.md"])[1],
    "a file in no page's way": lambda root: (
        (root / "guides/kazakhstan/map-2.png").write_bytes(b"\x89PNG"), [])[1],
    "a folder added without pages": lambda root: (
        (root / "sources/source-06/images").mkdir(), [])[1],
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_way_of_checking_finds_each_change(site, change):
    root, store = site
    assert _answers(root, store) == []
    expected = CHANGES[change](root)
    assert _answers(root, store) == sorted(str(root / name) for name in expected)


def test_many_changes_at_once_in_small_slices(site, monkeypatch):
    root, store = site
    monkeypatch.setattr(stale, "SLICE", 2)
    assert _answers(root, store) == []
    expected = [CHANGES[change](root) for change in
                ("an edit in place", "a bundle added", "a file removed", "a stray Markdown file")]
    assert _answers(root, store) == sorted(str(root / name) for names in expected
                                           for name in names)


def test_nothing_changed_is_answered_without_the_general_code(site, monkeypatch):
    root, store = site

    def general(*_):
        raise AssertionError("the general code ran")
    monkeypatch.setattr(stale, "changed_files", general)
    monkeypatch.setattr(stale, "SLICE", 3)
    assert stale.check_pages(store / stale.PAGES, root) == []
    assert stale.start(store, root, fork=True).result() == []


def _add_kk(root: Path) -> list[str]:
    (root / "sources/source-07/index.kk.md").write_text(PAGE, encoding="utf-8")
    os.utime(root / "sources/source-07", (1, 1))  # even with an old date
    return ["sources/source-07/index.kk.md"]


def _add_bundle(root: Path) -> list[str]:
    (root / "sources/source-88").mkdir()
    (root / "sources/source-88/index.md").write_text(PAGE, encoding="utf-8")
    return ["sources/source-88/index.md"]


def _add_stray(root: Path) -> list[str]:
    (root / "sources/notes.md").write_text("Notes.\n", encoding="utf-8")
    return ["sources/notes.md"]


@pytest.mark.parametrize("change", [_add_kk, _add_bundle, _add_stray])
def test_folders_changed_just_before_the_build_are_listed_every_time(tmp_path, change,
                                                                     monkeypatch):
    """A folder changed within a second of the walk has no recorded listing (a change in the
    same tick would not show in its stamp): the check lists it, as the general code does."""
    root = tmp_path / "content"
    _tree(root)
    os.utime(root / "sources", None)  # just now: not recorded
    os.utime(root / "sources/source-07", None)
    _snapshot(root, tmp_path / "store")
    assert not {"sources", "sources/source-07"} & set(
        stale.read_pages(tmp_path / "store" / stale.PAGES).folders)
    monkeypatch.setattr(stale, "SLICE", 3)
    assert _answers(root, tmp_path / "store") == []
    expected = change(root)
    assert _answers(root, tmp_path / "store") == [str(root / name) for name in expected]


def test_a_file_unreadable_at_the_build_is_left_to_the_general_code(tmp_path):
    root = tmp_path / "content"
    _tree(root)
    (root / "sources/source-00/index.ru.md").symlink_to(root / "nowhere.md")
    _snapshot(root, tmp_path / "store")
    assert _answers(root, tmp_path / "store") == []
    (root / "nowhere.md").write_text(PAGE, encoding="utf-8")
    assert str(root / "sources/source-00/index.ru.md") in _answers(root, tmp_path / "store")


def test_a_content_folder_gone_has_every_page_gone(site):
    root, store = site
    expected = sorted(str(p) for p in root.rglob("*.md"))
    shutil.rmtree(root)
    assert _answers(root, store) == expected


def test_a_check_not_wanted_leaves_no_process_behind(site):
    root, store = site
    check = stale.start(store, root, fork=True)
    pid = check._pid
    assert pid is not None
    check.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _pages_file(path: Path) -> list:
    """What a pages file holds, decoded (its inner blobs too), without the digest
    :func:`stale.write_run_pages` keeps: equal values may be marshalled as other bytes."""
    data = list(marshal.loads(path.read_bytes()))
    data[12], data[14] = marshal.loads(data[12]), marshal.loads(data[14])
    return data[:stale._TOKEN_AT]


def test_a_run_s_pages_are_written_as_the_general_writer_writes_them(tmp_path, monkeypatch):
    """``write_run_pages`` (what a build writes, its folders' part kept when the folders are
    the same) writes what ``write_pages`` writes of ``Pages.of`` the same values, after each
    kind of change, one after another; with the same folders it does not walk them again."""
    root = tmp_path / "content"
    _tree(root)
    listings: dict = {}
    _walk(root, listings)
    general, fast = tmp_path / "general.marshal", tmp_path / "run.marshal"
    folder_part = stale._folder_part
    for change in [None, *CHANGES, "unreadable"]:
        if change in CHANGES:
            CHANGES[change](root)
        found, _ = _walk(root, listings)
        stamps = {name: stamp(name) for name in found if not name.endswith("notes.md")}
        stray = [name for name in found if name.endswith("notes.md")]
        if change == "unreadable":  # a page file unreadable when stat-ed
            stamps[str(root / "sources/source-00/index.ru.md")] = "unreadable"
        args = (str(root), stamps, stray, listings, marshal.dumps(listings), querystore._write)
        stale.write_pages(general, stale.Pages.of(str(root), stamps, stray, listings),
                          querystore._write)
        stale.write_run_pages(fast, *args)
        assert _pages_file(fast) == _pages_file(general), change
        # the same folders, files and stray files: the folders' part is the one written
        monkeypatch.setattr(stale, "_folder_part", None)
        stale.write_run_pages(fast, *args)
        assert _pages_file(fast) == _pages_file(general), change
        monkeypatch.setattr(stale, "_folder_part", folder_part)
    assert not _pages_file(fast)[1]  # an unreadable file: left to the general code
