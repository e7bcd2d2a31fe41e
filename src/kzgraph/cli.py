"""The ``kzgraph`` command: a thin shell over :mod:`kzgraph.engine.pipeline`.

Exit codes, for every command: 0 success (the content conforms), 1 the content has errors
(nothing was published), 2 kzgraph could not run (bad options, missing folder, broken install).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from functools import wraps
from pathlib import Path
from typing import Any, Callable

import click

from kzgraph import __version__
from kzgraph.config import Settings, find_settings, with_hugo_site
from kzgraph.errors import ContentError, KzgraphError, Problem
from kzgraph.formats.registry import FORMATS, format_names, get_format

EXIT_OK, EXIT_PROBLEMS, EXIT_FAILED = 0, 1, 2
EPILOG = ("Exit codes: 0 the content conforms, 1 the content has errors (nothing published), "
          "2 kzgraph could not run.")


def content_option(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option(
        "--drafts", "-D", is_flag=True, expose_value=False, callback=_remember_drafts,
        help="Publish pages marked 'draft: true', as 'hugo -D' does.")(f)
    return click.option(
        "--content", "-c", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="The content folder (default: from kzgraph.toml / pyproject.toml, else ./content).",
    )(f)


def _remember_drafts(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    ctx.meta["kzgraph.drafts"] = value


def engine_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--jobs, --cache/--no-cache and --quiet, for every command that runs the build engine."""
    f = click.option("--quiet", "-q", is_flag=True,
                     help="No progress bar (there is none in a pipe either).")(f)
    f = click.option("--cache", "cache", type=click.Path(file_okay=False, path_type=Path),
                     default=None, help="Where to keep per-page results between runs "
                     "(default: ~/.cache/kzgraph/...).")(f)
    f = click.option("--no-cache", is_flag=True,
                     help="Work from scratch and keep nothing for the next run.")(f)
    return click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                        help="Worker processes (default: one per core).")(f)


def _engine(jobs: int | None, cache: Path | None, no_cache: bool,
            quiet: bool) -> dict[str, Any]:
    """Keyword arguments for the pipeline from the engine options."""
    return {"jobs": jobs, "cache": False if no_cache else (cache or True),
            "progress": None if quiet else _progress_bar()}


def _progress_bar() -> Callable[[int, int], None] | None:
    """A rich progress bar on standard error when it is a terminal, else nothing."""
    if not sys.stderr.isatty():
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    bar = Progress("[progress.description]{task.description}", BarColumn(),
                   MofNCompleteColumn(), TimeRemainingColumn(), transient=True,
                   console=None)
    task = None

    def update(done: int, total: int) -> None:
        nonlocal task
        if task is None:
            bar.start()
            task = bar.add_task("pages", total=total)
        bar.update(task, completed=done)
        if done >= total:
            bar.stop()
    return update


def lang_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--lang", default=None,
                        help="Language of the messages: en, ru or kk (default: KZGRAPH_LANG, "
                             "else the locale, else en).")(f)


def _print_problems(problems: list[Problem], lang: str | None = None) -> None:
    from kzgraph.errors import message_language

    lang = message_language(lang)
    for p in problems:
        click.echo(p.render(lang), err=True)


def handles_errors(f: Callable[..., Any]) -> Callable[..., Any]:
    """Turn kzgraph's own errors into messages and exit codes, never tracebacks."""
    @wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except ContentError as exc:
            _print_problems(exc.problems, kwargs.get("lang"))
            click.echo(f"Error: {exc}", err=True)
            sys.exit(EXIT_PROBLEMS)
        except KzgraphError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(EXIT_FAILED)
    return wrapper


def _settings(content: Path | None) -> Settings:
    """The settings, the content folder given, completed from its Hugo site's configuration
    (and ``--drafts``)."""
    settings = with_hugo_site(find_settings().with_content(content))
    ctx = click.get_current_context(silent=True)
    drafts = bool(ctx is not None and ctx.meta.get("kzgraph.drafts"))
    return replace(settings, drafts=True) if drafts else settings


