"""Which texts each page has in each language: the translation status of the content.

For every page (kind and slug) and every language, each text an editor writes -- the title, the
description, the body and, on a guide, each section's title -- is *present*, *missing* (the
language's file lacks it, or there is no file in that language) or *outdated* (the file has it,
but its ``date`` is older than the default language's). A text no language version has is not
expected of any. No RDF here: the loaded pages are enough.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kzgraph.content.guidebody import parse_guide_body
from kzgraph.content.load import Content, Page
from kzgraph.errors import msg

PRESENT, MISSING, OUTDATED = "present", "missing", "outdated"
STATES = (PRESENT, MISSING, OUTDATED)


@dataclass(frozen=True, order=True)
class Cell:
    """One text of one page in one language.

    :param kind: ``guide``, ``source``, ``category`` or ``perspective``
    :param slug: the page's folder name
    :param lang: the language
    :param key: ``title``, ``description``, ``body`` or ``section N`` (a guide's N-th section title)
    :param state: ``present``, ``missing`` or ``outdated``
    :param file: the file that holds (or would hold) the text, as editors see it
    """

    kind: str
    slug: str
    lang: str
    key: str
    state: str
    file: str


@dataclass(frozen=True)
class Totals:
    """The figures of one language: texts expected, and how many are present, missing, outdated."""

    lang: str
    expected: int
    present: int
    missing: int
    outdated: int

    @property
    def covered(self) -> float:
        """The share of expected texts that are present and up to date (0..1)."""
        return self.present / self.expected if self.expected else 1.0


@dataclass
class Status:
    """Every cell, in page, language and key order, and the languages it covers."""

    languages: list[str]
    default_language: str
    cells: list[Cell]

    def totals(self) -> list[Totals]:
        count: dict[str, dict[str, int]] = {lang: dict.fromkeys(STATES, 0)
                                            for lang in self.languages}
        for cell in self.cells:
            count[cell.lang][cell.state] += 1
        return [Totals(lang, sum(c.values()), c[PRESENT], c[MISSING], c[OUTDATED])
                for lang, c in count.items()]

    def gaps(self) -> list[Cell]:
        return [c for c in self.cells if c.state != PRESENT]

    def missing_in(self, languages: list[str]) -> list[Cell]:
        return [c for c in self.cells if c.state == MISSING and c.lang in languages]


def _texts(page: Page) -> list[str]:
    """The text keys a page file has, in a stable order."""
    keys = [k for k in ("title", "description")
            if isinstance(page.fields[k].value if k in page.fields else None, (str, int, float))
            and str(page.fields[k].value).strip()]
    if page.kind == "guide":
        body = parse_guide_body(page.body, page.body_line)
        if any(p.strip() for p in body.intro):
            keys.append("body")
        keys += [f"section {s.position}" for s in body.sections if s.title.strip()]
    elif page.body.strip():
        keys.append("body")
    return keys


def _order(key: str) -> tuple[int, int]:
    fixed = {"title": 0, "description": 1, "body": 2}
    if key in fixed:
        return fixed[key], 0
    return 3, int(key.split()[1])


def _date(page: Page | None) -> str | None:
    fld = page.fields.get("date") if page is not None else None
    value = str(fld.value) if fld is not None else ""
    return value if len(value) == 10 and value[4] == "-" and value[7] == "-" else None


def _file_for(sibling: Page, lang: str, default_language: str,
              language_dirs: dict[str, str] | None) -> str:
    """Where the ``lang`` version of a page goes, as editors see paths: beside ``sibling``
    (``index.ru.md`` by ``index.md``, ``feminita.ru.md`` by ``feminita.md``), or in the
    language's own content folder when the site gives it one."""
    parts = sibling.rel.split("/")
    dirs = {code: folder for folder, code in (language_dirs or {}).items()}
    if len(parts) > 2 and sibling.lang in dirs and parts[1] == dirs[sibling.lang]:
        if lang in dirs:
            return "/".join([parts[0], dirs[lang], *parts[2:]])
        parts = [parts[0], *parts[2:]]
    stem = parts[-1][:-len(".md")]
    if stem.endswith(f".{sibling.lang}"):
        stem = stem[:-len(sibling.lang) - 1]
    parts[-1] = f"{stem}.md" if lang == default_language or lang in dirs else f"{stem}.{lang}.md"
    return "/".join(parts)


def status(content: Content, default_language: str, languages: list[str] = (),
           language_dirs: dict[str, str] | None = None) -> Status:
    """The status of every page of ``content``, in the languages its files are written in and
    any others asked for. A file is *outdated* when its ``date`` (YYYY-MM-DD) is earlier than
    that of the default language's file."""
    langs = sorted({p.lang for p in content.pages} | set(languages) | {default_language},
                   key=lambda lang: (lang != default_language, lang))
    pages: dict[tuple[str, str], dict[str, Page]] = defaultdict(dict)
    for page in content.pages:
        pages[(page.kind, page.slug)][page.lang] = page
    cells: list[Cell] = []
    for (kind, slug), versions in sorted(pages.items()):
        texts = {lang: set(_texts(page)) for lang, page in versions.items()}
        expected = sorted(set().union(*texts.values()), key=_order)
        reference = _date(versions.get(default_language))
        for lang in langs:
            page = versions.get(lang)
            if page is not None:
                file = page.rel
            else:
                sibling = versions.get(default_language) or next(iter(versions.values()))
                file = _file_for(sibling, lang, default_language, language_dirs)
            own = _date(page)
            older = (lang != default_language and reference is not None and own is not None
                     and own < reference)
            for key in expected:
                state = (MISSING if page is None or key not in texts[lang]
                         else OUTDATED if older else PRESENT)
                cells.append(Cell(kind, slug, lang, key, state, file))
    return Status(langs, default_language, cells)


# -- writing it out ------------------------------------------------------------------------------

def _gap_rows(st: Status) -> list[tuple[str, str, str, str]]:
    """Per file (written or to write), the keys missing and outdated:
    (file, lang, missing, outdated)."""
    grouped: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(
        lambda: {MISSING: [], OUTDATED: []})
    for c in st.gaps():
        grouped[(c.file, c.lang)][c.state].append(c.key)
    return [(file, lang, ", ".join(g[MISSING]), ", ".join(g[OUTDATED]))
            for (file, lang), g in grouped.items()]


def as_text(st: Status, lang: str = "en") -> str:
    """The gaps, file by file, then the totals per language, in words of ``lang``."""
    rows = _gap_rows(st)
    out: list[str] = []
    if rows:
        width = max(len(r[0]) for r in rows)
        for file, _, missing, outdated in rows:
            parts = ([msg("missing {keys}", keys=missing)] if missing else []) + \
                ([msg("older than {language}: {keys}", language=st.default_language,
                      keys=outdated)] if outdated else [])
            out.append(f"{file:<{width}}  {'; '.join(p.render(lang) for p in parts)}")
        out.append("")
    else:
        out.append(msg("Every page has every text in {languages}.",
                       languages=", ".join(st.languages)).render(lang))
    for t in st.totals():
        out.append(msg("{language}: {present} of {expected} texts present and up to date "
                       "({covered}), {missing} missing, {outdated} outdated.",
                       language=t.lang, present=t.present, expected=t.expected,
                       covered=f"{t.covered:.0%}", missing=t.missing,
                       outdated=t.outdated).render(lang))
    return "\n".join(out) + "\n"


def as_markdown(st: Status, lang: str = "en") -> str:
    """The totals, then the gaps, as Markdown tables (for a pull-request comment)."""
    head = [msg("Language"), msg("Present"), msg("Missing"), msg("Outdated"), msg("Covered")]
    out = ["| " + " | ".join(m.render(lang) for m in head) + " |", "|---|---:|---:|---:|---:|"]
    out += [f"| {t.lang} | {t.present} | {t.missing} | {t.outdated} | {t.covered:.0%} |"
            for t in st.totals()]
    rows = _gap_rows(st)
    if rows:
        head = [msg("File"), msg("Language"), msg("Missing"), msg("Outdated")]
        out += ["", "| " + " | ".join(m.render(lang) for m in head) + " |", "|---|---|---|---|"]
        out += [f"| {p} | {code} | {m} | {o} |" for p, code, m, o in rows]
    return "\n".join(out) + "\n"


def as_json(st: Status, lang: str = "en") -> str:
    """Every cell and the totals (keys and states are data, the same in every language)."""
    document = {
        "default_language": st.default_language,
        "languages": st.languages,
        "totals": [{**asdict(t), "covered": round(t.covered, 4)} for t in st.totals()],
        "cells": [asdict(c) for c in st.cells],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def as_csv(st: Status, lang: str = "en") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["kind", "slug", "lang", "key", "state", "file"])
    writer.writerows((c.kind, c.slug, c.lang, c.key, c.state, c.file) for c in st.cells)
    return buffer.getvalue()


WRITERS = {"text": as_text, "markdown": as_markdown, "json": as_json, "csv": as_csv}


def languages_covered(st: Status) -> dict[str, float]:
    """Each language and the share of expected texts it has up to date (for the dataset
    description)."""
    return {t.lang: t.covered for t in st.totals()}




# -- the same figures, summed by parts (for the build's dataset description) ---------------------

@dataclass
class Coverage:
    """:meth:`Status.totals` as sums a build adds up part by part: the texts expected (of every
    resource, in any one language), and per language how many are present and up to date, and
    how many present but outdated. Missing = expected - present - outdated."""

    expected: int = 0
    present: dict[str, int] = field(default_factory=dict)
    outdated: dict[str, int] = field(default_factory=dict)
    languages: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, pages: list[Page], default_language: str) -> "Coverage":
        """The figures of some pages (whole resources: all of a resource's files)."""
        out = cls()
        found = status(Content(Path("content"), pages, []), default_language)
        out.languages = {p.lang for p in pages}
        for c in found.cells:
            if c.lang == default_language:
                out.expected += 1
            if c.state == PRESENT:
                out.present[c.lang] = out.present.get(c.lang, 0) + 1
            elif c.state == OUTDATED:
                out.outdated[c.lang] = out.outdated.get(c.lang, 0) + 1
        return out

    def add(self, other: "Coverage") -> None:
        self.expected += other.expected
        for mine, theirs in ((self.present, other.present), (self.outdated, other.outdated)):
            for lang, n in theirs.items():
                mine[lang] = mine.get(lang, 0) + n
        self.languages |= other.languages

    def totals(self, default_language: str) -> list[Totals]:
        langs = sorted(self.languages | {default_language},
                       key=lambda lang: (lang != default_language, lang))
        return [Totals(lang, self.expected, self.present.get(lang, 0),
                       self.expected - self.present.get(lang, 0) - self.outdated.get(lang, 0),
                       self.outdated.get(lang, 0)) for lang in langs]
