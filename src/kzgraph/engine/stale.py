"""The check for page files changed since the query store was made: every page file is
stat-ed (an edit in place changes only the file's own stamp), and every folder (an entry
added, removed or renamed changes the folder's), against what the store was made from.

At 100,000 pages the 143,000 stats take about 0.3 s of system time, which cannot be saved;
what can be saved is waiting for them. ``kzgraph query`` starts the check first of all,
before its own imports, in a forked process that runs on the other core while the query is
read, prepared and answered (a thread would wait for the interpreter lock the query's Python
holds, between each of its system calls). Elsewhere (a library call, a system without
``fork``) it runs in a thread.

The stamps are kept as a few long values (paths joined in one string, each number of the
stamps packed in an array), compared a slice at a time as they come: the usual answer,
nothing changed, costs the stats and a few comparisons of bytes. A slice that differs is
compared path by path, and the general code (:func:`changed_files`) then lists the folders
that changed, given the others as unchanged; the tests hold every way of checking to the
general code alone.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import threading
import weakref
from array import array
from functools import partial
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from kzgraph.content.walk import stamp

if TYPE_CHECKING:
    from kzgraph.content.walk import Listing

#: the query store's folder in a cache folder (:mod:`kzgraph.engine.querystore`), and the
#: file in it that says what the store was made from
STORE = "query-store"
PAGES = "pages.marshal"
#: what :func:`read_pages` knows how to read
_LAYOUT = "pages-3"
#: the numbers of a file's stamp (size, modification time, inode) and of a folder's
#: (modification time, change time, inode): read from a stat result, packed as
_FILE_STAMP = (attrgetter("st_size"), attrgetter("st_mtime_ns"), attrgetter("st_ino"))
_FOLDER_STAMP = (attrgetter("st_mtime_ns"), attrgetter("st_ctime_ns"), attrgetter("st_ino"))
_FILE_TYPES, _FOLDER_TYPES = "QqQ", "qqQ"
#: the paths compared at a time
SLICE = 1000


class Pages:
    """What the store was made from (paths relative to the content folder): the stamp of every
    page file in a part, the Markdown files in none, and each folder's stamp (modification
    time, change time, inode) and subfolders' names. (A plain class: a dataclass would cost
    the command a millisecond to import before it starts the check.)"""

    __slots__ = ("stamps", "stray", "folders")

    def __init__(self, stamps: dict[str, str], stray: list[str],
                 folders: dict[str, tuple[tuple[int, int, int], list[str]]]) -> None:
        self.stamps, self.stray, self.folders = stamps, stray, folders

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


def _tree(folders: dict[str, tuple[tuple[int, int, int], list[str]]], names: Iterable[str],
          stray: Iterable[str]) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The folders :func:`changed_files` visits when nothing changed, from the top: those
    with a recorded listing (stat-ed), and those without one (a folder changed within a
    second of the build's walk: listed every time), each with the names of the subfolders it
    had (the folders of its files, ``names`` and ``stray``, and of the recorded ones below
    it)."""
    below: dict[str, set[str]] = {}
    for rel in [*folders, *(name.rpartition("/")[0] for name in [*names, *stray])]:
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
        subfolders = list(kept[1]) if kept is not None else sorted(below.get(rel, ()))
        if kept is not None:
            recorded.append(rel)
        else:
            listed.append((rel, subfolders))
        todo.extend(f"{rel}/{name}" if rel else name for name in subfolders)
    return recorded, listed


def _packed(types: str, numbers: list[tuple[int, ...]]) -> list[bytes] | None:
    """Each column of ``numbers`` packed as ``types`` says (None when a number does not fit:
    never on Linux)."""
    try:
        return [array(kind, [n[i] for n in numbers]).tobytes() for i, kind in enumerate(types)]
    except OverflowError:
        return None


