"""Shared fixtures: the real content, a writable copy of it, and helpers to break it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kzgraph.config import Settings
from kzgraph.engine.pipeline import load_and_map

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
BASE = "https://kzgraph.example/"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """The build engine's cache goes to a folder of the test session, never ~/.cache."""
    import os

    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield


@pytest.fixture(scope="session")
def mapped():
    """The real content, loaded and mapped once."""
    result = load_and_map(Settings(base=BASE, content=CONTENT))
    assert result.ok, result.problems
    return result.mapped


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A writable copy of the real content."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write_page(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory):
    """A real Oxigraph server on 127.0.0.1, shared by the session; tests call ``clear()``."""
    from servers import OxigraphServer

    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph")).start()
    yield server
    server.stop()
