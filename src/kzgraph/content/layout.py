"""Where a page file sits in the content folder, and what that makes it, as Hugo lays out a
site. No file is read here.

- a leaf bundle ``<folder>/<slug>/index[.<lang>].md`` or a single file
  ``<folder>/<slug>[.<lang>].md``: a guide, source, category or perspective page whose slug
  (and IRI) is the folder's or the file's name;
- a section page ``<folder>/_index[.<lang>].md``: the collection's own page (for categories
  and perspectives, their concept scheme), and ``_index[.<lang>].md`` at the top: the home page;
- a language: the file name's (``index.ru.md``), else its content folder's when the Hugo site
  gives each language one (``content/ru/...``), else the default language.
"""

from __future__ import annotations

import re

from kzgraph.errors import Message, msg

#: folder name -> kind of page
KINDS = {
    "guides": "guide",
    "sources": "source",
    "categories": "category",
    "perspectives": "perspective",
}
#: kind of page -> its content folder (a page's path on a Hugo site built from it)
FOLDERS = {kind: folder for folder, kind in KINDS.items()}
#: a page's slug (its folder's or file's name)
SLUG = re.compile(r"[^\W_][\w-]*")
#: the kind of a section page (``_index.md``); its slug is the kind of its pages, or ``home``
COLLECTION = "collection"
_NAME = re.compile(r"(?P<stem>[^.]+)(?:\.(?P<lang>[^.]+))?\.md")
WHERE = ("<guides|sources|categories|perspectives>/<slug>/index[.<lang>].md, "
         "<guides|sources|...>/<slug>[.<lang>].md, or a section's _index[.<lang>].md")


def place(parts: tuple[str, ...] | list[str], language_dirs: dict[str, str] | None = None
          ) -> tuple[str, str, str | None] | Message:
    """What a file at ``parts`` (its path inside the content folder) is: (kind, slug, the
    language its name or content folder gives or None), or why it is not a page."""
    lang_of_dir = None
    if language_dirs and len(parts) > 1 and parts[0] in language_dirs:
        lang_of_dir, parts = language_dirs[parts[0]], parts[1:]
    m = _NAME.fullmatch(parts[-1]) if parts else None
    if m is None:
        return msg("This file is not where kzgraph looks for pages: put it at {where}.",
                   where=WHERE)
    stem, lang = m.group("stem"), m.group("lang") or lang_of_dir
    if len(parts) == 1:
        if stem == "_index":
            return COLLECTION, "home", lang
    elif len(parts) == 2 and parts[0] in KINDS:
        if stem == "_index":
            return COLLECTION, KINDS[parts[0]], lang
        if stem == "index":
            return msg("A page directly in '{folder}/' should be the section's '_index.md'; a "
                       "guide, source, category or perspective goes in '{folder}/<slug>/'.",
                       folder=parts[0])
        return KINDS[parts[0]], stem, lang
    elif len(parts) == 3 and parts[0] in KINDS:
        if stem == "index":
            return KINDS[parts[0]], parts[1], lang
        return msg("The file name '{name}' should be 'index.md' or 'index.<language>.md' "
                   "(for example 'index.ru.md').", name=parts[-1])
    return msg("This file is not where kzgraph looks for pages: put it at {where}.",
               where=WHERE)
