"""The build engine: the content in parts, worked on in parallel, cached between runs.

A *part* is one resource: every language file of ``<kind>/<slug>/`` (folders whose slugs differ
only in case go together, so the duplicate check sees them). Each part is loaded, mapped,
validated and written in every format on its own, in worker processes; the result is a
:class:`Chunk`, kept in a SQLite cache keyed by the part's files (path, size, mtime). A rebuild
re-does only the parts whose files changed (and the guides, when the set of pages they may link
to changed), then settles what needs the whole content at once:

- ``sh:class`` checks on nodes another part describes (deferred by :mod:`kzgraph.check.shacl`),
  against the types every part reported;
- the reference data (countries, languages, people, concept schemes), merged and validated;
- the provenance and ontology graphs, the VoID/DCAT statistics (which add up by parts).

Every output file is then its header, the parts' chunks in key order, the reference chunk and
its footer, streamed from the cache. The same content gives the same bytes, whether the chunks
were made in this run, an earlier one, by one process or by several.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import multiprocessing as mp
import os
import pickle
import shutil
import sqlite3
import sys
import tempfile
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

from rdflib import URIRef
from rdflib.term import Node

from kzgraph import __version__
from kzgraph.config import Settings
from kzgraph.graph.describe import Statistics
from kzgraph.errors import ERROR, Problem, sort_problems
from kzgraph.formats.writers import (DATASET_FORMATS, Encoded, Layout, Piece, chunk_texts, ordered,
                     piece, read_piece)
from kzgraph.formats.registry import FORMATS
from kzgraph.content.load import FILE_NAME, KINDS, find_file_names, load_file, load_files
from kzgraph.graph.mapping import Mapped, map_content, reference_triples
from kzgraph.resources import context_file, ontology_file, shapes_file
from kzgraph.check.shacl import Index, Result
from kzgraph.vocab import SH

ALL_FORMATS = tuple(f.name for f in FORMATS)
#: the text the cache keeps of each part: its provenance in the dataset formats (the pieces of
#: the formats themselves are kept in the files written: see :class:`Cache`)
_COLUMNS = ("prov_nquads", "prov_trig")
#: the parts of kzgraph whose code decides what a chunk holds: a change to any module of these
#: packages (or to the shapes, ontology, context, or the libraries' versions) empties the cache
_CODE = ("content", "formats", "graph", "check", "build", "vocab.py", "errors.py")
_BATCH = 64
#: the languages problem messages are kept in (the shapes' sh:message languages)
MESSAGE_LANGUAGES = ("en", "ru")


@dataclass
class Part:
    """One resource's files (their paths as text)."""

    key: str
    names: list[str]

    @property
    def kind(self) -> str:
        return self.key.split("/", 1)[0]

    @property
    def files(self) -> list[Path]:
        return [Path(name) for name in self.names]


@dataclass
class Chunk:
    """Everything a build needs from one part, computed without looking at any other part.
    Only plain data (strings, numbers): chunks are pickled into the cache by the thousand."""

    key: str
    #: the part's statements in each format, and its provenance (with the build placeholder)
    texts: dict[str, str]
    #: the part's problems, by the language of the messages
    problems: dict[str, list[Problem]] = field(default_factory=dict)
    results: list[tuple[str, str, str, str]] = field(default_factory=list)
    #: class checks another part must settle: (value, class, shape name, focus, path); where
    #: the statement came from is found again only for the rare check that fails
    deferred: list[tuple] = field(default_factory=list)
    #: (subject, class) for every class of every subject of the part, superclasses included
    types: list[tuple[str, str]] = field(default_factory=list)
    #: the reference data the part uses, as (kind, code) keys (see ``Mapped.referenced``)
    reference: list[tuple[str, str]] = field(default_factory=list)
    stats: Statistics = field(default_factory=Statistics)
    #: (path, SHA-256) of each page file loaded, for the build's provenance digest
    files: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Outcome:
    """What a run found and made."""

    problems: list[Problem]
    results: list[tuple[str, str, str, str]]
    stats: Statistics
    parts: int
    rebuilt: int
    files: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)


