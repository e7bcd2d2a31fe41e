"""Problems found in content, and the exceptions that carry them.

A :class:`Problem` is always phrased for an editor: the file, the front-matter key (or the body
line), the language, and a sentence saying what to do. Loading, mapping and validation all report
problems in this one shape, so the CLI has one way to print them.
"""

from __future__ import annotations

import os
import reprlib
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

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


# -- messages in the editor's language -----------------------------------------------------------
#
# Every sentence kzgraph says to an editor is a msgid of the catalogues in ``locale/<lang>.po``
# (gettext's PO format, read with Babel): the English text with ``{name}`` fields, filled in when
# the sentence is shown. A problem keeps its sentence's msgid and values, so the same problem
# prints in English or Russian whatever language it was found in.

#: the languages with a catalogue (English is the msgids themselves)
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
MESSAGE_LANGUAGES = ("en", "kk", "ru")


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """msgid -> translation for ``lang`` (untranslated ids left out)."""
    path = LOCALE_DIR / f"{lang}.po"
    if lang == "en" or not path.is_file():
        return {}
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        found = read_po(handle, locale=lang)
    return {m.id: m.string for m in found if m.id and isinstance(m.id, str) and m.string}


def translate(msgid: str, lang: str) -> str:
    return catalogue(lang).get(msgid, msgid) if lang != "en" else msgid


class Message:
    """A sentence (or several) from the catalogues: each part a msgid and its values."""

    __slots__ = ("parts",)

    def __init__(self, parts: tuple[tuple[str, tuple[tuple[str, object], ...]], ...] = ()):
        self.parts = parts

    def __add__(self, other: "Message | str") -> "Message":
        if isinstance(other, str):
            other = Message(((other, ()),)) if other else Message()
        return Message(self.parts + other.parts)

    def __radd__(self, other: str) -> "Message":
        return (Message(((other, ()),)) if other else Message()) + self

    def render(self, lang: str = "en") -> str:
        out = []
        for msgid, args in self.parts:
            values = {k: v.render(lang) if isinstance(v, Message) else v for k, v in args}
            out.append(translate(msgid, lang).format(**values) if args
                       else translate(msgid, lang))
        return "".join(out)

    def __str__(self) -> str:
        return self.render("en")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and other.parts == self.parts

    def __hash__(self) -> int:
        return hash(self.parts)

    def __getstate__(self) -> tuple:
        return self.parts

    def __setstate__(self, state: tuple) -> None:
        self.parts = state


def msg(msgid: str, **values: object) -> Message:
    """A sentence of the catalogues, its ``{name}`` fields given as keywords."""
    return Message(((msgid, tuple(sorted(values.items()))),))


def message_language(option: str | None = None) -> str:
    """The language messages are shown in: ``--lang``, else ``KZGRAPH_LANG``, else the locale
    (``LC_ALL``, ``LC_MESSAGES``, ``LANG``); English when none names a catalogue's language."""
    def code(value: str) -> str:
        return value.split(".")[0].split("_")[0].split("-")[0].lower()

    if option:
        return code(option) if code(option) in MESSAGE_LANGUAGES else "en"
    for value in (os.environ.get("KZGRAPH_LANG"), os.environ.get("LC_ALL"),
                  os.environ.get("LC_MESSAGES"), os.environ.get("LANG")):
        if value and code(value) in MESSAGE_LANGUAGES:
            return code(value)
    return "en"


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
    #: the message as catalogue entries (given a :class:`Message`, ``message`` is its English)
    text: Message | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if isinstance(self.message, Message):
            object.__setattr__(self, "text", self.message)
            object.__setattr__(self, "message", self.message.render("en"))

    def message_in(self, lang: str = "en") -> str:
        """The message in ``lang`` (as written, for a message that is not in the catalogues,
        such as a shape's own)."""
        return self.text.render(lang) if self.text is not None else self.message

    def as_dict(self, lang: str = "en") -> dict[str, object]:
        out = asdict(self)
        del out["text"], out["detail"]
        out["message"] = self.message_in(lang)
        return out

    def render(self, lang: str = "en") -> str:
        """The problem as one line: where, which key, the language, how bad, what to do."""
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        parts = [where]
        key, severities = _words(lang)
        if self.key:
            parts.append(key.format(key=self.key))
        if self.lang:
            parts.append(f"[{self.lang}]")
        severity = severities.get(self.severity, severities[WARNING])
        return f"{' '.join(parts)}: {severity}: {self.message_in(lang)}"

    def __str__(self) -> str:
        return self.render("en")


@lru_cache(maxsize=None)
def _words(lang: str) -> tuple[str, dict[str, str]]:
    """What :meth:`Problem.render` says around a problem in ``lang``: the key's words (a
    format with ``{key}``) and each severity's, translated once, not once a problem: rendering
    31,587 warnings took 0.16 s of CPU time making and translating them for each, 0.07 s
    so."""
    return (translate(msg("key '{key}'").parts[0][0], lang),
            {ERROR: msg("error").render(lang), INFO: msg("info").render(lang),
             WARNING: msg("warning").render(lang)})


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


# -- did you mean -------------------------------------------------------------------------------

def nearest(word: str, choices: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The valid names closest to a misspelt ``word``, best first (case and ``_``/``-`` aside)."""
    import difflib

    def fold(text: str) -> str:
        return text.casefold().replace("_", "-")

    by_folded: dict[str, list[str]] = {}
    for choice in sorted(set(choices)):
        by_folded.setdefault(fold(choice), []).append(choice)
    found = difflib.get_close_matches(fold(word), list(by_folded), n=n, cutoff=cutoff)
    # names that differ only in case: the one closest to the word as written first
    out = [name for f in found for name in sorted(
        by_folded[f], key=lambda c: (-difflib.SequenceMatcher(None, word, c).ratio(), c))]
    return out[:n]


def quoted(names: Iterable[str], joiner: str = "or") -> str:
    """``'a'``, ``'a' or 'b'``, ``'a', 'b' or 'c'``."""
    items = [f"'{name}'" for name in names]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {joiner} {items[-1]}"


def did_you_mean(word: str, choices: Iterable[str], lang: str = "en") -> str:
    """`` Did you mean 'x'?`` (with a leading space), or nothing when no name is close."""
    found = nearest(word, choices)
    if not found:
        return ""
    if lang == "ru":
        return f" Возможно, имелось в виду {quoted(found, 'или')}?"
    return f" Did you mean {quoted(found)}?"


def suggestion(found: Iterable[str]) -> Message:
    """`` Did you mean 'x'?`` (with a leading space) naming ``found``, in the catalogues'
    terms; nothing when ``found`` is empty."""
    names = list(found)
    if not names:
        return Message()
    return msg(" Did you mean {names}?", names=", ".join(f"'{n}'" for n in names))
