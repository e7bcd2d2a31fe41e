"""What parts add up to, kept by buckets of parts in the cache (see
:meth:`kzgraph.engine.cache.Cache.put_summary`): a rebuild sums again only the buckets whose
parts changed. Their problems are kept apart by message language, with their equal values
shared, so that a run reads only its own language's, quickly."""

from __future__ import annotations

import marshal
import pickle
import zlib
from dataclasses import dataclass, field

from kzgraph.content.status import Coverage
from kzgraph.engine.parts import MESSAGE_LANGUAGES
from kzgraph.errors import Message, Problem
from kzgraph.graph.describe import Statistics

#: parts are summed by buckets (a part's bucket: a hash of its key)
BUCKETS = 64


def summary_from(data: bytes, lang: str) -> "Summary":
    """A summary kept by :meth:`Cache.put_summary`, with the problems of one message language
    (the others' lists are left empty: a rebuild at 100,000 pages spent 0.6 s unpickling the
    30,000 warnings of two languages it would not print)."""
    rest, problems = pickle.loads(data)
    summary = pickle.loads(rest)
    summary.problems = {code: pickle.loads(problems[code]) if code == lang else []
                        for code in MESSAGE_LANGUAGES}
    return summary


_LEAVES = (str, int, type(None))


def _plain_data(value: object) -> bool:
    """Whether ``value`` is a string, an integer or None, or a tuple of such (as far down as it
    goes): then values equal to it are of its very types (not so 1 and True, a URIRef and its
    string), and one may stand for the other."""
    kind = type(value)
    return kind in _LEAVES or (
        kind is tuple and all(_plain_data(v) for v in value))  # type: ignore[attr-defined]


def shared_problems(problems: list[Problem]) -> list[Problem]:
    """The same problems, their equal strings, messages and SHACL details made one object
    each. Pickle writes an object it has written once as a reference to it, and reads it back
    as one: the 31,587 warnings of 100,000 heavy pages, which repeat a few sentences, shapes
    and paths, took 16.9 MB and 0.19 s to unpickle as found (every part's made apart), 4.5 MB
    and 0.065 s shared. The problems are equal to those given, field by field, of the same
    types."""
    from kzgraph.check.validate import ShaclDetail

    seen: dict[object, object] = {}

    def share(value: object) -> object:
        """``value`` (plain data), or the equal value met first."""
        if type(value) is tuple:
            value = tuple(share(item) for item in value)  # type: ignore[union-attr]
        return seen.setdefault(value, value)

    details: dict[tuple, ShaclDetail] = {}
    new = object.__new__
    out = []
    for problem in problems:
        # what unpickling does too: the fields set as they are, not through __init__
        values = dict(vars(problem))
        for name, value in values.items():
            if type(value) is str:
                values[name] = share(value)
            elif type(value) is Message and _plain_data(value.parts):
                values[name] = seen.setdefault(value, Message(share(value.parts)))
        detail = values.get("detail")
        if type(detail) is ShaclDetail:
            plain = detail.plain()
            if _plain_data(plain):
                if plain not in details:
                    details[plain] = ShaclDetail.from_plain(share(plain))
                values["detail"] = details[plain]
        copy = new(Problem)
        object.__setattr__(copy, "__dict__", values)
        out.append(copy)
    return out


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
    coverage: Coverage = field(default_factory=Coverage)

    def add(self, info: tuple, refs: bytes | None) -> None:
        """Add one part: its info (as :meth:`Cache.row` pickles it) and reference keys
        (marshalled)."""
        found, results, stats, files, coverage = info
        self.coverage.add(coverage)
        for lang in MESSAGE_LANGUAGES:
            self.problems[lang].extend(found.get(lang, ()))
        self.results.extend(results)
        self.stats.add(stats)
        self.files.extend(files)
        if refs:
            self.refs.update(marshal.loads(refs))
