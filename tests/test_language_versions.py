"""One rule for every language version of a page: what is not text must agree, a disagreement
is one error naming both files, and a problem in one file is reported on that file, once."""

from __future__ import annotations

from kzgraph.config import Settings
from kzgraph.engine.pipeline import check
from conftest import BASE, replace_in, write_page

ZAKON_KK = """---
title: "Zakon.kz"
categories: ["government"]
countries: ["Қазақстан"]
---

Қазақстандық жаңалықтар порталы.
"""


def _problems(content):
    outcome = check(Settings(base=BASE, content=content), cache=False, jobs=1)
    return [p for p in outcome.problems if p.severity != "info"]


def test_categories_that_disagree_are_one_error_naming_both_files(content):
    write_page(content, "sources/zakon_kz/index.kk.md", ZAKON_KK)
    [problem] = _problems(content)
    assert problem.path == "content/sources/zakon_kz/index.kk.md" and problem.line == 3
    assert problem.key == "categories"
    assert "'government' here but 'state-media' in content/sources/zakon_kz/index.md:5" in \
        problem.message


def test_a_bad_homepage_in_one_file_is_reported_on_that_file_once(content):
    replace_in(content / "sources/feminita/index.ru.md", '"https://feminita.kz/"',
               '"feminita.kz"')
    write_page(content, "sources/feminita/index.kk.md",
               '---\ntitle: "Feminita"\ncategories: ["local-ngo"]\n'
               'homepage: "https://feminita.kz/"\n---\n')
    problems = _problems(content)
    assert [(p.path, p.key) for p in problems] == [
        ("content/sources/feminita/index.ru.md", "homepage")], problems
    assert "full web address" in problems[0].message


def test_a_date_error_is_printed_once(content):
    replace_in(content / "sources/feminita/index.ru.md", "created: 2023-11-21",
               "created: 2023-02-30")
    problems = _problems(content)
    assert [(p.path, p.key) for p in problems] == [
        ("content/sources/feminita/index.ru.md", "created")], problems


def test_translation_keys_must_agree(content):
    replace_in(content / "sources/feminita/index.md", "title:", 'translationKey: "fem"\ntitle:')
    replace_in(content / "sources/feminita/index.ru.md", "title:",
               'translationKey: "feminita"\ntitle:')
    [problem] = _problems(content)
    assert problem.path == "content/sources/feminita/index.ru.md"
    assert problem.key == "translationKey" and "'fem'" in problem.message
