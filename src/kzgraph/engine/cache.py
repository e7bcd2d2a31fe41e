"""The build cache: one SQLite file per content folder that keeps, for every part, its file
stamps, its version, its rows (problems, results, statistics, reference keys, provenance) and
where its pieces lie in the files written last; and the sums of the parts by buckets (see
:mod:`kzgraph.engine.summaries`).

See docs/engine.md, *The cache*.
"""

from __future__ import annotations

import datetime as dt
import marshal
import os
import pickle
import sqlite3
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Container, Iterable, Iterator

from kzgraph.engine.cachedirs import fingerprint_of
from kzgraph.engine.parts import Chunk, Part, read_translation_key
from kzgraph.engine.snapshot import Snapshot
from kzgraph.engine.summaries import Summary, shared_problems
from kzgraph.config import Settings
from kzgraph.content.sitepaths import SitePaths, saw_otherwise
from kzgraph.content.walk import Listing
from kzgraph.content.walk import stamp as _stamp
from kzgraph.formats.writers import Layout


class Cache:
    """What each part's chunk holds besides its pieces (problems, results, statistics,
    reference lines, types, deferred checks, provenance), the files each was made from, and
    where each part's piece lies in the files written last, in one SQLite file.

    The pieces themselves (a gigabyte at 100,000 pages) are not copied into the cache: the
    files a build or an export writes hold them, and the cache keeps their layout. A part
    whose piece is in no such file still as written (moved, edited, deleted) is made again.
    """

    def __init__(self, folder: Path | None, settings: Settings) -> None:
        self.fingerprint = self.fingerprint_of(settings)
        #: the build date: a part whose publication changes by then is made again
        self.today = (settings.build_date or dt.date.today()).isoformat()
        self.path = None if folder is None else folder / "chunks.sqlite"
        #: the ``files`` table (path -> (stamp, part)) and the ``parts`` table's formats and
        #: versions (key -> (formats, version)), held in memory once read (from the tables or
        #: a snapshot) and kept up to date with them
        self._files: dict[str, tuple[str, str]] | None = None
        self._kept: dict[str, tuple[str, str]] | None = None
        #: the snapshot taken, whose ``files`` index holds until a part is stored, and its
        #: bytes as kept
        self._snapshot: Snapshot | None = None
        self._taken: bytes | None = None
        #: the folders' listings as last read or kept (see :meth:`listings`), marshalled
        self.listings_blob = b""
        #: what this cache changed of the ``types`` and ``deferred`` tables since it was
        #: opened: the parts stored again or forgotten, and the (subject, class) pairs they
        #: had or have (None: any, after the tables were emptied); see :meth:`failed_checks`
        self._remade: set[str] = set()
        self._retyped: set[tuple[str, str]] | None = set()
        try:
            self._open()
        except sqlite3.DatabaseError:
            # it is only a cache: a damaged or foreign file is replaced, not reported
            self.db.close()
            assert self.path is not None
            for leftover in self.path.parent.glob(self.path.name + "*"):
                leftover.unlink()
            self._open()
        if folder is not None:  # so that 'kzgraph cache prune' knows which content it is for
            from kzgraph.engine.cachedirs import record_content

            record_content(folder, settings.content)

    @staticmethod
    def fingerprint_of(settings: Settings) -> str:
        """What the cache's content depends on besides the content: kzgraph's code, the
        libraries, the settings that change what a part gives, and the content folder."""
        return fingerprint_of(settings)

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
            CREATE TABLE IF NOT EXISTS lookups(part TEXT, target TEXT, present INTEGER);
            CREATE INDEX IF NOT EXISTS lookups_part ON lookups(part);
            CREATE TABLE IF NOT EXISTS served(part TEXT, path TEXT, kind TEXT, slug TEXT,
                rel TEXT, key TEXT, line INTEGER, folder TEXT);
            CREATE INDEX IF NOT EXISTS served_part ON served(part);
            CREATE TABLE IF NOT EXISTS summaries(bucket INTEGER PRIMARY KEY, members TEXT,
                data BLOB);
            CREATE TABLE IF NOT EXISTS outputs(file TEXT PRIMARY KEY, fmt TEXT,
                identity TEXT, written INTEGER, layout BLOB);
            CREATE TABLE IF NOT EXISTS heads(path TEXT PRIMARY KEY, stamp TEXT, tkey TEXT);
            CREATE TABLE IF NOT EXISTS listings(id INTEGER PRIMARY KEY, data BLOB);
            CREATE TABLE IF NOT EXISTS snapshot(id INTEGER PRIMARY KEY, data BLOB);
        """)
        self.db.commit()

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT v FROM meta WHERE k = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def take_snapshot(self) -> Snapshot | None:
        """What the last run saw (see :mod:`kzgraph.engine.snapshot`), taken out of the cache:
        marked as taken by this run's first commit, kept again by its last. A snapshot marked
        as taken (by a run that stopped half-way) is none."""
        if self._meta("snapshot") != "kept":
            return None
        row = self.db.execute("SELECT data FROM snapshot WHERE id = 0").fetchone()
        if row is None:
            return None
        self._set_meta("snapshot", "taken")
        self._taken = row[0]
        self._snapshot = Snapshot.loads(row[0])
        if self._snapshot is not None:
            self._kept = self._snapshot.kept()
        return self._snapshot

    def put_snapshot(self, snapshot: Snapshot) -> None:
        """Keep what this run saw (committed by the caller, with the rest of the run). The
        same as the snapshot taken (a run that changed nothing), it is not written again:
        removing and writing again the 17 MB of 100,000 heavy pages' took a ``validate``
        after a build 0.1 s of CPU time (medians of five, measured)."""
        data = snapshot.dumps()
        if data != self._taken:
            self.db.execute("INSERT OR REPLACE INTO snapshot VALUES (0, ?)", (data,))
        self._set_meta("snapshot", "kept")

    def files_index(self) -> dict[str, tuple[str, str]]:
        """The ``files`` table (path -> (stamp, part key)), read once (from the snapshot
        taken, while no part was stored since)."""
        if self._files is None:
            self._files = self._snapshot.files() if self._snapshot is not None else {
                path: (stamp, part) for path, stamp, part in
                self.db.execute("SELECT path, stamp, part FROM files")}
        return self._files

    def kept_index(self) -> dict[str, tuple[str, str]]:
        """The ``parts`` table's formats and versions (key -> (formats, version)), read once."""
        if self._kept is None:
            self._kept = {key: (have, version) for key, have, version in
                          self.db.execute("SELECT key, formats, version FROM parts")}
        return self._kept

    def stale(self, parts: list[Part], formats: tuple[str, ...], changed: set[str]
              ) -> tuple[list[Part], list[Part]]:
        """The parts whose chunk is missing or was made from other files or other pages
        (``changed``: see :meth:`changed` and :meth:`relinked`); and the parts whose chunk is
        current but was made for fewer formats (by ``validate``, or an ``export``): only their
        texts are made again (:func:`~kzgraph.engine.parts.make_texts`)."""
        kept = self.kept_index()
        # the formats a chunk was made for, and '@' the date its publication changes on
        cached_formats = {}
        for key, (have, _) in kept.items():
            have, _, until = have.partition("@")
            cached_formats[key] = None if until and until <= self.today else have
        wanted = set(formats)
        made_with = {have: wanted <= set(have.split(","))
                     for have in set(cached_formats.values()) if have is not None}
        out, unwritten = [], []
        for part in parts:
            have = cached_formats.get(part.key)
            if have is None or part.key in changed:
                out.append(part)
            elif not made_with[have]:
                unwritten.append(part)
        return out, unwritten

    def relinked(self, known: dict[str, set[str]], paths: SitePaths | None = None,
                 against: SitePaths | None = None, among: set[str] | None = None
                 ) -> set[str]:
        """The parts that looked up a page (to link to it) that has since appeared or gone,
        or a site path whose claims by ``url``, ``slug`` and ``aliases`` say something else
        now (``paths``; see :func:`~kzgraph.content.sitepaths.saw_otherwise`). With
        ``against``: of ``among``, the parts that linked a site path these claims and
        ``against`` say different things of."""
        out: set[str] = set()
        if against is not None:
            if not paths and not against:
                return out
            for part, target in self.db.execute("SELECT part, target FROM lookups "
                                                "WHERE target LIKE '@%'"):
                if part in (among or ()) and (paths.seen(target[1:]) if paths else "") != \
                        (against.seen(target[1:]) if against else ""):
                    out.add(part)
            return out
        for part, target, present in self.db.execute("SELECT part, target, present "
                                                      "FROM lookups"):
            if part not in out and saw_otherwise(target, present, known, paths):
                out.add(part)
        return out

    def settled_paths(self, digest: str, settle: bool = False) -> bool:
        """Whether every part was last made again for the claimed site paths of ``digest``
        (with ``settle``: record that it was)."""
        if settle:
            self._set_meta("sitepaths", digest)
        return self._meta("sitepaths") == digest

    def site_paths(self) -> SitePaths:
        """The paths the parts as the cache holds them claim (by ``url``, ``slug``,
        ``aliases``)."""
        return SitePaths(self.db.execute("SELECT path, kind, slug, rel, key, line, folder "
                                         "FROM served"))

    def settle_context(self, digest: str) -> None:
        """What every part depends on besides its files and its links (the categories and
        perspectives there are, and the schema.org types the categories give; see
        :func:`~kzgraph.engine.run.context_digest`): when it changed, every part is made
        again. Forgotten at once, so that a run stopped half-way leaves no part made with the
        old one that the next run would keep."""
        if self._meta("known") == digest:
            return
        for table in ("parts", "types", "deferred", "lookups", "files", "served"):
            self.db.execute(f"DELETE FROM {table}")
        self._retyped = None
        self._files, self._kept, self._snapshot = {}, {}, None
        self._set_meta("known", digest)
        self.settled_paths(SitePaths().digest, settle=True)  # no part: none saw any claim

    def changed(self, parts: list[Part], stamps: dict[str, str]) -> list[Part]:
        """The parts whose files are not those the cache keeps for them, with the stamps they
        had (added, removed, edited or moved from another part)."""
        files = self.files_index()
        counts: dict[str, int] = defaultdict(int)
        for _, part in files.values():
            counts[part] += 1
        return [p for p in parts if counts[p.key] != len(p.names) or
                any(files.get(name) != (stamps[name], p.key) for name in p.names)]

    @staticmethod
    def row(c: Chunk, formats: tuple[str, ...]) -> tuple:
        """A chunk as rows of the cache's tables (made in the worker: the parent only stores
        them): its ``parts`` row (with the keys of the reference data it uses, marshalled:
        their statements are made again from the keys), its types and deferred checks. Its
        pieces in each format are written elsewhere (:class:`kzgraph.engine.run._Pieces`)."""
        info = pickle.dumps((c.problems, c.results, c.stats, c.files, c.coverage),
                            protocol=pickle.HIGHEST_PROTOCOL)
        made_for = ",".join(formats) + (f"@{c.until}" if c.until else "")
        return ((c.key, made_for, info, *(c.texts.get(f) for f in _COLUMNS),
                 marshal.dumps(c.reference)),
                [(c.key, subject, cls) for subject, cls in c.types],
                [(c.key, *d) for d in c.deferred],
                [(c.key, target, present) for target, present in sorted(c.lookups.items())],
                [(c.key, *claim) for claim in c.served])

    def _forget(self, keys: list[str]) -> None:
        self._remade.update(keys)
        if self._retyped is not None:
            for key in keys:
                self._retyped.update(self.db.execute(
                    "SELECT subject, class FROM types WHERE part = ?", (key,)))
        for table, column in (("parts", "key"), ("types", "part"), ("deferred", "part"),
                              ("lookups", "part"), ("served", "part")):
            self.db.executemany(f"DELETE FROM {table} WHERE {column} = ?", [(k,) for k in keys])

    def put(self, rows: list[tuple], parts: dict[str, Part], stamps: dict[str, str]
            ) -> list[str]:
        """Store the rows of new chunks; returns the version each got."""
        self._forget([part_row[0] for part_row, *_ in rows])
        # every chunk stored gets a new version: a file's layout records which version of
        # each part it holds, so a piece is copied from an older file only if still current
        versions = [os.urandom(8).hex() for _ in rows]
        kept = self.kept_index()
        self._snapshot = None  # its files no longer those of the table
        for r, version in zip(rows, versions):
            kept[r[0][0]] = (r[0][1], version)
            if self._files is not None:
                for name in parts[r[0][0]].names:
                    self._files[name] = (stamps[name], r[0][0])
        self.db.executemany(f"INSERT INTO parts VALUES (?, ?, ?, "
                            f"{', '.join('?' for _ in _COLUMNS)}, ?, ?)",
                            [(*r[0], v) for r, v in zip(rows, versions)])
        self.db.executemany("INSERT INTO types VALUES (?, ?, ?)",
                            [x for r in rows for x in r[1]])
        if self._retyped is not None:
            self._retyped.update((subject, cls) for r in rows for _, subject, cls in r[1])
        self.db.executemany("INSERT INTO deferred VALUES (?, ?, ?, ?, ?, ?)",
                            [x for r in rows for x in r[2]])
        self.db.executemany("INSERT INTO lookups VALUES (?, ?, ?)",
                            [x for r in rows for x in r[3]])
        self.db.executemany("INSERT INTO served VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            [x for r in rows for x in r[4]])
        self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?)",
                            [(name, stamps[name], r[0][0]) for r in rows
                             for name in parts[r[0][0]].names])
        return versions

    def put_texts(self, rows: list[tuple[str, str | None, str | None]],
                  formats: tuple[str, ...]) -> None:
        """Parts' texts made again (:func:`~kzgraph.engine.parts.make_texts`): their
        provenance, when made, and the formats their chunk now serves. Their version stays:
        the same files, the same statements."""
        kept = self.kept_index()
        for key, *provenance in rows:
            have, version = kept[key]
            have, at, until = have.partition("@")
            made_for = ",".join(sorted({*filter(None, have.split(",")), *formats})) + at + until
            kept[key] = (made_for, version)
            self.db.execute(
                f"UPDATE parts SET formats = ?, "
                f"{', '.join(f'{c} = coalesce(?, {c})' for c in _COLUMNS)} WHERE key = ?",
                (made_for, *provenance, key))

    def keep_only(self, parts: list[Part]) -> None:
        """Forget the parts and files that are no longer in the content."""
        files, kept = self.files_index(), self.kept_index()
        keys = {p.key for p in parts}
        paths = {name for p in parts for name in p.names}
        gone = [k for k in kept if k not in keys]
        self._forget(gone)
        for key in gone:
            del kept[key]
        old = [p for p in files if p not in paths]
        self.db.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in old])
        for path in old:
            del files[path]

    def versions(self) -> dict[str, str]:
        """Every part's key and the version of its chunk."""
        return {key: version for key, (_, version) in self.kept_index().items()}

    def written_pieces(self, fmt: str) -> tuple[str, Layout] | None:
        """The file of this format written last that is still exactly as written (same size,
        modification time and inode), and where each part's piece lies in it (its layout:
        (key, version) -> (offset, length, first))."""
        for file, identity in self.db.execute(
                "SELECT file, identity FROM outputs WHERE fmt = ? ORDER BY written DESC",
                (fmt,)).fetchall():
            if _stamp(file) == identity:
                (blob,) = self.db.execute("SELECT layout FROM outputs WHERE file = ?",
                                          (file,)).fetchone()
                return file, pickle.loads(blob)
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

    def put_summary(self, bucket: int, members: str, summary: Summary) -> None:
        """Keep a bucket's summary: its problems pickled apart in each message language, so
        that a run reads only those of its own (:func:`summary_from`), with their equal values
        shared (see :func:`shared_problems`)."""
        high = pickle.HIGHEST_PROTOCOL
        problems = {lang: pickle.dumps(shared_problems(found), protocol=high)
                    for lang, found in summary.problems.items()}
        rest = pickle.dumps(replace(summary, problems={}), protocol=high)
        self.db.execute("INSERT OR REPLACE INTO summaries VALUES (?, ?, ?)",
                        (bucket, members, pickle.dumps((rest, problems), protocol=high)))

    def keep_summaries(self, buckets: set[int]) -> None:
        gone = [b for (b,) in self.db.execute("SELECT bucket FROM summaries") if b not in buckets]
        self.db.executemany("DELETE FROM summaries WHERE bucket = ?", [(b,) for b in gone])

    def failed_checks(self, reference_types: Iterable[tuple[str, str]],
                      before: list[tuple] | None = None) -> list[tuple]:
        """The deferred class checks whose value lacks the class, given every part's types and
        those of the reference data, in order.

        ``before``: those that failed when the tables were as the snapshot taken says (its
        ``failed``). Then only the checks that may have changed are made again: those of the
        parts stored or forgotten since, and those whose (value, class) is a type those parts
        had or have, or the reference data had or has and no longer or newly has; the others
        failed as they did (a check depends on its row and on whether that type is there).
        At 100,000 heavy pages, every check made again (191,982) took a rebuild 0.3 s."""
        reference_types = set(reference_types)
        was = set(self.db.execute("SELECT subject, class FROM types WHERE part = ''"))
        self.db.execute("DELETE FROM types WHERE part = ''")
        self.db.executemany("INSERT INTO types VALUES ('', ?, ?)", sorted(reference_types))
        lacking = "NOT EXISTS (SELECT 1 FROM types t WHERE t.subject = d.value AND " \
            "t.class = d.class)"
        columns = "part, value, class, shape, focus, path"
        if before is None or self._retyped is None:
            return self.db.execute(f"SELECT {columns} FROM deferred d WHERE {lacking} "
                                   f"ORDER BY {columns}").fetchall()
        # made by the first run that needs it, not by a cold build: kept up to date, it cost
        # 0.5 s of CPU more to store a 100,000-page build's 191,982 checks (measured)
        self.db.execute("CREATE INDEX IF NOT EXISTS deferred_value ON deferred(value, class)")
        retyped = self._retyped | (was ^ reference_types)
        kept = [row for row in before
                if row[0] not in self._remade and (row[1], row[2]) not in retyped]
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS remade(key TEXT)")
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS retyped(subject TEXT, class TEXT)")
        self.db.execute("DELETE FROM remade")
        self.db.execute("DELETE FROM retyped")
        self.db.executemany("INSERT INTO remade VALUES (?)", [(k,) for k in self._remade])
        self.db.executemany("INSERT INTO retyped VALUES (?, ?)", sorted(retyped))
        again = self.db.execute(
            f"SELECT {columns} FROM deferred d WHERE d.rowid IN ("
            "SELECT rowid FROM deferred WHERE part IN (SELECT key FROM remade) UNION "
            "SELECT e.rowid FROM retyped r JOIN deferred e "
            "ON e.value = r.subject AND e.class = r.class) "
            f"AND {lacking}").fetchall()
        return sorted(kept + again)

    def texts(self, column: str) -> Iterator[str]:
        assert column in _COLUMNS
        for (text,) in self.db.execute(f"SELECT {column} FROM parts ORDER BY key"):
            yield text or ""

    def listings(self) -> dict[str, Listing]:
        """The content folders' listings kept by the last walk (see
        :func:`kzgraph.content.walk._walk`): one blob, read in milliseconds."""
        row = self.db.execute("SELECT data FROM listings WHERE id = 0").fetchone()
        self.listings_blob = row[0] if row else b""
        try:
            return marshal.loads(row[0]) if row else {}
        except (EOFError, ValueError, TypeError):
            self.listings_blob = b""
            return {}

    def put_listings(self, listings: dict[str, Listing]) -> None:
        self.listings_blob = marshal.dumps(listings)
        self.db.execute("INSERT OR REPLACE INTO listings VALUES (0, ?)",
                        (self.listings_blob,))

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.close()