#: parts are summed by buckets (a part's bucket: a hash of its key)
BUCKETS = 64


def bucket_of(key: str) -> int:
    return zlib.crc32(key.encode("utf-8")) % BUCKETS


@dataclass
class Summary:
    """What some parts add up to: their problems (in each message language), results,
    statistics, file digests and the keys of the reference data they use."""

    problems: dict[str, list[Problem]] = field(
        default_factory=lambda: {lang: [] for lang in MESSAGE_LANGUAGES})
    results: list[tuple[str, str, str, str]] = field(default_factory=list)
    stats: Statistics = field(default_factory=Statistics)
    files: list[tuple[str, str]] = field(default_factory=list)
    refs: set[tuple[str, str]] = field(default_factory=set)

    def add(self, info: tuple, refs: bytes | None) -> None:
        """Add one part: its info (as :meth:`Cache.row` pickles it) and reference keys
        (marshalled)."""
        found, results, stats, files = info
        for lang in MESSAGE_LANGUAGES:
            self.problems[lang].extend(found.get(lang, ()))
        self.results.extend(results)
        self.stats.add(stats)
        self.files.extend(files)
        if refs:
            self.refs.update(marshal.loads(refs))


# -- planning -----------------------------------------------------------------------------------

def plan(root: Path) -> tuple[list[Part], list[Path], list[Problem]]:
    """The content's parts, the files outside any part (reported as they load), and the
    problems of the walk itself (linked folders)."""
    paths, problems = find_file_names(root)
    groups: dict[str, list[str]] = defaultdict(list)
    stray: list[Path] = []
    prefix = len(str(root).rstrip(os.sep)) + 1
    for path in paths:
        parts = path[prefix:].split(os.sep)
        if len(parts) == 3 and parts[0] in KINDS and FILE_NAME.fullmatch(parts[2]):
            groups[f"{KINDS[parts[0]]}/{parts[1].casefold()}"].append(path)
        else:
            stray.append(Path(path))
    return [Part(k, groups[k]) for k in sorted(groups)], stray, problems


def known_slugs(parts: Iterable[Part]) -> dict[str, set[str]]:
    """The slugs links may point to: every folder with a page file, by kind."""
    known: dict[str, set[str]] = defaultdict(set)
    for part in parts:
        for path in part.names:
            known[part.kind].add(path.rsplit(os.sep, 2)[-2])
    return dict(known)


# -- one part -----------------------------------------------------------------------------------

def make_chunk(part: Part, root: Path, settings: Settings, known: dict[str, set[str]],
               formats: Iterable[str]) -> Chunk:
    """Load, map, validate and write one part."""
    from kzgraph.graph.provenance import BUILD_PLACEHOLDER, file_digest, page_sources, source_triples
    from kzgraph.check.validate import compiled_shapes, locate

    content = load_files(part.files, root, settings.default_language)
    # mapped without recording each statement's origin: only results need one, and they
    # are rare (the part is mapped again, with origins, to locate them)
    mapped: Mapped = map_content(content, settings, known, origins=False)
    minter = mapped.minter
    reference_graph = minter.reference_graph()
    enc = Encoded({g: t for g, t in mapped.quads.items() if g != reference_graph})
    union = enc.triples
    # what the part says of the reference data: each block once, as made once a process
    reference = mapped.quads.get(reference_graph, [])
    formats = tuple(formats)
    chunk = Chunk(part.key, chunk_texts(enc, formats))
    chunk.reference = sorted(mapped.referenced)
    dataset_formats = [f for f in formats if f in DATASET_FORMATS]
    if dataset_formats:
        provenance = [t for source in page_sources(mapped, content.pages)
                      for t in source_triples(source, BUILD_PLACEHOLDER)]
        for fmt, text in chunk_texts({minter.graph("provenance"): provenance},
                                     dataset_formats).items():
            chunk.texts[f"prov_{fmt}"] = text

    shapes, hierarchy = compiled_shapes()
    index = Index((), hierarchy)
    index.add(union, unique=True)
    index.add(reference)
    local = set(index.spo)

    def types(node: Node) -> set[Node] | None:
        return index.classes_of(node) if node in local else None

    deferred: list[tuple[Result, Node, str]] = []
    subjects = {s for s, _, _ in union}
    results = shapes.validate(index, focus=subjects, types=types, deferred=deferred)
    chunk.results = [r.key() for r in results]
    found = content.problems + mapped.problems
    located = map_content(content, settings, known) if results else mapped
    chunk.problems = {lang: found + locate(located, results, lang)
                      for lang in MESSAGE_LANGUAGES}
    # located only if they fail, which is rare: the part is mapped again then
    # strings interned: the same few classes, shapes and paths recur in every row, and a
    # batch's pickle then holds each once (so does the parent's memory)
    intern = sys.intern
    chunk.deferred = [(intern(str(r.value)), intern(str(cls)), intern(name),
                       intern(str(r.focus)), intern(str(r.path))) for r, cls, name in deferred]
    chunk.types = sorted({(intern(str(node)), intern(str(cls))) for node in subjects
                          for cls in index.classes_of(node)})
    chunk.stats = Statistics.of_encoded(enc.union, settings.base)
    chunk.files = [(page.rel, page.sha256 or file_digest(page.path)) for page in content.pages]
    return chunk


