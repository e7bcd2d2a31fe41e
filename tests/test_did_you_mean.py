"""Did you mean: a misspelt key, slug, country or language code is answered with the nearest
valid names, and a list of slugs says which of three cases it is -- the key is missing, an
unknown value stands beside known ones, or every value is unknown."""

from __future__ import annotations

import json

import pytest

from kzgraph.cli import cli
from kzgraph.errors import did_you_mean, nearest
from conftest import replace_in, write_page

FEMINITA_RU = "sources/feminita/index.ru.md"
LOCAL_NGO = "categories/local-ngo/index.md"


def _problems(runner, content, *extra: str) -> list[dict]:
    result = runner.invoke(cli, ["validate", "--format", "json", "--no-cache", "-c", str(content),
                                 *extra])
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)["problems"]


def _about(problems: list[dict], path: str, key: str) -> list[str]:
    return [p["message"] for p in problems if p["path"] == f"content/{path}" and p["key"] == key]


def test_nearest_ignores_case_and_underscores() -> None:
    assert nearest("Goverment", ["government", "ingo", "local-ngo"]) == ["government"]
    assert nearest("local_ngos", ["local-ngo", "local-media"])[0] == "local-ngo"
    assert nearest("zzz", ["government"]) == []
    assert did_you_mean("ingos", ["ingo", "government"]) == " Did you mean 'ingo'?"
    assert did_you_mean("ingos", ["ingo"], "ru") == " Возможно, имелось в виду 'ingo'?"
    assert did_you_mean("qqq", ["ingo"]) == ""


def test_unknown_key_gets_the_nearest_key(runner, content) -> None:
    replace_in(content / FEMINITA_RU, "description:", "descripton:")
    [message] = _about(_problems(runner, content), FEMINITA_RU, "descripton")
    assert "does not know the key 'descripton'" in message
    assert message.endswith("Did you mean 'description'?")


def test_all_unknown_categories(runner, content) -> None:
    replace_in(content / FEMINITA_RU, '"local-ngo"', '"local-ngos"')
    messages = _about(_problems(runner, content), FEMINITA_RU, "categories")
    assert len(messages) == 1, messages
    assert "'local-ngos' is not a known category" in messages[0]
    assert "none of the values of 'categories' is a known category" in messages[0]
    assert "Did you mean 'local-ngo'?" in messages[0]


def test_unknown_category_beside_a_known_one(runner, content) -> None:
    replace_in(content / FEMINITA_RU, '["local-ngo"]', '["local-ngo", "goverment"]')
    messages = _about(_problems(runner, content), FEMINITA_RU, "categories")
    assert len(messages) == 1, messages
    assert "'goverment' is not a known category" in messages[0]
    assert "beside the known 'local-ngo'" in messages[0]
    assert "Did you mean 'government'?" in messages[0]


def test_missing_categories(runner, content) -> None:
    write_page(content, "sources/new-source/index.md",
               '---\ntitle: "A new source"\ncountries: ["KZ"]\n---\n')
    messages = _about(_problems(runner, content), "sources/new-source/index.md", "categories")
    assert len(messages) == 1, messages
    assert messages[0].startswith("This source has no 'categories'. Add 'categories:'")
    assert "content/categories/" in messages[0]


def test_unknown_perspective_slug(runner, content) -> None:
    replace_in(content / LOCAL_NGO, '"marginalised-groups"', '"marginalized-groups"')
    [message] = _about(_problems(runner, content), LOCAL_NGO, "perspectives")
    assert "'marginalized-groups' is not a known perspective" in message
    assert "Did you mean 'marginalised-groups'?" in message


@pytest.mark.parametrize("old,new,suggested", [
    ('"Kazakhstan"', '"Kazakstan"', "'Kazakhstan'"),
    ('"Kazakhstan"', '"Kasachstan"', "'Kazakhstan'"),
])
def test_misspelt_country(runner, content, old, new, suggested) -> None:
    replace_in(content / "sources/feminita/index.md", old, new)
    [message] = _about(_problems(runner, content), "sources/feminita/index.md", "countries")
    assert f"{new[1:-1]!r} is not a country kzgraph knows" in message
    assert f"Did you mean {suggested}?" in message


@pytest.mark.parametrize("code,suggested", [("rus", "ru"), ("Russian", "ru"), ("kaz", "kk")])
def test_language_code_written_otherwise(runner, content, code, suggested) -> None:
    replace_in(content / "sources/ak_orda/index.md", '"ru"', f'"{code}"')
    [message] = _about(_problems(runner, content), "sources/ak_orda/index.md", "languages")
    assert f"'{code}' is not an ISO 639-1 language code" in message
    assert f"Did you mean '{suggested}'?" in message


def test_suggestions_in_russian(runner, content) -> None:
    replace_in(content / FEMINITA_RU, '["local-ngo"]', '["local-ngo", "goverment"]')
    messages = _about(_problems(runner, content, "--lang", "ru"), FEMINITA_RU, "categories")
    assert len(messages) == 1, messages
    assert "'goverment'" in messages[0] and "Возможно, имелось в виду 'government'?" in messages[0]
    assert "known" not in messages[0] and "Did you" not in messages[0]