class KeptKeys:
    """Files' ``translationKey`` (what :func:`~kzgraph.engine.parts.plan` reads from the
    files), kept in the cache by each file's stamp: a rebuild reads only the files changed
    since. Called with a path; the stamps it takes are left in ``stamps`` for the run."""

    def __init__(self, cache: Cache, stamps: dict[str, str]) -> None:
        self.cache, self.stamps = cache, stamps
        self.kept: dict[str, tuple[str, str | None]] | None = None
        self.new: dict[str, tuple[str, str | None]] = {}
        #: whether a plan asked for a key (then the keys of changed files may change it)
        self.used = False

    def __call__(self, path: str) -> str | None:
        self.used = True
        if self.kept is None:  # read only when some translation has a name of its own
            self.kept = {p: (stamp, key) for p, stamp, key in
                         self.cache.db.execute("SELECT path, stamp, tkey FROM heads")}
        stamp = self.stamps.get(path)
        if stamp is None:
            # taken before the file is read: a file changed while it is read has another
            # stamp by the next run, which reads it again
            stamp = self.stamps[path] = _stamp(path)
        was = self.new.get(path) or self.kept.get(path)
        if was is not None and was[0] == stamp:
            return was[1]
        key = read_translation_key(path)
        self.new[path] = (stamp, key)
        return key

    def same_keys(self, paths: Iterable[str], stamps: dict[str, str]) -> bool:
        """Whether these files (changed since the last run) give the ``translationKey`` they
        gave when a plan last asked (a file no plan asked for its key is not asked now: the
        same paths ask for the same files' keys). The keys read are kept."""
        same = True
        for path in paths:
            row = self.cache.db.execute("SELECT stamp, tkey FROM heads WHERE path = ?",
                                        (path,)).fetchone()
            if row is None or row[0] == stamps[path]:
                continue  # never asked, or asked since it last changed
            key = read_translation_key(path)
            self.new[path] = (stamps[path], key)
            same = same and key == row[1]
        return same

    def save(self, paths: Container[str]) -> None:
        """Keep the keys read in this run, and forget the files no longer in the content."""
        self.cache.db.executemany("INSERT OR REPLACE INTO heads VALUES (?, ?, ?)",
                                  [(p, stamp, key) for p, (stamp, key) in self.new.items()])
        if self.kept is not None:
            self.cache.db.executemany("DELETE FROM heads WHERE path = ?",
                                      [(p,) for p in self.kept if p not in paths])


#: the text the cache keeps of each part: its provenance in the dataset formats (the pieces of
#: the formats themselves are kept in the files written: see :class:`Cache`)
_COLUMNS = ("prov_nquads", "prov_trig")