def _published_settings(content: Path | None, base: str | None = None) -> Settings:
    """The settings of a command that publishes (build, site, push), said in one line on
    standard error while the base IRI is still the placeholder."""
    from dataclasses import replace

    from kzgraph.config import PLACEHOLDER_WARNING, is_placeholder

    settings = _settings(content)
    if base is not None:
        settings = replace(settings, base=base)
    if is_placeholder(settings):
        click.echo(PLACEHOLDER_WARNING, err=True)
    return settings


@click.group(epilog=EPILOG)
@click.version_option(__version__, prog_name="kzgraph")
def cli() -> None:
    """Publish a country sources guide (Markdown with YAML front matter) as a validated,
    multilingual RDF knowledge graph."""


@cli.command(epilog=EPILOG)
@content_option
@click.option("--format", "-f", "fmt", type=click.Choice(format_names(), case_sensitive=False),
              default="turtle", show_default=True, help="The RDF format to write.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (atomically) instead of standard output.")
@handles_errors
def export(content: Path | None, fmt: str, output: Path | None) -> None:
    """Write the content's graph in one RDF format."""
    from kzgraph.engine.pipeline import export as run_export
    from kzgraph.engine.pipeline import export_file

    if output is None:
        data, problems = run_export(_settings(content), get_format(fmt))
        _print_problems(problems)
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        size, problems = export_file(_settings(content), get_format(fmt), output)
        _print_problems(problems)
        click.echo(f"Wrote {output} ({size} bytes).", err=True)


@cli.command(epilog=EPILOG)
@content_option
@click.option("--format", "-f", "fmt",
              type=click.Choice(["text", "json", "turtle", "github", "sarif"]),
              default="text", show_default=True,
              help="How to write the report: text, JSON, a SHACL report in Turtle, GitHub "
                   "workflow annotations, or SARIF 2.1.0 (code-scanning tools and editors).")
@lang_option
@engine_options
@handles_errors
def validate(content: Path | None, fmt: str, lang: str, jobs: int | None, cache: Path | None,
             no_cache: bool, quiet: bool) -> None:
    """Check the content against the SHACL shapes and report every problem by file, key and line."""
    from kzgraph.engine.pipeline import check
    from kzgraph.check.report import as_github, as_json, as_sarif, as_text, as_turtle
    from kzgraph.errors import message_language

    settings = _settings(content)
    lang = message_language(lang)
    result = check(settings, lang, **_engine(jobs, cache, no_cache, quiet))
    if fmt == "json":
        click.echo(as_json(result.problems, lang), nl=False)
    elif fmt == "turtle":
        click.echo(as_turtle(result.problems, settings.base, lang), nl=False)
    elif fmt == "github":
        click.echo(as_github(result.problems, lang), nl=False)
    elif fmt == "sarif":
        click.echo(as_sarif(result.problems, __version__, lang), nl=False)
    else:
        click.echo(as_text(result.problems, lang), nl=False)
    sys.exit(EXIT_OK if result.ok else EXIT_PROBLEMS)


@cli.command(epilog=EPILOG)
@content_option
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              default=Path("public"), show_default=True, help="The folder to publish into.")
@click.option("--formats", default=",".join(f.name for f in FORMATS), show_default=True,
              help="The RDF formats to write, comma-separated.")
@lang_option
@engine_options
@handles_errors
def build(content: Path | None, output: Path, formats: str, lang: str, jobs: int | None,
          cache: Path | None, no_cache: bool, quiet: bool) -> None:
    """Load, validate and write every format, the JSON-LD context, the ontology, the shapes and
    the VoID/DCAT description into one folder, replacing it atomically. Content with errors is
    not published. Pages are worked on in parallel and cached, so a rebuild after an edit only
    redoes the pages that changed."""
    from kzgraph.engine.pipeline import build as run_build

    try:
        wanted = [get_format(name.strip()).name for name in formats.split(",") if name.strip()]
    except KeyError as exc:
        raise click.BadParameter(f"unknown format {exc}", param_hint="--formats") from None
    from kzgraph.errors import message_language

    lang = message_language(lang)
    result = run_build(_published_settings(content), output, lang, formats=wanted,
                       **_engine(jobs, cache, no_cache, quiet))
    _print_problems(result.problems, lang)
    files = sorted(p.name for p in output.iterdir())
    click.echo(f"Built {output}/ : {result.stats.triples} triples about {result.parts} "
               f"resources ({result.rebuilt} made anew, the rest from the cache) in "
               f"{len(files)} files ({', '.join(files)}).", err=True)


