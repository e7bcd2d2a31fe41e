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
import multiprocessing as mp
import os
import pickle
import shutil
import tempfile
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from kzgraph.content.walk import Listing
from kzgraph.content.walk import stamp as _stamp
from kzgraph.engine.cachedirs import default_cache_dir
from kzgraph.engine.cache import (
    _COLUMNS,
    Cache,
    KeptKeys,
)
from kzgraph.engine.summaries import Summary, bucket_of, summary_from
from kzgraph.engine.parts import (
    MESSAGE_LANGUAGES,
    Chunk,
    Part,
    _settled,
    known_slugs,
    make_chunk,
    make_texts,
    plan_paths,
)
from kzgraph.engine.served import folder_owner
from kzgraph.engine.snapshot import Snapshot
from kzgraph.check.shacl import Index
from kzgraph.config import Settings
from kzgraph.content.load import (
    find_file_names,
    load_file,
)
from kzgraph.content.sitepaths import SitePaths
from kzgraph.content.status import Coverage
from kzgraph.errors import ERROR, Problem, sort_problems
from kzgraph.formats.registry import FORMATS
from kzgraph.formats.writers import (
    Layout,
    Piece,
    ordered,
    piece,
    read_piece,
)
from kzgraph.graph.describe import Statistics
from kzgraph.graph.mapping import Mapped
from kzgraph.graph.reference import reference_triples

ALL_FORMATS = tuple(f.name for f in FORMATS)
_BATCH = 64


@dataclass
class Outcome:
    """What a run found and made."""

    problems: list[Problem]
    results: list[tuple[str, str, str, str]]
    stats: Statistics
    parts: int
    rebuilt: int
    files: dict[str, int] = field(default_factory=dict)
    #: the parts whose rows were current but whose texts were made again (a format wanted
    #: they were not made for, or their pieces in no file still as written)
    rewritten: int = 0
    #: the texts per language (``kzgraph status``'s totals), summed over the parts
    coverage: Coverage = field(default_factory=Coverage)
    #: the paths pages claim by ``slug``, ``url`` and ``aliases``, as the parts were settled
    #: with (what a body link to such a path named: the static site points it there too)
    paths: SitePaths = field(default_factory=SitePaths)

    @property
    def ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)


# -- planning -----------------------------------------------------------------------------------


# -- one part -----------------------------------------------------------------------------------


# -- workers ------------------------------------------------------------------------------------

_WORK: tuple[Path, Settings, dict[str, set[str]], tuple[str, ...], Path | None,
              SitePaths] | None = None


class _Pieces:
    """This process's file for each format in ``scratch``, open for one batch: each chunk's
    text in each format is appended as a piece (as it stands after another piece in a file)
    as soon as the chunk is made, and dropped, in writes of about a megabyte. Holding a
    batch's texts until its end took a worker from 110 MB to 430 MB on a batch of 64 guides
    (1 to 3 MB of text each; measured at 100,000 heavy pages)."""

    _FLUSH = 1 << 20

    def __init__(self, formats: tuple[str, ...], scratch: Path | None) -> None:
        #: per format: [file name, descriptor, offset of the buffer's start, buffer]
        self.files: dict[str, list] = {}
        if scratch is None:
            return
        try:
            for fmt in formats:
                name = str(scratch / f"{fmt}.{os.getpid()}")
                fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
                self.files[fmt] = [name, fd, os.fstat(fd).st_size, bytearray()]
        except BaseException:
            self.close()
            raise

    def add(self, chunk: Chunk) -> dict[str, Piece]:
        """Append ``chunk``'s texts (taken out of it); returns where each piece lies."""
        where: dict[str, Piece] = {}
        for fmt, file in self.files.items():
            name, fd, offset, buffer = file
            data = piece(fmt, chunk.texts.pop(fmt, ""), False).encode("utf-8")
            where[fmt] = (name, offset + len(buffer), len(data), False)
            buffer += data
            if len(buffer) >= self._FLUSH:
                self._flush(file)
        return where

    @staticmethod
    def _flush(file: list) -> None:
        _, fd, offset, buffer = file
        view = memoryview(buffer)
        while view:
            view = view[os.write(fd, view):]
        view.release()
        file[2] = offset + len(buffer)
        buffer.clear()

    def close(self) -> None:
        """Write what is left, and close the files."""
        try:
            for file in self.files.values():
                self._flush(file)
        finally:
            for file in self.files.values():
                os.close(file[1])
            self.files = {}


