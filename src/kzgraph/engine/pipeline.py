"""The steps chained: load -> map -> validate -> write. The CLI calls these; so can any program."""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import shutil
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from rdflib import Dataset

from kzgraph.engine.run import Outcome, Progress, Run
from kzgraph.config import Settings
from kzgraph.content.load import Content, load_content
from kzgraph.content.status import Status
from kzgraph.errors import ContentError, Problem, has_errors, sort_problems
from kzgraph.formats.registry import FORMATS, Format
from kzgraph.formats.writers import (
    DATASET_FORMATS,
    Layout,
    chunk_texts,
    serialize,
    write_atomic,
    write_spliced,
)
from kzgraph.graph.iris import Minter
from kzgraph.graph.mapping import Mapped, map_content
from kzgraph.resources import context_file, ontology_file, shapes_file


@dataclass
class Result:
    """What a run produced: the mapped graph and every problem found on the way."""

    mapped: Mapped
    problems: list[Problem] = field(default_factory=list)
    content: Content | None = None

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


def load_and_map(settings: Settings) -> Result:
    """Load the content folder and map it; problems are collected, not raised."""
    if not settings.content.is_dir():
        from kzgraph.errors import ConfigError
        raise ConfigError(f"The content folder '{settings.content}' does not exist.")
    from kzgraph.engine.parts import known_slugs, plan

    dirs = settings.language_dirs
    content = load_content(settings.content, settings.default_language, dirs)
    known = known_slugs(plan(settings.content, dirs, settings.default_language)[0],
                        settings.content, dirs, settings.default_language)
    mapped = map_content(content, settings, known)
    return Result(mapped, sort_problems(content.problems + mapped.problems), content)


def content_status(settings: Settings, languages: list[str] = ()
                   ) -> tuple[Status, list[Problem]]:
    """``kzgraph status``: which page lacks which text in which language (the languages of the
    content and any others given), with the problems of loading it. Translations joined by
    Hugo's ``translationKey`` count as one page, as the build counts them."""
    from kzgraph.content.status import status
    from kzgraph.graph.languages import join_translations

    _require_content(settings)
    content = load_content(settings.content, settings.default_language, settings.language_dirs)
    join_translations(content.pages, settings.default_language)
    return (status(content, settings.default_language, languages, settings.language_dirs),
            content.problems)


def published_dataset(result: Result, settings: Settings) -> Dataset:
    """The named graphs as the dataset formats (N-Quads, TriG) and ``push`` publish them: every
    page graph and the reference graph, plus ``{base}graph/provenance`` (PROV-O, see
    :mod:`kzgraph.graph.provenance`) and ``{base}graph/ontology``. The single-graph formats carry the
    data graphs only (:attr:`Mapped.graph`)."""
    from kzgraph.graph.provenance import ontology_graph, provenance_graph

    mapped = result.mapped
    out = Dataset()
    for graph in mapped.dataset.graphs():
        if len(graph):
            target = out.graph(graph.identifier)
            target.addN((s, p, o, target) for s, p, o in graph)
    ontology = ontology_graph(mapped.minter)
    pages = result.content.pages if result.content is not None else []
    provenance = provenance_graph(mapped, pages, settings,
                                  other_graphs=[mapped.minter.reference_graph(),
                                                ontology.identifier])
    for extra in (ontology, provenance):
        target = out.graph(extra.identifier)
        target.addN((s, p, o, target) for s, p, o in extra)
    return out


def check(settings: Settings, lang: str = "en", *, cache: Path | bool | None = True,
          jobs: int | None = None, progress: Progress | None = None) -> Outcome:
    """Load, map and validate the whole content with the build engine (parallel, cached).
    No format is written: the parts' problems, results and statistics are cached, and a
    build afterwards makes only the parts' texts to write them, validating none again (pieces
    are kept only in the files a build or an export writes)."""
    _require_content(settings)
    with Run(settings, formats=(), cache_dir=cache, jobs=jobs, progress=progress) as run:
        return run.check(lang)


def _require_content(settings: Settings) -> None:
    if not settings.content.is_dir():
        from kzgraph.errors import ConfigError
        raise ConfigError(f"The content folder '{settings.content}' does not exist.")


