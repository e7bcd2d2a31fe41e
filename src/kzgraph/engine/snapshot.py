"""What the last run saw, kept in the cache as one blob, so that the next run finds what changed
without planning the parts again or scanning the cache's tables.

A rebuild at 100,000 pages spent about 2.5 s before doing any work: planning the parts again
from 100,000 paths (1 s), reading the ``files`` and ``parts`` tables to find the stale parts
(0.5 s), the slugs links may point to (0.2 s), forgetting the parts no longer there (0.3 s),
the class checks that fail (0.3 s). With a snapshot:

- the plan is the last run's when the walk found the same paths (it lists only the folders
  changed since) and the plan did not depend on the changed files' ``translationKey``;
- the slugs links may point to are the last run's when the plan is, and no category page
  changed (they give the schema.org types of their sources);
- the index of the cache (each file's stamp and part; each part's formats and version) is held
  in memory, kept up to date as rows are stored, and saved with the snapshot;
- the class checks that fail are the last run's when no part was made again and none left.

A snapshot is taken out of the cache when a run starts (marked as taken) and kept again when it
ends, in the transaction of its last commit (written again only when it differs): a run that
stops half-way leaves none (its first commit makes the mark stick), and the next run reads the
tables as before. Everything else the run does is the same with or without one; the tests hold
a run with a snapshot to a run without.
"""

from __future__ import annotations

import marshal
from array import array
from dataclasses import dataclass, field, fields

from kzgraph.engine.parts import Part

#: changes whenever the fields below change: a snapshot of another shape is not read
_SHAPE = 4
#: what joins many strings into one (no path, slug, key or stamp holds it): one string
#: unmarshals in a few milliseconds, 100,000 small tuples and lists in a fifth of a second
_SEP = "\0"


def _join(values: list[str]) -> str:
    return _SEP.join(values)


def _split(text: str) -> list[str]:
    return text.split(_SEP) if text else []


@dataclass
class Snapshot:
    #: a digest of what the plan is made of: the paths the walk found, the content folder, the
    #: language folders and the default language
    setting: str = ""
    #: the parts' keys, joined, and how many files each has (``array('I')`` bytes)
    keys: str = ""
    counts: bytes = b""
    #: every part's files, one part after another, joined; and for each file its kind, its
    #: slug and its stamp, joined
    names: str = ""
    kinds: str = ""
    slugs: str = ""
    stamps: str = ""
    #: for each part, the formats it was made for and its version, joined
    made_for: str = ""
    versions: str = ""
    #: the Markdown files in no part
    stray: list[str] = field(default_factory=list)
    #: whether the plan read some files' ``translationKey`` (then a changed file may change it)
    keys_read: bool = False
    #: the slugs links may point to (see :func:`~kzgraph.engine.parts.known_slugs`), sorted
    known: dict[str, list[str]] = field(default_factory=dict)
    #: the class checks that failed (see :meth:`~kzgraph.engine.cache.Cache.failed_checks`)
    failed: list[tuple] = field(default_factory=list)
    #: what validating the reference data found (result keys, statistics), pickled; empty
    #: when it found something (its problems are said in each run's language)
    reference: bytes = b""

    @classmethod
    def of(cls, setting: str, parts: list[Part], stamps: dict[str, str],
           kept: dict[str, tuple[str, str]], **rest: object) -> Snapshot:
        """What a run saw: its parts, every file's stamp, and each part's formats and version
        as the cache keeps them (``kept``)."""
        names = [name for p in parts for name in p.names]
        return cls(
            setting, _join([p.key for p in parts]),
            array("I", [len(p.names) for p in parts]).tobytes(), _join(names),
            _join([kind for p in parts for kind, _ in p.places]),
            _join([slug for p in parts for _, slug in p.places]),
            _join([stamps[name] for name in names]),
            _join([kept[p.key][0] for p in parts]), _join([kept[p.key][1] for p in parts]),
            **rest)  # type: ignore[arg-type]

    def parts(self) -> list[Part]:
        names, counts = _split(self.names), array("I", self.counts)
        places = list(zip(_split(self.kinds), _split(self.slugs)))
        out, at = [], 0
        for key, count in zip(_split(self.keys), counts):
            out.append(Part(key, names[at:at + count], places[at:at + count]))
            at += count
        return out

    def files(self) -> dict[str, tuple[str, str]]:
        """The cache's files as the run left them: path -> (stamp, part key)."""
        owners = [key for key, count in zip(_split(self.keys), array("I", self.counts))
                  for _ in range(count)]
        return dict(zip(_split(self.names), zip(_split(self.stamps), owners)))

    def kept(self) -> dict[str, tuple[str, str]]:
        """The cache's parts as the run left them: key -> (formats made for, version)."""
        return dict(zip(_split(self.keys), zip(_split(self.made_for), _split(self.versions))))

    def changed(self, parts: list[Part], stamps: dict[str, str]) -> list[Part]:
        """Of the parts of this snapshot (:meth:`parts`), those with a file whose stamp is
        not the one it had (the files and the parts are those of the snapshot, and ``stamps``
        lists them in their order)."""
        old = _split(self.stamps)
        if old == list(stamps.values()):
            return []
        out, at = [], 0
        for part in parts:
            end = at + len(part.names)
            if old[at:end] != [stamps[name] for name in part.names]:
                out.append(part)
            at = end
        return out

    def dumps(self) -> bytes:
        # not dataclasses.astuple: it copies every list and dict
        return marshal.dumps((_SHAPE, tuple(getattr(self, f.name) for f in fields(self))))

    @classmethod
    def loads(cls, data: bytes) -> Snapshot | None:
        """A snapshot, or None for one of another shape or damaged (it is only a cache)."""
        try:
            shape, values = marshal.loads(data)
            return cls(*values) if shape == _SHAPE else None
        except (EOFError, ValueError, TypeError):
            return None