def _work(batch: list[Part]) -> list[tuple]:
    """A batch of parts as cache rows and where their pieces lie (strings, numbers and bytes:
    cheap to send to the parent; the pieces themselves never pass through it)."""
    assert _WORK is not None
    root, settings, known, formats, scratch, paths = _WORK
    rows = []
    pieces = _Pieces(formats, scratch)
    try:
        for part in batch:
            chunk = make_chunk(part, root, settings, known, formats, paths)
            where = pieces.add(chunk)
            rows.append((*Cache.row(chunk, formats), where))
    finally:
        pieces.close()
    return rows


def _work_texts(batch: list[Part]) -> list[tuple]:
    """A batch of parts whose cache rows are current: their texts only (see
    :func:`make_texts`), as (key, provenance in each dataset format, where the pieces lie)."""
    assert _WORK is not None
    root, settings, known, formats, scratch, paths = _WORK
    rows = []
    pieces = _Pieces(formats, scratch)
    try:
        for part in batch:
            chunk = make_texts(part, root, settings, known, formats, paths)
            provenance = tuple(chunk.texts.get(column) for column in _COLUMNS)
            rows.append((chunk.key, *provenance, pieces.add(chunk)))
    finally:
        pieces.close()
    return rows


#: the cyclic collector's thresholds in a worker, and in the parent while it checks
_GC_THRESHOLDS = (50_000, 20, 20)


def _worker_started() -> None:
    """A worker makes millions of short-lived objects and few cycles: with the default
    thresholds the cyclic collector took 4% of its time (measured), with these about none."""
    gc.set_threshold(*_GC_THRESHOLDS)


