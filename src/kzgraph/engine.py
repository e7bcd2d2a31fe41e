"""The build engine: the content in parts, worked on in parallel, cached between runs.

A *part* is one resource: every language file of ``<kind>/<slug>/`` (folders whose slugs differ
only in case go together, so the duplicate check sees them). Each part is loaded, mapped,
validated and written in every format on its own, in worker processes; the result is a
:class:`Chunk`, kept in a SQLite cache keyed by the part's files (path, size, mtime). A rebuild
re-does only the parts whose files changed (and the guides, when the set of pages they may link
to changed), then settles what needs the whole content at once:

- ``sh:class`` checks on nodes another part describes (deferred by :mod:`kzgraph.shacl`),
  against the types every part reported;
- the reference data (countries, languages, people, concept schemes), merged and validated;
- the provenance and ontology graphs, the VoID/DCAT statistics (which add up by parts).

Every output file is then its header, the parts' chunks in key order, the reference chunk and
its footer, streamed from the cache. The same content gives the same bytes, whether the chunks
were made in this run, an earlier one, by one process or by several.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import pickle
import sqlite3
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

from rdflib import Graph, URIRef
from rdflib.term import Node

from . import __version__
from .config import Settings
from .describe import Statistics
from .errors import ERROR, Problem, sort_problems
from .export import DATASET_FORMATS, Encoded, chunk_texts, encoded, ordered
from .formats import FORMATS
from .load import FILE_NAME, KINDS, find_files, load_file, load_files
from .mapping import Mapped, map_content
from .resources import context_file, ontology_file, shapes_file
from .shacl import Index, Result
from .vocab import SH

ALL_FORMATS = tuple(f.name for f in FORMATS)
#: what the cache keeps of each part: every format, and the provenance in the dataset formats
_COLUMNS = (*ALL_FORMATS, "prov_nquads", "prov_trig")
#: the parts of kzgraph whose code decides what a chunk holds: a change to any of them (or to
#: the shapes, ontology, context, or the libraries' versions) empties the cache
_CODE = ("load.py", "mapping.py", "guidebody.py", "countries.py", "export.py", "jsonld.py",
         "ntriples.py", "shacl.py", "validate.py", "describe.py", "provenance.py", "engine.py",
         "vocab.py", "errors.py")
_BATCH = 64
#: the languages problem messages are kept in (the shapes' sh:message languages)
MESSAGE_LANGUAGES = ("en", "ru")


@dataclass
class Part:
    """One resource's files."""

    key: str
    files: list[Path]

    @property
    def kind(self) -> str:
        return self.key.split("/", 1)[0]


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
    #: class checks another part must settle: (value, class, shape name, focus, path, where
    #: the statement came from)
    deferred: list[tuple] = field(default_factory=list)
    #: (subject, class) for every class of every subject of the part, superclasses included
    types: list[tuple[str, str]] = field(default_factory=list)
    reference: list[str] = field(default_factory=list)
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


# -- planning -----------------------------------------------------------------------------------

def plan(root: Path) -> tuple[list[Part], list[Path], list[Problem]]:
    """The content's parts, the files outside any part (reported as they load), and the
    problems of the walk itself (linked folders)."""
    paths, problems = find_files(root)
    groups: dict[str, list[Path]] = defaultdict(list)
    stray: list[Path] = []
    prefix = len(str(root).rstrip(os.sep)) + 1
    for path in paths:
        parts = str(path)[prefix:].split(os.sep)
        if len(parts) == 3 and parts[0] in KINDS and FILE_NAME.fullmatch(parts[2]):
            groups[f"{KINDS[parts[0]]}/{parts[1].casefold()}"].append(path)
        else:
            stray.append(path)
    return [Part(k, groups[k]) for k in sorted(groups)], stray, problems


def known_slugs(parts: Iterable[Part]) -> dict[str, set[str]]:
    """The slugs links may point to: every folder with a page file, by kind."""
    known: dict[str, set[str]] = defaultdict(set)
    for part in parts:
        for path in part.files:
            known[part.kind].add(path.parent.name)
    return dict(known)


# -- one part -----------------------------------------------------------------------------------

