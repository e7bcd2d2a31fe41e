"""The stages the benchmark times, each importable and runnable on its own.

A stage has three parts: ``setup`` (untimed: what it needs besides the shared preparation),
``run`` (timed) and ``after`` (untimed: sizes and counts for the report). Stages that need the
same preparation share a *group*: ``none`` (nothing), ``content`` (the loaded pages), ``mapped``
(the loaded and mapped content with its union graph built) and ``store`` (``mapped`` plus the
in-memory Oxigraph store that ``kzgraph query`` runs on).

Four families:

* ``floor``: list, read and parse the front matter of every file, one core: nothing can be
  faster than reading the input.
* ours: what kzgraph's commands run (``build`` end to end, cold, warm and with one core,
  ``rebuild``, ``check`` -- what ``validate`` runs --, ``kzgraph query`` from the command line,
  ``query:<saved query>`` on an in-process store, and ``kzgraph serve``'s first build and
  edit loop, ``serve_first`` and ``serve_edit``: :mod:`benchmarks.serve_loop`).
* ``library``: the whole-graph rdflib path of the public API (``load``, ``map``, ``validate``,
  ``export_*``, ``provenance``, ``query_store``: :func:`kzgraph.engine.pipeline.load_and_map`
  and what works on its graph). No command runs it; the tests use it as the oracle.
* ``base_*``: the straightforward pipeline on the same pages: an rdflib Graph built from the
  same triples, pyshacl over the whole graph, rdflib's serializers and one rdflib SPARQL
  GROUP BY query.

After optimising, re-run one stage with::

    python -m benchmarks.run --pages 10000 --stages export_turtle,base_turtle
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable

from kzgraph.config import Settings

from . import serve_loop

State = SimpleNamespace
#: the formats the issue's build target names (``kzgraph build`` also writes TriG and RDF/XML)
TARGET_FORMATS = ("turtle", "jsonld", "ntriples", "nquads")


class Unavailable(Exception):
    """The stage cannot run here because what it measures does not exist yet (a hole)."""


@dataclass(frozen=True)
class Context:
    """What every stage is given: the content folder, the base IRI and a scratch folder."""

    content: Path
    base: str = "https://kzgraph.example/"
    scratch: Path = field(default_factory=lambda: Path(tempfile.gettempdir()))
    #: whether ``rebuild`` also makes a cold build to check it wrote the same bytes
    verify: bool = True

    @property
    def settings(self) -> Settings:
        return Settings(base=self.base, content=self.content)


@dataclass(frozen=True)
class Stage:
    """One timed step.

    :param name: the stage's name on the command line and in the results
    :param family: ``floor``, ``ours`` or ``baseline``
    :param group: the shared preparation it starts from (``none``, ``content``, ``mapped``,
        ``store``)
    :param run: the timed work, given the state ``setup`` made
    :param setup: untimed preparation of the state from the context and the group's data
    :param after: untimed: a dict of sizes and counts for the report
    :param pair: the straightforward stage it is compared with
    :param doc: one line for the report
    """

    name: str
    family: str
    group: str
    run: Callable[[State], Any]
    setup: Callable[[Context, Any], State] = lambda ctx, prepared: State(ctx=ctx, data=prepared)
    after: Callable[[State], dict[str, Any]] = lambda state: {}
    pair: str | None = None
    doc: str = ""
    #: whether it starts processes of its own (their memory is then sampled too)
    spawns: bool = False
    #: run it once untimed first: for short stages over data prepared in another process,
    #: whose first touch of each page in a forked child costs a copy a fresh process would
    #: not pay (measured: +0.1 s on the first query over 200,000 triples)
    warmup: bool = False


# -- shared preparation -------------------------------------------------------------------------

def prepare_group(group: str, ctx: Context) -> Any:
    """The data a group of stages starts from (built once per process, never timed)."""
    if group == "none":
        return None
    if group == "content":
        from kzgraph.content.load import load_content

        return load_content(ctx.content, ctx.settings.default_language)
    if group == "store":
        return _prepare_store(ctx)
    if group == "querystore":
        return _prepare_query_store(ctx)
    if group == "mapped":
        from kzgraph.engine.pipeline import load_and_map

        result = load_and_map(ctx.settings)
        result.mapped.graph  # the union, built once as the pipeline does
        return result
    raise ValueError(f"unknown group {group!r}")


# -- the floor ----------------------------------------------------------------------------------

def read_front_matter(root: Path, loader: Any = None) -> int:
    """List, read and parse the front matter of every ``.md`` file under ``root`` (what any
    pipeline must do at least). Returns the number of files."""
    import frontmatter
    import yaml

    boundary = frontmatter.YAMLHandler.FM_BOUNDARY
    n = 0
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(".md"):
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                text = handle.read()
            if loader is None:
                frontmatter.parse(text)
            else:  # the same split, with another YAML loader
                _, front, _ = boundary.split(text, 2)
                yaml.load(front, Loader=loader)
            n += 1
    return n


def _floor(state: State) -> None:
    state.files = read_front_matter(state.ctx.content)


def _floor_pyyaml(state: State) -> None:
    import yaml

    state.files = read_front_matter(state.ctx.content, yaml.SafeLoader)


# -- ours ---------------------------------------------------------------------------------------

def _load(state: State) -> None:
    from kzgraph.content.load import load_content

    state.content = load_content(state.ctx.content, state.ctx.settings.default_language)


def _load_after(state: State) -> dict[str, Any]:
    return {"pages": len(state.content.pages), "problems": len(state.content.problems)}


def _map(state: State) -> dict[str, float]:
    import time

    from kzgraph.graph.mapping import map_content

    t0 = time.perf_counter()
    state.mapped = map_content(state.data, state.ctx.settings)
    t1 = time.perf_counter()
    state.mapped.graph
    return {"map_content_s": t1 - t0, "union_s": time.perf_counter() - t1}


def _graph_sizes(mapped: Any) -> dict[str, Any]:
    quads = sum(len(g) for g in mapped.dataset.graphs())
    return {"triples": len(mapped.graph), "quads": quads,
            "graphs": sum(1 for g in mapped.dataset.graphs() if len(g))}


def _map_after(state: State) -> dict[str, Any]:
    return {**_graph_sizes(state.mapped), "problems": len(state.mapped.problems)}


def _validate_setup(ctx: Context, prepared: Any) -> State:
    import pyshacl  # noqa: F401  (imported before timing, as a long-running process would)

    return State(ctx=ctx, data=prepared)


def _validate(state: State) -> dict[str, float]:
    import time

    from kzgraph.check.validate import locate_report, run_shacl

    mapped = state.data.mapped
    t0 = time.perf_counter()
    state.conforms, report = run_shacl(mapped.graph)
    t1 = time.perf_counter()
    state.problems = locate_report(mapped, report)
    state.report_triples = len(report)
    return {"run_shacl_s": t1 - t0, "locate_s": time.perf_counter() - t1}


def _validate_after(state: State) -> dict[str, Any]:
    return {"conforms": state.conforms, "problems": len(state.problems),
            "report_triples": state.report_triples}


def _export_setup(fmt_name: str) -> Callable[[Context, Any], State]:
    def setup(ctx: Context, prepared: Any) -> State:
        from kzgraph.formats.registry import get_format

        fmt = get_format(fmt_name)
        dataset = prepared.mapped.dataset
        note = "mapped.dataset"
        if getattr(fmt, "dataset", False):
            # what `kzgraph export`/`build` publish for dataset formats, where that exists
            from kzgraph.engine import pipeline

            published = getattr(pipeline, "published_dataset", None)
            if published is not None:
                dataset = published(prepared, ctx.settings)
                note = "pipeline.published_dataset"
        return State(ctx=ctx, data=prepared, fmt=fmt, dataset=dataset, note=note)
    return setup


def _export(state: State) -> None:
    from kzgraph.formats.writers import serialize

    state.out = serialize(state.dataset, state.data.mapped.graph, state.fmt)


def _export_after(state: State) -> dict[str, Any]:
    return {"bytes": len(state.out), "dataset": state.note}


def _published(state: State) -> None:
    from kzgraph.engine import pipeline

    published = getattr(pipeline, "published_dataset", None)
    if published is None:
        raise Unavailable("kzgraph.engine.pipeline.published_dataset does not exist")
    state.dataset = published(state.data, state.ctx.settings)


def _accepts(function: Callable[..., Any], name: str) -> bool:
    import inspect

    return name in inspect.signature(function).parameters


def _build_kwargs(cache: Any, jobs: int | None = None,
                  formats: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Keyword arguments for pipeline.build as far as this version takes them: no cache for a
    cold build (the build engine keeps one by default), the formats to write (all when None),
    and a number of worker processes."""
    from kzgraph.engine.pipeline import build

    kwargs: dict[str, Any] = {}
    if _accepts(build, "cache"):
        kwargs["cache"] = cache
    if formats is not None:
        if not _accepts(build, "formats"):
            raise Unavailable("this kzgraph's build always writes every format")
        kwargs["formats"] = list(formats)
    if jobs is not None:
        if not _accepts(build, "jobs"):
            raise Unavailable("this kzgraph's build takes no 'jobs'")
        kwargs["jobs"] = jobs
    return kwargs


