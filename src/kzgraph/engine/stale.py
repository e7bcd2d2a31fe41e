"""The check for page files changed since the query store was made: every page file is
stat-ed (an edit in place changes only the file's own stamp), and every folder (an entry
added, removed or renamed changes the folder's), against what the store was made from.

At 100,000 pages the 143,000 stats take about 0.3 s of system time, which cannot be saved;
what can be saved is waiting for them. ``kzgraph query`` starts the check first of all,
before its own imports, in a forked process that runs on the other core while the query is
read, prepared and answered (a thread would wait for the interpreter lock the query's Python
holds, between each of its system calls); once the answer is out, the command takes its share
of what is left (the work is handed out in slices of a thousand paths through a pipe, so each
slice goes to one of the two). Elsewhere (a library call, a system without ``fork``) it runs
in a thread.

The stamps are kept as a few long values (paths joined in one string, each number of the
stamps packed in an array), compared a slice at a time as they come: the usual answer,
nothing changed, costs the stats and a few comparisons of bytes. When anything differs, each
file and folder is looked at in turn by the general code (:func:`changed_files`), which the
tests hold the fast path to.
"""

from __future__ import annotations

import marshal
import os
import threading
import weakref
from array import array
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import partial
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from kzgraph.content.walk import stamp

if TYPE_CHECKING:
    from kzgraph.content.walk import Listing

#: the file beside the query store that says what it was made from
PAGES = "pages.marshal"
#: what :func:`read_pages` knows how to read
_LAYOUT = "pages-2"
#: the numbers of a file's stamp (size, modification time, inode) and of a folder's
#: (modification time, change time, inode): read from a stat result, packed as
_FILE_STAMP = (attrgetter("st_size"), attrgetter("st_mtime_ns"), attrgetter("st_ino"))
_FOLDER_STAMP = (attrgetter("st_mtime_ns"), attrgetter("st_ctime_ns"), attrgetter("st_ino"))
_FILE_TYPES, _FOLDER_TYPES = "QqQ", "qqQ"
#: the paths a slice of the work holds
SLICE = 1000


@dataclass
class Pages:
    """What the store was made from (paths relative to the content folder): the stamp of every
    page file in a part, the Markdown files in none, and each folder's stamp (modification
    time, change time, inode) and subfolders' names."""

    stamps: dict[str, str] = field(default_factory=dict)
    stray: list[str] = field(default_factory=list)
    folders: dict[str, tuple[tuple[int, int, int], list[str]]] = field(default_factory=dict)

    @classmethod
    def of(cls, root: str, stamps: dict[str, str], stray: list[str],
           listings: dict[str, Listing]) -> Pages:
        cut = len(root.rstrip(os.sep)) + 1
        return cls({name[cut:]: was for name, was in stamps.items()},
                   [name[cut:] for name in stray],
                   {folder[cut:]: (tuple(kept[0]), [sub[len(folder) + 1:] for sub in kept[2]])
                    for folder, kept in listings.items()})  # type: ignore[misc]


def _numbers(text: str) -> tuple[int, int, int] | None:
    """A file stamp's numbers (``size:mtime:inode``), None for another stamp (unreadable)."""
    parts = text.split(":")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1]), int(parts[2])