def _settled(failed: list[tuple[str, str, str, str, str]], part: Part, root: Path,
             settings: Settings, known: dict[str, set[str]], lang: str
             ) -> Iterator[tuple[tuple[str, str, str, str], list[Problem]]]:
    """The deferred class checks of one part that failed: each one's result key and its
    problems, located in the part's files (mapped again to find where each statement came
    from)."""
    from kzgraph.check.validate import compiled_shapes, locate

    mapped = map_content(load_files(part.files, root, settings.default_language), settings,
                         known)
    by_name = compiled_shapes()[0].by_name
    for value, cls, name, focus, path in failed:
        shape = by_name[name]
        r = Result(URIRef(focus), URIRef(path), URIRef(value), SH.ClassConstraintComponent,
                   shape.shape, shape.severity, shape.messages)
        yield r.key(), locate(mapped, [r], lang)


# -- workers ------------------------------------------------------------------------------------

_WORK: tuple[Path, Settings, dict[str, set[str]], tuple[str, ...], Path | None] | None = None


def _write_pieces(chunks: list[Chunk], formats: tuple[str, ...], scratch: Path
                  ) -> list[dict[str, Piece]]:
    """Append each chunk's text in each format, as a piece (as it stands after another piece
    in a file), to this process's file for the format in ``scratch``: one write a format a
    batch. Returns where each chunk's pieces lie."""
    out: list[dict[str, Piece]] = [{} for _ in chunks]
    for fmt in formats:
        name = str(scratch / f"{fmt}.{os.getpid()}")
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            offset = os.fstat(fd).st_size
            blob = bytearray()
            for where, chunk in zip(out, chunks):
                data = piece(fmt, chunk.texts.pop(fmt, ""), False).encode("utf-8")
                where[fmt] = (name, offset + len(blob), len(data), False)
                blob += data
            view = memoryview(blob)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
    return out


def _work(batch: list[Part]) -> list[tuple]:
    """A batch of parts as cache rows and where their pieces lie (strings, numbers and bytes:
    cheap to send to the parent; the pieces themselves never pass through it)."""
    assert _WORK is not None
    root, settings, known, formats, scratch = _WORK
    chunks = [make_chunk(p, root, settings, known, formats) for p in batch]
    pieces = _write_pieces(chunks, formats, scratch) if formats and scratch else \
        [{} for _ in chunks]
    return [(*Cache.row(c, formats), where) for c, where in zip(chunks, pieces)]


def _worker_started() -> None:
    """A worker makes millions of short-lived objects and few cycles: with the default
    thresholds the cyclic collector took 4% of its time (measured), with these about none."""
    gc.set_threshold(50_000, 20, 20)


