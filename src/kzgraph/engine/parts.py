"""One part: a resource's files, loaded, mapped, validated and written in every format without
looking at any other part (:func:`make_chunk`), and the walk that finds the parts (:func:`plan`).

What a part gives is a :class:`Chunk`: plain data, cheap to pickle into the cache and to send
from a worker to the parent.
"""

from __future__ import annotations

import os
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from rdflib import URIRef
from rdflib.term import Node

from kzgraph.check.shacl import Index, Result
from kzgraph.config import Settings
from kzgraph.content.layout import place
from kzgraph.content.load import Content, find_file_names, load_files
from kzgraph.content.sitepaths import SitePaths
from kzgraph.content.walk import Listing
from kzgraph.content.status import Coverage
from kzgraph.errors import Problem
from kzgraph.formats.writers import (
    DATASET_FORMATS,
    Encoded,
    chunk_texts,
    dataset_texts,
)
from kzgraph.graph.describe import Statistics
from kzgraph.graph.mapping import Mapped, map_content, schema_types
from kzgraph.vocab import SH


@dataclass(slots=True)
class Part:
    """One resource's files (their paths as text)."""

    key: str
    names: list[str]
    #: the (kind, slug) each file's place gives, in the order of ``names``
    places: list[tuple[str, str]] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.key.split("/", 1)[0]

    @property
    def files(self) -> list[Path]:
        return [Path(name) for name in self.names]


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
    #: class checks another part must settle: (value, class, shape name, focus, path); where
    #: the statement came from is found again only for the rare check that fails
    deferred: list[tuple] = field(default_factory=list)
    #: (subject, class) for every class of every subject of the part, superclasses included
    types: list[tuple[str, str]] = field(default_factory=list)
    #: the reference data the part uses, as (kind, code) keys (see ``Mapped.referenced``)
    reference: list[tuple[str, str]] = field(default_factory=list)
    stats: Statistics = field(default_factory=Statistics)
    #: (path, SHA-256) of each page file loaded, for the build's provenance digest
    files: list[tuple[str, str]] = field(default_factory=list)
    #: the date (ISO) on which a page of the part is published or expires: the part is made
    #: again by the first run on or after it
    until: str | None = None
    #: the part's texts per language (``kzgraph status``'s figures, for the dataset description)
    coverage: Coverage = field(default_factory=Coverage)
    #: the pages its links were looked up ("kind/slug"), and whether each was there; the
    #: site paths looked up ("@path"), and what the claimed site paths said of each
    #: (see :attr:`kzgraph.graph.mapping.Mapped.lookups`)
    lookups: dict[str, bool | str] = field(default_factory=dict)
    #: the paths its pages claim by ``url``, ``slug`` and ``aliases`` (``Claim.row`` tuples)
    served: list[tuple] = field(default_factory=list)


def plan(root: Path, language_dirs: dict[str, str] | None = None, default_language: str = "en",
         listings: dict[str, Listing] | None = None,
         translation_key: Callable[[str], str | None] | None = None
         ) -> tuple[list[Part], list[Path], list[Problem]]:
    """The content's parts, the files outside any part (reported as they load), and the
    problems of the walk itself (linked folders). A part is one resource: its leaf bundle's
    or single file's every language version, wherever the language's content folder is.

    ``listings``: the folders' listings an earlier walk kept (see
    :func:`kzgraph.content.walk._walk`), brought up to date. ``translation_key``: how a file's
    ``translationKey`` is found (by default, read from the file; the build takes it from its
    cache for a file not changed since)."""
    paths, problems = find_file_names(root, listings)
    parts, stray = plan_paths(paths, root, language_dirs, default_language, translation_key)
    return parts, stray, problems


def plan_paths(paths: list[str], root: Path, language_dirs: dict[str, str] | None = None,
               default_language: str = "en",
               translation_key: Callable[[str], str | None] | None = None
               ) -> tuple[list[Part], list[Path]]:
    """:func:`plan` of the paths a walk found: the parts, and the files outside any part."""
    groups: dict[str, list[str]] = defaultdict(list)
    named: set[str] = set()  # the groups with a file in the default language
    stray: list[Path] = []
    prefix = len(str(root).rstrip(os.sep)) + 1
    places: dict[str, tuple[str, str]] = {}
    for path in paths:
        where = place(path[prefix:].split(os.sep), language_dirs)
        if not isinstance(where, tuple):
            stray.append(Path(path))
        else:
            places[path] = where[:2]
            key = f"{where[0]}/{where[1].casefold()}"
            groups[key].append(path)
            if where[2] in (None, default_language):
                named.add(key)
    if len(named) < len(groups):
        _join_translations(groups, named, translation_key or read_translation_key)
    return [Part(k, groups[k], [places[name] for name in groups[k]]) for k in sorted(groups)], \
        stray


