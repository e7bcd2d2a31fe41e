"""The site build: the dumps by the build engine, then every page and RDF file rendered from the
published graph, the search index, the static assets and the server configurations, written
into the output folder file by file, each only when its bytes changed."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Mapping

from rdflib import Graph

from kzgraph.config import Settings
from kzgraph.formats.writers import write_atomic
from kzgraph.publish.site.model import SiteData, page_dir, page_file
from kzgraph.publish.site.pages import IndexPages, Renderer
from kzgraph.publish.site.rdf import RDF_FILES, render_rdf

MANIFEST = ".kzgraph-site"
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
    :param size: the site's size in bytes
    :param seconds: wall time of the build
    """

    output: Path
    pages: int = 0
    rdf_files: int = 0
    files: int = 0
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    size: int = 0
    seconds: float = 0.0


class Site:
    """Renders one site from an in-memory graph: every file (:meth:`files`), or one page or one
    RDF file on demand (:meth:`page`, :meth:`rdf`), as a server does.

    :param graph: the published statements (data and dataset description)
    :param settings: the base IRI and default language
    :param bodies: the guides' Markdown by (guide IRI, language)
    :param dumps: the dump files at the site root and their sizes (for the home page)
    :param examples: the saved queries for the SPARQL page (name, title, query)
    """

    def __init__(self, graph: Graph, settings: Settings, *,
                 bodies: Mapping[tuple[str, str], str] | None = None,
                 dumps: Mapping[str, int] | None = None,
                 examples: list[dict] | None = None,
                 languages: Iterable[str] | None = None) -> None:
        self.settings = settings
        langs = set(languages or ()) | {lit.language for _, _, lit in graph
                                        if getattr(lit, "language", None)
                                        and lit.language in _UI_LANGUAGES}
        self.data = SiteData(graph, settings.base, settings.default_language, langs)
        self.renderer = Renderer(self.data, bodies, dumps, examples)

    def documents(self) -> list[str]:
        return sorted(self.data.documents)

    def page(self, doc: str, lang: str | None = None) -> bytes:
        """The HTML page of the document ``doc`` (an IRI without fragment) in ``lang``."""
        if doc not in self.data.documents:
            raise KeyError(doc)
        return self.renderer.resource(doc, lang or self.settings.default_language)

    def rdf(self, doc: str, ext: str) -> bytes:
        """The RDF file of ``doc`` (``ttl``, ``jsonld``, ``nt``); ``doc`` the base: the
        statements no page holds."""
        if doc not in self.data.documents and doc != self.data.base:
            raise KeyError(doc)
        return render_rdf(self.data, doc, ext)

    def files(self) -> dict[str, bytes]:
        """Every generated file of the site except the dumps, the search index and the static
        assets: path relative to the site root -> bytes."""
        from kzgraph.publish.site.conneg import server_configs

        out: dict[str, bytes] = {}
        base = self.data.base
        for doc in self.documents():
            folder = page_dir(doc, base)
            for lang in self.data.languages_of(doc):
                out[page_file(doc, base, lang, self.settings.default_language)] = \
                    self.renderer.resource(doc, lang)
            for ext in RDF_FILES:
                out[f"{folder}/index.{ext}" if folder else f"index.{ext}"] = \
                    render_rdf(self.data, doc, ext)
        for ext in RDF_FILES:
            out[f"index.{ext}"] = render_rdf(self.data, base, ext)
        out.update(IndexPages(self.renderer).files())
        out.update(server_configs(self.settings, self.data.languages))
        return out


_UI_LANGUAGES = {"en", "ru"}


def guide_bodies(settings: Settings) -> dict[tuple[str, str], str]:
    """The guides' Markdown, by (guide IRI, language), read from the content folder."""
    from kzgraph.content.load import load_content

    content = load_content(settings.content, settings.default_language)
    return {(f"{settings.base}guides/{p.slug}/", p.lang): p.body
            for p in content.pages if p.kind == "guide"}


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
                    "query": prepared.full_text})
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
    output.mkdir(parents=True, exist_ok=True)
    report = SiteReport(output)
    with tempfile.TemporaryDirectory(prefix=".kzgraph-site-", dir=output.parent) as tmp:
        dumps_dir = Path(tmp) / "dumps"
        outcome = build(settings, dumps_dir, lang, cache=cache, jobs=jobs, progress=progress)
        dumps = {p.name: p.read_bytes() for p in sorted(dumps_dir.iterdir()) if p.is_file()}
        graph = Graph()
        graph.parse(data=dumps["kzgraph.nt"].decode("utf-8"), format="nt")
        graph.parse(data=dumps["void.ttl"].decode("utf-8"), format="turtle")
        site = Site(graph, settings, bodies=guide_bodies(settings),
                    dumps={k: len(v) for k, v in dumps.items()},
                    examples=saved_examples(settings))
        files = site.files()
        files.update(dumps)
        files.update(_static_files())
        del outcome
        report.written, report.removed = _sync(output, files, keep=("pagefind/",))
        if search:
            index = Path(tmp) / "pagefind"
            run_pagefind(output, index)
            found = {f"pagefind/{p.relative_to(index).as_posix()}": p.read_bytes()
                     for p in sorted(index.rglob("*")) if p.is_file()}
            files.update(found)
            written, removed = _sync(output, files)
            report.written += written
            report.removed += removed
    report.files = len(files)
    report.pages = sum(1 for k in files if k.endswith(".html") and not k.startswith(
        ("pagefind/", "static/")))
    report.rdf_files = sum(1 for k in files if "/index." in k and k.rsplit(".", 1)[-1]
                           in RDF_FILES)
    report.size = sum(len(v) for v in files.values())
    report.seconds = time.perf_counter() - started
    return report


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


def _sync(output: Path, files: Mapping[str, bytes], keep: tuple[str, ...] = ()
          ) -> tuple[list[str], list[str]]:
    """Make ``output`` hold ``files``: write each whose bytes differ (atomically), remove what
    the previous build wrote and this one did not (never a file kzgraph did not write)."""
    written = []
    for rel, data in sorted(files.items()):
        path = output / rel
        try:
            if path.stat().st_size == len(data) and path.read_bytes() == data:
                continue
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
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


__all__ = ["Site", "SiteReport", "build_site", "guide_bodies", "run_pagefind", "saved_examples"]
