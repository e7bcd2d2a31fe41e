"""A build killed with SIGKILL in the middle leaves the previous output intact."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kzgraph.engine.pipeline import remove_stale_staging
from conftest import CONTENT, replace_in


def _big_content(root: Path, copies: int) -> None:
    """The real content plus ``copies`` renamed copies of every source, so a build lasts long
    enough to be killed in the middle."""
    shutil.copytree(CONTENT, root)
    for source in sorted((CONTENT / "sources").iterdir()):
        for n in range(copies):
            shutil.copytree(source, root / "sources" / f"{source.name}_{n}")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _build(content: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kzgraph", "build", "-c", str(content),
                             "-o", str(out)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


@pytest.mark.parametrize("when", ["while staging", "early", "late"])
def test_sigkill_leaves_previous_output_intact(tmp_path, when):
    content = tmp_path / "content"
    _big_content(content, copies=15)
    out = tmp_path / "public"
    assert _build(content, out).wait(timeout=300) == 0
    before = _snapshot(out)
    replace_in(content / "sources/feminita/index.md", 'title: "Feminita"', 'title: "Changed"')

    process = _build(content, out)
    deadline = time.monotonic() + 300
    if when == "while staging":
        # kill as soon as the new output is being written beside the old one
        while not list(tmp_path.glob(".public.build-*/*")) and time.monotonic() < deadline:
            assert process.poll() is None, "the build finished before it could be killed"
            time.sleep(0.005)
    else:
        time.sleep(0.3 if when == "early" else 1.0)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    code = process.wait(timeout=60)

    seen = _snapshot(out)
    if code != -signal.SIGKILL:  # it finished first
        assert code == 0
    # all or nothing: the output is the previous build, or (killed after the swap, or not
    # killed) the complete new build, byte for byte what the next build publishes
    new = seen != before
    # the next build clears what the killed one left and publishes in full
    assert _build(content, out).wait(timeout=300) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "public"]
    assert '"Changed"@en' in (out / "kzgraph.nt").read_text(encoding="utf-8")
    assert sorted(_snapshot(out)) == sorted(before)
    if new:
        assert seen == _snapshot(out), "the killed build left a mix of old and new output"


def test_stale_staging_of_a_live_build_is_kept(tmp_path):
    out = tmp_path / "public"
    out.mkdir()
    mine = tmp_path / f".public.build-{os.getpid()}-abc"
    dead = tmp_path / ".public.build-999999999-abc"
    unrelated = tmp_path / ".other.build-999999999-abc"
    for folder in (mine, dead, unrelated):
        folder.mkdir()
    assert remove_stale_staging(out) == [dead]
    assert mine.exists() and unrelated.exists() and out.exists()