def _rows(parts: list[Part], root: Path, settings: Settings, known: dict[str, set[str]],
          formats: tuple[str, ...], jobs: int, scratch: Path | None
          ) -> Iterator[list[tuple]]:
    """The cache rows of ``parts`` (and where their pieces were written in ``scratch``),
    batch by batch, from ``jobs`` forked workers (or in-process when there is little to do)."""
    global _WORK
    _WORK = (root, settings, known, formats, scratch)
    batches = [parts[i:i + _BATCH] for i in range(0, len(parts), _BATCH)]
    try:
        if jobs <= 1 or len(batches) <= 1 or "fork" not in mp.get_all_start_methods():
            for batch in batches:
                yield _work(batch)
            return
        with mp.get_context("fork").Pool(jobs, initializer=_worker_started) as pool:
            yield from pool.imap_unordered(_work, batches)
    finally:
        _WORK = None


# -- the cache ----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    import pycountry
    import pyoxigraph
    import rdflib

    h = hashlib.sha256(f"{__version__}|{rdflib.__version__}|{pyoxigraph.__version__}|"
                       f"{getattr(pycountry, '__version__', '')}|{sys.version_info[:2]}".encode())
    package = Path(__file__).resolve().parents[1]
    code = sorted(path for name in _CODE
                  for path in ([package / name] if name.endswith(".py")
                               else (package / name).rglob("*.py")))
    for path in [*code, ontology_file(), shapes_file(),
                 context_file()]:
        h.update(path.read_bytes())
    return h.hexdigest()


def default_cache_dir(settings: Settings) -> Path:
    """``$XDG_CACHE_HOME/kzgraph/<digest of the content folder's path>`` (``~/.cache`` by
    default): outside the content and the output, so neither is cluttered."""
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    where = hashlib.sha256(str(settings.content.resolve()).encode()).hexdigest()[:16]
    return home / "kzgraph" / where


