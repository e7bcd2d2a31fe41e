"""``kzgraph status``: every page x language x text, checked against gaps computed here
independently (by reading the files with regular expressions, not with kzgraph's loader)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kzgraph.cli import cli

CONTENT = Path(__file__).resolve().parents[1] / "content"
FRONT = re.compile(r"\A---[ \t]*\n(?P<front>.*?)\n---[ \t]*\n(?P<body>.*)\Z", re.S)


def _texts(path: Path) -> tuple[set[str], str | None]:
    """The text keys one file has, and its date, read with regular expressions."""
    m = FRONT.match(path.read_text(encoding="utf-8"))
    assert m, path
    front, body = m.group("front"), m.group("body")
    keys = {k for k in ("title", "description")
            if re.search(rf'^{k}:[ \t]*(?:"?[^"\s]|\n[ \t]+\S)', front, re.M)}
    date = re.search(r"^date: *(\d{4}-\d{2}-\d{2})", front, re.M)
    if path.parent.parent.name == "guides":
        intro = body.split("\n## ", 1)[0] if not body.startswith("## ") else ""
        if intro.strip():
            keys.add("body")
        headings = re.findall(r"^## +\S", body, re.M)
        keys |= {f"section {n}" for n in range(1, len(headings) + 1)}
    elif body.strip():
        keys.add("body")
    return keys, date.group(1) if date else None


def expected_gaps(root: Path, languages: list[str]) -> set[tuple[str, str, str]]:
    """(file, key, state) for every text that is missing or older than the English one."""
    gaps = set()
    for folder in sorted(p for p in root.glob("*/*") if p.is_dir()):
        files = {("en" if f.name == "index.md" else f.name.split(".")[1]): f
                 for f in folder.glob("index*.md")}
        texts = {lang: _texts(f) for lang, f in files.items()}
        wanted = set().union(*(keys for keys, _ in texts.values()))
        english_date = texts.get("en", (None, None))[1]
        for lang in languages:
            name = "index.md" if lang == "en" else f"index.{lang}.md"
            shown = f"{root.name}/{folder.parent.name}/{folder.name}/{name}"
            keys, date = texts.get(lang, (set(), None))
            for key in wanted:
                if key not in keys:
                    gaps.add((shown, key, "missing"))
                elif lang != "en" and date and english_date and date < english_date:
                    gaps.add((shown, key, "outdated"))
    return gaps


def _run(*args: str):
    return CliRunner().invoke(cli, ["status", *args], catch_exceptions=False)


def _gaps(output: str) -> set[tuple[str, str, str]]:
    return {(c["file"], c["key"], c["state"]) for c in json.loads(output)["cells"]
            if c["state"] != "present"}


def test_the_real_content_has_no_gap_in_english_and_russian() -> None:
    result = _run("--content", str(CONTENT), "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["languages"] == ["en", "ru"]
    assert _gaps(result.stdout) == expected_gaps(CONTENT, ["en", "ru"]) == set()
    totals = {t["lang"]: t for t in document["totals"]}
    assert totals["en"]["present"] == totals["ru"]["present"] == totals["en"]["expected"] > 100


def test_a_required_language_nobody_wrote_yet_lists_every_text() -> None:
    result = _run("--content", str(CONTENT), "--format", "json", "--require", "kk")
    assert result.exit_code == 1
    gaps = _gaps(result.stdout)
    assert gaps == expected_gaps(CONTENT, ["en", "kk", "ru"])
    assert ("content/guides/kazakhstan/index.kk.md", "section 5", "missing") in gaps
    assert len(gaps) == json.loads(result.stdout)["totals"][1]["expected"]


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    (root / "sources/feminita/index.ru.md").unlink()                      # no Russian file
    ru = root / "sources/ak_orda/index.ru.md"                             # no Russian description
    ru.write_text(re.sub(r"^description:.*\n", "", ru.read_text(encoding="utf-8"), flags=re.M),
                  encoding="utf-8")
    en = root / "sources/zakon_kz/index.md"                               # English edited later
    en.write_text(en.read_text(encoding="utf-8").replace("date: 2023-12-03", "date: 2024-02-01"),
                  encoding="utf-8")
    guide = root / "guides/kazakhstan/index.ru.md"                        # one section untitled
    text = guide.read_text(encoding="utf-8")
    last = text.rindex("\n## ")
    guide.write_text(text[:last] + "\n" + text[last + 4:], encoding="utf-8")
    only_ru = root / "perspectives/local-detail/index.md"                 # only a Russian file
    only_ru.unlink()
    return root


def test_status_of_a_broken_copy_lists_exactly_the_gaps(broken: Path) -> None:
    result = _run("--content", str(broken), "--format", "json")
    assert result.exit_code == 0, result.output
    gaps = _gaps(result.stdout)
    assert gaps == expected_gaps(broken, ["en", "ru"])
    assert {("content/sources/feminita/index.ru.md", "title", "missing"),
            ("content/sources/ak_orda/index.ru.md", "description", "missing"),
            ("content/sources/zakon_kz/index.ru.md", "title", "outdated"),
            ("content/guides/kazakhstan/index.ru.md", "section 5", "missing"),
            ("content/perspectives/local-detail/index.md", "title", "missing")} <= gaps


def test_require_exits_1_only_for_a_language_that_misses_something(broken: Path) -> None:
    assert _run("--content", str(broken), "--require", "ru").exit_code == 1
    assert _run("--content", str(broken), "--require", "en").exit_code == 1  # local-detail
    (broken / "perspectives/local-detail/index.ru.md").unlink()
    assert _run("--content", str(broken), "--require", "en").exit_code == 0
    # outdated is reported but does not fail a required language
    assert _run("--content", str(CONTENT), "--require", "ru,en").exit_code == 0


def test_text_markdown_and_csv_say_the_same(broken: Path) -> None:
    text = _run("--content", str(broken)).stdout
    assert re.search(r"^content/sources/feminita/index.ru.md +missing title, description, body$",
                     text, re.M), text
    assert "content/sources/zakon_kz/index.ru.md" in text and "older than en" in text
    assert re.search(r"^ru: \d+ of \d+ texts present and up to date \(\d+%\), 5 missing, "
                     r"3 outdated\.$", text, re.M), text
    markdown = _run("--content", str(broken), "--format", "markdown").stdout
    assert markdown.startswith("| Language | Present | Missing | Outdated | Covered |\n")
    assert "| content/sources/ak_orda/index.ru.md | ru | description |  |" in markdown
    rows = list(csv.DictReader(io.StringIO(_run("--content", str(broken), "--format",
                                                "csv").stdout)))
    assert {(r["file"], r["key"], r["state"]) for r in rows if r["state"] != "present"} == \
        expected_gaps(broken, ["en", "ru"])


def test_status_of_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    result = _run("--content", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "nowhere" in result.output


def test_a_hugo_site_with_language_folders_and_translation_keys() -> None:
    """Pages in content/<lang>/ folders and single files; 'zakon-ru.md' is the Russian
    version of 'zakon/index.md' by its translationKey; the files to write are named where
    Hugo looks for them."""
    site = Path(__file__).resolve().parent / "hugo_site" / "content"
    result = _run("--content", str(site), "--format", "json", "--require", "ru")
    assert result.exit_code == 1
    gaps = {(c["file"], c["state"]) for c in json.loads(result.stdout)["cells"]
            if c["state"] != "present"}
    assert {file for file, _ in gaps} == {
        "content/ru/_index.md", "content/ru/categories/_index.md",
        "content/ru/perspectives/local-voices.md", "content/ru/sources/draft-source/index.md",
        "content/ru/sources/expired-source.md", "content/ru/sources/future-source.md",
        "content/ru/sources/kazfem.md"}
    assert {state for _, state in gaps} == {"missing"}


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_status_in_the_translators_language_says_the_same_figures(broken: Path, lang) -> None:
    """A Russian or Kazakh translator reads the report in their language: the same files, keys
    and figures as the English one, with no English sentence (the detector of
    tests/test_messages.py)."""
    from test_messages import english_in

    english = _run("--content", str(broken)).stdout
    result = _run("--content", str(broken), "--lang", lang, "--require", "ru")
    assert result.exit_code == 1
    said = result.stdout
    assert english_in(said) == [] and english_in(result.stderr) == [], said
    # the same files, counts and shares (a language may say them in another order)
    assert sorted(re.findall(r"\d+", said)) == sorted(re.findall(r"\d+", english))
    assert [line.split()[0] for line in said.splitlines() if line.startswith("content/")] == \
        [line.split()[0] for line in english.splitlines() if line.startswith("content/")]
    word = {"ru": "нет: title, description, body", "kk": "жоқ: title, description, body"}[lang]
    assert re.search(rf"^content/sources/feminita/index.ru.md +{word}$", said, re.M), said
    assert {"ru": "Не хватает текстов", "kk": "Жетіспейтін мәтіндер"}[lang] in result.stderr
    markdown = _run("--content", str(broken), "--format", "markdown", "--lang", lang).stdout
    assert markdown.startswith({"ru": "| Язык | Есть | Нет | Устарели | Охват |\n",
                                "kk": "| Тіл | Бар | Жоқ | Ескірген | Қамту |\n"}[lang])
    # the data formats are data: the same in every language
    for fmt in ("json", "csv"):
        assert _run("--content", str(broken), "--format", fmt, "--lang", lang).stdout == \
            _run("--content", str(broken), "--format", fmt).stdout