#: a top-level ``translationKey`` in YAML, TOML or JSON front matter
_TRANSLATION_KEY = re.compile(
    r"""^[ \t]*"?translationKey"?[ \t]*[:=][ \t]*["']?(?P<key>[^"'\n,]+?)["']?[ \t]*,?[ \t]*$""",
    re.MULTILINE)


def read_translation_key(path: str) -> str | None:
    """A file's ``translationKey``, read from the start of its front matter (no YAML)."""
    try:
        with open(path, "rb") as f:
            head = f.read(8192).decode("utf-8", "replace")
    except OSError:
        return None  # reported when the file is loaded
    m = _TRANSLATION_KEY.search(head)
    return m.group("key").strip() if m else None


def _join_translations(groups: dict[str, list[str]], named: set[str],
                       key_of: Callable[[str], str | None]) -> None:
    """Hugo's ``translationKey``: a translation whose name has no file in the default language
    joins the page of its kind in the default language with the same key (one resource, one
    part). Read only when there is such a translation, and only for its kind."""
    # the translations' own keys first: a kind none of whose translations has a key joins
    # nothing, and its pages in the default language (nearly all files) are not opened
    wanting = {key: {key_of(path) for path in groups[key]} for key in sorted(groups)
               if key not in named}
    kinds = {key.split("/", 1)[0] for key, found in wanting.items()
             if len(found) == 1 and None not in found}
    owners: dict[tuple[str, str], str] = {}
    for key in sorted(named):
        kind = key.split("/", 1)[0]
        if kind in kinds:
            for path in groups[key]:
                found = key_of(path)
                if found is not None:
                    owners.setdefault((kind, found), key)
    for key, found in wanting.items():
        owner = owners.get((key.split("/", 1)[0], found.pop())) if len(found) == 1 else None
        if owner is not None:
            groups[owner].extend(groups.pop(key))


def known_slugs(parts: Iterable[Part], root: Path,
                language_dirs: dict[str, str] | None = None,
                default_language: str = "en") -> dict[str, set[str]]:
    """The slugs links may point to: every page with a file, by kind; and, read from the
    category pages, the schema.org types each category gives its sources (see
    :func:`kzgraph.graph.mapping.schema_types`)."""
    known: dict[str, set[str]] = defaultdict(set)
    categories: list[Path] = []
    for part in parts:
        for path, (kind, slug) in zip(part.names, part.places):
            known[kind].add(slug)
            if kind == "category":
                categories.append(Path(path))
    if categories:
        known.update(schema_types(load_files(categories, root, default_language,
                                             language_dirs).pages))
    return dict(known)


def _written(part: Part, root: Path, settings: Settings, known: dict[str, set[str]],
             formats: Iterable[str], origins: bool = False, paths: SitePaths | None = None
             ) -> tuple[Chunk, Content, Mapped, Encoded]:
    """A part loaded, mapped and written in ``formats`` (its texts, and its provenance in
    the dataset formats among them): a chunk with texts only, and what it was made from.
    ``origins``: record where each statement came from (to locate validation results).
    ``paths``: the site paths the whole content claims (by ``url``, ``slug``, ``aliases``)."""
    from kzgraph.graph.provenance import page_sources, source_nquads

    content = load_files(part.files, root, settings.default_language, settings.language_dirs)
    mapped: Mapped = map_content(content, settings, known, origins=origins,
                                 paths=paths if paths is not None else SitePaths())
    minter = mapped.minter
    reference_graph = minter.reference_graph()
    enc = Encoded({g: t for g, t in mapped.quads.items() if g != reference_graph})
    formats = tuple(formats)
    chunk = Chunk(part.key, chunk_texts(enc, formats))
    dataset_formats = [f for f in formats if f in DATASET_FORMATS]
    if dataset_formats:
        provenance = source_nquads(page_sources(mapped, content.pages),
                                   minter.graph("provenance"))
        for fmt, text in dataset_texts(provenance, dataset_formats).items():
            chunk.texts[f"prov_{fmt}"] = text
    return chunk, content, mapped, enc