def make_chunk(part: Part, root: Path, settings: Settings, known: dict[str, set[str]],
               formats: Iterable[str]) -> Chunk:
    """Load, map, validate and write one part."""
    from .provenance import BUILD_PLACEHOLDER, file_digest, page_sources, source_triples
    from .validate import compiled_shapes, locate, origins_of

    content = load_files(part.files, root, settings.default_language)
    mapped: Mapped = map_content(content, settings, known)
    minter = mapped.minter
    reference_graph = minter.reference_graph()
    enc = Encoded({g: t for g, t in mapped.quads.items() if g != reference_graph})
    union = enc.triples
    reference_lines = encoded(mapped.quads.get(reference_graph, ()))
    reference = [t for _, t in reference_lines]
    formats = tuple(formats)
    chunk = Chunk(part.key, chunk_texts(enc, formats))
    chunk.reference = [line for line, _ in reference_lines]
    dataset_formats = [f for f in formats if f in DATASET_FORMATS]
    if dataset_formats:
        provenance = [t for source in page_sources(mapped, content.pages)
                      for t in source_triples(source, BUILD_PLACEHOLDER)]
        for fmt, text in chunk_texts({minter.graph("provenance"): provenance},
                                     dataset_formats).items():
            chunk.texts[f"prov_{fmt}"] = text

    shapes, hierarchy = compiled_shapes()
    index = Index(union, hierarchy)
    index.add(reference)
    local = set(index.spo)

    def types(node: Node) -> set[Node] | None:
        return index.classes_of(node) if node in local else None

    deferred: list[tuple[Result, Node, str]] = []
    subjects = {s for s, _, _ in union}
    results = shapes.validate(index, focus=subjects, types=types, deferred=deferred)
    chunk.results = [r.key() for r in results]
    found = content.problems + mapped.problems
    chunk.problems = {lang: found + locate(mapped, results, lang) for lang in MESSAGE_LANGUAGES}
    # located only if they fail, which is rare: keep the shape's name and where the statement
    # came from
    chunk.deferred = [
        (str(r.value), str(cls), name, str(r.focus), str(r.path),
         pickle.dumps([(o.path, o.lang, o.key, o.line) for o in origins_of(mapped, r)]))
        for r, cls, name in deferred]
    chunk.types = sorted({(str(node), str(cls)) for node in subjects
                          for cls in index.classes_of(node)})
    chunk.stats = Statistics.of_encoded(enc.union, settings.base)
    chunk.files = [(page.rel, file_digest(page.path)) for page in content.pages]
    return chunk


def _settled(value: str, cls: str, name: str, focus: str, path: str, origins: bytes,
             base: str, lang: str) -> tuple[tuple[str, str, str, str], list[Problem]]:
    """A deferred class check that failed: its result key and its located problems."""
    from .mapping import Origin
    from .validate import compiled_shapes, located

    shape = compiled_shapes()[0].by_name[name]
    r = Result(URIRef(focus), URIRef(path), URIRef(value), SH.ClassConstraintComponent,
               shape.shape, shape.severity, shape.messages)
    return r.key(), located(r, [Origin(*o) for o in pickle.loads(origins)], base, lang)


# -- workers ------------------------------------------------------------------------------------

_WORK: tuple[Path, Settings, dict[str, set[str]], tuple[str, ...]] | None = None


def _work(batch: list[Part]) -> list[tuple]:
    """A batch of parts as cache rows (strings and bytes: cheap to send to the parent)."""
    assert _WORK is not None
    root, settings, known, formats = _WORK
    return [Cache.row(make_chunk(p, root, settings, known, formats), formats) for p in batch]