PUSH_EPILOG = ("Exit codes: 0 pushed, 1 the content has errors (nothing pushed), 2 could not push "
               "(bad option, store unreachable or refusing, or a failure part-way: the message "
               "says which graphs were replaced and which were not; push again to finish).")


@cli.command(epilog=PUSH_EPILOG)
@content_option
@click.option("--endpoint", required=True, metavar="URL",
              help="The store's SPARQL 1.1 Graph Store URL, such as http://127.0.0.1:7878/store "
                   "(Oxigraph) or http://127.0.0.1:8890/sparql-graph-crud-auth (Virtuoso).")
@click.option("--graph", "graph", metavar="IRI",
              help="Push everything into this one graph instead of one graph per page file.")
@click.option("--dump", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Push this N-Quads (.nq) or N-Triples (.nt, needs --graph) dump instead of "
                   "building from the content.")
@click.option("--user", envvar="KZGRAPH_USER", help="User for HTTP Basic or Digest "
              "authentication, whichever the store asks for [env: KZGRAPH_USER]. Without it, "
              "a bearer token is taken from KZGRAPH_TOKEN when set.")
@click.option("--password", envvar="KZGRAPH_PASSWORD",
              help="Its password [env: KZGRAPH_PASSWORD].")
@click.option("--graph-param", default="graph", show_default=True,
              help="The query parameter naming the graph (Virtuoso also takes 'graph-uri').")
@click.option("--transfer", type=click.Choice(["auto", "chunked", "length"]), default="auto",
              show_default=True, help="How bodies are streamed: chunked, or with a "
              "Content-Length counted first; auto uses length for Virtuoso (which ignores "
              "chunked bodies) and chunked for other stores.")
@click.option("--timeout", type=float, default=300.0, show_default=True,
              help="Seconds to wait on the network.")
@click.option("--quiet", "-q", is_flag=True, help="No progress line and no summary.")
@lang_option
@handles_errors
def push(content: Path | None, endpoint: str, graph: str | None, dump: Path | None,
         user: str | None, password: str | None, graph_param: str, transfer: str,
         timeout: float, quiet: bool, lang: str) -> None:
    """Send the graph to a triple store over the SPARQL 1.1 Graph Store Protocol, replacing
    what the previous push put there and leaving other graphs alone."""
    from kzgraph.publish.push import push_content, token_from_environment
    from kzgraph.publish.store import GraphStore, terminal_progress

    store = GraphStore(endpoint, user=user, password=password,
                       token=None if user else token_from_environment(),
                       graph_param=graph_param, transfer=transfer, timeout=timeout)
    from kzgraph.errors import message_language

    lang = message_language(lang)
    report, problems = push_content(_published_settings(content), store, graph=graph,
                                    dump=dump, lang=lang, progress=terminal_progress(quiet))
    _print_problems(problems, lang)
    if not quiet:
        triples = "" if report.triples is None else f"{report.triples:,} triples, "
        removed = (f"; removed {len(report.deleted)} graph(s) no longer in the content"
                   if report.deleted else "")
        click.echo(f"Pushed {len(report.replaced)} graph(s) ({triples}{report.bytes:,} bytes) to "
                   f"{report.endpoint} in {report.seconds:.1f} s{removed}.", err=True)


QUERY_FORMATS = ["table", "csv", "tsv", "json", "xml", "markdown",
                 *[n for n in format_names() if n not in ("xml",)]]


@cli.command(epilog=EPILOG)
@click.argument("query_arg", metavar="[QUERY | NAME]", required=False)
@click.option("--file", "-F", "query_file", type=click.File("r", encoding="utf-8"),
              help="Read the query from this .rq file ('-' for standard input).")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter value, bound as an RDF term (repeat for each).")
@click.option("--format", "-f", "fmt", type=click.Choice(QUERY_FORMATS, case_sensitive=False),
              default="table", show_default=True,
              help="table, csv, tsv, json, xml or markdown (W3C SPARQL result formats where "
                   "there is one); for CONSTRUCT/DESCRIBE an RDF format (turtle, jsonld, nt, "
                   "nq, trig, xml).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (atomically) instead of standard output.")
@click.option("--endpoint", "-e", metavar="URL",
              help="Send the query to this SPARQL 1.1 endpoint instead of running it locally.")