def make_texts(part: Part, root: Path, settings: Settings, known: dict[str, set[str]],
               formats: Iterable[str], paths: SitePaths | None = None) -> Chunk:
    """Only the texts of a part whose other rows the cache holds, current (made by
    ``validate``, or for other formats): loaded and mapped again, not validated (the same
    files and links give the same statements, so the same texts as :func:`make_chunk`)."""
    return _written(part, root, settings, known, formats, paths=paths)[0]


def make_chunk(part: Part, root: Path, settings: Settings, known: dict[str, set[str]],
               formats: Iterable[str], paths: SitePaths | None = None) -> Chunk:
    """Load, map, validate and write one part."""
    from kzgraph.check.validate import compiled_shapes, locate
    from kzgraph.graph.provenance import file_digest

    # mapped with each statement's origin (an append a statement, 6% of mapping): results
    # are located in it, and a part with one (a page without a translation is one) is not
    # mapped a second time for them (which cost more on content where 44% of parts have one)
    chunk, content, mapped, enc = _written(part, root, settings, known, formats, origins=True,
                                           paths=paths)
    union = enc.triples
    # what the part says of the reference data: each block once, as made once a process
    reference = mapped.quads.get(mapped.minter.reference_graph(), [])
    chunk.reference = sorted(mapped.referenced)
    chunk.until = mapped.until
    chunk.lookups = mapped.lookups
    chunk.served = mapped.served

    shapes, hierarchy = compiled_shapes()
    index = Index((), hierarchy)
    index.add(union, unique=True)
    index.add(reference)
    local = set(index.spo)

    def types(node: Node) -> set[Node] | None:
        return index.classes_of(node) if node in local else None

    deferred: list[tuple[Result, Node, str]] = []
    subjects = {s for s, _, _ in union}
    results = shapes.validate(index, focus=subjects, types=types, deferred=deferred)
    chunk.results = [r.key() for r in results]
    found = content.problems + mapped.problems
    chunk.problems = {lang: found + locate(mapped, results, lang, known)
                      for lang in MESSAGE_LANGUAGES}
    # strings interned: the same few classes, shapes and paths recur in every row, and a
    # batch's pickle then holds each once (so does the parent's memory)
    intern = sys.intern
    chunk.deferred = [(intern(str(r.value)), intern(str(cls)), intern(name),
                       intern(str(r.focus)), intern(str(r.path))) for r, cls, name in deferred]
    chunk.types = sorted({(intern(str(node)), intern(str(cls))) for node in subjects
                          for cls in index.classes_of(node)})
    chunk.stats = Statistics.of_encoded(enc.union, settings.base)
    chunk.files = [(page.rel, page.sha256 or file_digest(page.path)) for page in content.pages]
    chunk.coverage = Coverage.of(content.pages, settings.default_language)
    return chunk


def _settled(failed: list[tuple[str, str, str, str, str]], part: Part, root: Path,
             settings: Settings, known: dict[str, set[str]], lang: str,
             paths: SitePaths | None = None
             ) -> Iterator[tuple[tuple[str, str, str, str], list[Problem]]]:
    """The deferred class checks of one part that failed: each one's result key and its
    problems, located in the part's files (mapped again to find where each statement came
    from)."""
    from kzgraph.check.validate import compiled_shapes, locate

    mapped = map_content(load_files(part.files, root, settings.default_language,
                                    settings.language_dirs), settings,
                         known, paths=paths if paths is not None else SitePaths())
    by_name = compiled_shapes()[0].by_name
    for value, cls, name, focus, path in failed:
        shape = by_name[name]
        r = Result(URIRef(focus), URIRef(path), URIRef(value), SH.ClassConstraintComponent,
                   shape.shape, shape.severity, shape.messages)
        yield r.key(), locate(mapped, [r], lang, known)


#: the languages problem messages are kept in (the shapes' sh:message languages)
MESSAGE_LANGUAGES = ("en", "ru")