def _rows(parts: list[Part], root: Path, settings: Settings, known: dict[str, set[str]],
          formats: tuple[str, ...], jobs: int) -> Iterator[list[tuple]]:
    """The cache rows of ``parts``, batch by batch, from ``jobs`` forked workers (or
    in-process when there is little to do)."""
    global _WORK
    _WORK = (root, settings, known, formats)
    batches = [parts[i:i + _BATCH] for i in range(0, len(parts), _BATCH)]
    try:
        if jobs <= 1 or len(batches) <= 1 or "fork" not in mp.get_all_start_methods():
            for batch in batches:
                yield _work(batch)
            return
        with mp.get_context("fork").Pool(jobs) as pool:
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
    here = Path(__file__).resolve().parent
    for path in [*(here / name for name in _CODE), ontology_file(), shapes_file(),
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
    """Chunks by part, and the files each was made from, in one SQLite file."""

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
                turtle TEXT, jsonld TEXT, ntriples TEXT, nquads TEXT, trig TEXT, xml TEXT,
                prov_nquads TEXT, prov_trig TEXT, version TEXT);
            CREATE TABLE IF NOT EXISTS refs(part TEXT, line TEXT);
            CREATE INDEX IF NOT EXISTS refs_part ON refs(part);
            CREATE TABLE IF NOT EXISTS types(part TEXT, subject TEXT, class TEXT);
            CREATE INDEX IF NOT EXISTS types_part ON types(part);
            CREATE INDEX IF NOT EXISTS types_subject ON types(subject, class);
            CREATE TABLE IF NOT EXISTS deferred(part TEXT, value TEXT, class TEXT, shape TEXT,
                focus TEXT, path TEXT, origins BLOB);
            CREATE INDEX IF NOT EXISTS deferred_part ON deferred(part);
            CREATE TABLE IF NOT EXISTS layout(fmt TEXT, key TEXT, version TEXT,
                offset INTEGER, length INTEGER, first INTEGER, PRIMARY KEY (fmt, key));
        """)
        self.db.commit()

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT v FROM meta WHERE k = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def stale(self, parts: list[Part], formats: tuple[str, ...],
              stamps: dict[Path, str], known_digest: str) -> list[Part]:
        """The parts whose chunk is missing, was made from other files, lacks a format, or is
        a guide made when other pages existed (its links may have changed meaning)."""
        cached_files: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for path, stamp, part in self.db.execute("SELECT path, stamp, part FROM files"):
            cached_files[part].append((path, stamp))
        cached_formats = dict(self.db.execute("SELECT key, formats FROM parts"))
        links_changed = self._meta("known") != known_digest
        out = []
        for part in parts:
            have = cached_formats.get(part.key)
            now = sorted((str(p), stamps[p]) for p in part.files)
            if have is None or not set(formats) <= set(have.split(",")) or \
                    sorted(cached_files.get(part.key, [])) != now or \
                    (links_changed and part.kind == "guide"):
                out.append(part)
        return out

    @staticmethod
    def row(c: Chunk, formats: tuple[str, ...]) -> tuple:
        """A chunk as rows of the cache's tables (made in the worker: the parent only stores
        them): its ``parts`` row, and its reference lines, types and deferred checks."""
        info = pickle.dumps((c.problems, c.results, c.stats, c.files),
                            protocol=pickle.HIGHEST_PROTOCOL)
        return ((c.key, ",".join(formats), info, *(c.texts.get(f) for f in _COLUMNS)),
                [(c.key, line) for line in c.reference],
                [(c.key, subject, cls) for subject, cls in c.types],
                [(c.key, *d) for d in c.deferred])

    def _forget(self, keys: list[str]) -> None:
        for table, column in (("parts", "key"), ("refs", "part"), ("types", "part"),
                              ("deferred", "part")):
            self.db.executemany(f"DELETE FROM {table} WHERE {column} = ?", [(k,) for k in keys])

    def put(self, rows: list[tuple], parts: dict[str, Part], stamps: dict[Path, str]) -> None:
        self._forget([part_row[0] for part_row, *_ in rows])
        # every chunk stored gets a new version: a file's layout records which version of
        # each part it holds, so a piece is copied from an older file only if still current
        self.db.executemany(f"INSERT INTO parts VALUES (?, ?, ?, "
                            f"{', '.join('?' for _ in _COLUMNS)}, ?)",
                            [(*r[0], os.urandom(8).hex()) for r in rows])
        self.db.executemany("INSERT INTO refs VALUES (?, ?)", [x for r in rows for x in r[1]])
        self.db.executemany("INSERT INTO types VALUES (?, ?, ?)",
                            [x for r in rows for x in r[2]])
        self.db.executemany("INSERT INTO deferred VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [x for r in rows for x in r[3]])
        self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?)",
                            [(str(p), stamps[p], r[0][0]) for r in rows
                             for p in parts[r[0][0]].files])

    def keep_only(self, parts: list[Part]) -> None:
        """Forget the parts and files that are no longer in the content."""
        keys = {p.key for p in parts}
        paths = {str(path) for p in parts for path in p.files}
        self._forget([k for (k,) in self.db.execute("SELECT key FROM parts") if k not in keys])
        old = [p for (p,) in self.db.execute("SELECT path FROM files") if p not in paths]
        self.db.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in old])

    def versions(self) -> list[tuple[str, str]]:
        """Every part's key and the version of its chunk, in key order."""
        return self.db.execute("SELECT key, version FROM parts ORDER BY key").fetchall()

    def text(self, column: str, key: str) -> str:
        assert column in _COLUMNS
        row = self.db.execute(f"SELECT {column} FROM parts WHERE key = ?", (key,)).fetchone()
        return (row[0] or "") if row else ""

    def previous_output(self, fmt: str, path: Path) -> tuple[Path, dict] | None:
        """The file this format was last written to, and where each part's piece lies in it,
        if the file is still exactly as written (same size, modification time and inode)."""
        if self._meta(f"out:{fmt}") != _identity(path):
            return None
        layout = {(key, version): (offset, length, bool(first))
                  for key, version, offset, length, first in self.db.execute(
                      "SELECT key, version, offset, length, first FROM layout WHERE fmt = ?",
                      (fmt,))}
        return path, layout

    def remember_output(self, fmt: str, path: Path, layout: dict) -> None:
        self.db.execute("DELETE FROM layout WHERE fmt = ?", (fmt,))
        self.db.executemany("INSERT INTO layout VALUES (?, ?, ?, ?, ?, ?)",
                            [(fmt, k, v, o, n, int(f)) for (k, v), (o, n, f) in layout.items()])
        self._set_meta(f"out:{fmt}", _identity(path))
        self.db.commit()

    def reference_lines(self) -> list[str]:
        return [line for (line,) in self.db.execute("SELECT DISTINCT line FROM refs")]

    def failed_checks(self, reference_types: Iterable[tuple[str, str]]) -> list[tuple]:
        """The deferred class checks whose value lacks the class, given every part's types and
        those of the reference data."""
        self.db.execute("DELETE FROM types WHERE part = ''")
        self.db.executemany("INSERT INTO types VALUES ('', ?, ?)", reference_types)
        return self.db.execute(
            "SELECT value, class, shape, focus, path, origins FROM deferred d WHERE NOT EXISTS "
            "(SELECT 1 FROM types t WHERE t.subject = d.value AND t.class = d.class) "
            "ORDER BY part, value, class, shape, focus").fetchall()

    def infos(self) -> Iterator[tuple[str, tuple]]:
        for key, info in self.db.execute("SELECT key, info FROM parts ORDER BY key"):
            yield key, pickle.loads(info)

    def texts(self, fmt: str) -> Iterator[str]:
        assert fmt in _COLUMNS
        for (text,) in self.db.execute(f"SELECT {fmt} FROM parts ORDER BY key"):
            yield text or ""

    def commit(self, known_digest: str) -> None:
        self._set_meta("known", known_digest)
        self.db.commit()

    def close(self) -> None:
        self.db.close()


