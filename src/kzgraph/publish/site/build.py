"""The site build: the dumps by the build engine, then every page and RDF file rendered from the
published graph, the search index, the static assets and the server configurations, written
into the output folder file by file, each only when its bytes changed."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Mapping

from rdflib import BNode, Graph, Literal, URIRef

from kzgraph.config import Settings
from kzgraph.content.sitepaths import SitePaths
from kzgraph.formats.writers import flush_written, write_atomic
from kzgraph.publish.site.i18n import SITE_LANGUAGES
from kzgraph.publish.site.model import SiteData, page_dir, page_file
from kzgraph.publish.site.pages import IndexPages, Renderer
from kzgraph.publish.site.paging import paged_file
from kzgraph.publish.site.previous import (MANIFEST, STATE, affected_documents, kept_index,
                                           page_state, pagefind_version, previous_state,
                                           turtle_lines)
from kzgraph.publish.site.rdf import RDF_FILES, render_rdf, render_rdf_files

STATIC = Path(__file__).parent / "static"


@dataclass
class SiteReport:
    """What a site build did.

    :param output: the site folder
    :param pages: HTML pages in the site
    :param rdf_files: per-resource RDF files in the site
    :param files: every file in the site
    :param written: files written (new or changed)
    :param removed: files removed (no longer part of the site)
    :param rendered: resource pages rendered (the others did not change: not rendered at all)
    :param size: the site's size in bytes (counted when first asked: the files this build
        did not write are stat-ed then, 1 s of a rebuild at 10,000 heavy pages that
        ``kzgraph serve`` never asks for)
    :param seconds: wall time of the build
    :param parts_rebuilt: parts of the content the build engine made again (changed pages)
    :param parts_rewritten: parts whose dump texts it wrote again though they had not changed
        (their pieces were in no dump kept from the previous build)
    """

    output: Path
    pages: int = 0
    rdf_files: int = 0
    files: int = 0
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rendered: int = 0
    seconds: float = 0.0
    parts_rebuilt: int = 0
    parts_rewritten: int = 0
    #: bytes of the files this build made, and the files it kept as they were
    _made: int = field(default=0, repr=False)
    _kept: list[str] = field(default_factory=list, repr=False)
    _size: int | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        if self._size is None:
            self._size = self._made + sum(os.stat(os.path.join(self.output, k)).st_size
                                          for k in self._kept)
        return self._size


class Site:
    """Renders one site from an in-memory graph: every file (:meth:`files`), or one page or one
    RDF file on demand (:meth:`page`, :meth:`rdf`), as a server does.

    :param graph: the published statements (data and dataset description): an rdflib graph or
        any iterable of rdflib triples
    :param settings: the base IRI and default language
    :param bodies: the guides' Markdown by (guide IRI, language)
    :param links: by (guide IRI, language), the IRI each link of its Markdown names (see
        :func:`guide_texts`): the link is pointed at that resource's page on this site
    :param dumps: the dump files at the site root and their sizes (for the home page)
    :param examples: the saved queries for the SPARQL page (name, title, query)
    """

    def __init__(self, graph: Graph | Iterable[tuple], settings: Settings, *,
                 bodies: Mapping[tuple[str, str], str] | None = None,
                 links: Mapping[tuple[str, str], Mapping[str, str]] | None = None,
                 dumps: Mapping[str, int] | None = None,
                 examples: list[dict] | None = None,
                 languages: Iterable[str] | None = None) -> None:
        self.settings = settings
        graph = list(graph)
        # the languages of the content's pages, where known (reference data, such as the
        # names of countries, comes in more languages than the content is written in)
        langs = set(languages) & SITE_LANGUAGES if languages is not None else \
            {lit.language for _, _, lit in graph if getattr(lit, "language", None)
             and lit.language in SITE_LANGUAGES}
        self.data = SiteData(graph, settings.base, settings.default_language, langs)
        self.renderer = Renderer(self.data, bodies, dumps, examples, links,
                                 pager_size=settings.pager_size)

    def documents(self) -> list[str]:
        return sorted(self.data.documents)

    def page(self, doc: str, lang: str | None = None) -> bytes:
        """The HTML page of the document ``doc`` (an IRI without fragment) in ``lang``."""
        lang = lang or self.settings.default_language
        if doc == self.data.base:
            page = IndexPages(self.renderer).home(lang)
            assert page is not None  # (only a site build gives the previous digests)
            return page
        if doc not in self.data.documents:
            raise KeyError(doc)
        return self.renderer.resource(doc, lang)

    def rdf(self, doc: str, ext: str) -> bytes:
        """The RDF file of ``doc`` (``ttl``, ``jsonld``, ``nt``); ``doc`` the base: the
        statements no page holds."""
        if doc not in self.data.documents and doc != self.data.base:
            raise KeyError(doc)
        return render_rdf(self.data, doc, ext)

    def document_files(self, doc: str) -> list[str]:
        """The files one document is written as: its pages (with the further pages of its
        listings) and its RDF files."""
        base = self.data.base
        folder = page_dir(doc, base)
        total = self.renderer.page_total(doc)
        pages = [paged_file(folder, page_file(doc, base, lang, self.settings.default_language
                                              ).rsplit("/", 1)[-1], number)
                 for lang in self.data.page_languages(doc) for number in range(1, total + 1)]
        return pages + [f"{folder}/index.{ext}" if folder else f"index.{ext}"
                        for ext in RDF_FILES]

    def files(self, only: set[str] | None = None) -> dict[str, bytes | None]:
        """Every generated file of the site except the dumps, the search index and the static
        assets: path relative to the site root -> bytes. With ``only``, the documents not in
        it are not rendered: their files map to None (the caller keeps them as they are)."""
        from kzgraph.publish.site.conneg import server_configs

        out: dict[str, bytes | None] = {}
        base = self.data.base
        for doc in self.documents():
            if doc == base:  # the home page and the root's RDF files, below
                continue
            names = self.document_files(doc)
            if only is not None and doc not in only and self.data.kind(URIRef(doc)) != "scheme":
                out.update(dict.fromkeys(names))
                continue
            for lang in self.data.page_languages(doc):
                out.update(self.renderer.resource_pages(doc, lang))
            made = render_rdf_files(self.data, doc)
            for name, ext in zip(names[-len(RDF_FILES):], RDF_FILES):
                out[name] = made[ext]
        made = render_rdf_files(self.data, base)
        for ext in RDF_FILES:
            out[f"index.{ext}"] = made[ext]
        out.update(IndexPages(self.renderer).files())
        out.update(server_configs(self.settings, self.data.languages))
        return out


def guide_bodies(settings: Settings) -> dict[tuple[str, str], str]:
    """The guides' Markdown, by (guide IRI, language), read from the content folder."""
    return guide_texts(settings)[0]


