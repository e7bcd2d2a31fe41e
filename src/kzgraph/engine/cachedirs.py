"""The cache folders as a whole (``kzgraph cache``): their size, pruning those of content folders
that no longer exist, clearing them all.

Each content folder gets one folder under ``$XDG_CACHE_HOME/kzgraph/`` (see
:func:`kzgraph.engine.cache.default_cache_dir`), named by a digest of its path; the path itself is
recorded beside the cache in :data:`CONTENT_FILE`, so that a prune knows which folders are gone.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

#: the file in each cache folder that names the content folder it is for
CONTENT_FILE = "content-folder.txt"
#: the names :func:`kzgraph.engine.cache.default_cache_dir` gives cache folders
_ENTRY = re.compile(r"[0-9a-f]{16}")


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/kzgraph`` (``~/.cache/kzgraph`` by default)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kzgraph"


def record_content(folder: Path, content: Path) -> None:
    """Write which content folder ``folder`` caches, unless it says so already."""
    mark = folder / CONTENT_FILE
    text = f"{content.resolve()}\n"
    try:
        if mark.read_text(encoding="utf-8") == text:
            return
    except (OSError, UnicodeDecodeError):
        pass
    scratch = folder / f".{CONTENT_FILE}.{os.getpid()}"
    scratch.write_text(text, encoding="utf-8")
    os.replace(scratch, mark)


@dataclass(frozen=True)
class Entry:
    """One cache folder: where it is, the content folder it is for (None when not recorded),
    whether that folder still exists, and its size in bytes."""

    path: Path
    content: Path | None
    exists: bool
    size: int


def _size(folder: Path) -> int:
    total = 0
    for dirpath, _, files in os.walk(folder, followlinks=False):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
    return total


def entries(root: Path | None = None) -> list[Entry]:
    """Every cache folder under ``root`` (default :func:`cache_root`), by name."""
    root = root or cache_root()
    if not root.is_dir():
        return []
    out = []
    for folder in sorted(root.iterdir()):
        if not _ENTRY.fullmatch(folder.name) or folder.is_symlink() or not folder.is_dir():
            continue
        try:
            content: Path | None = Path((folder / CONTENT_FILE).read_text(encoding="utf-8").strip())
        except (OSError, UnicodeDecodeError):
            content = None
        out.append(Entry(folder, content, content is not None and content.is_dir(),
                         _size(folder)))
    return out


def prune(root: Path | None = None, dry_run: bool = False) -> list[Entry]:
    """Remove the cache folders whose content folder no longer exists, or is not recorded (made
    by an older kzgraph: a cache only costs a rebuild to make again). Returns them."""
    gone = [e for e in entries(root) if not e.exists]
    if not dry_run:
        for entry in gone:
            shutil.rmtree(entry.path, ignore_errors=True)
    return gone


def clear(root: Path | None = None) -> list[Entry]:
    """Remove every cache folder. Returns them."""
    found = entries(root)
    for entry in found:
        shutil.rmtree(entry.path, ignore_errors=True)
    return found
