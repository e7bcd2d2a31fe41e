"""Publishing on the web: the static Linked Data ``site`` and ``serve`` (content negotiation, SPARQL, live reload)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kzgraph.cli.common import (
    EPILOG,
    _engine,
    _published_settings,
    _settings,
    cli,
    content_option,
    engine_options,
    handles_errors,
    lang_option,
)


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




@cli.command(epilog="Exit codes: 0 stopped, 2 could not start (port in use, missing folder).")
@content_option
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="0.0.0.0: other machines too.")
@click.option("--no-watch", is_flag=True, help="Do not rebuild when the content changes.")
@click.option("--timeout", type=float, default=10.0, show_default=True, help="SPARQL limit, s.")
@click.option("--max-rows", type=int, default=100_000, show_default=True, help="SPARQL row limit.")
@click.option("--workers", type=click.IntRange(1), default=2, show_default=True,
              help="Processes answering SPARQL queries.")
@click.option("--base", metavar="URL", default=None,
              help="The base IRI pages and RDF name (default: the server's own address).")
@handles_errors
def serve(content: Path | None, no_watch: bool, **options: Any) -> None:
    """Serve the site (HTML or RDF by Accept), a read-only SPARQL endpoint, and live reload."""
    from kzgraph.publish.serve.run import serve as run_serve
    run_serve(_settings(content), watch=not no_watch, **options)