@click.option("--timeout", type=float, default=60.0, show_default=True,
              help="Seconds to wait for the endpoint.")
@click.option("--data", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Query this RDF file (.nq, .nt, .ttl, ...) instead of the content folder.")
@click.option("--labels", is_flag=True, help="In a table, show labels instead of IRIs.")
@click.option("--label-lang", default="en", show_default=True,
              help="The language of those labels (English when there is none).")
@click.option("--list", "list_queries", is_flag=True, help="List the saved queries.")
@click.option("--show", is_flag=True,
              help="Print the query as it would be sent (prefixes, bound values); run nothing.")
@content_option
@handles_errors
def query(query_arg: str | None, query_file: Any, params: tuple[str, ...], fmt: str,
          output: Path | None, endpoint: str | None, timeout: float, data: Path | None,
          labels: bool, label_lang: str, list_queries: bool, show: bool,
          content: Path | None) -> None:
    """Run a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE): inline, from --file, or a
    saved query by NAME. The usual prefixes are predeclared ('kzgraph prefixes')."""
    import shutil

    from kzgraph.formats.writers import write_atomic
    from kzgraph.query.engines import labels as find_labels
    from kzgraph.query.engines import open_engine
    from kzgraph.query.results import iris_in, render, saved_list
    from kzgraph.query.saved import bind, catalog, parse_assignments, resolve
    from kzgraph.query.sparql import predeclared_prefixes, prepare

    settings = _settings(content)
    width = shutil.get_terminal_size((120, 24)).columns
    if list_queries:
        click.echo(saved_list(catalog().all(), width), nl=False)
        return
    found = resolve(query_arg, query_file.read() if query_file else None,
                    getattr(query_file, "name", None))
    bindings = bind(found.params, parse_assignments(params), settings.base, found.strict)
    prepared = prepare(found.text, settings.base, bindings, found.source)
    if show:
        click.echo(prepared.full_text)
        return
    engine, problems = open_engine(settings, endpoint, data, timeout)
    _print_problems(problems)
    from kzgraph.query.checks import check_slug_params, union_hint, unknown_terms

    check_slug_params(engine, found.params, bindings, settings.base)
    if not found.strict:  # an ad-hoc query: its terms may be misspelt
        for warning in unknown_terms(engine, prepared, settings.base):
            click.echo(f"Warning: {warning}", err=True)
    result = engine.run(prepared)
    names = (find_labels(engine, iris_in(result.rows), label_lang, settings.base)
             if labels and fmt in ("table", "markdown") else None)
    out = render(result, fmt, predeclared_prefixes(settings.base), names, width, settings.base)
    if output is None:
        sys.stdout.buffer.write(out)
        sys.stdout.buffer.flush()
    else:
        write_atomic(output, out)
    if result.form == "SELECT" and not result.rows:
        click.echo("No match.", err=True)
    if endpoint and not len(result):
        hint = union_hint(engine, endpoint)
        if hint:
            click.echo(hint, err=True)
    _print_problems(getattr(engine, "later_problems", list)())


@cli.command(epilog=EPILOG)
@handles_errors
def prefixes() -> None:
    """List the prefixes a query may use without declaring them, and the base IRI that
    relative IRIs (<sources/sources/feminita/>) resolve against."""
    from kzgraph.query.sparql import predeclared_prefixes

    base = find_settings().base
    click.echo(f"BASE   {'':<12} <{base}>")
    for prefix, iri in predeclared_prefixes(base).items():
        click.echo(f"PREFIX {prefix + ':':<12} <{iri}>")


@cli.command(epilog=EPILOG)
@content_option
@click.option("--output", "-o", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The site folder (files kzgraph wrote before are updated in place).")
@click.option("--base", metavar="URL", default=None,
              help="The base IRI to publish under (default: the 'base' setting).")
@click.option("--no-search", is_flag=True, help="Do not build the Pagefind search index.")
@lang_option
@engine_options
@handles_errors
def site(content: Path | None, output: Path, base: str | None, no_search: bool, lang: str,
         jobs: int | None, cache: Path | None, no_cache: bool, quiet: bool) -> None:
    """Build the static Linked Data site: a page per resource and language, its Turtle,
    JSON-LD and N-Triples beside it, index pages, search, an in-browser SPARQL page, the dumps,
    and Apache/nginx/Caddy configurations for content negotiation. A rebuild rewrites only
    the files whose bytes changed."""
    from kzgraph.errors import message_language
    from kzgraph.publish.site import build_site

    lang = message_language(lang)
    report = build_site(_published_settings(content, base), output, lang=lang,
                        search=not no_search,
                        **_engine(jobs, cache, no_cache, quiet))
    click.echo(f"Site {output}/ : {report.pages} pages, {report.rdf_files} RDF files, "
               f"{report.files} files ({report.size / 1e6:.1f} MB); {report.rendered} pages "
               f"rendered, {len(report.written)} files written, {len(report.removed)} removed, "
               f"in {report.seconds:.1f} s.", err=True)


STATUS_EPILOG = ("Exit codes: 0 done, 1 a language given with --require misses a text "
                 "somewhere, 2 kzgraph could not run.")


@cli.command(epilog=STATUS_EPILOG)
@content_option
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "markdown", "json", "csv"]),
              default="text", show_default=True,
              help="text and markdown list the gaps and the totals; json and csv every text.")