def guide_texts(settings: Settings, paths: SitePaths | None = None
                ) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], dict[str, str]]]:
    """The guides' Markdown, and the IRI each of its links names as the mapping resolved it
    (:func:`~kzgraph.graph.bodies.link_targets`, with the claims ``paths`` the build engine
    settled: a link by a page's ``slug``, ``url``, ``aliases`` or folder path), both by
    (guide IRI, language), read from the content folder.

    Only the guides' files are read: where a file is says what it describes (reading all
    100,000 pages for 1,000 guides' text took a rebuild 30 s). A process that builds again
    (``kzgraph serve``) reads them again only when one of them changed: the last call's
    answer is kept with the stamp of every guide file (:func:`_guide_stamps`) and the
    claims' digest, and a save that touches no guide finds both as they were."""
    from kzgraph.content.layout import place
    from kzgraph.content.load import find_file_names, load_files
    from kzgraph.graph.bodies import link_targets

    root = settings.content
    names, _ = find_file_names(root)
    prefix = os.path.join(str(root), "")
    guides = []
    for name in names:
        rel = name[len(prefix):] if name.startswith(prefix) else \
            Path(name).relative_to(root).as_posix()
        where = place(tuple(rel.split(os.sep)))
        if isinstance(where, tuple) and where[0] == "guide":
            guides.append(name)
    stamps = _guide_stamps(guides)
    key = (repr(settings), stamps, paths.digest if paths else None)
    if stamps is not None and _GUIDES.get("key") == key:
        bodies, links = _GUIDES["texts"]  # type: ignore[misc]
        return dict(bodies), dict(links)
    content = load_files([Path(n) for n in guides], root, settings.default_language)
    pages = [p for p in content.pages if p.kind == "guide"]
    iri = lambda p: (f"{settings.base}guides/{p.slug}/", p.lang)  # noqa: E731
    texts = ({iri(p): p.body for p in pages},
             {iri(p): link_targets(settings, paths, p) for p in pages})
    _GUIDES.clear()
    if stamps is not None:
        _GUIDES.update(key=key, texts=texts)
    return dict(texts[0]), dict(texts[1])


