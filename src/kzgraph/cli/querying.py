"""The analysts' commands: ``query`` (SPARQL, saved queries) and ``prefixes``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from kzgraph.cli.common import (
    EPILOG,
    _print_problems,
    _settings,
    cli,
    content_option,
    handles_errors,
)
from kzgraph.config import find_settings
from kzgraph.formats.registry import format_names

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

    settings = _settings(content)
    check = None
    if not (list_queries or show or endpoint or data is not None):
        # first of all: the check for pages changed since the query store was made runs on
        # the other core while the query is read and answered (see kzgraph.engine.stale)
        from kzgraph.engine.cachedirs import default_cache_dir
        from kzgraph.engine.stale import start_in_cache

        check = start_in_cache(default_cache_dir(settings), settings.content)
    from kzgraph.query.engines import LocalEngine, open_engine
    from kzgraph.query.engines import labels as find_labels
    from kzgraph.query.results import TEXT_FORMATS, iris_in, render, saved_list, text_from_ox
    from kzgraph.query.saved import bind, catalog, parse_assignments, resolve
    from kzgraph.query.sparql import predeclared_prefixes, prepare

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
    engine, problems = open_engine(settings, endpoint, data, timeout, check)
    _print_problems(problems)
    from kzgraph.query.checks import check_slug_params, union_hint, unknown_terms

    check_slug_params(engine, found.params, bindings, settings.base)
    if not found.strict:  # an ad-hoc query: its terms may be misspelt
        for warning in unknown_terms(engine, prepared, settings.base):
            click.echo(f"Warning: {warning}", err=True)
    if fmt in TEXT_FORMATS and prepared.form == "SELECT" and isinstance(engine, LocalEngine):
        # written from Oxigraph's terms: the same bytes, without making rdflib terms first
        answer = engine.answer(prepared)
        out, count = text_from_ox(answer, [v.value for v in answer.variables], fmt)
        size = count
    else:
        result = engine.run(prepared)
        names = (find_labels(engine, iris_in(result.rows), label_lang, settings.base)
                 if labels and fmt in ("table", "markdown") else None)
        out = render(result, fmt, predeclared_prefixes(settings.base), names, width,
                     settings.base)
        count = None if result.form != "SELECT" else len(result.rows)
        size = len(result)
    if output is None:
        sys.stdout.buffer.write(out)
        sys.stdout.buffer.flush()
    else:
        from kzgraph.formats.writers import write_atomic

        write_atomic(output, out)
    if count == 0:
        click.echo("No match.", err=True)
    if endpoint and not size:
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
