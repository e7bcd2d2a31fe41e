"""New pages, as ``hugo new`` makes them: every front-matter key the shapes know for a kind of
page, commented with what it means and which values it takes, in each language asked for (the
comments in that language where kzgraph has its messages in it: English, Russian, Kazakh).

The keys come from the mapping (:data:`kzgraph.graph.mapping.KEYS`); which of them are required
comes from the shapes (a property shape with ``sh:minCount``); the allowed slugs are those of the
content folder today. Required keys are written with an empty value (validation names them until
they are filled in); the others are commented out.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from rdflib import Literal

from kzgraph.content.countries import language_name
from kzgraph.content.layout import FOLDERS, SLUG, place
from kzgraph.content.load import LANG_TAG, find_file_names
from kzgraph.errors import KzgraphError, Message, message_language, msg, nearest, quoted
from kzgraph.formats.writers import write_atomic
from kzgraph.graph.mapping import CLASSES, KEYS, KIND, key_for
from kzgraph.vocab import SH

#: keys whose value is the same in every language version: written in the default one only
SHARED = ("countries", "categories", "languages", "homepage", "contributor", "created", "date",
          "weight", "perspectives", "blind_spots", "broader")

#: what each key means, and which values it takes ({category} and {perspective}: the slugs of
#: the content folder, filled in after translation)
MEANING: dict[str, Message] = {
    "title": msg("the name of the page in this language (text)"),
    "linkTitle": msg("a shorter title for menus and links (text)"),
    "description": msg("one or two sentences saying what the page is about (text)"),
    "countries": msg("the countries it covers: ISO 3166-1 names or codes, such as "
                     "[\"Kazakhstan\"] or [\"KZ\"]"),
    "categories": msg("at least one category slug, from: {category}"),
    "languages": msg("the ISO 639-1 codes of the languages it publishes in, such as "
                     "[\"kk\", \"ru\", \"en\"]"),
    "homepage": msg("its web address, starting with http:// or https://"),
    "contributor": msg("the people who wrote the page, by name, such as [\"Aizada Arystanbek\"]"),
    "tags": msg("keywords in this language, such as [\"women's rights\", \"statistics\"]"),
    "created": msg("when the page was first written, YYYY-MM-DD"),
    "date": msg("when the page was last changed, YYYY-MM-DD (the same in every language "
                "version)"),
    "weight": msg("a whole number ordering the page among its siblings (lower first)"),
    "perspectives": msg("the perspectives this kind of source offers, from: {perspective}"),
    "blind_spots": msg("the perspectives this kind of source tends to miss, from: {perspective}"),
    "broader": msg("the one broader perspective this one belongs to, from: {perspective}"),
    "wikidata": msg("the Wikidata item the page is about, by its Q-number, such as \"Q7817\""),
    "schema_type": msg("the schema.org class of the sources in this category, such as \"NGO\", "
                       "\"GovernmentOrganization\" or \"NewsMediaOrganization\""),
}
EMPTY = {"wikidata": '""', "schema-type": '""', "text": '""', "texts": "[]", "countries": "[]", "categories": "[]", "languages": "[]",
         "people": "[]", "perspectives": "[]", "url": '""', "perspective": '""', "integer": "1"}
BODY_HINT: dict[str, Message] = {
    "guide": msg("The body, below the closing '---', is the guide: an introduction, then one "
                 "'## ' heading per section, whose links to /category/<slug> and "
                 "/sources/sources/<slug>/ become data."),
    "source": msg("The body, below the closing '---', is the profile of the source (Markdown)."),
    "category": msg("The body, below the closing '---', explains the category (Markdown)."),
    "perspective": msg("The body, below the closing '---', explains the perspective "
                       "(Markdown)."),
}
#: a comment line's width, "# " included
WIDTH = 100


class ScaffoldError(KzgraphError):
    """The page cannot be made: a bad slug or language, or the page exists already."""


@lru_cache(maxsize=1)
def required_keys() -> dict[str, frozenset[str]]:
    """For each kind of page, the keys its node shapes require (``sh:minCount`` 1 or more)."""
    from kzgraph.check.validate import load_shapes

    shapes = load_shapes()
    out: dict[str, set[str]] = {kind: set() for kind in CLASSES}
    for kind, cls in CLASSES.items():
        for shape in shapes.subjects(SH.targetClass, cls):
            for prop in shapes.objects(shape, SH.property):
                count = shapes.value(prop, SH.minCount)
                path = shapes.value(prop, SH.path)
                if isinstance(count, Literal) and int(count) >= 1 and path is not None:
                    key = key_for(kind, path)
                    if key is not None:
                        out[kind].add(key)
    return {kind: frozenset(keys) for kind, keys in out.items()}


def existing_slugs(content: Path, language_dirs: dict[str, str] | None = None
                   ) -> dict[str, list[str]]:
    """The slugs of each kind of page in the content folder, wherever Hugo's layout puts
    them (leaf bundles, single files, language content folders)."""
    found: dict[str, set[str]] = {kind: set() for kind in FOLDERS}
    names, _ = find_file_names(content)
    prefix = len(str(content).rstrip("/")) + 1
    for name in names:
        where = place(name[prefix:].split("/"), language_dirs)
        if isinstance(where, tuple) and where[0] in found:
            found[where[0]].add(where[1])
    return {kind: sorted(slugs) for kind, slugs in found.items()}


@dataclass(frozen=True)
class NewPage:
    """A file to write: its path and text."""

    path: Path
    text: str


def _comment(text: str) -> list[str]:
    """A comment of one or more lines."""
    return textwrap.wrap(text, WIDTH, initial_indent="# ", subsequent_indent="# ",
                         break_long_words=False, break_on_hyphens=False)


def taxonomy_keys(taxonomies: Iterable[str]) -> list[str]:
    """The keys the Hugo site declares as taxonomies besides those kzgraph reads itself."""
    return sorted(set(taxonomies) - set(KEYS))


def meanings(kind: str, slugs: dict[str, list[str]], lang: str,
             taxonomies: Iterable[str] = ()) -> dict[str, str]:
    """What each key a page of ``kind`` takes means, in ``lang`` where kzgraph speaks it (else
    in English), the slugs of the content filled in: kzgraph's keys, then the taxonomies'."""
    words = message_language(lang)
    none_yet = msg("(none yet)").render(words)
    fill = {k: ", ".join(v) or none_yet for k, v in slugs.items()}
    out = {key: MEANING[key].render(words).format(**fill)
           for key, spec in KEYS.items() if kind in spec.kinds}
    for key in taxonomy_keys(taxonomies):
        out[key] = msg("terms of the site's taxonomy '{key}', each with a page of its own at "
                       "/{key}/<term>/", key=key).render(words)
    return out


def _front(kind: str, lang: str, default: bool, slugs: dict[str, list[str]],
           today: str, taxonomies: Iterable[str] = ()) -> str:
    """The front matter of a new page in ``lang``, its comments in that language when kzgraph
    speaks it (else in English); ``taxonomies``: the keys the Hugo site declares as
    taxonomies (each language lists its own terms)."""
    words = message_language(lang)
    required = required_keys()[kind]
    meaning = meanings(kind, slugs, lang, taxonomies)
    lines = ["---"] + _comment(msg(
        "A new {kind} page in '{lang}'. Lines starting with '#' are comments; remove the '# ' "
        "before an optional key to use it. Required keys must be filled in.",
        kind=KIND[kind], lang=lang).render(words))
    for key, spec in KEYS.items():
        if kind not in spec.kinds or (not default and key in SHARED):
            continue
        line = (msg("{key} (required): {meaning}.", key=key, meaning=meaning[key])
                if key in required else
                msg("{key} (optional): {meaning}.", key=key, meaning=meaning[key]))
        lines += _comment(line.render(words))
        value = today if key in ("created", "date") else EMPTY.get(spec.value, '""')
        lines.append(f"{key}: {value}" if key in required or key in ("created", "date")
                     else f"# {key}: {value}")
    for key in taxonomy_keys(taxonomies):
        lines += _comment(msg("{key} (optional): {meaning}.", key=key,
                              meaning=meaning[key]).render(words))
        lines.append(f"# {key}: []")
    if not default:
        shared = [k for k in SHARED if k in KEYS and kind in KEYS[k].kinds]
        lines += _comment(msg("{keys}: given once, in the default language's file.",
                              keys=", ".join(shared)).render(words))
    lines += _comment(BODY_HINT[kind].render(words))
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def scaffold(content: Path, kind: str, slug: str, languages: list[str], default_language: str,
             today: dt.date | None = None,
             language_dirs: dict[str, str] | None = None,
             taxonomies: Iterable[str] = ()) -> list[NewPage]:
    """The files of a new page of ``kind`` named ``slug`` in the default language and each of
    ``languages``; ScaffoldError for a bad kind, slug or language, or an existing page."""
    if kind not in FOLDERS:
        raise ScaffoldError(f"'{kind}' is not a kind of page: use one of "
                            f"{quoted(FOLDERS, 'or')}.")
    if not SLUG.fullmatch(slug):
        raise ScaffoldError(f"'{slug}' cannot be a slug: use letters, digits, '-' and '_' only, "
                            "starting with a letter or digit (for example 'my-source').")
    slugs = existing_slugs(content, language_dirs)
    dirs = {lang: folder for folder, lang in (language_dirs or {}).items()}
    folder = content / FOLDERS[kind] / slug
    same = [s for s in slugs[kind] if s.casefold() == slug.casefold()]
    if same:
        raise ScaffoldError(f"There is already a {kind} '{same[0]}' in {content}: choose "
                            "another slug, or edit that page.")
    langs = [default_language] + [lang for lang in dict.fromkeys(languages)
                                  if lang != default_language]
    for lang in langs:
        m = LANG_TAG.fullmatch(lang)
        if not m or language_name(m.group("primary")) is None:
            close = nearest(lang, ["en", "ru", "kk"])
            raise ScaffoldError(f"'{lang}' is not an ISO 639-1 language code (such as 'ru' or "
                                f"'kk')." + (f" Did you mean {quoted(close)}?" if close else ""))
    day = (today or dt.date.today()).isoformat()
    def path(lang: str) -> Path:
        if lang in dirs:  # the site gives the language a content folder of its own
            return content / dirs[lang] / FOLDERS[kind] / slug / "index.md"
        return folder / ("index.md" if lang == default_language else f"index.{lang}.md")

    pages = [NewPage(path(lang), _front(kind, lang, lang == default_language, slugs, day,
                                        taxonomies)) for lang in langs]
    taken = [p.path for p in pages if p.path.exists() or p.path.parent.exists()]
    if taken:
        raise ScaffoldError(f"{taken[0].parent} exists already: choose another slug.")
    return pages


def write_pages(pages: list[NewPage]) -> None:
    """Write the new files (each atomically; the folder is made first)."""
    for page in pages:
        page.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(page.path, page.text.encode("utf-8"))
