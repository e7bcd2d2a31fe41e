"""Problems found in content, and the exceptions that carry them.

A :class:`Problem` is always phrased for an editor: the file, the front-matter key (or the body
line), the language, and a sentence saying what to do. Loading, mapping and validation all report
problems in this one shape, so the CLI has one way to print them.
"""

from __future__ import annotations

import reprlib
from dataclasses import asdict, dataclass, field

_repr = reprlib.Repr()
_repr.maxlevel, _repr.maxlist, _repr.maxdict = 2, 4, 4
_repr.maxstring = _repr.maxother = 80


def brief(value: object) -> str:
    """A short repr for messages: a 1 MB string or a billion-element list prints in one line."""
    return _repr.repr(value)


ERROR = "error"
WARNING = "warning"
#: a note that is no fault: a page left unpublished (a draft, a page not yet or no longer due)
INFO = "info"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, located in the editor's terms.

    :param path: the file, relative to the content folder's parent where possible
    :param line: 1-based line in the file, or None when the problem is about the whole file
    :param key: the front-matter key, or None for the body or the whole file
    :param message: a sentence an editor understands, saying what to do
    :param lang: the language of the file, where known
    :param severity: ``"error"`` (blocks publishing) or ``"warning"``
    :param stage: which step found it: ``load``, ``map`` or ``shacl``
    :param focus: the IRI of the resource concerned, where there is one
    :param detail: for a SHACL result, what the validation report says of it (its constraint
        component, shape, path, value and the shape's messages in every language), as the
        checking stage gives it; None for problems found while reading and mapping
    """

    path: str
    line: int | None
    key: str | None
    message: str
    lang: str | None = None
    severity: str = ERROR
    stage: str = "load"
    focus: str | None = field(default=None, compare=False)
    detail: object = field(default=None, compare=False, repr=False)

    def as_dict(self) -> dict[str, object]:
        out = asdict(self)
        del out["detail"]
        return out

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        parts = [where]
        if self.key:
            parts.append(f"key '{self.key}'")
        if self.lang:
            parts.append(f"[{self.lang}]")
        return f"{' '.join(parts)}: {self.severity}: {self.message}"


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Problems in file order, then line order, each once."""
    return sorted(set(problems), key=lambda p: (p.path, p.line or 0, p.key or "", p.message))


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == ERROR for p in problems)


class KzgraphError(Exception):
    """Base of every error kzgraph raises on purpose."""


class ConfigError(KzgraphError):
    """The configuration (base IRI, content folder, packaged files) is unusable."""


class ContentError(KzgraphError):
    """The content has problems that stop the requested operation."""

    def __init__(self, problems: list[Problem], what: str = "The content has problems") -> None:
        self.problems = sort_problems(problems)
        n = sum(1 for p in self.problems if p.severity == ERROR)
        super().__init__(f"{what}: {n} error(s).")