def _build_setup(jobs: int | None = None, formats: tuple[str, ...] | None = None,
                 keep: bool = True) -> Callable[[Context, Any], State]:
    """A cold build: into an empty cache folder (what a first ``kzgraph build`` does) when
    ``keep``, else with no cache at all (``--no-cache``: everything stays in memory)."""
    def setup(ctx: Context, prepared: Any) -> State:
        import kzgraph.engine.pipeline  # noqa: F401

        work = Path(tempfile.mkdtemp(prefix="build-", dir=ctx.scratch))
        cache = work / "cache" if keep else False
        return State(ctx=ctx, data=prepared, out=work / "public", work=work,
                     kwargs=_build_kwargs(cache, jobs, formats))
    return setup


def _build(state: State) -> None:
    from kzgraph.engine.pipeline import build

    state.result = build(state.ctx.settings, state.out, **state.kwargs)


def _triples(result: Any) -> int | None:
    mapped = getattr(result, "mapped", None)
    if mapped is not None:
        return len(mapped.graph)
    stats = getattr(result, "stats", None)
    return getattr(stats, "triples", None)


def _files(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in sorted(folder.iterdir())}


def _build_after(state: State) -> dict[str, Any]:
    files = _files(state.out)
    shutil.rmtree(state.work, ignore_errors=True)
    return {"triples": _triples(state.result), "files": files,
            "build_args": {k: (v if not isinstance(v, Path) else "<empty folder>")
                           for k, v in state.kwargs.items()}}


