"""What every command shares: the ``kzgraph`` group, the options declared once (``--content``,
the engine's ``--jobs``/``--cache``/``--quiet``, ``--lang``), settings, and the one place where
kzgraph's errors become messages and exit codes.
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from functools import wraps
from pathlib import Path
from typing import Any, Callable

import click

from kzgraph import __version__
from kzgraph.config import Settings, find_settings, with_hugo_site
from kzgraph.errors import ContentError, KzgraphError, Problem

EXIT_OK, EXIT_PROBLEMS, EXIT_FAILED = 0, 1, 2
EPILOG = ("Exit codes: 0 the content conforms, 1 the content has errors (nothing published), "
          "2 kzgraph could not run.")


def content_option(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option(
        "--environment", metavar="NAME", expose_value=False, callback=_remember_environment,
        help="The Hugo environment whose config/NAME/ folder is read over config/_default/ "
             "(default: HUGO_ENVIRONMENT, else production, as 'hugo --environment').")(f)
    f = click.option(
        "--drafts", "-D", is_flag=True, expose_value=False, callback=_remember_drafts,
        help="Publish pages marked 'draft: true', as 'hugo -D' does.")(f)
    return click.option(
        "--content", "-c", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="The content folder (default: from kzgraph.toml / pyproject.toml, else ./content).",
    )(f)


def _remember_drafts(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    ctx.meta["kzgraph.drafts"] = value


def _remember_environment(ctx: click.Context, _param: click.Parameter,
                          value: str | None) -> None:
    ctx.meta["kzgraph.environment"] = value


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
    # one write, not one a line: a build of 100,000 pages can have 30,000 warnings
    if problems:
        click.echo("\n".join(p.render(lang) for p in problems), err=True)


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
    (for ``--environment``), and ``--drafts``."""
    ctx = click.get_current_context(silent=True)
    environment = ctx.meta.get("kzgraph.environment") if ctx is not None else None
    environ = None if not environment else {**os.environ, "HUGO_ENVIRONMENT": environment}
    settings = with_hugo_site(find_settings().with_content(content), environ)
    for warning in settings.hugo_warnings:
        click.echo(f"warning: {warning}", err=True)
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