@contextmanager
def _collecting_seldom() -> Iterator[None]:
    """The parent's check reads the whole content's index and the kept summaries (hundreds of
    thousands of lists, tuples and objects, none in a cycle): with the default thresholds the
    cyclic collector took 0.16 s of the 1.27 s of CPU time of a ``validate`` after a build at
    100,000 heavy pages (medians of four), with the workers' about none."""
    before = gc.get_threshold()
    gc.set_threshold(*_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _rows(parts: list[Part], root: Path, settings: Settings, known: dict[str, set[str]],
          formats: tuple[str, ...], jobs: int, scratch: Path | None,
          work: Callable[[list[Part]], list[tuple]] | None = None,
          paths: SitePaths | None = None) -> Iterator[list[tuple]]:
    """The cache rows of ``parts`` (and where their pieces were written in ``scratch``),
    batch by batch, from ``jobs`` forked workers (or in-process when there is little to do);
    or what ``work`` (:func:`_work_texts`) makes of them. ``paths``: the site paths the
    content claims, as the parts are made with them."""
    work = work or _work
    global _WORK
    _WORK = (root, settings, known, formats, scratch, paths or SitePaths())
    batches = [parts[i:i + _BATCH] for i in range(0, len(parts), _BATCH)]
    try:
        if jobs <= 1 or len(batches) <= 1 or "fork" not in mp.get_all_start_methods():
            for batch in batches:
                yield work(batch)
            return
        with mp.get_context("fork").Pool(jobs, initializer=_worker_started) as pool:
            yield from pool.imap_unordered(work, batches)
    finally:
        _WORK = None


# -- the cache ----------------------------------------------------------------------------------


# -- the whole run ------------------------------------------------------------------------------


#: the kinds of page linked to by slug one by one (a part records each one it looked up):
#: every other entry of ``known`` is part of every part's context
LINKED_ONE_BY_ONE = ("source", "guide")


def context_digest(known: dict[str, set[str]]) -> str:
    """A digest of what in ``known`` a part may depend on as a whole: the categories and
    perspectives there are (messages suggest the nearest slug; a source's categories must
    exist) and the schema.org types each category gives its sources. Sources and guides are
    looked up one by one, and each part records those it looked up (see
    :meth:`~kzgraph.engine.cache.Cache.relinked`)."""
    return hashlib.sha256(repr(sorted((kind, sorted(values)) for kind, values in known.items()
                                      if kind not in LINKED_ONE_BY_ONE)).encode()).hexdigest()


def _stamps(parts: list[Part], taken: dict[str, str]) -> dict[str, str]:
    """Every page file's stamp (those taken while planning, as taken)."""
    return {name: taken.get(name) or _stamp(name) for part in parts for name in part.names}


Progress = Callable[[int, int], None]


class Run:
    """One pass over the content: parts brought up to date in the cache, then settled."""

    def __init__(self, settings: Settings, formats: Iterable[str] = ALL_FORMATS,
                 cache_dir: Path | None | bool = True, jobs: int | None = None,
                 progress: Progress | None = None, scratch: Path | None = None) -> None:
        """``scratch``: the folder in which the workers' pieces are written, until the run
        ends (by default a new folder in the system's temporary folder). Beside the output,
        on the same filesystem, pieces are copied into it by the kernel. The content folder
        is made absolute (not resolved: a link keeps its name), so that the cache knows its
        files by one name however the folder was given (``content``, ``./content``,
        ``/site/content``): given both ways, every part used to be made again."""
        self.settings = replace(settings, content=Path(os.path.abspath(settings.content)))
        settings = self.settings
        self.formats = tuple(f for f in ALL_FORMATS if f in set(formats))
        folder = default_cache_dir(settings) if cache_dir is True else (
            None if cache_dir is False else cache_dir)
        self.cache = Cache(folder, settings)
        self.jobs = jobs or os.cpu_count() or 1
        self.progress = progress
        self.scratch = Path(tempfile.mkdtemp(prefix="kzgraph-pieces-", dir=scratch)) \
            if self.formats else None
        #: the reference data's keys (by buckets), and its statements once asked for
        #: (:attr:`reference`)
        self._reference_keys: list[set[tuple[str, str]]] = []
        self._reference: list | None = []
        #: how many buckets' summaries the last check summed again
        self._resummed = 0
        self.files: list[tuple[str, str]] = []
        #: every part's key and version, in key order (when the run writes a format); where
        #: its pieces lie is :meth:`pieces_of`'s: in the file of each format written last
        #: (``_written``: its name and layout), or in ``scratch`` (``_found``)
        self.versions: list[tuple[str, str]] = []
        self._written: dict[str, tuple[str, Layout]] = {}
        self._found: Mapping[str, Mapping[str, Piece]] = {}
        #: the parts (in key order) and every page file's stamp, as :meth:`check` found them
        self.parts: list[Part] = []
        self.stamps: dict[str, str] = {}
        #: the Markdown files in no part (paths as text), and the folders' listings (see
        #: :func:`kzgraph.content.walk._walk`), as :meth:`check` found them
        self.stray: list[str] = []
        self.listings: dict[str, Listing] = {}

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
        with _collecting_seldom():
            return self._check(lang)

    def _check(self, lang: str) -> Outcome:
        from kzgraph.check.validate import compiled_shapes, locate
        from kzgraph.graph.iris import Minter
        from kzgraph.graph.mapping import Origins

        lang = lang if lang in MESSAGE_LANGUAGES else "en"
        root = self.settings.content
        dirs = self.settings.language_dirs
        default = self.settings.default_language
        snapshot = self.cache.take_snapshot()
        # the walk lists again only the folders changed since the last run, and the
        # translation keys are read again only from the files changed since
        listings = self.cache.listings()
        walked = dict(listings)
        paths, problems = find_file_names(root, listings)
        if listings != walked:
            self.cache.put_listings(listings)
        self.listings = listings
        # what the plan is made of: the paths found, the content folder, the language folders
        # and the default language
        setting = hashlib.sha256("\n".join(
            [repr((str(root), sorted((dirs or {}).items()), default)), *paths]).encode()
            ).hexdigest()
        taken: dict[str, str] = {}
        kept_keys = KeptKeys(self.cache, taken)
        # no file added, moved or removed since the last run: its plan holds, unless it read
        # the translation keys of files changed since
        same_plan = snapshot is not None and snapshot.setting == setting
        if same_plan:
            assert snapshot is not None
            parts = snapshot.parts()
            stray = [Path(name) for name in snapshot.stray]
            stamps = _stamps(parts, taken)
            changed = snapshot.changed(parts, stamps)
            if snapshot.keys_read and not kept_keys.same_keys(
                    [name for part in changed for name in part.names], stamps):
                same_plan = False
        if not same_plan:
            parts, stray = plan_paths(paths, root, dirs, default, kept_keys)
            stamps = _stamps(parts, taken)
            changed = self.cache.changed(parts, stamps)
        by_key = {p.key: p for p in parts}
        kept_keys.save(stamps.keys())
        # the same paths: the same pages to link to; and the categories give their sources'
        # schema.org types, read again when one changed
        kept_known = same_plan and not any(p.kind == "category" for p in changed)
        if kept_known:
            assert snapshot is not None
            known = {kind: set(values) for kind, values in snapshot.known.items()}
        else:
            known = known_slugs(parts, root, dirs, default)
        self.cache.settle_context(context_digest(known))
        # the site paths claimed by url, slug and aliases, as the parts the cache holds
        # claim them: the parts are made with these, and settled below
        paths = self.cache.site_paths()
        relinked = set() if kept_known else self.cache.relinked(known, paths)
        stale, unwritten = self.cache.stale(parts, self.formats,
                                            {p.key for p in changed} | relinked)
        # a part's texts are made again, too, when its piece in a format wanted lies in no
        # file written before that is still as written (its other rows are current)
        fresh = {p.key for p in stale}
        rewrite = {p.key for p in unwritten}
        versions = self.cache.versions()
        # where each part's pieces lie: in the file of each format written last (its layout,
        # looked up only when the pieces are asked for), or, for the parts made in this run,
        # in the scratch files (``found``)
        found: dict[str, Mapping[str, Piece]] = {}
        self._written = {}
        current = [(p.key, versions.get(p.key)) for p in parts] if self.formats else []
        for fmt in self.formats:
            self._written[fmt] = written = self.cache.written_pieces(fmt) or ("", {})
            layout = written[1]
            for part, pair in zip(parts, current):
                if pair not in layout and part.key not in fresh and part.key not in rewrite:
                    rewrite.add(part.key)
                    unwritten.append(part)
        stale.sort(key=lambda p: p.key)
        unwritten.sort(key=lambda p: p.key)

        done, total = 0, sum(len(p.names) for p in stale + unwritten)
        for rows in _rows(unwritten, root, self.settings, known, self.formats, self.jobs,
                          self.scratch, _work_texts):
            self.cache.put_texts([row[:-1] for row in rows], self.formats)
            for row in rows:
                found[row[0]] = row[-1]
            done += sum(len(by_key[row[0]].names) for row in rows)
            if self.progress:
                self.progress(done, total)

        def make(todo: list[Part], paths: SitePaths) -> None:
            nonlocal done
            for batch, rows in enumerate(_rows(todo, root, self.settings, known, self.formats,
                                               self.jobs, self.scratch, paths=paths)):
                for row, version in zip(rows, self.cache.put(rows, by_key, stamps)):
                    versions[row[0][0]] = version
                    found[row[0][0]] = row[-1]
                if batch % 32 == 31:  # nor is all of it committed at the end
                    self.cache.db.commit()
                done += sum(len(by_key[row[0][0]].names) for row in rows)
                if self.progress:
                    self.progress(done, total)

        make(stale, paths)
        # the claims now that the parts are made: the parts that saw other claims are made
        # again with these (see kzgraph.engine.served)
        claimed = self.cache.site_paths()
        if claimed.digest != paths.digest or not self.cache.settled_paths(claimed.digest):
            again = self.cache.relinked(known, claimed)
            if claimed.digest != paths.digest:
                again |= self.cache.relinked(known, claimed, against=paths,
                                             among={p.key for p in unwritten})
            redo = [by_key[key] for key in sorted(again) if key in by_key]
            total += sum(len(p.names) for p in redo)
            make(redo, claimed)
            stale += [p for p in redo if p.key not in fresh]
            self.cache.settled_paths(claimed.digest, settle=True)
        paths = claimed
        if not same_plan:  # else no part and no file is gone
            self.cache.keep_only(parts)
        self.cache.commit()
        self.versions = [(p.key, versions[p.key]) for p in parts] if self.formats else []
        self._found = found
        self.parts, self.stamps = parts, stamps
        self.stray = [str(path) for path in stray]

        for path in stray:
            problems.extend(load_file(path, root, self.settings.default_language, dirs)[1])
        results: list[tuple[str, str, str, str]] = []
        stats = Statistics()
        files = []
        keys: list[set[tuple[str, str]]] = []
        coverage = Coverage()
        # what the parts add up to is kept by buckets of parts: a rebuild sums again only
        # the buckets whose parts changed (one of 64 after an edit), not 41,668 parts
        for summary in self._summaries(parts, versions, lang):
            coverage.add(summary.coverage)
            problems.extend(summary.problems[lang])
            results.extend(summary.results)
            stats.add(summary.stats)
            files.extend(summary.files)
            keys.append(summary.refs)

        # two pages claiming one path: Hugo keeps one there, without a word
        problems.extend(paths.problems(folder_owner(by_key, self.settings)))
        self._reference, self._reference_keys = None, keys
        self.files = sorted(files)
        # no part made again and none gone: the same types, checks and reference data, the
        # same failures, and the same results of the reference data's own validation
        unchanged = snapshot is not None and same_plan and not stale and not self._resummed
        kept_reference = unchanged and snapshot is not None and bool(snapshot.reference)
        if not kept_reference:  # one index of the reference data, for both uses below
            shapes, hierarchy = compiled_shapes()
            index = Index(self.reference, hierarchy)
        if unchanged:
            assert snapshot is not None
            failed_rows = snapshot.failed
        else:
            failed_rows = self.cache.failed_checks(
                {(str(node), str(cls)) for node in index.spo for cls in index.classes_of(node)},
                before=snapshot.failed if snapshot is not None else None)
        failed: dict[str, list[tuple]] = defaultdict(list)
        for part, *check in failed_rows:
            failed[part].append(tuple(check))
        for part, checks in failed.items():
            for key, found in _settled(checks, by_key[part], root, self.settings, known, lang,
                                       paths):
                results.append(key)
                problems.extend(found)
        # the reference data is validated as a whole: it is no one page's
        if kept_reference:
            assert snapshot is not None
            ref_keys, ref_stats = pickle.loads(snapshot.reference)
        else:
            ref_results = shapes.validate(index)
            nobody = Mapped({}, Origins(), [], Minter(self.settings.base))
            problems.extend(locate(nobody, ref_results, lang))
            ref_keys = [r.key() for r in ref_results]
            ref_stats = Statistics.of(self.reference, self.settings.base)
        results.extend(ref_keys)
        stats.add(ref_stats)
        # the cache's files are now the parts' files, each with the stamp it has now
        self.cache.put_snapshot(Snapshot.of(
            setting, parts, stamps, self.cache.kept_index(), stray=[str(s) for s in stray],
            keys_read=kept_keys.used or (same_plan and snapshot is not None and
                                         snapshot.keys_read),
            known={kind: sorted(values) for kind, values in known.items()},
            failed=[tuple(row) for row in failed_rows],
            # kept only when it found nothing (its problems are said in a run's language)
            reference=b"" if ref_keys else pickle.dumps((ref_keys, ref_stats))))
        self.cache.db.commit()
        return Outcome(sort_problems(problems), sorted(results), stats, len(parts), len(stale),
                       coverage=coverage, rewritten=len(unwritten), paths=paths)

    @property
    def reference(self) -> list:
        """The reference statements (countries, languages, people, concept schemes) the parts
        use, once :meth:`check` has run."""
        if self._reference is None:
            self._reference = ordered(
                t for kind, code in sorted(set().union(*self._reference_keys))
                for t in reference_triples(self.settings.base, kind, code))
        return self._reference

    def _summaries(self, parts: list[Part], versions: dict[str, str], lang: str
                   ) -> Iterator[Summary]:
        """Every bucket's summary: kept from an earlier run when the bucket holds the same
        versions of the same parts (with the problems in ``lang`` only), else summed from its
        parts' rows in the cache, one bucket at a time. The rows made in this run are summed
        here too, after the workers have ended, not as they arrive: summed as they arrived,
        every part's problems (in each message language), results, file digests and distinct
        objects were held by the parent while the workers ran, 170 MB of the run's peak at
        100,000 heavy pages; reading them back costs 0.3 s."""
        members: dict[int, list[str]] = defaultdict(list)
        for part in parts:
            members[bucket_of(part.key)].append(part.key)
        kept = self.cache.summaries()
        self._resummed = 0
        for bucket in sorted(members):
            keys = members[bucket]
            digest = hashlib.sha256("\n".join(f"{k} {versions[k]}" for k in keys).encode()
                                    ).hexdigest()
            if bucket in kept and kept[bucket][0] == digest:
                yield summary_from(kept[bucket][1], lang)
                continue
            summary = Summary()
            self._resummed += 1
            for info, refs in self.cache.rows_of(keys):
                summary.add(info, refs)
            self.cache.put_summary(bucket, digest, summary)
            yield summary
        self.cache.keep_summaries(set(members))
        self.cache.db.commit()

    def pieces_of(self, fmt: str) -> list[tuple[str, str, Piece]]:
        """Every part's key, version and piece in one format, in key order (after
        :meth:`check`)."""
        file, layout = self._written.get(fmt, ("", {}))
        found = self._found
        # the layout looked up with the (key, version) pair as it is: making the pair again
        # took a third of the time
        return [(key, version, found[key][fmt] if key in found else (file, *layout[pair]))
                for pair in self.versions for key, version in (pair,)]

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
