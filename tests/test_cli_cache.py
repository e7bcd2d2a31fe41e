"""``kzgraph cache``: each cache folder says which content folder it is for; ``prune`` removes
those of content folders that are gone, ``clear`` removes all; nothing outside is touched."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kzgraph.engine.cachedirs import CONTENT_FILE
from kzgraph.cli import cli
from conftest import CONTENT


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "kzgraph"


def _validate(runner, content: Path) -> None:
    result = runner.invoke(cli, ["validate", "-q", "-c", str(content)])
    assert result.exit_code == 0, result.output


def test_prune_removes_only_the_caches_of_vanished_content(runner, cache_home, tmp_path) -> None:
    kept, doomed = tmp_path / "a" / "content", tmp_path / "b" / "content"
    for folder in (kept, doomed):
        shutil.copytree(CONTENT, folder)
        _validate(runner, folder)
    folders = sorted(cache_home.iterdir())
    assert len(folders) == 2
    recorded = {(f / CONTENT_FILE).read_text(encoding="utf-8").strip(): f for f in folders}
    assert set(recorded) == {str(kept.resolve()), str(doomed.resolve())}
    (cache_home / "notes.txt").write_text("not a cache folder", encoding="utf-8")

    shown = runner.invoke(cli, ["cache"])
    assert shown.exit_code == 0, shown.output
    assert shown.output.count("exists") == 2 and "2 folder(s)" in shown.output

    shutil.rmtree(doomed)
    dry = runner.invoke(cli, ["cache", "prune", "--dry-run"])
    assert dry.exit_code == 0 and f"Would remove {recorded[str(doomed.resolve())]}" in dry.output
    assert len(list(cache_home.iterdir())) == 3

    pruned = runner.invoke(cli, ["cache", "prune"])
    assert pruned.exit_code == 0, pruned.output
    assert pruned.output.startswith(f"Removed {recorded[str(doomed.resolve())]} (")
    assert sorted(cache_home.iterdir()) == sorted([recorded[str(kept.resolve())],
                                                   cache_home / "notes.txt"])
    # the kept content still validates with its cache
    _validate(runner, kept)


def test_clear_removes_every_cache_folder(runner, cache_home, tmp_path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    _validate(runner, content)
    size = sum(p.stat().st_size for p in cache_home.rglob("*") if p.is_file())
    assert size > 0
    result = runner.invoke(cli, ["cache", "clear"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Removed 1 folder(s), ")
    assert list(cache_home.iterdir()) == []
    assert content.is_dir()


def test_an_unrecorded_cache_folder_is_pruned(runner, cache_home) -> None:
    old = cache_home / "0123456789abcdef"
    old.mkdir(parents=True)
    (old / "chunks.sqlite").write_bytes(b"x" * 10)
    shown = runner.invoke(cli, ["cache"])
    assert "unknown" in shown.output
    assert runner.invoke(cli, ["cache", "prune"]).exit_code == 0
    assert not old.exists()


def test_cache_with_nothing_cached(runner, cache_home) -> None:
    result = runner.invoke(cli, ["cache"])
    assert result.exit_code == 0
    assert result.output == f"{cache_home}: 0 folder(s), 0 B.\n"
