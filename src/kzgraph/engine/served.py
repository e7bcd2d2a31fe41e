"""The site paths pages claim by ``url``, ``slug`` and ``aliases``, across the parts of a run.

Which page a link such as ``/kz/feminita-org/`` names is known only once the page claiming
that path is read, and a part is made without reading the others. So each part is made with
the claims as the cache holds them when the run starts (none in a cold build), and reports its
own claims (the cache's ``served`` table) and what it looked up (``lookups``: every site path
its links named, with what the claims said of it, usually nothing). Once the parts are made,
the run reads every claim again, and when they differ from those the parts were made with (or
from those the cache was last settled with: a run stopped half-way), makes again the parts
that linked a path the claims now say something else of
(:meth:`~kzgraph.engine.cache.Cache.relinked`): after an edit of a page's ``slug``, the page
and the pages linking to its old or new path, nothing else. A page's claims depend on its own files only,
so one more round settles them. Content without ``url``, ``slug`` or ``aliases`` (nearly all)
pays one query of an empty table.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from kzgraph.config import Settings
from kzgraph.content.countries import language_name
from kzgraph.content.layout import KINDS, place
from kzgraph.content.sitepaths import segment
from kzgraph.engine.parts import Part


def folder_owner(by_key: dict[str, Part], settings: Settings
                 ) -> Callable[[str], tuple[str, str, str] | None]:
    """Who Hugo serves at a folder path (``sources/feminita``, ``ru/sources/feminita``): the
    page file's kind, slug and file (as a problem names it), or None. Read from the plan, for
    the few paths claimed."""
    root, dirs = Path(settings.content), settings.language_dirs
    default = settings.default_language

    def owner(path: str) -> tuple[str, str, str] | None:
        segments = path.split("/")
        lang = default
        if len(segments) == 3 and language_name(segments[0]) is not None:
            lang, segments = segments[0], segments[1:]
        if len(segments) != 2 or segments[0] not in KINDS:
            return None
        part = by_key.get(f"{KINDS[segments[0]]}/{segments[1].casefold()}")
        for name in part.names if part is not None else ():
            where = place(os.path.relpath(name, root).split(os.sep), dirs)
            if isinstance(where, tuple) and (where[2] or default) == lang and \
                    segment(where[1], settings) == segments[1]:
                return where[0], where[1], os.path.relpath(name, root.parent)
        return None

    return owner