def _tree(pages: Pages) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The folders :func:`changed_files` visits when nothing changed, from the top: those
    with a recorded listing (stat-ed), and those without one (a folder changed within a
    second of the build's walk: listed every time), each with the names of the subfolders it
    had (the folders of its files and of the recorded ones below it)."""
    folders = pages.folders
    below: dict[str, set[str]] = {}
    for rel in [*folders, *(name.rpartition("/")[0] for name in [*pages.stamps, *pages.stray])]:
        child = rel
        while child:
            parent, _, name = child.rpartition("/")
            if name in below.setdefault(parent, set()) or parent in folders:
                below[parent].add(name)
                break
            below[parent].add(name)
            child = parent
    recorded, listed, todo = [], [], [""]
    while todo:
        rel = todo.pop()
        kept = folders.get(rel)
        names = list(kept[1]) if kept is not None else sorted(below.get(rel, ()))
        if kept is not None:
            recorded.append(rel)
        else:
            listed.append((rel, names))
        todo.extend(f"{rel}/{name}" if rel else name for name in names)
    return recorded, listed


def _packed(kind: str, numbers: list[tuple[int, ...]]) -> list[bytes] | None:
    """Each column of ``numbers`` packed (None when one does not fit: never on Linux)."""
    try:
        return [array(kind, [n[i] for n in numbers]).tobytes() for i, kind in enumerate(kind)]
    except OverflowError:
        return None


def write_pages(path: Path, pages: Pages, write: Callable[[Path, bytes], None]) -> None:
    """Write ``pages`` for :func:`read_pages`: the whole for the general code (marshalled
    again inside, read only when something changed), and for the comparison in order the
    paths joined by NUL (no path holds one) with their stamps' numbers packed."""
    files = [(name, n) for name, was in pages.stamps.items()
             if (n := _numbers(was)) is not None]
    recorded, listed = _tree(pages)
    file_numbers = _packed(_FILE_TYPES, [n for _, n in files])
    folder_numbers = _packed(_FOLDER_TYPES, [pages.folders[rel][0] for rel in recorded])
    # a file unreadable then is compared by the general code only
    fast = len(files) == len(pages.stamps) and file_numbers is not None \
        and folder_numbers is not None
    write(path, marshal.dumps((
        _LAYOUT, fast, "\0".join(name for name, _ in files), *(file_numbers or [b""] * 3),
        "\0".join(rel or "." for rel in recorded), *(folder_numbers or [b""] * 3),
        listed, pages.stray, marshal.dumps((pages.stamps, pages.stray, pages.folders)))))


def read_pages(path: Path) -> Pages:
    """The whole of what :func:`write_pages` wrote."""
    return Pages(*marshal.loads(marshal.loads(path.read_bytes())[-1]))


class _Stamps:
    """What :func:`write_pages` wrote, for the comparison in order: a slice at a time."""

    def __init__(self, path: Path, root: Path) -> None:
        data = marshal.loads(path.read_bytes())
        if data[0] != _LAYOUT:
            raise ValueError(f"{path}: not a list of page stamps kzgraph reads")
        self.fast: bool = data[1]
        self.names, self.file_numbers = data[2], data[3:6]
        self.folders, self.folder_numbers = data[6], data[7:10]
        self.listed: list[tuple[str, list[str]]] = data[10]
        self.stray: list[str] = data[11]
        self.whole: bytes = data[12]
        self.top = str(root).rstrip(os.sep)
        self._paths: dict[bool, list[str]] = {}

    def paths(self, folders: bool) -> list[str]:
        if folders not in self._paths:
            joined = self.folders if folders else self.names
            self._paths[folders] = joined.split("\0") if joined else []
        return self._paths[folders]

    def slices(self) -> list[tuple[int, int, int]]:
        """The work: (0 files or 1 folders, start, end) slices, and (2, 0, 0) the folders
        listed every time."""
        out = []
        for kind, joined in ((0, self.names), (1, self.folders)):
            count = joined.count("\0") + 1 if joined else 0
            out.extend((kind, at, min(at + SLICE, count)) for at in range(0, count, SLICE))
        return [*out, (2, 0, 0)]

    def same(self, kind: int, start: int, end: int) -> bool:
        """Whether the slice of the work is as recorded."""
        if kind == 2:
            return self._listed_as_before()
        folders = kind == 1
        types, getters = (_FOLDER_TYPES, _FOLDER_STAMP) if folders else (_FILE_TYPES,
                                                                        _FILE_STAMP)
        numbers = self.folder_numbers if folders else self.file_numbers
        try:
            fd = os.open(self.top, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return False
        try:
            stats = list(map(partial(os.stat, dir_fd=fd), self.paths(folders)[start:end]))
            return all(array(kind, map(get, stats)).tobytes() == packed[start * 8:end * 8]
                       for kind, get, packed in zip(types, getters, numbers))
        except (OSError, OverflowError):
            return False
        finally:
            os.close(fd)

    def _listed_as_before(self) -> bool:
        """Whether the folders without a recorded listing hold the same subfolders as then,
        and no Markdown file in no part (what :func:`changed_files` would find in them)."""
        known: set[str] | None = None
        for rel, subfolders in self.listed:
            found = []
            try:
                with os.scandir(f"{self.top}/{rel}" if rel else self.top) as listing:
                    for entry in listing:
                        if entry.is_dir(follow_symlinks=False):
                            found.append(entry.name)
                        elif entry.name.endswith(".md"):
                            if known is None:
                                known = {*self.paths(False), *self.stray}
                            if (f"{rel}/{entry.name}" if rel else entry.name) not in known:
                                return False
            except OSError:
                return False
            if sorted(found) != sorted(subfolders):
                return False
        return True

    def changed(self) -> list[str]:
        """The general code's answer."""
        return changed_files(Pages(*marshal.loads(self.whole)), Path(self.top))


def check_pages(path: Path, root: Path) -> list[str]:
    """The page files added, changed or removed since ``path`` (:data:`PAGES`) was written:
    the comparison in order when it finds nothing, else :func:`changed_files`."""
    stamps = _Stamps(path, root)
    if stamps.fast and all(stamps.same(*work) for work in stamps.slices()):
        return []
    return stamps.changed()


def changed_files(pages: Pages, root: Path) -> list[str]:
    """The page files added, changed or removed since ``pages`` was taken: every page file is
    stat-ed, but only the folders whose stamp changed (an entry added, removed or renamed in
    them; an edit in place changes only the file's) are listed again."""
    top = str(root).rstrip(os.sep)
    known, stray, folders = pages.stamps, set(pages.stray), pages.folders
    out = {f"{top}/{name}" for name, was in known.items() if stamp(f"{top}/{name}") != was}

    def visit(path: str, rel: str) -> None:
        try:
            st = os.stat(path)
        except OSError:
            return  # gone: its files' stamps say so
        kept = folders.get(rel)
        if kept is not None and tuple(kept[0]) == (st.st_mtime_ns, st.st_ctime_ns, st.st_ino):
            for name in kept[1]:
                visit(f"{path}/{name}", f"{rel}/{name}" if rel else name)
            return
        with os.scandir(path) as listing:
            for entry in listing:
                inside = f"{rel}/{entry.name}" if rel else entry.name
                if entry.is_dir(follow_symlinks=False):
                    visit(entry.path, inside)
                elif entry.name.endswith(".md") and inside not in known and inside not in stray:
                    out.add(f"{top}/{inside}")

    visit(top, "")
    return sorted(out)


class Check:
    """The check running (:func:`start`): :meth:`result` waits for its answer; a check never
    asked is stopped when the object goes (or the process ends)."""

    def __init__(self, path: Path, root: Path, fork: bool) -> None:
        self._path, self._root = path, root
        self._future: Future[list[str]] = Future()
        self._pid: int | None = None
        if fork and hasattr(os, "fork"):
            self._fork()
        else:
            threading.Thread(target=self._run, daemon=True, name="kzgraph-stale-check").start()

    def _run(self) -> None:
        try:
            self._future.set_result(check_pages(self._path, self._root))
        except BaseException as exc:  # noqa: BLE001 - handed to whoever asks for the result
            self._future.set_exception(exc)

    def _fork(self) -> None:
        """A child that puts the slices of the work in a pipe and takes them from it, as the
        command does once its answer is out (a read of two bytes from a pipe is atomic: each
        slice goes to one of the two); it says down another pipe whether its slices were as
        recorded."""
        work_read, work_write = os.pipe()
        answer_read, answer_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.close(answer_read)
                code = _child(self._path, self._root, work_read, work_write, answer_write)
            finally:
                os._exit(code)
        os.close(work_write)
        os.close(answer_write)
        self._pid, self._work, self._answer = pid, work_read, answer_read
        self._stop = weakref.finalize(self, _reap, pid, [work_read, answer_read])

    def result(self) -> list[str]:
        """The page files added, changed or removed (full paths, sorted)."""
        if self._pid is not None and not self._future.done():
            self._stop.detach()
            try:
                self._future.set_result(self._share())
            except BaseException as exc:  # noqa: BLE001 - raised below, as from the thread
                self._future.set_exception(exc)
        return self._future.result()

    def _share(self) -> list[str]:
        """Take the slices left, then the child's answer: [] when every slice was as
        recorded, else the general code's (the child's, when it ran it)."""
        assert self._pid is not None
        stamps: _Stamps | None = None
        same = True
        try:
            token = os.read(self._work, 2)  # waits until the child has put the work there
            if len(token) == 2:
                stamps = _Stamps(self._path, self._root)
                slices = stamps.slices()
                same = stamps.fast and stamps.same(*slices[int.from_bytes(token, "big")]) \
                    and all(stamps.same(*slices[n]) for n in _taken(self._work))
        except Exception:  # noqa: BLE001 - the general code answers
            same = False
        finally:
            os.close(self._work)
        with os.fdopen(self._answer, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self._pid, 0)
        told = marshal.loads(data) if status == 0 and data else None
        if isinstance(told, list):
            return told
        if told is True and same:
            return []
        return stamps.changed() if stamps is not None else check_pages(self._path, self._root)

    def cancel(self) -> None:
        """Stop the check (its answer is not wanted)."""
        if self._pid is not None and not self._future.done() and self._stop.alive:
            self._stop()


def _taken(read: int) -> Iterator[int]:
    """The numbers of the slices taken from the pipe ``read``, until it is empty."""
    while len(token := os.read(read, 2)) == 2:
        yield int.from_bytes(token, "big")


def _child(path: Path, root: Path, work_read: int, work_write: int, answer: int) -> int:
    """The forked process: it puts the slices of the work in the pipe, takes what it can,
    and answers down ``answer``: True (its slices as recorded), the general code's list (one
    was not), None (it could not tell: the command runs the check itself then)."""
    told: object = None
    try:
        try:
            stamps = _Stamps(path, root)
            slices = stamps.slices()
            shared = stamps.fast and len(slices) < 1 << 15  # the pipe holds 32,767 of them
            if shared:
                tokens = b"".join(n.to_bytes(2, "big") for n in range(len(slices)))
                while tokens:
                    tokens = tokens[os.write(work_write, tokens):]
        finally:
            os.close(work_write)  # the command sees the end of the pipe once it is empty
        shared = shared and all(stamps.same(*slices[n]) for n in _taken(work_read))
        told = True if shared else stamps.changed()
    except Exception:  # noqa: BLE001 - the command runs the check itself then
        told = None
    with os.fdopen(answer, "wb") as pipe:
        pipe.write(marshal.dumps(told))
    return 0


def _reap(pid: int, fds: list[int]) -> None:
    import signal

    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass


def start(store_folder: Path, root: Path, *, fork: bool = False) -> Check:
    """Start the check of the content folder ``root`` against the query store in
    ``store_folder``: in a forked process when ``fork`` (a process with no other threads: the
    command line, first thing), else in a thread."""
    return Check(Path(store_folder) / PAGES, Path(root), fork)
