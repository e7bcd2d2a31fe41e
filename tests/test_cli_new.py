"""``kzgraph new``: a page with every key the shapes know, commented, in each language asked for;
it validates as soon as its required values are filled in; bad or existing slugs are refused."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from kzgraph.check.scaffold import required_keys
from kzgraph.cli import cli
from kzgraph.graph.mapping import KEYS

FILLED = {"title": '"A new page"', "countries": '["KZ"]', "categories": '["local-ngo"]'}
FOLDERS = {"guide": "guides", "source": "sources", "category": "categories",
           "perspective": "perspectives"}


def _validate(runner, content: Path) -> tuple[int, list[dict]]:
    result = runner.invoke(cli, ["validate", "--format", "json", "--no-cache", "-c", str(content)])
    return result.exit_code, json.loads(result.stdout)["problems"]


def test_required_keys_come_from_the_shapes() -> None:
    assert required_keys() == {"guide": {"title", "countries"}, "source": {"title", "categories"},
                               "category": {"title"}, "perspective": {"title"}}


@pytest.mark.parametrize("kind", sorted(FOLDERS))
def test_new_page_validates_once_required_values_are_filled(runner, content, kind) -> None:
    result = runner.invoke(cli, ["new", kind, "a-new-one", "--lang", "ru,kk", "-c", str(content)])
    assert result.exit_code == 0, result.output
    folder = content / FOLDERS[kind] / "a-new-one"
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["index.kk.md", "index.md", "index.ru.md"]
    default = (folder / "index.md").read_text(encoding="utf-8")
    for key, spec in KEYS.items():   # every key of the kind, with what it means
        if kind in spec.kinds:
            assert re.search(rf"^# {key} \((required|optional)\): ", default, re.M), key
    if kind == "source":
        assert "local-ngo, regional-media" in default   # the slugs that exist today
    # as written, the new page is reported: each required key by file and line
    code, problems = _validate(runner, content)
    assert code == 1
    reported = {(p["path"].rsplit("/", 1)[-1], p["key"]) for p in problems}
    assert {("index.md", key) for key in required_keys()[kind]} <= reported
    assert all("a-new-one" in p["path"] for p in problems), problems
    # filled in, it conforms
    for path in folder.iterdir():
        text = path.read_text(encoding="utf-8")
        for key, value in FILLED.items():
            text = re.sub(rf'^{key}: (""|\[\])$', f"{key}: {value}", text, flags=re.M)
        path.write_text(text, encoding="utf-8")
        front = yaml.safe_load(text.split("---\n")[1])
        assert all(front[k] for k in required_keys()[kind] if k in front)
    code, problems = _validate(runner, content)
    assert (code, problems) == (0, [])


def test_new_refuses_an_existing_slug(runner, content) -> None:
    result = runner.invoke(cli, ["new", "source", "Feminita", "-c", str(content)])
    assert result.exit_code == 2
    assert "There is already a source 'feminita'" in result.output
    assert not (content / "sources/Feminita").exists()


@pytest.mark.parametrize("slug", ["two words", "-dash-first", "a/b", "ok!"])
def test_new_refuses_a_bad_slug(runner, content, slug) -> None:
    result = runner.invoke(cli, ["new", "-c", str(content), "category", "--", slug])
    assert result.exit_code == 2
    assert f"'{slug}' cannot be a slug" in result.output


def test_new_refuses_a_bad_language(runner, content) -> None:
    result = runner.invoke(cli, ["new", "source", "x", "--lang", "rus", "-c", str(content)])
    assert result.exit_code == 2
    assert "'rus' is not an ISO 639-1 language code" in result.output
    assert not (content / "sources/x").exists()


def test_new_in_a_hugo_site_with_language_folders(runner, tmp_path) -> None:
    """Each language's file goes into the language's content folder; a slug taken by a single
    file ('kazfem.md') or only in another language's folder is refused."""
    site = tmp_path / "site"
    shutil.copytree(Path(__file__).resolve().parent / "hugo_site", site)
    content = site / "content"
    result = runner.invoke(cli, ["new", "source", "new-one", "--lang", "ru", "-c", str(content)])
    assert result.exit_code == 0, result.output
    assert (content / "en/sources/new-one/index.md").is_file()
    assert (content / "ru/sources/new-one/index.md").is_file()
    for taken in ("kazfem", "zakon-ru"):
        refused = runner.invoke(cli, ["new", "source", taken, "-c", str(content)])
        assert refused.exit_code == 2, refused.output
        assert f"There is already a source '{taken}'" in refused.output


def test_each_language_file_is_commented_in_its_language(runner, content) -> None:
    """A translator opening index.ru.md or index.kk.md reads what each key means in that
    language (no English sentence: the detector of tests/test_messages.py); the keys, values
    and the YAML are the same as in an English-commented file."""
    from test_messages import english_in

    result = runner.invoke(cli, ["new", "category", "new-one", "--lang", "ru,kk,de",
                                 "-c", str(content)])
    assert result.exit_code == 0, result.output
    folder = content / "categories/new-one"
    texts = {lang: (folder / f"index.{lang}.md").read_text(encoding="utf-8")
             for lang in ("ru", "kk", "de")}
    comments = {lang: "\n".join(line[2:] for line in text.splitlines() if line.startswith("# "))
                for lang, text in texts.items()}
    for lang in ("ru", "kk"):
        assert english_in(comments[lang]) == [], comments[lang]
        assert all(len(line) <= 100 for line in texts[lang].splitlines())
    assert "# title (обязательно): название страницы на этом языке (текст)." in texts["ru"]
    assert "# title (міндетті): беттің осы тілдегі атауы (мәтін)." in texts["kk"]
    assert english_in(comments["de"])  # no German messages: English comments
    # the same keys and values, whatever the language of the comments
    def data(text: str) -> list[str]:
        return [line for line in text.splitlines()
                if re.match(r"^(# )?[A-Za-z_]+: ", line) and "(" not in line.split(":")[0]]
    assert data(texts["ru"]) == data(texts["kk"]) == data(texts["de"])
    assert yaml.safe_load(texts["kk"].split("---\n")[1]) == {"title": ""}