# -- the whole run ------------------------------------------------------------------------------

def _identity(path: Path) -> str:
    try:
        st = os.stat(path)
    except OSError:
        return ""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


def _stamp(path: Path) -> str:
    try:
        st = path.stat()
    except OSError:
        return "unreadable"
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


Progress = Callable[[int, int], None]


class Run:
    """One pass over the content: parts brought up to date in the cache, then settled."""

    def __init__(self, settings: Settings, formats: Iterable[str] = ALL_FORMATS,
                 cache_dir: Path | None | bool = True, jobs: int | None = None,
                 progress: Progress | None = None) -> None:
        self.settings = settings
        self.formats = tuple(f for f in ALL_FORMATS if f in set(formats))
        folder = default_cache_dir(settings) if cache_dir is True else (
            None if cache_dir is False else cache_dir)
        self.cache = Cache(folder, settings)
        self.jobs = jobs or os.cpu_count() or 1
        self.progress = progress
        self.reference: list = []
        self.files: list[tuple[str, str]] = []

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, *exc: object) -> None:
        self.cache.close()

    def check(self, lang: str = "en") -> Outcome:
        """Bring every part up to date and settle the whole: problems (messages in ``lang``),
        results, statistics. Afterwards :attr:`reference` (the reference statements) and
        :attr:`files` (every page file's digest) describe the whole content."""
        from .mapping import Minter, Origins
        from .validate import compiled_shapes, locate

        lang = lang if lang in MESSAGE_LANGUAGES else "en"
        root = self.settings.content
        parts, stray, problems = plan(root)
        by_key = {p.key: p for p in parts}
        stamps = {path: _stamp(path) for part in parts for path in part.files}
        known = known_slugs(parts)
        known_digest = hashlib.sha256(repr(sorted(
            (k, sorted(v)) for k, v in known.items())).encode()).hexdigest()

        stale = self.cache.stale(parts, self.formats, stamps, known_digest)
        done, total = 0, sum(len(p.files) for p in stale)
        for rows in _rows(stale, root, self.settings, known, self.formats, self.jobs):
            self.cache.put(rows, by_key, stamps)
            done += sum(len(by_key[row[0][0]].files) for row in rows)
            if self.progress:
                self.progress(done, total)
        self.cache.keep_only(parts)
        self.cache.commit(known_digest)

        for path in stray:
            problems.extend(load_file(path, root, self.settings.default_language)[1])
        results: list[tuple[str, str, str, str]] = []
        stats = Statistics()
        files = []
        for _, (found, res, st, digests) in self.cache.infos():
            problems.extend(found[lang])
            results.extend(res)
            stats.add(st)
            files.extend(digests)

        reference = Graph()
        lines = self.cache.reference_lines()
        if lines:
            reference.parse(data="".join(sorted(lines)), format="nt")
        self.reference = ordered(reference)
        self.files = sorted(files)
        shapes, hierarchy = compiled_shapes()
        index = Index(self.reference, hierarchy)
        reference_types = sorted({(str(node), str(cls)) for node in index.spo
                                  for cls in index.classes_of(node)})
        for failed in self.cache.failed_checks(reference_types):
            key, found = _settled(*failed, self.settings.base, lang)
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

    def texts(self, column: str) -> Iterator[str]:
        """Every part's chunk of one format (or ``prov_<format>``), in key order."""
        yield from self.cache.texts(column)