@click.option("--require", metavar="LANGS", default="",
              help="Languages (comma-separated) that must have every text: exit 1 if one is "
                   "missing anywhere (for CI). They are shown even where no file has them.")
@handles_errors
def status(content: Path | None, fmt: str, require: str) -> None:
    """Show which page lacks which text in which language: the title, the description, the
    body and each guide section's title, missing or older (by 'date') than the default
    language's, with totals per language."""
    from kzgraph.content.status import WRITERS
    from kzgraph.engine.pipeline import content_status

    settings = _settings(content)
    required = [lang.strip() for lang in require.split(",") if lang.strip()]
    found, problems = content_status(settings, required)
    _print_problems(problems)
    click.echo(WRITERS[fmt](found), nl=False)
    missing = found.missing_in(required)
    if missing:
        langs = ", ".join(sorted({c.lang for c in missing}))
        click.echo(f"{len(missing)} text(s) missing in {langs}.", err=True)
        sys.exit(EXIT_PROBLEMS)


@cli.command("new", epilog=EPILOG)
@click.argument("kind", type=click.Choice(["guide", "source", "category", "perspective"]))
@click.argument("slug")
@click.option("--lang", "langs", default="", metavar="LANGS",
              help="Other languages to write the page in, comma-separated (such as ru,kk); the "
                   "default language's file is always written.")
@content_option
@handles_errors
def new_page(kind: str, slug: str, langs: str, content: Path | None) -> None:
    """Start a page: write KIND/SLUG/index.md (and index.LANG.md for each --lang) with every
    key the shapes know, commented with what it means and which values it takes. Fill in the
    required keys, then run 'kzgraph validate'."""
    from kzgraph.check.scaffold import scaffold, write_pages
    from kzgraph.errors import ConfigError

    settings = _settings(content)
    if not settings.content.is_dir():
        raise ConfigError(f"The content folder '{settings.content}' does not exist.")
    pages = scaffold(settings.content, kind, slug,
                     [lang.strip() for lang in langs.split(",") if lang.strip()],
                     settings.default_language, language_dirs=settings.language_dirs)
    write_pages(pages)
    for page in pages:
        click.echo(f"Wrote {page.path}")


@cli.group("cache", invoke_without_command=True, epilog=EPILOG)
@click.pass_context
def cache_group(ctx: click.Context) -> None:
    """Show the build cache (under $XDG_CACHE_HOME/kzgraph, ~/.cache/kzgraph by default): one
    folder per content folder, its size, and whether that content folder still exists."""
    if ctx.invoked_subcommand is not None:
        return
    from kzgraph.engine.cachedirs import cache_root, entries

    found = entries()
    for e in found:
        state = "missing" if e.content is not None and not e.exists else \
            "unknown" if e.content is None else "exists"
        click.echo(f"{e.path.name}  {_size(e.size):>9}  {state:<7}  {e.content or '-'}")
    click.echo(f"{cache_root()}: {len(found)} folder(s), {_size(sum(e.size for e in found))}.")


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"  # pragma: no cover