def _tails(run: Run, settings: Settings, formats: Iterable[str]
           ) -> dict[str, Callable[[], Iterator[str]]]:
    """For each format, what follows the parts in its file: the reference data, and in the
    dataset formats the ontology graph, the build's provenance and every page's provenance
    (with the build's IRI settled)."""
    from kzgraph.graph.provenance import (
        PROVENANCE_GRAPH,
        build_info,
        build_triples,
        digest_of,
        ontology_graph,
        settle,
    )

    minter = Minter(settings.base)
    formats = list(formats)
    reference = chunk_texts({minter.reference_graph(): run.reference}, formats)
    more: dict[str, str] = {}
    digest = ""
    dataset_formats = [f for f in formats if f in DATASET_FORMATS]
    if dataset_formats:
        info = build_info(settings.content)
        digest = digest_of(run.files, info)
        ontology = ontology_graph(minter)
        activity = build_triples(minter, info, digest,
                                 other_graphs=[minter.reference_graph(), ontology.identifier])
        more = chunk_texts({ontology.identifier: list(ontology),
                            minter.graph(PROVENANCE_GRAPH): activity}, dataset_formats)

    def tail(fmt: str) -> Callable[[], Iterator[str]]:
        def walk() -> Iterator[str]:
            yield reference[fmt]
            if fmt in more:
                yield more[fmt]
                # settled a few megabytes at a time: at 100,000 pages one call a part cost
                # a second of every rebuild
                batch: list[str] = []
                size = 0
                for text in run.texts(f"prov_{fmt}"):
                    if text and not text.endswith("\n"):  # as the writer's piece() ends it
                        text += "\n"
                    batch.append(text)
                    size += len(text)
                    if size > 1 << 22:
                        yield settle("".join(batch), minter, digest)
                        batch, size = [], 0
                if batch:
                    yield settle("".join(batch), minter, digest)
        return walk
    return {fmt: tail(fmt) for fmt in formats}


def _write(run: Run, fmt: str, path: Path, tail: Iterable[str]) -> int:
    """Write one format's file from the run's pieces and ``tail``, and remember where the
    pieces now lie (the next run copies them from there). Returns its size."""
    size, layout = write_spliced(path, fmt, run.pieces_of(fmt), tail)
    run.cache.remember_output(fmt, path, layout)
    return size


def export(settings: Settings, fmt: Format, *, cache: Path | bool | None = True,
           jobs: int | None = None) -> tuple[bytes, list[Problem]]:
    """One format of the content's graph, as ``build`` writes it. Content with errors is not
    exported (:class:`ContentError`)."""
    _require_content(settings)
    with Run(settings, formats=[fmt.name], cache_dir=cache, jobs=jobs) as run:
        outcome = run.check()
        if not outcome.ok:
            raise ContentError(outcome.problems, "Cannot export")
        assert run.scratch is not None
        path = run.scratch / f"export.{fmt.extension}"
        tail = _tails(run, settings, [fmt.name])[fmt.name]()
        write_spliced(path, fmt.name, run.pieces_of(fmt.name), tail)
        return path.read_bytes(), outcome.problems


def export_file(settings: Settings, fmt: Format, path: Path, *,
                cache: Path | bool | None = True, jobs: int | None = None,
                progress: Progress | None = None) -> tuple[int, list[Problem]]:
    """:func:`export` streamed into ``path`` (atomically), never whole in memory; returns the
    file's size and the problems (warnings) found."""
    _require_content(settings)
    path = Path(path).absolute()
    with _scratch_beside(path) as scratch, \
            Run(settings, formats=[fmt.name], cache_dir=cache, jobs=jobs, progress=progress,
                scratch=scratch) as run:
        outcome = run.check()
        if not outcome.ok:
            raise ContentError(outcome.problems, "Cannot export")
        tail = _tails(run, settings, [fmt.name])[fmt.name]()
        return _write(run, fmt.name, path, tail), outcome.problems


#: the files ``build`` writes besides one file per format
EXTRA_FILES = {"context.jsonld": context_file, "ontology.ttl": ontology_file,
               "shapes.ttl": shapes_file}
DATA_STEM = "kzgraph"
#: the VoID + DCAT description of the dumps, written by ``build`` beside them
DESCRIPTION_FILE = "void.ttl"


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step (Linux renameat2 RENAME_EXCHANGE)."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return rc == 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_staging(target: Path) -> list[Path]:
    """Remove staging folders left beside ``target`` by builds that were killed (their PID,
    part of the folder name, is gone). The published folder itself is never touched."""
    removed = []
    for leftover in target.parent.glob(f".{target.name}.*-*"):
        kind, _, rest = leftover.name[len(target.name) + 2:].partition("-")
        pid = rest.split("-", 1)[0]
        if kind in ("build", "old") and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)
            removed.append(leftover)
    return removed


def _staging_dir(target: Path) -> Path:
    """A new folder beside ``target``, named so that :func:`remove_stale_staging` removes it
    once this process is gone."""
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.build-{os.getpid()}-",
                                 dir=target.parent))


