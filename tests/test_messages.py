"""Messages in the editor's language: one gettext catalogue per language (src/kzgraph/locale),
each holding exactly the messages the code says; English and Russian complete, Kazakh started;
the language from --lang, then KZGRAPH_LANG, then the locale; and ``validate --lang ru`` on every
broken case of tests/test_bad_input.py prints no English sentence."""

from __future__ import annotations

import re
import shutil
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from click.testing import CliRunner

from kzgraph.cli import cli
from kzgraph.errors import LOCALE_DIR, MESSAGE_LANGUAGES, Problem, message_language, msg
from conftest import CONTENT, ROOT
from test_bad_input import CASES

LANGUAGES = ("en", "ru", "kk")


def _catalogue(lang: str) -> dict[str, str]:
    with (LOCALE_DIR / f"{lang}.po").open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id}


def _in_the_code() -> set[str]:
    return {message for _, _, message, _, _ in extract_from_dir(
        ROOT / "src" / "kzgraph", method_map=[("**.py", "python")], keywords={"msg": None})}


def test_every_catalogue_holds_exactly_the_messages_of_the_code() -> None:
    code = _in_the_code()
    assert len(code) > 50
    for lang in LANGUAGES:
        ids = set(_catalogue(lang))
        assert ids - code == set(), f"{lang}.po has messages the code no longer says"
        assert code - ids == set(), f"{lang}.po lacks messages of the code"
    assert set(MESSAGE_LANGUAGES) == set(LANGUAGES)


def test_every_catalogue_is_complete() -> None:
    for lang in LANGUAGES:
        untranslated = [m for m, s in _catalogue(lang).items() if not s]
        assert untranslated == [], lang
    assert all(s == m for m, s in _catalogue("en").items())
    for lang in ("ru", "kk"):  # translated, not copied from English
        same = [m for m, s in _catalogue(lang).items() if s == m]
        assert same == [], (lang, same)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_fields_of_their_message(lang) -> None:
    for message, translation in _catalogue(lang).items():
        if translation:
            assert _fields(translation) == _fields(message), (lang, message)


def test_a_problem_prints_in_any_language_whatever_it_was_found_in() -> None:
    p = Problem("content/x/index.md", 3, "weight",
                msg("'{key}' has no value. Fill it in or remove the line.", key="weight"))
    assert str(p) == ("content/x/index.md:3 key 'weight': error: 'weight' has no value. Fill it "
                      "in or remove the line.")
    assert p.render("ru") == ("content/x/index.md:3 ключ 'weight': ошибка: У 'weight' нет "
                              "значения. Заполните его или удалите строку.")
    assert p.as_dict("ru")["message"].startswith("У 'weight' нет значения")
    assert "text" not in p.as_dict()


def test_the_language_comes_from_the_option_then_the_environment_then_the_locale(
        monkeypatch) -> None:
    for name in ("KZGRAPH_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert message_language(None) == "en"
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    assert message_language(None) == "ru"
    monkeypatch.setenv("KZGRAPH_LANG", "kk")
    assert message_language(None) == "kk"
    assert message_language("en") == "en"
    assert message_language("ru") == "ru"
    assert message_language("xx") == "en"


def test_validate_in_russian_from_the_environment(runner, content, monkeypatch) -> None:
    (content / "sources/feminita/index.md").write_text("", encoding="utf-8")
    monkeypatch.setenv("KZGRAPH_LANG", "ru")
    result = runner.invoke(cli, ["validate", "--no-cache", "-c", str(content)])
    assert result.exit_code == 1
    assert "ошибка: Файл пуст." in result.output
    assert re.search(r"Ошибок: 1, предупреждений: \d+\.\n$", result.output)


# -- no English sentence in a Russian report -------------------------------------------------------

QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|«[^»\n]*»|<[^>\n]*>|\([^()\n]*\.md\)")
#: three English words in a row (separated by spaces only: lists of keys are not sentences)
ENGLISH = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}\b")


def english_in(output: str) -> list[str]:
    found = []
    for line in output.splitlines():
        where, _, said = line.partition(": ")
        said = QUOTED.sub("", said)
        found += ENGLISH.findall(said)
    return found


def test_the_english_detector_finds_english() -> None:
    assert english_in("content/a.md:1 ключ 'x' [ru]: ошибка: This page has no 'title'.")
    assert not english_in("content/a.md:1 ключ 'x' [ru]: ошибка: Ключ 'a b c d' «one two three»")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_validate_in_russian_prints_no_english_sentence(case, tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    case.setup(root)
    result = CliRunner().invoke(cli, ["validate", "--lang", "ru", "--no-cache", "-c", str(root)])
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    assert english_in(result.output) == [], result.output[-3000:]
    assert re.search(r"^(Ошибок: \d+, предупреждений: \d+\.(?: Не опубликовано файлов страниц: \d+\.)?|Содержимое соответствует формам "
                     r"SHACL: проблем нет\.)$", result.stdout, re.M), result.output[-2000:]


def test_the_same_case_in_english_is_caught_by_the_detector(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    next(c for c in CASES if c.name == "unknown_category").setup(root)
    result = CliRunner().invoke(cli, ["validate", "--lang", "en", "--no-cache", "-c", str(root)])
    assert result.exit_code == 1
    assert english_in(result.output)
