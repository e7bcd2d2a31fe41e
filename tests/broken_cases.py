"""Broken content as data: each case is one edit of one file of a copy of content/.

Every case here breaks a rule of the SHACL shapes (it maps to at least one triple the shapes
reject), so any test can use them: ``test_shacl_engines.py`` checks that two SHACL engines agree
on each. ``old`` is the text replaced (first occurrence, which must exist); ``old=None`` creates
the file with ``new`` as its text (which must not exist yet).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BrokenCase:
    """One edit that breaks the content.

    :param name: a short id, used as the pytest id
    :param file: the file edited, relative to the content folder
    :param old: the text replaced, or None to create ``file``
    :param new: the replacement, or the whole text of a created file
    """

    name: str
    file: str
    old: str | None
    new: str


FEMINITA_EN = "sources/feminita/index.md"
FEMINITA_RU = "sources/feminita/index.ru.md"
LOCAL_NGO = "categories/local-ngo/index.md"

CASES: tuple[BrokenCase, ...] = (
    BrokenCase("unknown-category", FEMINITA_RU, '"local-ngo"', '"local-ngos"'),
    BrokenCase("unknown-perspective", LOCAL_NGO, '"marginalised-groups"',
               '"marginalized-groups"'),
    BrokenCase("unknown-blind-spot", LOCAL_NGO, "weight: 2",
               'blind_spots: ["no-such-perspective"]\nweight: 2'),
    BrokenCase("date-not-a-date", FEMINITA_RU, "created: 2023-11-21", "created: 2023-02-30"),
    BrokenCase("date-in-words", FEMINITA_EN, "date: 2023-12-03", "date: last December"),
    BrokenCase("created-disagrees", FEMINITA_RU, "created: 2023-11-21", "created: 2023-11-22"),
    BrokenCase("homepage-not-a-url", FEMINITA_EN, '"https://feminita.kz/"', '"feminita.kz"'),
    BrokenCase("homepages-disagree", FEMINITA_RU, '"https://feminita.kz/"',
               '"https://feminita.kz/ru/"'),
    BrokenCase("source-without-categories", "sources/new-source/index.md", None,
               '---\ntitle: "A new source"\ncountries: ["KZ"]\n---\n'),
    BrokenCase("weight-not-an-integer", LOCAL_NGO, "weight: 2", "weight: 2.5"),
    BrokenCase("weights-disagree", "categories/local-ngo/index.ru.md", "weight: 2", "weight: 3"),
    BrokenCase("unknown-broader", "perspectives/local-voices/index.md", "weight: 5",
               'broader: "no-such-perspective"\nweight: 5'),
)


def apply(case: BrokenCase, content: Path) -> Path:
    """Make the edit of ``case`` in the content folder ``content``; returns the file edited."""
    path = content / case.file
    if case.old is None:
        assert not path.exists(), f"{path} exists already"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(case.new, encoding="utf-8")
        return path
    text = path.read_text(encoding="utf-8")
    assert case.old in text, f"{case.old!r} not in {path}"
    path.write_text(text.replace(case.old, case.new, 1), encoding="utf-8")
    return path


def broken_copy(case: BrokenCase, source: Path, target: Path) -> Path:
    """A copy of the content folder ``source`` at ``target`` with ``case`` applied."""
    shutil.copytree(source, target)
    apply(case, target)
    return target