#: the last answer of :func:`guide_texts` in this process, and what it was read from
_GUIDES: dict[str, object] = {}


def _guide_stamps(names: list[str]) -> tuple | None:
    """Each guide file with its modification and change times, inode and size; None when one
    was changed too recently for its times to tell a later change in the same tick (as the
    content walk's folder stamps, :mod:`kzgraph.content.walk`), or cannot be read."""
    from kzgraph.content.walk import _RACY_NS

    recent = time.time_ns() - _RACY_NS
    out = []
    for name in names:
        try:
            st = os.stat(name)
        except OSError:
            return None
        if max(st.st_mtime_ns, st.st_ctime_ns) > recent:
            return None
        out.append((name, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_size))
    return tuple(out)


def saved_examples(settings: Settings) -> list[dict]:
    """The saved queries, each with the text ``kzgraph query NAME`` runs (its prefixes, base
    and default parameter values)."""
    from kzgraph.query.engines import prepare
    from kzgraph.query.saved import bind, catalog

    out = []
    for saved in catalog().all():
        given = {p.name: example_value(p) for p in saved.params
                 if p.default is None and not p.optional}
        prepared = prepare(saved.text, settings.base, bind(saved.params, given, settings.base))
        out.append({"name": saved.name, "title": saved.title or saved.name,
                    "query": "\n".join(x for x in (prepared.prologue.replace(" PREFIX",
                                                     "\nPREFIX"), prepared.bound_text) if x)})
    return out


def example_value(param: object) -> str:
    """A value for a required parameter: the example its doc gives (``e.g. category:ingo``),
    else a date for a date."""
    import re

    found = re.search(r"e\.g\. ([^\s,\")]+)", getattr(param, "doc", "") or "")
    if found:
        return found.group(1)
    return "2000-01-01" if getattr(param, "type", "") == "date" else "x"


