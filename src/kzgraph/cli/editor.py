"""The editor's loop: ``new``, ``status``, ``diff``, ``schema`` and ``cache``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kzgraph.cli.common import (
    EPILOG,
    EXIT_PROBLEMS,
    _print_problems,
    _settings,
    cli,
    content_option,
    handles_errors,
    lang_option,
)

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
@lang_option
@handles_errors
def status(content: Path | None, fmt: str, require: str, lang: str | None) -> None:
    """Show which page lacks which text in which language: the title, the description, the
    body and each guide section's title, missing or older (by 'date') than the default
    language's, with totals per language."""
    from kzgraph.content.status import WRITERS
    from kzgraph.engine.pipeline import content_status
    from kzgraph.errors import message_language, msg

    settings = _settings(content)
    required = [lang.strip() for lang in require.split(",") if lang.strip()]
    found, problems = content_status(settings, required)
    lang = message_language(lang)
    _print_problems(problems, lang)
    click.echo(WRITERS[fmt](found, lang), nl=False)
    missing = found.missing_in(required)
    if missing:
        langs = ", ".join(sorted({c.lang for c in missing}))
        click.echo(msg("{count} text(s) missing in {languages}.", count=len(missing),
                       languages=langs).render(lang), err=True)
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
                     settings.default_language, language_dirs=settings.language_dirs,
                     taxonomies=settings.taxonomies)
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
@lang_option
@handles_errors
def diff(old: str, new: str, content: Path | None, fmt: str, output: Path | None,
         lang: str | None) -> None:
    """Say what changed between OLD and NEW: each a build (an output folder, or a .nq/.nt
    file) or a git revision of the content folder (such as HEAD~1, main, a tag)."""
    from kzgraph.errors import message_language
    from kzgraph.formats.writers import write_atomic
    from kzgraph.publish.diff import (
        as_json,
        as_markdown,
        as_text,
        changelog,
        read_version,
        sparql_update,
    )

    settings = _settings(content)
    before, after = read_version(settings, old), read_version(settings, new)
    if fmt == "sparql":
        out = sparql_update(before, after)
    else:
        # the words follow --lang; JSON is data, the same for everyone (names in English)
        lang = message_language(lang) if fmt != "json" else "en"
        changes = changelog(before, after, settings.base, lang)
        out = (as_json(changes, before, after) if fmt == "json" else
               as_markdown(changes, settings.base, before, after, lang) if fmt == "markdown"
               else as_text(changes, settings.base, before, after, lang))
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
                                       settings.language_dirs, settings.taxonomies))
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text.encode("utf-8"))
