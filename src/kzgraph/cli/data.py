"""Commands that make the graph from the content: ``export``, ``validate``, ``build``, ``push``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kzgraph import __version__
from kzgraph.cli.common import (
    EPILOG,
    EXIT_OK,
    EXIT_PROBLEMS,
    _engine,
    _print_problems,
    _published_settings,
    _settings,
    cli,
    content_option,
    engine_options,
    handles_errors,
    lang_option,
)
from kzgraph.formats.registry import FORMATS, format_names, get_format


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
    from kzgraph.check.report import as_github, as_json, as_sarif, as_text, as_turtle
    from kzgraph.engine.pipeline import check
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