def build_site(settings: Settings, output: Path, *, base: str | None = None, lang: str = "en",
               cache: Path | bool | None = True, jobs: int | None = None,
               progress: object = None, search: bool = True) -> SiteReport:
    """Build the static Linked Data site of ``settings`` into ``output``.

    The dumps and ``void.ttl`` come from the build engine (content with errors is refused with
    :class:`~kzgraph.errors.ContentError`, and nothing is written). Then every page, RDF file,
    index page, search index, asset and server configuration is made, and each file of
    ``output`` is replaced only when its bytes differ: after an edit only the files that show
    it change, and the folder is byte for byte what a build into an empty folder makes.
    """
    from kzgraph.engine.pipeline import build

    started = time.perf_counter()
    if base is not None:
        settings = replace(settings, base=base)
    output = Path(output).absolute()
    report = SiteReport(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".kzgraph-site-", dir=output.parent) as tmp:
        # the dumps are built where the next build finds them: the engine then copies every
        # unchanged part's piece from them (into a temporary folder, each build made every
        # part's text again: 28 of the 42 s of a rebuild after one edit at 10,000 pages)
        dumps_dir = dumps_folder(settings, output, cache) or Path(tmp) / "dumps"
        outcome = build(settings, dumps_dir, lang, cache=cache, jobs=jobs, progress=progress)
        report.parts_rebuilt, report.parts_rewritten = outcome.rebuilt, outcome.rewritten
        output.mkdir(exist_ok=True)
        dumps = {p.name: p for p in sorted(dumps_dir.iterdir()) if p.is_file()}
        nt, void = dumps["kzgraph.nt"].read_bytes(), dumps["void.ttl"].read_bytes()
        graph = read_triples(nt, "nt") + read_triples(void, "ttl")
        bodies, links = guide_texts(settings, outcome.paths)
        examples = saved_examples(settings)
        site = Site(graph, settings, bodies=bodies, links=links,
                    dumps={k: v.stat().st_size for k, v in dumps.items()}, examples=examples,
                    languages=outcome.coverage.languages)
        state = page_state(settings, site, bodies, examples, links)
        only = affected_documents(output, site, nt + turtle_lines(void), state)
        del nt
        prior = previous_state(output) if only is not None else {}
        previous = prior.get("pages") if isinstance(prior.get("pages"), dict) else None
        site.renderer.previous = previous
        files = site.files(only)
        folder = str(output)
        for name in [k for k, v in files.items() if v is None]:
            if not os.path.isfile(os.path.join(folder, name)):  # not there: made again
                site.renderer.previous = previous = None
                site.renderer.digests.clear()
                files = site.files(None)
                break
        # each listing page's digest: this build's where it looked, else the previous one's
        # (its document was not rendered), for the files the site still has
        digests = site.renderer.digests
        state["pages"] = {k: digests.get(k) or (previous or {}).get(k) for k in files
                          if k in digests or k in (previous or {})}
        report.rendered = sum(1 for k, v in files.items() if v is not None
                              and k.endswith(".html") and "/" in k)
        files.update(_static_files())
        # until this build has finished, the next one renders every page
        (output / STATE).unlink(missing_ok=True)
        report.written = _link_dumps(output, dumps)
        files.update(dict.fromkeys(dumps))
        written, report.removed = _sync(output, files, keep=("pagefind/",))
        report.written += written
        # the search index is of the pages as they were when it was made (by this Pagefind):
        # kept as long as no page changed (a restart of ``kzgraph serve`` indexed 40,000
        # pages again at 10,000 heavy pages, 17 of its 27 s)
        indexed = prior.get("search")
        if any(k.endswith(".html") for k in (*written, *report.removed)):
            indexed = None
        if search:
            marker = pagefind_version()
            found = kept_index(output) if indexed == marker else None
            if found is None:
                index = Path(tmp) / "pagefind"
                run_pagefind(output, index)
                found = {f"pagefind/{p.relative_to(index).as_posix()}": p.read_bytes()
                         for p in sorted(index.rglob("*")) if p.is_file()}
                entry = "pagefind/pagefind-entry.json"
                if entry in found:  # Pagefind writes its languages in any order: sorted here
                    found[entry] = json.dumps(json.loads(found[entry]), sort_keys=True,
                                              ensure_ascii=False,
                                              separators=(",", ":")).encode()
                indexed = marker
            files.update(found)
            written, removed = _sync(output, files)
            report.written += written
            report.removed += removed
        # the pages were written without a flush each; they reach the disk before the state
        # that says they are there does (after a crash with no state, the next build renders
        # every page again and rewrites each file whose bytes differ)
        flush_written()
        state["search"] = indexed
        write_atomic(output / STATE, json.dumps(state, sort_keys=True, indent=0).encode())
        del outcome
    report.files = len(files)
    report.pages = sum(1 for k in files if k.endswith(".html") and not k.startswith(
        ("pagefind/", "static/")))
    report.rdf_files = sum(1 for k in files if "/index." in k and k.rsplit(".", 1)[-1]
                           in RDF_FILES)
    report._made = sum(len(v) for v in files.values() if v is not None)
    report._kept = [k for k, v in files.items() if v is None]
    report.seconds = time.perf_counter() - started
    return report


def dumps_folder(settings: Settings, output: Path, cache: Path | bool | None) -> Path | None:
    """Where the build engine writes the dumps of the site in ``output``, kept between builds
    in the cache folder (None without a cache: a temporary folder then)."""
    if cache is None or cache is False:
        return None
    from kzgraph.engine.cachedirs import default_cache_dir

    folder = default_cache_dir(settings) if cache is True else Path(cache)
    digest = hashlib.sha256(str(output).encode()).hexdigest()[:16]
    return folder / "site-dumps" / digest