def _edit_one_page(content: Path) -> Path:
    """Append a sentence to the body of one source page (the middle one), as an editor would."""
    sources = sorted(p for p in (content / "sources").iterdir() if p.is_dir())
    page = sources[len(sources) // 2] / "index.md"
    if not page.is_file():
        page = sorted(sources[len(sources) // 2].glob("index*.md"))[0]
    with open(page, "a", encoding="utf-8") as handle:
        handle.write("\nEdited for the rebuild benchmark.\n")
    return page


def in_child(function: Callable[[], Any]) -> None:
    """Run ``function`` in a forked child and wait for it, so the memory it uses does not count
    in this process's peak. Raises RuntimeError when it fails."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            function()
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"the child preparing the stage failed (status {status})")


def _rebuild_setup(ctx: Context, prepared: Any) -> State:
    """A copy of the content, built once into a cache (untimed, in a child process so its
    memory is not the rebuild's), then one page edited."""
    from kzgraph.engine.pipeline import build

    if not _accepts(build, "cache"):
        raise Unavailable("this kzgraph's build keeps no cache between runs")
    work = Path(tempfile.mkdtemp(prefix="rebuild-", dir=ctx.scratch))
    content = work / "content"
    shutil.copytree(ctx.content, content)
    settings = Settings(base=ctx.base, content=content)
    cache = work / "cache"
    kwargs = _build_kwargs(cache, None, TARGET_FORMATS)
    # the first build writes the folder the rebuild writes again, as an editor's builds do
    # (its files hold the pieces the rebuild copies)
    in_child(lambda: build(settings, work / "public", **kwargs))
    edited = _edit_one_page(content)
    return State(ctx=ctx, data=prepared, work=work, settings=settings, kwargs=kwargs,
                 out=work / "public", edited=edited)


def _rebuild(state: State) -> None:
    from kzgraph.engine.pipeline import build

    state.result = build(state.settings, state.out, **state.kwargs)


def _rebuild_after(state: State) -> dict[str, Any]:
    """Whether the rebuild wrote exactly what a cold build of the edited content writes (when
    the context asks for the check: it costs one more cold build)."""
    from kzgraph.engine.pipeline import build

    out: dict[str, Any] = {"edited": state.edited.relative_to(state.work).as_posix(),
                           "parts_rebuilt": getattr(state.result, "rebuilt", None),
                           "parts": getattr(state.result, "parts", None)}
    if state.ctx.verify:
        cold = state.work / "cold"
        build(state.settings, cold, **{**state.kwargs, "cache": False})
        names = sorted(set(_files(state.out)) | set(_files(cold)))
        differ = [n for n in names if not (state.out / n).is_file() or not (cold / n).is_file()
                  or (state.out / n).read_bytes() != (cold / n).read_bytes()]
        out.update(identical_to_cold_build=not differ, differing_files=differ)
    shutil.rmtree(state.work, ignore_errors=True)
    return out


def _check_setup(ctx: Context, prepared: Any) -> State:
    from kzgraph.engine.pipeline import check

    work = Path(tempfile.mkdtemp(prefix="check-", dir=ctx.scratch))
    kwargs = {"cache": work / "cache"} if _accepts(check, "cache") else {}
    return State(ctx=ctx, data=prepared, kwargs=kwargs, work=work)


def _check(state: State) -> None:
    from kzgraph.engine.pipeline import check

    state.result = check(state.ctx.settings, **state.kwargs)


def _check_after(state: State) -> dict[str, Any]:
    shutil.rmtree(state.work, ignore_errors=True)
    problems = state.result.problems
    return {"problems": len(problems), "triples": _triples(state.result)}


# -- `kzgraph query` started from the command line -----------------------------------------------

#: a saved query that returns few rows: its time is the command's start, not the query's work
START_QUERY = "category-source-counts"
#: the saved query with the longest answer on generated content (one row per source, category
#: and country: 64,606 rows at 100,000 heavy pages, against 45,200 for ``labels``)
BULK_QUERY = "sources-by-category"


def _cli_query(ctx: Context, xdg: Path, name: str, params: dict[str, str] | None = None,
               fmt: str = "tsv") -> tuple[str, str, float]:
    """Run ``kzgraph query NAME`` (with ``--param`` for each of ``params``) in a new process;
    its output, its error output and the seconds until its first row (the header line; for a
    graph, its first line) arrived."""
    import subprocess
    import sys
    import time

    env = {**os.environ, "XDG_CACHE_HOME": str(xdg)}
    given = [arg for key, value in sorted((params or {}).items())
             for arg in ("--param", f"{key}={value}")]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-m", "kzgraph", "query", name, "-f", fmt,
                                 *given, "--content", str(ctx.content)], env=env,
                                stdout=subprocess.PIPE, stderr=err)
        assert proc.stdout is not None
        header = proc.stdout.readline()
        first = time.perf_counter() - start
        rest = proc.stdout.read()
        proc.wait(timeout=3600)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise RuntimeError(f"kzgraph query {name} failed: {stderr[-2000:]}")
    return (header + rest).decode("utf-8"), stderr, first


def _query_cli_setup(name: str, first: bool, build_first: bool
                     ) -> Callable[[Context, Any], State]:
    """A new cache folder (``XDG_CACHE_HOME``); with ``build_first`` a cold build into it (as
    an editor's first ``kzgraph build``), untimed, in a child; unless ``first``, one
    ``kzgraph query`` before the timed one, untimed."""
    def setup(ctx: Context, prepared: Any) -> State:
        work, xdg = _cache_folder(ctx, build_first)
        if not first:
            _cli_query(ctx, xdg, name)
        return State(ctx=ctx, data=prepared, work=work, xdg=xdg, name=name)
    return setup


def _cache_folder(ctx: Context, build_first: bool) -> tuple[Path, Path]:
    """A new work folder and the cache folder in it (``XDG_CACHE_HOME``); with
    ``build_first``, a cold build into it (as an editor's first ``kzgraph build``), untimed,
    in a child."""
    work = Path(tempfile.mkdtemp(prefix="query-cli-", dir=ctx.scratch))
    xdg = work / "xdg"
    if build_first:
        from kzgraph.engine.pipeline import build

        def first_build() -> None:
            os.environ["XDG_CACHE_HOME"] = str(xdg)
            build(ctx.settings, work / "public", formats=list(TARGET_FORMATS))
        in_child(first_build)
    return work, xdg


def _query_cli(state: State) -> None:
    state.out = _cli_query(state.ctx, state.xdg, state.name)


def _query_cli_after(state: State) -> dict[str, Any]:
    shutil.rmtree(state.work, ignore_errors=True)
    return {"query": state.name, "rows": max(0, len(state.out[0].splitlines()) - 1),
            "stderr": state.out[1][-500:], "first_row_s": state.out[2]}


def _check_warm_setup(ctx: Context, prepared: Any) -> State:
    """``validate`` right after a build: the build's cache is there (made untimed, in a
    child)."""
    from kzgraph.engine.pipeline import build

    work = Path(tempfile.mkdtemp(prefix="check-warm-", dir=ctx.scratch))
    cache = work / "cache"
    in_child(lambda: build(ctx.settings, work / "public", cache=cache,
                           formats=list(TARGET_FORMATS)))
    return State(ctx=ctx, data=prepared, kwargs={"cache": cache}, work=work)


# -- saved queries (kzgraph.query.engines) --------------------------------------------------------------

def _query_engine(mapped: Any) -> Any:
    try:
        from kzgraph.query.engines import LocalEngine
    except ImportError as exc:
        raise Unavailable(f"kzgraph.query.engines is missing ({exc})") from None
    return LocalEngine.from_mapped(mapped)


def _prepare_store(ctx: Context) -> State:
    """The Oxigraph store the saved queries run on, holding what ``kzgraph query`` puts in its
    own (``LocalEngine.from_mapped``): every named graph (the build's N-Quads) and the data's
    union as the default graph (the build's N-Triples). Made from a cold build where the build
    engine exists, so no whole-graph rdflib mapping is needed at scale."""
    try:
        from kzgraph.query.engines import LocalEngine
    except ImportError as exc:
        raise Unavailable(f"kzgraph.query.engines is missing ({exc})") from None
    from kzgraph.engine.pipeline import build

    if not _accepts(build, "cache"):
        from kzgraph.engine.pipeline import load_and_map

        return State(store=LocalEngine.from_mapped(load_and_map(ctx.settings).mapped),
                     how="LocalEngine.from_mapped")
    import pyoxigraph as ox

    work = Path(tempfile.mkdtemp(prefix="store-", dir=ctx.scratch))
    try:
        build(ctx.settings, work / "public", cache=False, formats=["nquads", "ntriples"])
        # as LocalEngine keeps them: the union alone for queries that name no graph, and
        # the named graphs beside it for those that do
        union = ox.Store()
        union.load(path=str(work / "public" / "kzgraph.nt"), format=ox.RdfFormat.N_TRIPLES)
        dataset = ox.Store()
        dataset.load(path=str(work / "public" / "kzgraph.nq"), format=ox.RdfFormat.N_QUADS)
        dataset.load(path=str(work / "public" / "kzgraph.nt"), format=ox.RdfFormat.N_TRIPLES)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return State(store=LocalEngine(union, dataset),
                 how="a cold build's kzgraph.nt (the union, for queries naming no graph) and "
                     "kzgraph.nq + kzgraph.nt (named graphs and union, for those naming one)")


def saved_query_names() -> list[str]:
    """The saved queries kzgraph ships, or [] when there are none (yet)."""
    try:
        from kzgraph.query.saved import catalog

        return catalog().names()
    except Exception:  # noqa: BLE001 - a missing or half-written module is a hole, not a crash
        return []


#: values for required parameters, and for defaults naming resources of the real content
_PARAM_VALUES = {"string": "elections", "date": "2024-01-01", "text": "elections"}


def _sample(ctx: Context, kind: str) -> str | None:
    folder = {"source": "sources", "guide": "guides", "category": "categories",
              "perspective": "perspectives"}.get(kind)
    if folder is None:
        return None
    names = sorted(p.name for p in (ctx.content / folder).iterdir() if p.is_dir()) \
        if (ctx.content / folder).is_dir() else []
    if kind == "guide" and "kazakhstan" in names:
        return "kazakhstan"
    return names[len(names) // 2] if names else None


def query_bindings(ctx: Context, params: Any) -> dict[str, str]:
    """Parameter values for a saved query on the generated corpus: defaults, except that a
    source or guide is one that exists, and required values are filled in."""
    given: dict[str, str] = {}
    for p in params:
        if p.type in ("source", "guide"):
            value = _sample(ctx, p.type)
            if value is not None:
                given[p.name] = value
        elif p.default is None and not p.optional:
            if p.type == "iri":
                given[p.name] = f"{ctx.base}category/local-ngo"
            elif p.type in ("category", "perspective"):
                given[p.name] = _sample(ctx, p.type) or ""
            else:
                given[p.name] = _PARAM_VALUES.get(p.name, _PARAM_VALUES.get(p.type, "1"))
    return given


def _query_setup(name: str) -> Callable[[Context, Any], State]:
    def setup(ctx: Context, prepared: Any) -> State:
        try:
            from kzgraph.query.sparql import prepare
            from kzgraph.query.saved import bind, catalog
        except ImportError as exc:
            raise Unavailable(f"kzgraph.query.engines is missing ({exc})") from None
        saved = catalog().get(name)
        given = query_bindings(ctx, saved.params)
        bindings = bind(saved.params, given, ctx.base)
        query = prepare(saved.text, ctx.base, bindings, source=str(saved.path))
        return State(ctx=ctx, data=prepared, query=query, given=given)
    return setup


def _no_queries(state: State) -> None:
    raise Unavailable("no saved queries: kzgraph.query.saved or queries/*.rq do not exist yet")


def _query(state: State) -> None:
    state.answer = state.data.store.run(state.query)


def _query_after(state: State) -> dict[str, Any]:
    return {"rows": len(state.answer), "params": state.given, "store": state.data.how,
            "store_quads": len(state.data.store.store)}


def _prepare_query_store(ctx: Context) -> Path:
    """A cache folder (``XDG_CACHE_HOME``) holding what an analyst's ``kzgraph query`` finds
    after a cold ``kzgraph build`` and a first query: the build cache and the on-disk query
    store. Made once for every ``cli:*`` stage (each query only reads it)."""
    _, xdg = _cache_folder(ctx, True)
    _cli_query(ctx, xdg, START_QUERY)
    return xdg


def _cli_setup(name: str) -> Callable[[Context, Any], State]:
    def setup(ctx: Context, prepared: Any) -> State:
        from kzgraph.query.saved import catalog
        from kzgraph.query.sparql import analyse

        saved = catalog().get(name)
        given = query_bindings(ctx, saved.params)
        graph = analyse(saved.text).form in ("CONSTRUCT", "DESCRIBE")
        return State(ctx=ctx, data=prepared, xdg=prepared, name=name, given=given,
                     fmt="nt" if graph else "tsv")
    return setup


def _cli(state: State) -> None:
    state.out = _cli_query(state.ctx, state.xdg, state.name, state.given, state.fmt)


def _cli_after(state: State) -> dict[str, Any]:
    lines = len(state.out[0].splitlines())
    return {"query": state.name, "params": state.given, "first_row_s": state.out[2],
            **({"triples": lines} if state.fmt == "nt" else {"rows": max(0, lines - 1)})}


def _store(state: State) -> None:
    state.engine = _query_engine(state.data.mapped)


def _store_after(state: State) -> dict[str, Any]:
    return {"store_quads": len(state.engine.store)}


# -- the straightforward pipeline ----------------------------------------------------------------

#: the GROUP BY the straightforward pipeline runs: sources per category (as
#: queries/category-source-counts.rq asks it)
GROUP_BY_QUERY = """\
PREFIX kz: <https://kzgraph.example/ontology#>
SELECT ?category (COUNT(DISTINCT ?source) AS ?sources) WHERE {
  ?category a kz:Category .
  OPTIONAL { ?source kz:category ?category }
}
GROUP BY ?category
ORDER BY DESC(?sources) ?category
"""


def _base_graph_setup(ctx: Context, prepared: Any) -> State:
    return State(ctx=ctx, triples=list(prepared.mapped.graph))


def _base_graph(state: State) -> None:
    from rdflib import Graph

    graph = Graph()
    for triple in state.triples:
        graph.add(triple)
    state.graph = graph


def _base_validate_setup(ctx: Context, prepared: Any) -> State:
    import pyshacl  # noqa: F401
    from rdflib import Graph

    from kzgraph.resources import shapes_file

    return State(ctx=ctx, data=prepared, shapes=Graph().parse(shapes_file(), format="turtle"))


def _base_validate(state: State) -> None:
    import pyshacl

    state.conforms, _, _ = pyshacl.validate(state.data.mapped.graph, shacl_graph=state.shapes,
                                            inference="none")


def _base_serialize(fmt: str) -> Callable[[State], None]:
    def run(state: State) -> None:
        mapped = state.data.mapped
        if fmt == "nquads":
            state.out = mapped.dataset.serialize(format="nquads", encoding="utf-8")
        elif fmt == "json-ld":
            from kzgraph.resources import context

            state.out = mapped.graph.serialize(format="json-ld", context=context(),
                                               auto_compact=True, encoding="utf-8")
        else:
            state.out = mapped.graph.serialize(format=fmt, encoding="utf-8")
    return run


def _base_query(state: State) -> None:
    query = GROUP_BY_QUERY.replace("https://kzgraph.example/", state.ctx.base)
    state.rows = list(state.data.mapped.graph.query(query))


def _bytes_after(state: State) -> dict[str, Any]:
    return {"bytes": len(state.out)}


# -- the registry -------------------------------------------------------------------------------

EXPORTS = ("turtle", "jsonld", "ntriples", "nquads", "trig", "xml")
TARGET_EXPORTS = TARGET_FORMATS
BASE_FORMATS = {"turtle": "turtle", "jsonld": "json-ld", "ntriples": "nt", "nquads": "nquads"}


def _stages() -> dict[str, Stage]:
    out: list[Stage] = [
        Stage("floor", "floor", "none", _floor,
              after=lambda s: {"files": s.files},
              doc="os.walk + read + frontmatter.parse (libyaml's CSafeLoader), one core"),
        Stage("floor_pyyaml", "floor", "none", _floor_pyyaml,
              after=lambda s: {"files": s.files},
              doc="the same with PyYAML's pure-Python SafeLoader (what kzgraph.content.load uses)"),
        Stage("load", "library", "none", _load, after=_load_after, pair="floor",
              doc="kzgraph.content.load.load_content"),
        Stage("map", "library", "content", _map, after=_map_after, pair="base_graph",
              doc="kzgraph.graph.mapping.map_content + the union graph (Mapped.graph)"),
        Stage("validate", "library", "mapped", _validate, setup=_validate_setup,
              after=_validate_after, pair="base_validate",
              doc="kzgraph.check.validate.run_shacl on the union + locate_report"),
    ]
    for fmt in EXPORTS:
        out.append(Stage(f"export_{fmt}", "library", "mapped", _export, setup=_export_setup(fmt),
                         after=_export_after,
                         pair=f"base_{fmt}" if fmt in BASE_FORMATS else None,
                         doc=f"kzgraph.formats.writers.serialize(..., {fmt})"))
    out += [
        Stage("provenance", "library", "mapped", _published,
              after=lambda s: {"quads": sum(len(g) for g in s.dataset.graphs())},
              doc="kzgraph.engine.pipeline.published_dataset (page graphs + provenance + ontology)"),
        Stage("query_store", "library", "mapped", _store, after=_store_after,
              doc="kzgraph.query.engines.LocalEngine.from_mapped (the store `kzgraph query` uses)"),
    ]
    if not saved_query_names():
        out.append(Stage("query:*", "ours", "none", _no_queries,
                         doc="the saved queries (none found: kzgraph.query.engines or queries/ missing)"))
    for name in saved_query_names():
        out.append(Stage(f"query:{name}", "ours", "store", _query, setup=_query_setup(name),
                         after=_query_after, warmup=True,
                         pair="base_query" if name == "category-source-counts" else None,
                         doc=f"saved query {name} via kzgraph.query.engines.LocalEngine"))
    for name in saved_query_names():
        out.append(Stage(f"cli:{name}", "ours", "querystore", _cli, setup=_cli_setup(name),
                         after=_cli_after, spawns=True, warmup=True,
                         doc=f"`kzgraph query {name}` in a new process, on the query store a "
                             "build and a first query left (an analyst's later call)"))
    out += [
        Stage("build", "ours", "none", _build, setup=_build_setup(None, TARGET_FORMATS),
              after=_build_after, spawns=True,
              doc="kzgraph.engine.pipeline.build end to end, cold (an empty cache folder), the "
                  "target's formats (Turtle, JSON-LD, N-Triples, N-Quads)"),
        Stage("build_nocache", "ours", "none", _build,
              setup=_build_setup(None, TARGET_FORMATS, keep=False), after=_build_after,
              spawns=True, doc="the same cold build with no cache at all (--no-cache)"),
        Stage("build_1job", "ours", "none", _build, setup=_build_setup(1, TARGET_FORMATS),
              after=_build_after, spawns=True, doc="the same cold build with jobs=1 (one core)"),
        Stage("build_all", "ours", "none", _build, setup=_build_setup(), after=_build_after,
              spawns=True, doc="the cold build `kzgraph build` makes: every format"),
        Stage("rebuild", "ours", "none", _rebuild, setup=_rebuild_setup, after=_rebuild_after,
              spawns=True,
              doc="build (the target's formats) after editing one page, with the cache of a "
                  "first build"),
        Stage("check", "ours", "none", _check, setup=_check_setup, after=_check_after,
              spawns=True,
              doc="kzgraph.engine.pipeline.check, cold (an empty cache folder): load, map, validate"),
        Stage("check_after_build", "ours", "none", _check, setup=_check_warm_setup,
              after=_check_after, spawns=True,
              doc="kzgraph.engine.pipeline.check right after a build (its cache warm)"),
        Stage("query_first", "ours", "none", _query_cli,
              setup=_query_cli_setup(START_QUERY, True, True), after=_query_cli_after,
              spawns=True,
              doc=f"`kzgraph query {START_QUERY}` in a new process, the first after a cold "
                  "build (it makes the query store)"),
        Stage("query_later", "ours", "none", _query_cli,
              setup=_query_cli_setup(START_QUERY, False, True), after=_query_cli_after,
              spawns=True,
              doc=f"`kzgraph query {START_QUERY}` in a new process, after an earlier one"),
        Stage("query_later_labels", "ours", "none", _query_cli,
              setup=_query_cli_setup("labels", False, True), after=_query_cli_after,
              spawns=True,
              doc="`kzgraph query labels` (every label: a bulk answer) in a new process, "
                  "after an earlier one"),
        Stage("query_later_bulk", "ours", "none", _query_cli,
              setup=_query_cli_setup(BULK_QUERY, False, True), after=_query_cli_after,
              spawns=True,
              doc=f"`kzgraph query {BULK_QUERY}` (the saved query with the most rows, all of "
                  "them sorted) in a new process, after an earlier one"),
        Stage("serve_first", "ours", "none", serve_loop.first_run, setup=serve_loop.first_setup,
              after=serve_loop.first_after, spawns=True,
              doc="`kzgraph serve` on loopback, cold cache: from the command to the first "
                  "answer (site built, query workers loaded)"),
        Stage("serve_edit", "ours", "none", serve_loop.edit_run, setup=serve_loop.edit_setup,
              after=serve_loop.edit_after, spawns=True,
              doc=f"`kzgraph serve`: {serve_loop.STAGE_EDITS} edits of a source's title, each "
                  "timed from the write to the new title in its HTML, its Turtle and SPARQL"),
        Stage("base_graph", "baseline", "mapped", _base_graph, setup=_base_graph_setup,
              after=lambda s: {"triples": len(s.graph)},
              doc="rdflib Graph().add() for every triple of the same mapping"),
        Stage("base_validate", "baseline", "mapped", _base_validate,
              setup=_base_validate_setup, after=lambda s: {"conforms": bool(s.conforms)},
              doc="pyshacl.validate(whole graph, shapes, inference='none')"),
    ]
    for fmt, rdflib_name in BASE_FORMATS.items():
        out.append(Stage(f"base_{fmt}", "baseline", "mapped", _base_serialize(rdflib_name),
                         after=_bytes_after,
                         doc=f"rdflib serialize(format={rdflib_name!r})"
                         + (" with kzgraph's context" if fmt == "jsonld" else "")))
    out.append(Stage("base_query", "baseline", "mapped", _base_query,
                     after=lambda s: {"rows": len(s.rows)},
                     doc="one rdflib SPARQL GROUP BY (sources per category)"))
    return {s.name: s for s in out}


STAGES: dict[str, Stage] = _stages()

#: what the straightforward pipeline is, as the issue measured it (no N-Quads)
BASELINE_TOTAL = ("floor", "base_graph", "base_validate", "base_turtle", "base_jsonld",
                  "base_ntriples")
#: our full cold build (what ``kzgraph build`` runs, end to end)
OURS_TOTAL = ("build",)


def select(spec: str | None, baseline: bool = True) -> list[Stage]:
    """The stages named by a comma-separated ``spec`` (shell-style patterns allowed, such as
    ``export_*`` or ``query:*``), all of them when None; without ``baseline`` the
    straightforward stages are left out."""
    import fnmatch

    if not spec:
        chosen = list(STAGES.values())
    else:
        chosen = []
        for pattern in (p.strip() for p in spec.split(",") if p.strip()):
            found = [s for s in STAGES.values() if fnmatch.fnmatchcase(s.name, pattern)]
            if not found:
                if re.fullmatch(r"query:[\w-]+", pattern):
                    found = [Stage(pattern, "ours", "store", _query, warmup=True,
                                   setup=_query_setup(pattern[6:]), after=_query_after)]
                else:
                    raise ValueError(f"no stage matches {pattern!r}; stages: "
                                     + ", ".join(STAGES))
            chosen += [s for s in found if s not in chosen]
    if not baseline:
        chosen = [s for s in chosen if s.family != "baseline"]
    return chosen