def _file_part(names: list[str], stamps: list[str]) -> tuple:
    """What :func:`write_pages` writes of the page files (``names`` relative, with their
    ``stamps``): whether the comparison in order can be used, the names joined and the
    stamps' numbers packed (a file unreadable then is compared by the general code only)."""
    # the usual case in a few calls into C: every stamp three numbers (none 'unreadable')
    numbers = ":".join(stamps).split(":")
    if len(numbers) == 3 * len(stamps) and all(map(str.isdigit, numbers)):
        try:
            packed = [array(kind, map(int, numbers[i::3])).tobytes()
                      for i, kind in enumerate(_FILE_TYPES)]
            return (True, "\0".join(names), *packed)
        except (OverflowError, ValueError):
            pass
    files = [(name, n) for name, was in zip(names, stamps) if (n := _numbers(was)) is not None]
    file_numbers = _packed(_FILE_TYPES, [n for _, n in files])
    return (len(files) == len(stamps) and file_numbers is not None,
            "\0".join(name for name, _ in files), *(file_numbers or [b""] * 3))


def _folder_part(folders: dict[str, tuple[tuple[int, int, int], list[str]]],
                 names: list[str], stray: list[str]) -> tuple:
    """What :func:`write_pages` writes of the folders: whether the comparison in order can be
    used, the recorded folders joined and their stamps' numbers packed, the folders listed
    every time, and the whole of ``folders`` marshalled."""
    recorded, listed = _tree(folders, names, stray)
    folder_numbers = _packed(_FOLDER_TYPES, [folders[rel][0] for rel in recorded])
    return (folder_numbers is not None, "\0".join(rel or "." for rel in recorded),
            *(folder_numbers or [b""] * 3), listed, marshal.dumps(folders))


#: where the file :func:`write_pages` writes holds the folders' part (:func:`_folder_part`),
#: and the digest of what that part was made from (see :func:`write_run_pages`)
_FOLDERS_AT, _TOKEN_AT = slice(6, 13), 15


def _pages_file(files: tuple, folders: tuple, stamps: dict[str, str], stray: list[str],
                token: str) -> bytes:
    return marshal.dumps((_LAYOUT, files[0] and folders[0], *files[1:], *folders, stray,
                          marshal.dumps(stamps), token))


def write_pages(path: Path, pages: Pages, write: Callable[[Path, bytes], None]) -> None:
    """Write ``pages`` for :func:`read_pages`: the whole for the general code (marshalled
    again inside, read only when something changed), and for the comparison in order the
    paths joined by NUL (no path holds one) with their stamps' numbers packed."""
    names = list(pages.stamps)
    write(path, _pages_file(_file_part(names, list(pages.stamps.values())),
                            _folder_part(pages.folders, names, pages.stray),
                            pages.stamps, pages.stray, ""))


def write_run_pages(path: Path, root: str, stamps: dict[str, str], stray: list[str],
                    listings: dict[str, Listing], listings_blob: bytes,
                    write: Callable[[Path, bytes], None], before: Path | None = None) -> None:
    """What :func:`write_pages` writes of ``Pages.of(root, stamps, stray, listings)``, made
    from a run's own values (absolute paths; ``listings_blob``: ``listings`` as the cache
    keeps them, marshalled) without the 143,000 small steps that took a rebuild at 100,000
    heavy pages more than a second: the paths are made relative, and the stamps' numbers
    packed, on joined strings; the folders' part (a walk over every folder) is taken from the
    file written before (``before``, by default ``path``) when it was made from the same
    listings, page files and stray files (a digest of them is kept in the file). Held to
    :func:`write_pages` by the tests."""
    prefix = root.rstrip(os.sep) + "/"
    cut = len(prefix)
    joined = "\0".join(stamps)
    relative = joined.replace("\0" + prefix, "\0")[cut:]
    if joined.startswith(prefix) and len(joined) - len(relative) == cut * len(stamps):
        names = relative.split("\0") if stamps else []
    else:  # a path not under the root as spelled (not from a run): one by one
        names = [name[cut:] for name in stamps]
    rel_stray = [name[cut:] for name in stray]
    token = hashlib.sha256(b"\0".join([_LAYOUT.encode(), prefix.encode(), listings_blob,
                                         "\0".join(names).encode(),
                                         "\0".join(rel_stray).encode()])).hexdigest()
    folders: tuple | None = None
    try:
        was = marshal.loads((before or path).read_bytes())
        if was[0] == _LAYOUT and was[_TOKEN_AT] == token:
            folders = tuple(was[_FOLDERS_AT])
    except (OSError, EOFError, ValueError, TypeError, IndexError):
        folders = None
    if folders is None:
        folders = _folder_part(
            {folder[cut:]: (tuple(kept[0]), [sub[len(folder) + 1:] for sub in kept[2]])
             for folder, kept in listings.items()}, names, rel_stray)  # type: ignore[misc]
    values = list(stamps.values())
    write(path, _pages_file(_file_part(names, values), folders, dict(zip(names, values)),
                            rel_stray, token))