def _link_dumps(output: Path, dumps: Mapping[str, Path]) -> list[str]:
    """Put each dump at the site's root: a hard link to the engine's file (the engine never
    changes a file it has written: it writes a new folder and swaps it in, so the link keeps
    this build's bytes), renamed into place; a copy where a link cannot be made (another
    filesystem). Returns the names of the dumps that changed. (Read, compared and rewritten
    byte by byte, the 2.2 GB of dumps cost a rebuild at 100,000 pages seconds.)"""
    changed = []
    for name, source in sorted(dumps.items()):
        target = output / name
        try:
            if os.path.samefile(source, target):
                continue
            if target.stat().st_size == source.stat().st_size and _same_bytes(source, target):
                continue
        except FileNotFoundError:
            pass
        temporary = output / f".{name}.{os.getpid()}.tmp"
        temporary.unlink(missing_ok=True)
        try:
            os.link(source, temporary)
        except OSError:
            import shutil

            shutil.copyfile(source, temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
        changed.append(name)
    return changed


def _same_bytes(a: Path, b: Path) -> bool:
    with open(a, "rb") as one, open(b, "rb") as two:
        while True:
            x, y = one.read(1 << 20), two.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


def read_triples(data: bytes, fmt: str) -> list[tuple]:
    """The statements of an N-Triples or Turtle file as rdflib terms, parsed by pyoxigraph
    (ten times rdflib's speed; no rdflib graph is built: the site indexes them itself). Each
    distinct term is made once."""
    import pyoxigraph as ox

    from kzgraph.graph.terms import text_literal

    xsd_string = "http://www.w3.org/2001/XMLSchema#string"
    made: dict[object, object] = {}
    before = _TERMS.get(fmt, {}).get

    def term(t: object) -> object:
        found = made.get(t)  # (an empty literal is false: looked up again here)
        if found is not None:
            return found
        found = before(t)
        if found is None:
            if isinstance(t, ox.NamedNode):
                found = URIRef(t.value)
            elif isinstance(t, ox.Literal):
                if t.language:
                    found = text_literal(t.value, t.language)
                elif t.datatype.value == xsd_string:
                    found = text_literal(t.value)
                else:
                    found = Literal(t.value, datatype=URIRef(t.datatype.value))
            else:
                found = BNode(t.value)  # type: ignore[attr-defined]
        made[t] = found
        return found

    rdf_format = ox.RdfFormat.N_TRIPLES if fmt == "nt" else ox.RdfFormat.TURTLE
    # a term seen before is looked up without a call (most are: a rebuild at 10,000 heavy
    # pages read 650,000 terms, 40,000 of them distinct)
    get = made.get
    out = [(get(s) or term(s), get(p) or term(p), get(o) or term(o))
           for s, p, o in (q.triple for q in ox.parse(data, format=rdf_format))]
    _TERMS[fmt] = made
    return out


#: by format, the terms the last :func:`read_triples` made: a process that reads the dump of
#: a rebuild (``kzgraph serve``) makes only the new ones (making rdflib terms was a third of
#: reading the dump at 10,000 heavy pages, 0.7 s); only the last call's are kept
_TERMS: dict[str, dict[object, object]] = {}


def _static_files() -> dict[str, bytes]:
    return {f"static/{p.relative_to(STATIC).as_posix()}": p.read_bytes()
            for p in sorted(STATIC.rglob("*")) if p.is_file() and "__pycache__" not in p.parts
            and p.name != "refresh.sh"}


def run_pagefind(site: Path, output: Path) -> None:
    """Index the site's pages with Pagefind (every language, offline) into ``output``."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path",
               str(output), "--quiet"]
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=600)
    except FileNotFoundError as exc:  # pragma: no cover - a broken install
        raise RuntimeError("Pagefind is not installed (pip install 'pagefind[bin]').") from exc
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"Pagefind failed: {exc.stderr or exc.stdout}") from exc


def _sync(output: Path, files: Mapping[str, bytes | None], keep: tuple[str, ...] = ()
          ) -> tuple[list[str], list[str]]:
    """Make ``output`` hold ``files``: write each whose bytes differ (atomically; None: keep
    the file as it is), remove what the previous build wrote and this one did not (never a
    file kzgraph did not write)."""
    written = []
    for rel, data in sorted(files.items()):
        if data is None:
            continue
        path = output / rel
        try:
            if path.stat().st_size == len(data) and path.read_bytes() == data:
                continue
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
        # flushed to disk all at once by the caller, before it writes the build's state
        write_atomic(path, data, durable=False)
        os.chmod(path, 0o644)
        written.append(rel)
    manifest = output / MANIFEST
    before = set(manifest.read_text(encoding="utf-8").split("\n")) if manifest.exists() else set()
    removed = sorted(rel for rel in before - set(files)
                     if rel and not rel.startswith(keep))
    for rel in removed:
        (output / rel).unlink(missing_ok=True)
        _prune(output, (output / rel).parent)
    listing = "\n".join(sorted(set(files) | {r for r in before if r.startswith(keep)}))
    if not manifest.exists() or manifest.read_text(encoding="utf-8") != listing:
        write_atomic(manifest, listing.encode("utf-8"))
    return written, removed


def _prune(root: Path, folder: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


__all__ = ["Site", "SiteReport", "build_site", "guide_bodies", "guide_texts", "run_pagefind",
           "saved_examples"]
