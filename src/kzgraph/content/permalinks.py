"""Where Hugo's ``[permalinks]`` serve a page: the section's pattern with each token replaced
by the page's value, as Hugo 0.111 does it (checked by ``tests/test_permalinks.py`` against the
real binary). No RDF here.

A pattern applies to the regular pages of its section (not to the section's ``_index.md``),
unless a page's ``url`` says otherwise; ``slug`` then moves a page only through the tokens
that read it. The tokens:

- ``:year``, ``:month`` (two digits), ``:monthname`` (``march``), ``:day`` (two digits),
  ``:weekday`` (0 for Sunday), ``:weekdayname``, ``:yearday``: of the page's ``date``, else its
  ``publishDate``, as written (its own time zone); a page with neither has Go's zero time,
  1 January of the year 1, a Monday;
- ``:section``, ``:sections``: the section's folder (kzgraph's pages sit one level down);
- ``:title``, ``:slug`` (else the title), ``:filename`` (the bundle's folder or the file's
  name), ``:slugorfilename``: each made a path segment (Hugo's ``urlize``).

The whole path is then query-unescaped (``+`` and ``%20`` are spaces) and made a path as Hugo
makes one (lower case unless
``disablePathToLower``, spaces to hyphens, other signs dropped: see
:func:`kzgraph.content.taxonomies.term_path`), and a page in another language than the default
one is served under its prefix (``/ru/...``). A pattern ending in ``.html`` still gives a
folder (``/g/name.html/``), unlike a ``url``.

A pattern keyed by a taxonomy (``regions = "/r/:slug/"``) places that taxonomy's term pages, not
its list page (``/regions/`` stays), as Hugo 0.111 does (:func:`term_path_of`, checked by
``tests/test_term_permalinks.py``): a term has no file, so ``:section`` and ``:sections`` are the
taxonomy's name, ``:title`` and ``:slug`` the term, and ``:filename`` and ``:slugorfilename``
are empty; its date is the newest of its pages', which kzgraph does not follow (a date token in
a taxonomy's pattern is an error, see :mod:`kzgraph.config`).
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote_plus

from kzgraph.config import Settings
from kzgraph.content.layout import FOLDERS, place
from kzgraph.content.load import Page
from kzgraph.content.taxonomies import term_path
from kzgraph.hugoconfig import PERMALINK_TOKEN

_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
#: Go's zero time, which a page without a date has
_ZERO = dt.date(1, 1, 1)


def page_date(page: Page) -> dt.date:
    """The date Hugo gives a page: its ``date``, else its ``publishDate``, as written; else
    Go's zero time."""
    for key in ("date", "publishDate"):
        fld = page.fields.get(key)
        if fld is None:
            continue
        value = fld.value
        if isinstance(value, dt.date):  # a TOML date or date-time
            return value.date() if isinstance(value, dt.datetime) else value
        m = _DATE.match(str(value))
        if m is not None:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return _ZERO  # reported where the date is read
    return _ZERO


def _text(page: Page, key: str) -> str:
    fld = page.fields.get(key)
    return fld.value if fld is not None and isinstance(fld.value, str) else ""


def expand(pattern: str, page: Page, settings: Settings) -> str:
    """The path (no leading or trailing slash, and without the language prefix) Hugo serves
    a regular page at by the permalink ``pattern`` of its section."""
    urlize = lambda text: term_path(text, lower=settings.path_to_lower,  # noqa: E731
                                    remove_accents=settings.remove_path_accents)
    day = page_date(page)
    where = place(page.rel.split("/")[1:], settings.language_dirs)
    filename = where[1] if isinstance(where, tuple) else page.slug
    title, slug = _text(page, "title"), _text(page, "slug")
    values = {
        "year": str(day.year), "month": f"{day.month:02d}",
        "monthname": _MONTHS[day.month - 1], "day": f"{day.day:02d}",
        "weekday": str(day.isoweekday() % 7), "weekdayname": _WEEKDAYS[day.isoweekday() % 7],
        "yearday": str(day.timetuple().tm_yday),
        "section": FOLDERS[page.kind], "sections": FOLDERS[page.kind],
        "title": urlize(title), "slug": urlize(slug or title),
        "filename": urlize(filename), "slugorfilename": urlize(slug or filename),
    }
    path = PERMALINK_TOKEN.sub(lambda m: values[m.group(1)], pattern)
    # Hugo query-unescapes the expanded pattern ('+' and '%20' become spaces) before it makes
    # the whole a path
    return urlize(unquote_plus(path)).strip("/")


def term_path_of(plural: str, term: str, settings: Settings) -> str:
    """The path (no leading or trailing slash, without the language prefix) Hugo serves the
    page of a taxonomy's term at: ``regions/almaty-region`` by default, or where the site's
    ``[permalinks]`` pattern of the taxonomy says. ``term`` is the term made a path segment
    (:func:`kzgraph.content.taxonomies.term_path`)."""
    pattern = settings.permalink(plural)
    if pattern is None:
        return f"{plural}/{term}"
    urlize = lambda text: term_path(text, lower=settings.path_to_lower,  # noqa: E731
                                    remove_accents=settings.remove_path_accents)
    values = {"section": plural, "sections": plural, "title": term, "slug": term,
              "filename": "", "slugorfilename": ""}
    path = PERMALINK_TOKEN.sub(lambda m: values[m.group(1)], pattern)
    return re.sub(r"/{2,}", "/", urlize(unquote_plus(path))).strip("/")
