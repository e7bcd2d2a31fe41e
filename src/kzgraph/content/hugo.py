"""What Hugo's own front-matter keys mean for kzgraph. No RDF here.

- ``draft``, ``publishDate`` (else ``date``, as Hugo falls back to it) and ``expiryDate`` decide,
  against the build date, whether a page is published: a page Hugo leaves out of the site is
  left out of the graph, and said so (``kzgraph --drafts`` publishes drafts, as ``hugo -D``).
- ``aliases``, ``slug`` and ``url`` change where Hugo serves a page; its IRI does not change,
  and the paths are recorded (:func:`site_paths`).
- ``translationKey`` ties a translation with a name of its own to the default-language page
  with the same key (:func:`kzgraph.graph.languages.join_translations`; the build engine's
  plan puts their files in one part), and must agree between language versions.
- Keys that only steer Hugo's rendering (:data:`IGNORED`) carry no data: they are read and
  left out, as ``docs/model.md`` lists them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from kzgraph.content.load import Page
from kzgraph.errors import INFO, Message, Problem, msg

#: keys Hugo understands that carry nothing for the graph (docs/model.md lists them)
IGNORED = frozenset({
    "layout", "type", "menu", "menus", "outputs", "cascade", "build", "_build", "sitemap",
    "markup", "resources", "headless", "isCJKLanguage",
})
#: keys this module reads
HANDLED = frozenset({"draft", "publishDate", "expiryDate", "aliases", "slug", "url",
                     "translationKey"})
_WHEN = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                   r"(?:Z|[+-]\d{2}:?\d{2})?)?")


@dataclass
class Publication:
    """Whether a page is published at the build date, why not, and until when the answer
    holds (the next date on which it changes, ISO text, or None)."""

    published: bool = True
    reasons: list[Message] = field(default_factory=list)
    #: whether one of the reasons is that the page is a draft
    draft: bool = False
    #: the key that gave each reason (``draft``, ``publishDate`` or ``date``, ``expiryDate``)
    keys: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    until: str | None = None


def _date(page: Page, key: str, out: Publication) -> dt.date | None:
    fld = page.fields.get(key)
    if fld is None:
        return None
    m = _WHEN.fullmatch(str(fld.value).strip()) if isinstance(fld.value, str) else None
    if m is not None:
        try:
            return dt.date.fromisoformat(m.group("date"))
        except ValueError:
            pass
    if key != "date":  # 'date' is checked where it is mapped
        out.problems.append(page.problem(
            msg("'{key}' must be a date, YYYY-MM-DD (a time after it is allowed, as Hugo "
                "allows), not {value}.", key=key, value=repr(fld.value)), key=key))
    return None


def publication(page: Page, build_date: dt.date, drafts: bool = False) -> Publication:
    """Whether Hugo publishes ``page`` when building on ``build_date`` (with ``-D`` when
    ``drafts``)."""
    out = Publication()
    draft = page.fields.get("draft")
    if draft is not None:
        if not isinstance(draft.value, bool):
            out.problems.append(page.problem(
                msg("'draft' must be true or false, not {value}.", value=repr(draft.value)),
                key="draft"))
        elif draft.value and not drafts:
            out.draft = True
            out.reasons.append(msg("it is a draft ('draft: true'; 'kzgraph build --drafts' "
                                   "publishes drafts, as 'hugo -D' does)"))
            out.keys.append("draft")
    key = "publishDate" if "publishDate" in page.fields else "date"
    start = _date(page, key, out)
    if start is not None and start > build_date:
        out.reasons.append(msg("its {key} {start} is after the build date {build}",
                               key="publishDate" if key == "publishDate" else "date",
                               start=start.isoformat(), build=build_date.isoformat()))
        out.keys.append(key)
        out.until = start.isoformat()
    end = _date(page, "expiryDate", out)
    if end is not None:
        if end <= build_date:
            out.reasons.append(msg("it expired on {end} (its expiryDate)", end=end.isoformat()))
            out.keys.append("expiryDate")
        elif out.until is None or end.isoformat() < out.until:
            out.until = end.isoformat()
    out.published = not out.reasons
    return out


def not_published(page: Page, how: Publication) -> Problem:
    """The note that lists a page as not published, and why."""
    key = how.keys[0] if how.keys else None  # the key that decided first, at its line
    reasons = how.reasons[0]
    for reason in how.reasons[1:]:
        reasons = reasons + "; " + reason
    return page.problem(msg("This page is not published: {reasons}.", reasons=reasons),
                        key=key, line=None if key else page.front_line, severity=INFO)


def site_paths(page: Page) -> tuple[list[tuple[str, str, int]], list[Problem]]:
    """The path Hugo serves the page at instead of its own (``url``, made absolute), and the
    old paths that redirect to it (``aliases``, as written: a relative one is relative to the
    folder of the path the page is served at, see :mod:`kzgraph.content.sitepaths`), as (key,
    path, line); problems for values that are not paths."""
    paths: list[tuple[str, str, int]] = []
    problems: list[Problem] = []
    for key in ("url", "aliases"):
        fld = page.fields.get(key)
        if fld is None:
            continue
        values = fld.value if isinstance(fld.value, list) else [fld.value]
        if key == "url" and isinstance(fld.value, list):
            problems.append(page.problem(msg("'url' must be one path, such as '/about/'."),
                                         key=key))
            continue
        for value in values:
            if not isinstance(value, str) or not value.strip() or re.search(r"\s", value):
                problems.append(page.problem(
                    msg("Each entry of '{key}' must be a path on the site, such as "
                        "'/old/path/'; {value} is not.", key=key, value=repr(value)), key=key))
                continue
            paths.append((key, value if value.startswith("/") or key == "aliases"
                           else "/" + value, fld.line))
    slug = page.fields.get("slug")
    if slug is not None and (not isinstance(slug.value, str) or "/" in slug.value
                             or not slug.value.strip()):
        problems.append(page.problem(
            msg("'slug' must be one word for the page's address, not {value}.",
                value=repr(slug.value)), key="slug"))
    return paths, problems