class Cache:
    """What each part's chunk holds besides its pieces (problems, results, statistics,
    reference lines, types, deferred checks, provenance), the files each was made from, and
    where each part's piece lies in the files written last, in one SQLite file.

    The pieces themselves (a gigabyte at 100,000 pages) are not copied into the cache: the
    files a build or an export writes hold them, and the cache keeps their layout. A part
    whose piece is in no such file still as written (moved, edited, deleted) is made again.
    """

    def __init__(self, folder: Path | None, settings: Settings) -> None:
        self.fingerprint = hashlib.sha256(
            f"{_code_fingerprint()}|{settings.base}|{settings.default_language}|"
            f"{settings.content.resolve()}".encode()).hexdigest()
        self.path = None if folder is None else folder / "chunks.sqlite"
        try:
            self._open()
        except sqlite3.DatabaseError:
            # it is only a cache: a damaged or foreign file is replaced, not reported
            self.db.close()
            assert self.path is not None
            for leftover in self.path.parent.glob(self.path.name + "*"):
                leftover.unlink()
            self._open()

    def _open(self) -> None:
        if self.path is None:
            self.db = sqlite3.connect(":memory:")
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=60)
            # large pages for a table of blobs (taken only by a new file): storing a 100,000-
            # page build's rows cost 1.4 s of CPU with them, 2.1 s with the default 4 KB
            self.db.execute("PRAGMA page_size=65536")
            self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT)")
        if self._meta("fingerprint") != self.fingerprint:
            # other code, settings or content folder: start afresh, tables and all
            for (table,) in self.db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                self.db.execute(f"DROP TABLE {table}")
            self.db.execute("CREATE TABLE meta(k TEXT PRIMARY KEY, v TEXT)")
            self._set_meta("fingerprint", self.fingerprint)
        self.db.executescript("""
            CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, stamp TEXT, part TEXT);
            CREATE TABLE IF NOT EXISTS parts(key TEXT PRIMARY KEY, formats TEXT, info BLOB,
                prov_nquads TEXT, prov_trig TEXT, refs BLOB, version TEXT);
            CREATE TABLE IF NOT EXISTS types(part TEXT, subject TEXT, class TEXT);
            CREATE INDEX IF NOT EXISTS types_part ON types(part);
            CREATE INDEX IF NOT EXISTS types_subject ON types(subject, class);
            CREATE TABLE IF NOT EXISTS deferred(part TEXT, value TEXT, class TEXT, shape TEXT,
                focus TEXT, path TEXT);
            CREATE INDEX IF NOT EXISTS deferred_part ON deferred(part);
            CREATE TABLE IF NOT EXISTS summaries(bucket INTEGER PRIMARY KEY, members TEXT,
                data BLOB);
            CREATE TABLE IF NOT EXISTS outputs(file TEXT PRIMARY KEY, fmt TEXT,
                identity TEXT, written INTEGER, layout BLOB);
        """)
        self.db.commit()

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT v FROM meta WHERE k = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def stale(self, parts: list[Part], formats: tuple[str, ...],
              stamps: dict[str, str], known_digest: str) -> list[Part]:
        """The parts whose chunk is missing, was made from other files, lacks a format, or is
        a guide made when other pages existed (its links may have changed meaning)."""
        cached_files = {path: (stamp, part) for path, stamp, part in
                        self.db.execute("SELECT path, stamp, part FROM files")}
        counts: dict[str, int] = defaultdict(int)
        for _, part in cached_files.values():
            counts[part] += 1
        cached_formats = dict(self.db.execute("SELECT key, formats FROM parts"))
        wanted = set(formats)
        made_with = {have: wanted <= set(have.split(","))
                     for have in set(cached_formats.values())}
        links_changed = self._meta("known") != known_digest
        out = []
        for part in parts:
            have = cached_formats.get(part.key)
            if have is None or not made_with[have] or counts[part.key] != len(part.names) or \
                    any(cached_files.get(name) != (stamps[name], part.key)
                        for name in part.names) or \
                    (links_changed and part.kind == "guide"):
                out.append(part)
        return out

    @staticmethod
    def row(c: Chunk, formats: tuple[str, ...]) -> tuple:
        """A chunk as rows of the cache's tables (made in the worker: the parent only stores
        them): its ``parts`` row (with the keys of the reference data it uses, marshalled:
        their statements are made again from the keys), its types and deferred checks. Its
        pieces in each format are written elsewhere (:func:`_write_pieces`)."""
        info = pickle.dumps((c.problems, c.results, c.stats, c.files),
                            protocol=pickle.HIGHEST_PROTOCOL)
        return ((c.key, ",".join(formats), info, *(c.texts.get(f) for f in _COLUMNS),
                 marshal.dumps(c.reference)),
                [(c.key, subject, cls) for subject, cls in c.types],
                [(c.key, *d) for d in c.deferred])

    def _forget(self, keys: list[str]) -> None:
        for table, column in (("parts", "key"), ("types", "part"),
                              ("deferred", "part")):
            self.db.executemany(f"DELETE FROM {table} WHERE {column} = ?", [(k,) for k in keys])

    def put(self, rows: list[tuple], parts: dict[str, Part], stamps: dict[str, str]
            ) -> list[str]:
        """Store the rows of new chunks; returns the version each got."""
        self._forget([part_row[0] for part_row, *_ in rows])
        # every chunk stored gets a new version: a file's layout records which version of
        # each part it holds, so a piece is copied from an older file only if still current
        versions = [os.urandom(8).hex() for _ in rows]
        self.db.executemany(f"INSERT INTO parts VALUES (?, ?, ?, "
                            f"{', '.join('?' for _ in _COLUMNS)}, ?, ?)",
                            [(*r[0], v) for r, v in zip(rows, versions)])
        self.db.executemany("INSERT INTO types VALUES (?, ?, ?)",
                            [x for r in rows for x in r[1]])
        self.db.executemany("INSERT INTO deferred VALUES (?, ?, ?, ?, ?, ?)",
                            [x for r in rows for x in r[2]])
        self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?)",
                            [(name, stamps[name], r[0][0]) for r in rows
                             for name in parts[r[0][0]].names])
        return versions

    def keep_only(self, parts: list[Part]) -> None:
        """Forget the parts and files that are no longer in the content."""
        keys = {p.key for p in parts}
        paths = {name for p in parts for name in p.names}
        self._forget([k for (k,) in self.db.execute("SELECT key FROM parts") if k not in keys])
        old = [p for (p,) in self.db.execute("SELECT path FROM files") if p not in paths]
        self.db.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in old])

    def versions(self) -> list[tuple[str, str]]:
        """Every part's key and the version of its chunk, in key order."""
        return self.db.execute("SELECT key, version FROM parts ORDER BY key").fetchall()

    def written_pieces(self, fmt: str) -> tuple[str, dict[str, tuple[str, Piece]]] | None:
        """The file of this format written last that is still exactly as written (same size,
        modification time and inode), and where each part's piece lies in it: key ->
        (version, piece)."""
        for file, identity in self.db.execute(
                "SELECT file, identity FROM outputs WHERE fmt = ? ORDER BY written DESC",
                (fmt,)).fetchall():
            if _stamp(file) == identity:
                (blob,) = self.db.execute("SELECT layout FROM outputs WHERE file = ?",
                                          (file,)).fetchone()
                return file, {key: (version, (file, offset, length, first))
                              for (key, version), (offset, length, first)
                              in pickle.loads(blob).items()}
        return None

    def remember_output(self, fmt: str, path: Path, layout: Layout) -> None:
        """Where each part's piece lies in a file just written (and renamed into place), so
        the next run copies them from it. Files no longer as written are forgotten, and all
        but the two latest of a format."""
        path = Path(path).absolute()
        latest = self.db.execute("SELECT MAX(written) FROM outputs").fetchone()[0] or 0
        # one blob a file: 41,668 rows a format cost a rebuild half a second
        self.db.execute("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?, ?)",
                        (str(path), fmt, _stamp(path), latest + 1,
                         pickle.dumps(layout, protocol=pickle.HIGHEST_PROTOCOL)))
        rows = self.db.execute("SELECT file, identity FROM outputs WHERE fmt = ? "
                               "ORDER BY written DESC", (fmt,)).fetchall()
        valid = [file for file, identity in rows if _stamp(file) == identity]
        gone = [file for file, _ in rows if file not in valid[:2]]
        self.db.executemany("DELETE FROM outputs WHERE file = ?", [(f,) for f in gone])
        self.db.commit()

    def rows_of(self, keys: list[str]) -> Iterator[tuple[tuple, str]]:
        """The info and reference lines of the given parts."""
        for key in keys:
            info, refs = self.db.execute("SELECT info, refs FROM parts WHERE key = ?",
                                         (key,)).fetchone()
            yield pickle.loads(info), refs

    def summaries(self) -> dict[int, tuple[str, bytes]]:
        return {b: (members, data) for b, members, data in
                self.db.execute("SELECT bucket, members, data FROM summaries")}

    def put_summary(self, bucket: int, members: str, summary: "Summary") -> None:
        self.db.execute("INSERT OR REPLACE INTO summaries VALUES (?, ?, ?)",
                        (bucket, members, pickle.dumps(summary,
                                                       protocol=pickle.HIGHEST_PROTOCOL)))

    def keep_summaries(self, buckets: set[int]) -> None:
        gone = [b for (b,) in self.db.execute("SELECT bucket FROM summaries") if b not in buckets]
        self.db.executemany("DELETE FROM summaries WHERE bucket = ?", [(b,) for b in gone])

    def failed_checks(self, reference_types: Iterable[tuple[str, str]]) -> list[tuple]:
        """The deferred class checks whose value lacks the class, given every part's types and
        those of the reference data."""
        self.db.execute("DELETE FROM types WHERE part = ''")
        self.db.executemany("INSERT INTO types VALUES ('', ?, ?)", reference_types)
        return self.db.execute(
            "SELECT part, value, class, shape, focus, path FROM deferred d WHERE NOT EXISTS "
            "(SELECT 1 FROM types t WHERE t.subject = d.value AND t.class = d.class) "
            "ORDER BY part, value, class, shape, focus").fetchall()

    def texts(self, column: str) -> Iterator[str]:
        assert column in _COLUMNS
        for (text,) in self.db.execute(f"SELECT {column} FROM parts ORDER BY key"):
            yield text or ""

    def commit(self, known_digest: str) -> None:
        self._set_meta("known", known_digest)
        self.db.commit()

    def close(self) -> None:
        self.db.close()