def read_pages(path: Path) -> Pages:
    """The whole of what :func:`write_pages` wrote."""
    data = marshal.loads(path.read_bytes())
    return Pages(marshal.loads(data[14]), data[13], marshal.loads(data[12]))


class _Stamps:
    """What :func:`write_pages` wrote, for the comparison in order: a slice at a time."""

    def __init__(self, path: Path, root: Path) -> None:
        data = marshal.loads(path.read_bytes())
        if data[0] != _LAYOUT:
            raise ValueError(f"{path}: not a list of page stamps kzgraph reads")
        self.fast: bool = data[1]
        self.names, self.file_numbers = data[2], data[3:6]
        self.folders, self.folder_numbers = data[7], data[8:11]
        self.listed: list[tuple[str, list[str]]] = data[11]
        self.stray: list[str] = data[13]
        #: the folders and the stamps, marshalled (read only when something differs)
        self.whole: tuple[bytes, bytes] = (data[12], data[14])
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

    def compare(self, kind: int, start: int, end: int) -> Found:
        """What differs in a slice of the work: the page files whose stamp changed (or that
        are gone), the folders whose stamp changed (or that are gone), whether anything
        did (the folders listed every time: whether they hold what they held)."""
        if kind == 2:
            return [], [], not self._listed_as_before()
        folders = kind == 1
        types, getters = (_FOLDER_TYPES, _FOLDER_STAMP) if folders else (_FILE_TYPES,
                                                                        _FILE_STAMP)
        numbers = self.folder_numbers if folders else self.file_numbers
        names = self.paths(folders)[start:end]
        try:
            fd = os.open(self.top, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:  # the content folder is gone: so is every page
            differ = names
        else:
            differ = self._differ(fd, names, start, end, types, getters, numbers)
        if differ is None:
            return [], [], False
        if folders:
            return [], ["" if name == "." else name for name in differ], True
        return differ, [], True

    @staticmethod
    def _differ(fd: int, names: list[str], start: int, end: int, types: str,
                getters: tuple[attrgetter, ...], numbers: tuple[bytes, ...]
                ) -> list[str] | None:
        """The paths (under the folder ``fd``) whose stamp is not as recorded, None when
        all are."""
        try:
            try:
                stats = list(map(partial(os.stat, dir_fd=fd), names))
                if all(array(kind, map(get, stats)).tobytes() == packed[start * 8:end * 8]
                       for kind, get, packed in zip(types, getters, numbers)):
                    return None
            except (OSError, OverflowError):
                pass
            # one by one: what differs
            recorded = list(zip(*(array(kind, packed[start * 8:end * 8])
                                  for kind, packed in zip(types, numbers))))
            differ = []
            for name, was in zip(names, recorded):
                try:
                    st = os.stat(name, dir_fd=fd)
                except OSError:
                    differ.append(name)
                    continue
                if tuple(get(st) for get in getters) != was:
                    differ.append(name)
            return differ
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

    def changed(self, found: Found | None = None) -> list[str]:
        """The page files added, changed or removed: from what differs in every slice
        (``found``), else the general code's answer."""
        if found is not None and self.fast and not found[2]:
            return []
        pages = Pages(marshal.loads(self.whole[1]), self.stray, marshal.loads(self.whole[0]))
        if found is None or not self.fast:
            return changed_files(pages, Path(self.top))
        files, folders, _ = found
        same = {"" if name == "." else name for name in self.paths(True)} - set(folders)
        return changed_files(pages, Path(self.top), changed=files, unchanged_folders=same)


#: what differs in slices of the work: see :meth:`_Stamps.compare`
Found = tuple[list[str], list[str], bool]


def _merge(found: Iterable[Found]) -> Found:
    files: list[str] = []
    folders: list[str] = []
    differ = False
    for more_files, more_folders, more in found:
        files += more_files
        folders += more_folders
        differ = differ or more
    return files, folders, differ


def check_pages(path: Path, root: Path) -> list[str]:
    """The page files added, changed or removed since ``path`` (:data:`PAGES`) was written:
    the comparison in order finds what differs, :func:`changed_files` the rest."""
    stamps = _Stamps(path, root)
    if not stamps.fast:
        return stamps.changed()
    return stamps.changed(_merge(stamps.compare(*work) for work in stamps.slices()))


def changed_files(pages: Pages, root: Path, *, changed: list[str] | None = None,
                  unchanged_folders: set[str] | None = None) -> list[str]:
    """The page files added, changed or removed since ``pages`` was taken: every page file is
    stat-ed, but only the folders whose stamp changed (an entry added, removed or renamed in
    them; an edit in place changes only the file's) are listed again. ``changed``: the page
    files (relative paths) whose stamp is known to differ, so none is stat-ed again;
    ``unchanged_folders``: the folders known to be as recorded (the others are stat-ed)."""
    top = str(root).rstrip(os.sep)
    known, stray, folders = pages.stamps, set(pages.stray), pages.folders
    if changed is None:
        out = {f"{top}/{name}" for name, was in known.items()
               if stamp(f"{top}/{name}") != was}
    else:
        out = {f"{top}/{name}" for name in changed}
    same = unchanged_folders or set()

    def visit(path: str, rel: str) -> None:
        kept = folders.get(rel)
        if kept is not None and rel in same:
            for name in kept[1]:
                visit(f"{path}/{name}", f"{rel}/{name}" if rel else name)
            return
        try:
            st = os.stat(path)
        except OSError:
            return  # gone: its files' stamps say so
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


class _Answer:
    """An answer to wait for, or the error that came instead (what a Future is, without
    the 4 ms concurrent.futures costs to import)."""

    def __init__(self) -> None:
        self._ready = threading.Event()
        self._value: list[str] = []
        self._error: BaseException | None = None

    def done(self) -> bool:
        return self._ready.is_set()

    def set_result(self, value: list[str]) -> None:
        self._value = value
        self._ready.set()

    def set_exception(self, error: BaseException) -> None:
        self._error = error
        self._ready.set()

    def result(self) -> list[str]:
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self._value


class Check:
    """The check running (:func:`start`): :meth:`result` waits for its answer; a check never
    asked is stopped when the object goes (or the process ends)."""

    def __init__(self, path: Path, root: Path, fork: bool) -> None:
        self._path, self._root = path, root
        self._future = _Answer()
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
        """A child that runs the check and sends its answer down a pipe."""
        try:
            answer_read, answer_write = os.pipe()
            pid = os.fork()
        except OSError:  # no process to be had: a thread then
            threading.Thread(target=self._run, daemon=True, name="kzgraph-stale-check").start()
            return
        if pid == 0:
            code = 1
            try:
                # not the command's output: a reader waits for its end, not for the check's
                null = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(null, fd)
                os.close(null)
                os.close(answer_read)
                code = _child(self._path, self._root, answer_write)
            finally:
                os._exit(code)
        os.close(answer_write)
        self._pid, self._answer = pid, answer_read
        self._stop = weakref.finalize(self, _reap, pid, [answer_read])

    def result(self) -> list[str]:
        """The page files added, changed or removed (full paths, sorted)."""
        if self._pid is not None and not self._future.done():
            self._stop.detach()
            with os.fdopen(self._answer, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(self._pid, 0)
            told = marshal.loads(data) if status == 0 and data else None
            if isinstance(told, list):
                self._future.set_result(told)
            else:  # it failed: the check runs here, its error (if any) raised as from a thread
                self._run()
        return self._future.result()

    def cancel(self) -> None:
        """Stop the check (its answer is not wanted)."""
        if self._pid is not None and not self._future.done() and self._stop.alive:
            self._stop()


def _child(path: Path, root: Path, answer: int) -> int:
    """The forked process: the check's answer down ``answer`` (None when it failed: the
    command runs the check itself then)."""
    try:
        told = check_pages(path, root)
    except Exception:  # noqa: BLE001 - see above
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


def start_in_cache(cache_folder: Path, root: Path) -> Check:
    """:func:`start` in a forked process, for the query store of the cache folder
    ``cache_folder`` (what ``kzgraph query`` does first of all, having imported only this
    module)."""
    return start(Path(cache_folder) / STORE, root, fork=True)
