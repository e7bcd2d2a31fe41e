"""The query store: the union of the data graphs (what ``kzgraph.nt`` holds: every page graph
and the reference graph) in an on-disk Oxigraph store beside the build cache, so ``kzgraph
query`` opens it in milliseconds instead of reading the content again.

The first query on a content folder makes it (Oxigraph's bulk loader, from the same N-Triples
pieces the build writes); every build after that keeps it current part by part: the
statements of the parts whose version changed, or that are gone, are removed (by their
subjects: a part's statements are about its own pages, sections and mentions, and no other
part's) and their new pieces loaded, with the reference data replaced whole. When more than a
quarter of the parts changed, it is made afresh (bulk loading is faster then). A build never
makes one from nothing: at 100,000 pages bulk loading would cost every cold build about a
fifth more time, which only someone who queries should pay.

Named graphs are not in it (a query that names one runs on an in-memory store loaded from the
published N-Quads: :func:`kzgraph.query.engines.from_content`).

Two state files go with it, both removed before the store is changed and written (atomically)
after, so a store left half-changed by a killed build is never used (it is made afresh
instead): one records the version and subjects of every part (what a build needs to patch the
store); the other, small, what a query needs (read in milliseconds at 100,000 pages): the
stamps of the page files and folders the store was made from, and the first warnings of that
run with their number.
"""

from __future__ import annotations

import io
import marshal
import os
import pickle
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from kzgraph.engine import stale
from kzgraph.engine.stale import PAGES
from kzgraph.errors import Problem

if TYPE_CHECKING:
    import pyoxigraph as ox

    from kzgraph.config import Settings

    from kzgraph.engine.run import Run

FOLDER = stale.STORE
STATE = "state.pickle"
#: what a query reads before it runs (:class:`Seen`), and what the check for changed pages
#: reads while it runs (:class:`~kzgraph.engine.stale.Pages`)
SEEN = "seen.marshal"
#: the warnings of the run a query repeats (the rest are counted)
PROBLEMS_KEPT = 10
#: the format whose pieces fill the store
FORMAT = "ntriples"
#: the bytes of N-Triples given to the bulk loader at a time: its memory grows with what one
#: call loads (2.1 million triples in one call: 1.7 GB; in batches of 64 MB: 0.3-0.6 GB, in
#: about the same time, measured at 100,000 heavy pages)
BATCH = 64 << 20
#: past this share of parts changed, the store is made afresh (bulk loading is faster)
AFRESH = 0.25


@dataclass
class State:
    """What the store holds: made with ``fingerprint`` (the cache's: code and settings), each
    part's version and subjects (one line each, in one string: a list of strings a part took
    four times as long to unpickle, 0.36 s a build at 100,000 heavy pages), and the reference
    data's subjects."""

    fingerprint: str
    parts: dict[str, tuple[str, str]] = field(default_factory=dict)
    reference: list[str] = field(default_factory=list)


@dataclass
class Seen:
    """What a query needs before it runs: the ``fingerprint`` the store was made with, and the
    first warnings of that run with the number of the others."""

    fingerprint: str
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0


@dataclass
class Opened:
    """An opened store, the first warnings of the run that made it and the number of the
    others, and (when asked) the page files added, changed or removed since: checked while
    the query runs (:mod:`kzgraph.engine.stale`; at 100,000 pages, stat-ing every folder and
    file takes a few tenths of a second)."""

    store: ox.Store
    problems: list[Problem]
    more_problems: int
    _check: stale.Check

    @property
    def changed(self) -> list[str]:
        return self._check.result()