# -- the whole run ------------------------------------------------------------------------------

def _stamp(path: str | Path) -> str:
    """What tells a file's versions apart: size, modification time and inode."""
    try:
        st = os.stat(path)
    except OSError:
        return "unreadable"
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


Progress = Callable[[int, int], None]


class Run:
    """One pass over the content: parts brought up to date in the cache, then settled."""

    def __init__(self, settings: Settings, formats: Iterable[str] = ALL_FORMATS,
                 cache_dir: Path | None | bool = True, jobs: int | None = None,
                 progress: Progress | None = None, scratch: Path | None = None) -> None:
        """``scratch``: the folder in which the workers' pieces are written, until the run
        ends (by default a new folder in the system's temporary folder). Beside the output,
        on the same filesystem, pieces are copied into it by the kernel."""
        self.settings = settings
        self.formats = tuple(f for f in ALL_FORMATS if f in set(formats))
        folder = default_cache_dir(settings) if cache_dir is True else (
            None if cache_dir is False else cache_dir)
        self.cache = Cache(folder, settings)
        self.jobs = jobs or os.cpu_count() or 1
        self.progress = progress
        self.scratch = Path(tempfile.mkdtemp(prefix="kzgraph-pieces-", dir=scratch)) \
            if self.formats else None
        self.reference: list = []
        self.files: list[tuple[str, str]] = []
        #: every part's key and version, in key order, and where its piece in each format
        #: lies: in a file written before, or in ``scratch``
        self.pieces: list[tuple[str, str, dict[str, Piece]]] = []

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, *exc: object) -> None:
        self.cache.close()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def check(self, lang: str = "en") -> Outcome:
        """Bring every part up to date and settle the whole: problems (messages in ``lang``),
        results, statistics. Afterwards :attr:`reference` (the reference statements) and
        :attr:`files` (every page file's digest) describe the whole content."""
        from kzgraph.graph.mapping import Minter, Origins
        from kzgraph.check.validate import compiled_shapes, locate

        lang = lang if lang in MESSAGE_LANGUAGES else "en"
        root = self.settings.content
        parts, stray, problems = plan(root)
        by_key = {p.key: p for p in parts}
        stamps = {name: _stamp(name) for part in parts for name in part.names}
        known = known_slugs(parts)
        known_digest = hashlib.sha256(repr(sorted(
            (k, sorted(v)) for k, v in known.items())).encode()).hexdigest()

        stale = self.cache.stale(parts, self.formats, stamps, known_digest)
        # a part is made again, too, when its piece in a format wanted lies in no file
        # written before that is still as written
        fresh = {p.key for p in stale}
        versions = dict(self.cache.versions())
        found: dict[str, dict[str, Piece]] = defaultdict(dict)
        for fmt in self.formats:
            written = self.cache.written_pieces(fmt)
            where = written[1] if written else {}
            for part in parts:
                if part.key in fresh:
                    continue
                version, place = where.get(part.key, (None, None))
                if place is None or version != versions.get(part.key):
                    fresh.add(part.key)
                    stale.append(part)
                else:
                    found[part.key][fmt] = place
        stale.sort(key=lambda p: p.key)

        # what the parts add up to is kept by buckets of parts: a rebuild sums again only
        # the buckets whose parts changed (one of 64 after an edit), not 41,668 parts
        summaries: dict[int, Summary] = defaultdict(Summary)
        done, total = 0, sum(len(p.names) for p in stale)
        for batch, rows in enumerate(_rows(stale, root, self.settings, known, self.formats,
                                           self.jobs, self.scratch)):
            for row, version in zip(rows, self.cache.put(rows, by_key, stamps)):
                versions[row[0][0]] = version
                found[row[0][0]] = row[3]
                # summed while the workers work, not after them
                summaries[bucket_of(row[0][0])].add(pickle.loads(row[0][2]), row[0][-1])
            if batch % 32 == 31:  # nor is all of it committed at the end
                self.cache.db.commit()
            done += sum(len(by_key[row[0][0]].names) for row in rows)
            if self.progress:
                self.progress(done, total)
        self.cache.keep_only(parts)
        self.cache.commit(known_digest)
        self.pieces = [(p.key, versions[p.key], found[p.key]) for p in parts]

        for path in stray:
            problems.extend(load_file(path, root, self.settings.default_language)[1])
        results: list[tuple[str, str, str, str]] = []
        stats = Statistics()
        files = []
        keys: set[tuple[str, str]] = set()
        for summary in self._summaries(parts, versions, fresh, summaries):
            problems.extend(summary.problems[lang])
            results.extend(summary.results)
            stats.add(summary.stats)
            files.extend(summary.files)
            keys |= summary.refs

        self.reference = ordered(t for kind, code in sorted(keys) for t in
                                 reference_triples(self.settings.base, kind, code))
        self.files = sorted(files)
        shapes, hierarchy = compiled_shapes()
        index = Index(self.reference, hierarchy)
        reference_types = sorted({(str(node), str(cls)) for node in index.spo
                                  for cls in index.classes_of(node)})
        failed: dict[str, list[tuple]] = defaultdict(list)
        for part, *check in self.cache.failed_checks(reference_types):
            failed[part].append(tuple(check))
        for part, checks in failed.items():
            for key, found in _settled(checks, by_key[part], root, self.settings, known, lang):
                results.append(key)
                problems.extend(found)
        self.cache.db.commit()
        # the reference data is validated as a whole: it is no one page's
        ref_results = shapes.validate(index)
        results.extend(r.key() for r in ref_results)
        nobody = Mapped({}, Origins(), [], Minter(self.settings.base))
        problems.extend(locate(nobody, ref_results, lang))
        stats.add(Statistics.of(self.reference, self.settings.base))
        return Outcome(sort_problems(problems), sorted(results), stats, len(parts), len(stale))

    def _summaries(self, parts: list[Part], versions: dict[str, str], fresh: set[str],
                   made: dict[int, Summary]) -> Iterator[Summary]:
        """Every bucket's summary: kept from an earlier run when the bucket holds the same
        versions of the same parts, else summed from the parts made in this run (``made``)
        and the others' rows in the cache."""
        members: dict[int, list[str]] = defaultdict(list)
        for part in parts:
            members[bucket_of(part.key)].append(part.key)
        kept = self.cache.summaries()
        for bucket in sorted(members):
            keys = members[bucket]
            digest = hashlib.sha256("\n".join(f"{k} {versions[k]}" for k in keys).encode()
                                    ).hexdigest()
            if bucket in kept and kept[bucket][0] == digest:
                yield pickle.loads(kept[bucket][1])
                continue
            summary = made.get(bucket) or Summary()
            for info, refs in self.cache.rows_of([k for k in keys if k not in fresh]):
                summary.add(info, refs)
            self.cache.put_summary(bucket, digest, summary)
            yield summary
        self.cache.keep_summaries(set(members))
        self.cache.db.commit()

    def pieces_of(self, fmt: str) -> list[tuple[str, str, Piece]]:
        """Every part's key, version and piece in one format, in key order (after
        :meth:`check`)."""
        return [(key, version, where[fmt]) for key, version, where in self.pieces]

    def texts(self, column: str) -> Iterator[str]:
        """Every part's piece of one format (a JSON-LD piece with its leading comma), or its
        provenance (``prov_<format>``), in key order."""
        if column in _COLUMNS:
            yield from self.cache.texts(column)
            return
        handles: dict[str, int] = {}
        try:
            for _, _, where in self.pieces_of(column):
                yield read_piece(column, where, handles).decode("utf-8")
        finally:
            for fd in handles.values():
                os.close(fd)