@contextmanager
def _scratch_beside(target: Path) -> Iterator[Path]:
    """A folder for the workers' pieces beside ``target`` (on its filesystem, so the kernel
    copies them into it), removed when the block ends, or by the next build or export of
    ``target`` if this one is killed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(target)
    scratch = _staging_dir(target)
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _file_name(fmt: str) -> str:
    """The name ``build`` gives the file of a format."""
    from kzgraph.formats.registry import get_format

    return f"{DATA_STEM}.{get_format(fmt).extension}"


def publish_dir(staging: Path, target: Path) -> Path | None:
    """Put the finished ``staging`` folder at ``target``, replacing what was there at once.
    Returns the folder that was there (for the caller to remove: at 100,000 pages freeing its
    2 GB takes most of a second, which can overlap other work), or None."""
    if target.exists():
        if not _exchange(staging, target):
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.rename(target, old)
            os.rename(staging, target)
            staging = old
        return staging
    os.rename(staging, target)
    return None


def build(settings: Settings, output: Path, lang: str = "en", *,
          formats: Iterable[str] = tuple(f.name for f in FORMATS),
          cache: Path | bool | None = True, jobs: int | None = None,
          progress: Progress | None = None, query_store: bool = True) -> Outcome:
    """Load, map, validate and write every format (or ``formats``), the JSON-LD context, the
    ontology, the shapes and the VoID/DCAT description (``void.ttl``) to ``output``, swapped in
    at once. Content that violates the shapes is not published: :class:`ContentError` is
    raised and ``output`` stays as it was. With a cache folder, and N-Triples and N-Quads
    among the formats, the query store beside the cache is brought up to date too
    (:mod:`kzgraph.engine.querystore`; ``query_store=False`` leaves it)."""
    _require_content(settings)
    wanted = [f.name for f in FORMATS if f.name in set(formats)]
    output = Path(output).absolute()
    with _scratch_beside(output) as scratch:
        return _build(settings, output, lang, wanted, cache, jobs, progress, scratch,
                      query_store)


class _Counted:
    """A checksum that also counts the lines it is given (the N-Quads file's statements, for
    its description), so the file is read back once, not twice."""

    def __init__(self) -> None:
        self.checksum = hashlib.sha256()
        self.lines = 0

    def update(self, data: bytes) -> None:
        self.checksum.update(data)
        self.lines += data.count(b"\n")

    def hexdigest(self) -> str:
        return self.checksum.hexdigest()


def _build(settings: Settings, output: Path, lang: str, wanted: list[str],
           cache: Path | bool | None, jobs: int | None, progress: Progress | None,
           scratch: Path, query_store: bool = True) -> Outcome:
    from kzgraph.formats.registry import get_format
    from kzgraph.graph.coverage import coverage_triples
    from kzgraph.graph.describe import describe_statistics
    from kzgraph.graph.iris import Minter

    with Run(settings, formats=wanted, cache_dir=cache, jobs=jobs, progress=progress,
             scratch=scratch) as run:
        outcome = run.check(lang)
        if not outcome.ok:
            raise ContentError(outcome.problems, "Refusing to publish")
        staging = _staging_dir(output)
        try:
            tails = _tails(run, settings, wanted)
            written: dict[str, tuple[int, Layout]] = {}
            statements: int | None = None  # the N-Quads file's lines, counted as it is hashed

            def written_and_hashed(name: str) -> str:
                nonlocal statements
                checksum = _Counted() if name == "nquads" else hashlib.sha256()
                written[name] = write_spliced(staging / _file_name(name), name,
                                              run.pieces_of(name), tails[name](), checksum)
                if isinstance(checksum, _Counted):
                    statements = checksum.lines
                return checksum.hexdigest()

            # the files are written side by side (the kernel copies, and syncs, while Python
            # waits), each hashed while it is written (a rebuild at 100,000 pages writes and
            # hashes 2.2 GB: one after another, that took longer than the rest of it); the
            # dataset formats' tails read the cache, so they are written in this thread
            with ThreadPoolExecutor(max_workers=6) as pool:
                elsewhere = {name: pool.submit(written_and_hashed, name) for name in wanted
                             if name not in DATASET_FORMATS}
                digests = {name: written_and_hashed(name) for name in wanted
                           if name in DATASET_FORMATS}
                digests.update((name, done.result()) for name, done in elsewhere.items())
                checksums = {_file_name(name): digests[name] for name in sorted(wanted)}
            outcome.files = {_file_name(name): written[name][0] for name in wanted}
            description = describe_statistics(outcome.stats, settings, outcome.files, checksums,
                                              statements)
            # the languages covered: 'kzgraph status' totals, summed by the parts
            for triple in coverage_triples(outcome.coverage.totals(settings.default_language),
                                           Minter(settings.base)):
                description.add(triple)
            write_atomic(staging / DESCRIPTION_FILE,
                         serialize(Dataset(), description, get_format("turtle")))
            for name, source in EXTRA_FILES.items():
                write_atomic(staging / name, source().read_bytes())
            os.chmod(staging, 0o755)
            replaced = publish_dir(staging, output)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        # the folder replaced is removed while the cache and the query store are brought
        # up to date (it is named so that a later build removes it if this one is killed)
        remover = threading.Thread(target=shutil.rmtree, args=(replaced, True)) \
            if replaced is not None else None
        if remover is not None:
            remover.start()
        try:
            for name, (_, layout) in written.items():
                run.cache.remember_output(name, output / _file_name(name), layout)
            if query_store:
                from kzgraph.engine import querystore

                querystore.update(run, outcome.problems)
        finally:
            if remover is not None:
                remover.join()
    return outcome
