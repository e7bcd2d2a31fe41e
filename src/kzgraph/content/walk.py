"""The walk over the content folder: every Markdown file in it, found with one ``scandir`` a
folder, or with none for a folder whose listing an earlier walk kept and which has not changed
since."""

from __future__ import annotations

import operator
import os
import time
from pathlib import Path

from kzgraph.errors import WARNING, Problem, msg


def _links_to_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a loop of links: reported when the file is read
        return False


_NAME = operator.attrgetter("name")


#: a folder modified this recently (nanoseconds) is listed again by the next walk, not taken
#: from the listings kept: a change made within the same tick of the filesystem's clock as the
#: listing would leave its modification time as recorded
_RACY_NS = 1_000_000_000

#: a folder's kept listing: its stamp (modification time, change time and inode), the Markdown
#: files in it and its subfolders (paths as text), as :func:`_walk` found them
Listing = tuple[tuple[int, int, int], list[str], list[str]]


def _walk(root: Path, listings: dict[str, Listing] | None = None
          ) -> tuple[list[str], list[Problem]]:
    """Every Markdown file under root (its path as text), in a stable order. Symlinked folders
    are not followed (a link can loop back on itself); each one is reported. One ``scandir``
    per folder, with the kind of each entry from the folder listing itself: no extra system
    call per file.

    ``listings``, when given, is what an earlier walk found (see :data:`Listing`): a folder
    whose stamp is as recorded is not listed again (one ``stat`` instead: adding, removing or
    renaming an entry changes a folder's modification time; editing a file in place does not,
    and needs no new listing). Afterwards it holds what this walk found, for the next one."""
    found: list[str] = []
    problems: list[Problem] = []
    seen: dict[str, Listing] = {}
    recent = time.time_ns() - _RACY_NS

    def visit(folder: str) -> None:
        stamp = None
        if listings is not None:
            try:
                st = os.stat(folder)
                stamp = (st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
            except OSError:
                stamp = None  # listed below, which reports or raises as before
            kept = listings.get(folder)
            if kept is not None and stamp is not None and tuple(kept[0]) == stamp:
                seen[folder] = kept
                found.extend(kept[1])
                for sub in kept[2]:
                    visit(sub)
                return
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=_NAME)
        files, subfolders = [], []
        linked = False
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                subfolders.append(entry.path)
            elif entry.is_symlink() and _links_to_folder(entry):
                linked = True
                problems.append(Problem(
                    _display(Path(entry.path), root), None, None,
                    msg("This folder is a symbolic link; kzgraph does not follow linked "
                        "folders (they can loop). Move the pages into the content folder."),
                    severity=WARNING))
            elif entry.name.endswith(".md"):
                files.append(entry.path)
        # a folder holding a linked folder is listed every time (its warning with it)
        if stamp is not None and not linked and stamp[0] < recent:
            seen[folder] = (stamp, files, subfolders)
        found.extend(files)
        for sub in subfolders:
            visit(sub)

    visit(str(root))
    if listings is not None:
        listings.clear()
        listings.update(seen)
    return found, problems


def stamp(path: str | Path) -> str:
    """What tells a file's versions apart: size, modification time and inode."""
    try:
        st = os.stat(path)
    except OSError:
        return "unreadable"
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.parent).as_posix()
    except ValueError:
        return path.as_posix()


