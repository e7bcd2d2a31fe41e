"""The steps chained: load -> map -> validate -> write. The CLI calls these; so can any program."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset

from .config import Settings
from .errors import ContentError, Problem, has_errors, sort_problems
from .export import serialize, write_atomic
from .formats import FORMATS, Format
from .load import Content, load_content
from .mapping import Mapped, map_content
from .resources import context_file, ontology_file, shapes_file


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
        from .errors import ConfigError
        raise ConfigError(f"The content folder '{settings.content}' does not exist.")
    content = load_content(settings.content, settings.default_language)
    mapped = map_content(content, settings)
    return Result(mapped, sort_problems(content.problems + mapped.problems), content)


def published_dataset(result: Result, settings: Settings) -> Dataset:
    """The named graphs as the dataset formats (N-Quads, TriG) and ``push`` publish them: every
    page graph and the reference graph, plus ``{base}graph/provenance`` (PROV-O, see
    :mod:`kzgraph.provenance`) and ``{base}graph/ontology``. The single-graph formats carry the
    data graphs only (:attr:`Mapped.graph`)."""
    from .provenance import ontology_graph, provenance_graph

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


def check(settings: Settings, lang: str = "en") -> Result:
    """Load, map and validate with the shapes."""
    from .validate import validate_mapped

    result = load_and_map(settings)
    _, located = validate_mapped(result.mapped, lang)
    result.problems = sort_problems(result.problems + located)
    return result


def export(settings: Settings, fmt: Format) -> tuple[bytes, list[Problem]]:
    """One format of the content's graph. Load and mapping errors stop it (no SHACL run)."""
    result = load_and_map(settings)
    if not result.ok:
        raise ContentError(result.problems, "Cannot export")
    dataset = published_dataset(result, settings) if fmt.dataset else result.mapped.dataset
    return serialize(dataset, result.mapped.graph, fmt), result.problems


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


def publish_dir(staging: Path, target: Path) -> None:
    """Put the finished ``staging`` folder at ``target``, replacing what was there at once."""
    if target.exists():
        if not _exchange(staging, target):
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.rename(target, old)
            os.rename(staging, target)
            staging = old
        shutil.rmtree(staging)
    else:
        os.rename(staging, target)


def build(settings: Settings, output: Path, lang: str = "en") -> Result:
    """Load, map, validate and write every format plus the context, ontology, shapes and the
    VoID/DCAT description (``void.ttl``) to ``output``. Content that violates the shapes is not published: ContentError is raised and
    ``output`` stays as it was."""
    result = check(settings, lang)
    if not result.ok:
        raise ContentError(result.problems, "Refusing to publish")
    output = Path(output).absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(output)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.build-{os.getpid()}-",
                                    dir=output.parent))
    try:
        from .describe import describe
        from .formats import get_format

        dataset = published_dataset(result, settings)
        sizes: dict[str, int] = {}
        for fmt in FORMATS:
            data = serialize(dataset, result.mapped.graph, fmt)
            name = f"{DATA_STEM}.{fmt.extension}"
            write_atomic(staging / name, data)
            sizes[name] = len(data)
        description = describe(result.mapped.graph, settings, sizes)
        write_atomic(staging / DESCRIPTION_FILE,
                     serialize(Dataset(), description, get_format("turtle")))
        for name, source in EXTRA_FILES.items():
            write_atomic(staging / name, source().read_bytes())
        os.chmod(staging, 0o755)
        publish_dir(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result