class _Chain(io.RawIOBase):
    """Bytes from an iterator of chunks, read as one file (what the bulk loader reads)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks: Iterator[bytes] = iter(chunks)
        self._left = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._left:
            self._left = next(self._chunks, b"")
            if not self._left:
                return 0
        n = min(len(buffer), len(self._left))
        buffer[:n] = self._left[:n]
        self._left = self._left[n:]
        return n


def store_folder(cache_folder: Path) -> Path:
    return Path(cache_folder) / FOLDER


def _subjects(text: bytes) -> list[str]:
    """The subjects of N-Triples lines (each written ``<iri> `` or ``_:b ``)."""
    return sorted({line[:line.index(b" ")].decode("utf-8")
                   for line in text.split(b"\n") if line})


def _lines(subjects: list[str]) -> str:
    """Subjects as :class:`State` keeps them (no subject holds a line break)."""
    return "\n".join(subjects)


def _of(state: State, key: str) -> list[str]:
    """The subjects of a part of ``state`` (none for a part it does not have)."""
    text = state.parts.get(key, ("", ""))[1]
    return text.split("\n") if text else []


def _read_state(folder: Path) -> State | None:
    try:
        with open(folder / STATE, "rb") as handle:
            state = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    return state if isinstance(state, State) else None


def _write(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _write_state(folder: Path, state: State) -> None:
    _write(folder / STATE, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))


def _write_seen(folder: Path, seen: Seen) -> None:
    """Marshalled (read three times faster than pickled), the problems pickled inside."""
    _write(folder / SEEN, marshal.dumps((
        seen.fingerprint, pickle.dumps(seen.problems, protocol=pickle.HIGHEST_PROTOCOL),
        seen.more_problems)))


def _read_seen(folder: Path) -> Seen | None:
    try:
        fingerprint, problems, more = marshal.loads((folder / SEEN).read_bytes())
        return Seen(fingerprint, pickle.loads(problems), more)
    except (OSError, ValueError, TypeError, EOFError, pickle.UnpicklingError, AttributeError,
            ImportError):
        return None


def _pieces(run: Run, keys: set[str] | None) -> Iterator[bytes | None]:
    """Each part's N-Triples piece, in key order (None for a part not in ``keys``, when
    given)."""
    from kzgraph.formats.writers import read_piece

    handles: dict[str, int] = {}
    try:
        for key, _, where in run.pieces_of(FORMAT):
            yield read_piece(FORMAT, where, handles) if keys is None or key in keys else None
    finally:
        for fd in handles.values():
            os.close(fd)


def update(run: Run, problems: list[Problem], *, make: bool = False) -> bool:
    """Bring the query store beside the run's cache up to date with the run (after
    :meth:`Run.check`, with N-Triples pieces): patched when few parts changed, made afresh
    when many did. A store that does not exist is made only when ``make``; one that cannot be
    kept current (the run made no N-Triples pieces) is removed, so no query answers from it
    as if it were current. Returns whether a current store is there afterwards."""
    import pyoxigraph as ox

    from kzgraph.formats.writers import chunk_texts

    if run.cache.path is None:
        return False
    folder = store_folder(run.cache.path.parent)
    old = _read_state(folder)
    if old is not None and old.fingerprint != run.cache.fingerprint:
        old = None
    if FORMAT not in run.formats or (old is None and not make):
        shutil.rmtree(folder, ignore_errors=True)
        return False
    versions = dict(run.versions)
    changed = set(versions) if old is None else \
        {k for k, v in versions.items() if old.parts.get(k, ("",))[0] != v}
    gone = set() if old is None else set(old.parts) - set(versions)
    many = len(changed) + len(gone) > AFRESH * max(1, len(versions)) or (
        old is not None and any(subject.startswith("_:") for key in changed | gone
                                for subject in _of(old, key)))
    reference = chunk_texts({None: run.reference}, [FORMAT])[FORMAT].encode("utf-8")
    new = State(run.cache.fingerprint, {}, _subjects(reference))
    seen = Seen(run.cache.fingerprint,
                # without their SHACL details (their classes would cost a query 0.1 s to import)
                [replace(p, detail=None) for p in problems[:PROBLEMS_KEPT]],
                max(0, len(problems) - PROBLEMS_KEPT))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SEEN).unlink(missing_ok=True)
    # the stamps of the pages the store was made from are written again after it changed
    # (see write_run_pages: the folders' part of them is kept when the folders are the same)
    pages = folder / PAGES
    if pages.exists():
        os.replace(pages, folder / f".{PAGES}.before")
    (folder / STATE).unlink(missing_ok=True)
    if old is None or many:
        _afresh(run, folder, reference, new)
    else:
        new.parts = {k: v for k, v in old.parts.items() if k in versions}
        if changed or gone or old.reference != new.reference:
            store = ox.Store(str(folder / "store"))
            _patch(store, run, old, changed, gone, reference, new)
            store.flush()
            del store
    _write_state(folder, new)
    stale.write_run_pages(folder / PAGES, str(run.settings.content), run.stamps, run.stray,
                          run.listings, run.cache.listings_blob, _write,
                          before=folder / f".{PAGES}.before")
    (folder / f".{PAGES}.before").unlink(missing_ok=True)
    _write_seen(folder, seen)
    return True


def _afresh(run: Run, folder: Path, reference: bytes, state: State) -> None:
    """Make the store anew with the bulk loader, in a new folder swapped in after; note each
    part's subjects in ``state``."""
    import pyoxigraph as ox

    staging = folder / f"store.new-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    store = ox.Store(str(staging))

    def batches() -> Iterator[list[bytes]]:
        batch: list[bytes] = []
        size = 0
        for (key, version), text in zip(run.versions, _pieces(run, None)):
            state.parts[key] = (version, _lines(_subjects(text)))
            batch.append(text)
            size += len(text)
            if size >= BATCH:
                yield batch
                batch, size = [], 0
        yield [*batch, reference]

    for batch in batches():
        store.bulk_load(io.BufferedReader(_Chain(batch), 1 << 20),
                        format=ox.RdfFormat.N_TRIPLES, lenient=True)
    store.optimize()
    store.flush()
    del store
    target = folder / "store"
    if target.exists():
        retired = folder / f"store.old-{os.getpid()}"
        os.rename(target, retired)
        os.rename(staging, target)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.rename(staging, target)