@cache_group.command("prune", epilog=EPILOG)
@click.option("--dry-run", "-n", is_flag=True, help="Say what would be removed; remove nothing.")
def cache_prune(dry_run: bool) -> None:
    """Remove the cache folders of content folders that no longer exist (and those that do not
    say which content folder they are for)."""
    from kzgraph.engine.cachedirs import prune

    gone = prune(dry_run=dry_run)
    for e in gone:
        click.echo(f"{'Would remove' if dry_run else 'Removed'} {e.path} ({_size(e.size)}, "
                   f"for {e.content or 'an unrecorded content folder'})")
    click.echo(f"{len(gone)} folder(s), {_size(sum(e.size for e in gone))}"
               f"{' to free' if dry_run else ' freed'}.")


@cache_group.command("clear", epilog=EPILOG)
def cache_clear() -> None:
    """Remove every cache folder (the next build starts from scratch)."""
    from kzgraph.engine.cachedirs import clear

    gone = clear()
    click.echo(f"Removed {len(gone)} folder(s), {_size(sum(e.size for e in gone))} freed.")


@cli.command(epilog=EPILOG)
@click.argument("old")
@click.argument("new")
@content_option
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "markdown", "json", "sparql"]),
              default="text", show_default=True,
              help="A changelog in words (text, Markdown for a pull-request comment, JSON), or "
                   "the SPARQL Update that turns the old graph into the new one in a store.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (atomically) instead of standard output.")
@handles_errors
def diff(old: str, new: str, content: Path | None, fmt: str, output: Path | None) -> None:
    """Say what changed between OLD and NEW: each a build (an output folder, or a .nq/.nt
    file) or a git revision of the content folder (such as HEAD~1, main, a tag)."""
    from kzgraph.formats.writers import write_atomic
    from kzgraph.publish.diff import (as_json, as_markdown, as_text, changelog, read_version,
                                      sparql_update)

    settings = _settings(content)
    before, after = read_version(settings, old), read_version(settings, new)
    if fmt == "sparql":
        out = sparql_update(before, after)
    else:
        changes = changelog(before, after, settings.base)
        out = (as_json(changes, before, after) if fmt == "json" else
               as_markdown(changes, settings.base, before, after) if fmt == "markdown" else
               as_text(changes, settings.base, before, after))
    if output is None:
        click.echo(out, nl=False)
    else:
        write_atomic(output, out.encode("utf-8"))


@cli.command(epilog=EPILOG)
@click.option("--kind", required=True,
              type=click.Choice(["guide", "source", "category", "perspective"]),
              help="The kind of page whose front matter the schema describes.")
@click.option("--lang", default=None, metavar="LANG",
              help="The language of the pages (country names in it are allowed besides the "
                   "English ones; default: the default language).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (atomically) instead of standard output.")
@content_option
@handles_errors
def schema(kind: str, lang: str | None, output: Path | None, content: Path | None) -> None:
    """Write the JSON Schema of a kind of page's front matter, generated from the shapes and
    the slugs of the content folder, for an editor's YAML tooling."""
    from kzgraph.check.schema import as_json, front_matter_schema
    from kzgraph.errors import ConfigError
    from kzgraph.formats.writers import write_atomic

    settings = _settings(content)
    if not settings.content.is_dir():
        raise ConfigError(f"The content folder '{settings.content}' does not exist.")
    text = as_json(front_matter_schema(kind, settings.content,
                                       lang or settings.default_language,
                                       settings.language_dirs))
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text.encode("utf-8"))


@cli.command(epilog="Exit codes: 0 stopped, 2 could not start (port in use, missing folder).")
@content_option
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="0.0.0.0: other machines too.")
@click.option("--no-watch", is_flag=True, help="Do not rebuild when the content changes.")
@click.option("--timeout", type=float, default=10.0, show_default=True, help="SPARQL limit, s.")
@click.option("--max-rows", type=int, default=100_000, show_default=True, help="SPARQL row limit.")
@handles_errors
def serve(content: Path | None, no_watch: bool, **options: Any) -> None:
    """Serve the site (HTML or RDF by Accept), a read-only SPARQL endpoint, and live reload."""
    from kzgraph.publish.serve.run import serve as run_serve
    run_serve(_settings(content), watch=not no_watch, **options)


def main() -> None:  # pragma: no cover - console entry point
    cli()
