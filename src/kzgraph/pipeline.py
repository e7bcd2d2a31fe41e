"""The steps chained: load -> map -> validate -> write. The CLI calls these; so can any program."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .config import Settings
from .errors import ContentError, Problem, has_errors, sort_problems
from .export import serialize, write_atomic
from .formats import FORMATS, Format
from .load import load_content
from .mapping import Mapped, map_content
from .resources import context_file, ontology_file, shapes_file


@dataclass
class Result:
    """What a run produced: the mapped graph and every problem found on the way."""

    mapped: Mapped
    problems: list[Problem] = field(default_factory=list)

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
    return Result(mapped, sort_problems(content.problems + mapped.problems))


def check(settings: Settings, lang: str = "en") -> Result:
    """Load, map and validate with the shapes."""
    from .validate import validate_mapped

    result = load_and_map(settings)
    _, located, _ = validate_mapped(result.mapped, lang)
    result.problems = sort_problems(result.problems + located)
    return result


def export(settings: Settings, fmt: Format) -> tuple[bytes, list[Problem]]:
    """One format of the content's graph. Load and mapping errors stop it (no SHACL run)."""
    result = load_and_map(settings)
    if not result.ok:
        raise ContentError(result.problems, "Cannot export")
    return serialize(result.mapped.dataset, result.mapped.graph, fmt), result.problems


#: the files ``build`` writes besides one file per format
EXTRA_FILES = {"context.jsonld": context_file, "ontology.ttl": ontology_file,
               "shapes.ttl": shapes_file}
DATA_STEM = "kzgraph"


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
    """Load, map, validate and write every format plus the context, ontology and shapes to
    ``output``. Content that violates the shapes is not published: ContentError is raised and
    ``output`` stays as it was."""
    result = check(settings, lang)
    if not result.ok:
        raise ContentError(result.problems, "Refusing to publish")
    output = Path(output).absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.build-", dir=output.parent))
    try:
        for fmt in FORMATS:
            data = serialize(result.mapped.dataset, result.mapped.graph, fmt)
            write_atomic(staging / f"{DATA_STEM}.{fmt.extension}", data)
        for name, source in EXTRA_FILES.items():
            write_atomic(staging / name, source().read_bytes())
        os.chmod(staging, 0o755)
        publish_dir(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result