def _patch(store: ox.Store, run: Run, old: State, changed: set[str], gone: set[str],
           reference: bytes, state: State) -> None:
    """Remove the statements of the parts changed or gone and of the reference data (by their
    subjects), then load the changed parts' pieces and the reference data again."""
    import pyoxigraph as ox

    default = ox.DefaultGraph()
    subjects = {s for key in changed | gone for s in _of(old, key)}
    subjects.update(old.reference)
    for subject in subjects:
        node = ox.BlankNode(subject[2:]) if subject.startswith("_:") else \
            ox.NamedNode(subject[1:-1])
        for quad in list(store.quads_for_pattern(node, None, None, default)):
            store.remove(quad)
    for key in gone:
        state.parts.pop(key, None)
    texts = []
    for (key, version), text in zip(run.versions, _pieces(run, changed)):
        if text is not None:
            state.parts[key] = (version, _lines(_subjects(text)))
            texts.append(text)
    texts.append(reference)
    store.load(b"".join(texts), format=ox.RdfFormat.N_TRIPLES)


def open_store(cache_folder: Path, fingerprint: str, settings: Settings,
               check: stale.Check | None = None) -> Opened | None:
    """The query store made for ``fingerprint``, opened to read, with the page files changed
    since it was made found beside (by ``check``, started earlier with :func:`start_check`;
    else in a thread started here); None when there is none to open (``check`` is stopped
    then)."""
    import pyoxigraph as ox

    folder = store_folder(cache_folder)
    seen = _read_seen(folder)
    store = None
    if seen is not None and seen.fingerprint == fingerprint and (folder / "store").is_dir() \
            and (folder / STATE).is_file() and (folder / PAGES).is_file():
        try:
            store = ox.Store.read_only(str(folder / "store"))
        except OSError:
            store = None
    if store is None or seen is None:
        if check is not None:
            check.cancel()
        return None
    if check is None:
        check = start_check(cache_folder, settings.content)
    return Opened(store, seen.problems, seen.more_problems, check)


def start_check(cache_folder: Path, content: Path, *, fork: bool = False) -> stale.Check:
    """Start the check for page files changed since the store beside ``cache_folder`` was
    made (:mod:`kzgraph.engine.stale`): in a forked process when ``fork`` (the command line
    does so first of all), else in a thread."""
    return stale.start(store_folder(cache_folder), content, fork=fork)
