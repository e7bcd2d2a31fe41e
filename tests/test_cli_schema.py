"""``kzgraph schema``: the front matter's JSON Schema, generated from the shapes, accepts and
rejects the same generated pages as kzgraph's own checks (mapping and SHACL)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from kzgraph.engine.pipeline import check
from kzgraph.check.schema import front_matter_schema
from kzgraph.cli import cli
from kzgraph.config import Settings
from kzgraph.content.load import load_content
from kzgraph.errors import ERROR
from conftest import BASE, CONTENT

DROP = object()
BASES = {
    "source": {"title": "Generated", "categories": ["local-ngo"], "countries": ["Kazakhstan"]},
    "category": {"title": "Generated"},
    "perspective": {"title": "Generated"},
    "guide": {"title": "Generated", "countries": ["KZ"]},
}
#: (kind, key, value, whether kzgraph should accept the page[, the page's language])
CASES = [
    ("source", None, None, True),
    ("source", "title", DROP, False),
    ("source", "title", "", False),
    ("source", "title", ["two", "titles"], False),
    ("source", "categories", DROP, False),
    ("source", "categories", [], False),
    ("source", "categories", ["local-ngos"], False),
    ("source", "categories", ["local-ngo", "government"], True),
    ("source", "categories", ["local-ngo", "goverment"], False),
    ("source", "countries", ["KZ"], True),
    ("source", "countries", ["Казахстан"], False),      # a Russian name in an English page
    ("source", "countries", ["Казахстан"], True, "ru"),
    ("source", "countries", ["Atlantis"], False),
    ("source", "languages", ["ru", "kk"], True),
    ("source", "languages", ["rus"], False),
    ("source", "homepage", "https://feminita.kz/", True),
    ("source", "homepage", "feminita.kz", False),
    ("source", "homepage", "ftp://feminita.kz/", False),
    ("source", "homepage", ["https://a.kz/", "https://b.kz/"], False),
    ("source", "created", "2023-11-21", True),
    ("source", "created", "2023-02-30", False),
    ("source", "date", "last December", False),
    ("source", "weight", 3, True),
    ("source", "weight", 2.5, False),
    ("source", "weight", "3", False),
    ("source", "tags", ["a", "b"], True),
    ("source", "tags", [], False),
    ("source", "linkTitle", "Gen", True),
    ("source", "contributor", ["Aizada Arystanbek"], True),
    ("source", "colour", "red", False),
    ("source", "perspectives", ["local-detail"], False),
    ("source", "draft", False, True),
    ("source", "draft", "yes", False),
    ("source", "publishDate", "2020-01-02", True),
    ("source", "publishDate", "2020-01-02T10:00:00+05:00", True),
    ("source", "expiryDate", "soon", False),
    ("source", "aliases", ["/old/feminita/"], True),
    ("source", "aliases", ["/old path/"], False),
    ("source", "slug", "feminita-kz", True),
    ("source", "slug", "a/b", False),
    ("source", "url", ["/a/", "/b/"], False),
    ("source", "layout", "wide", True),
    ("source", "menu", {"main": {"weight": 3}}, True),
    ("category", None, None, True),
    ("category", "perspectives", ["local-detail", "official-data"], True),
    ("category", "perspectives", ["local-details"], False),
    ("category", "blind_spots", ["sensitive-topics"], True),
    ("category", "blind_spots", ["nope"], False),
    ("category", "categories", ["ingo"], False),
    ("category", "schema_type", "NGO", True),
    ("category", "schema_type", "Ngo", False),
    ("category", "schema_type", "Person", False),
    ("source", "wikidata", "Q7817", True),
    ("source", "wikidata", "7817", False),
    ("perspective", None, None, True),
    ("perspective", "broader", "local-detail", True),
    ("perspective", "broader", "nope", False),
    ("perspective", "broader", ["local-detail"], False),
    ("guide", None, None, True),
    ("guide", "countries", DROP, False),
    ("guide", "countries", ["Narnia"], False),
    ("guide", "homepage", "https://x.kz/", False),
]
FOLDERS = {"guide": "guides", "source": "sources", "category": "categories",
           "perspective": "perspectives"}


_VALIDATORS: dict[tuple[str, Path, str], jsonschema.Draft202012Validator] = {}


def validator(kind: str, root: Path, lang: str) -> jsonschema.Draft202012Validator:
    """The schema's validator (with the date format checked), made and checked once."""
    if (kind, root, lang) not in _VALIDATORS:
        schema = front_matter_schema(kind, root, lang)
        jsonschema.Draft202012Validator.check_schema(schema)
        _VALIDATORS[(kind, root, lang)] = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return _VALIDATORS[(kind, root, lang)]


def _page(kind: str, key: str | None, value: object) -> str:
    front = dict(BASES[kind])
    if key is not None:
        if value is DROP:
            del front[key]
        else:
            front[key] = value
    lines = [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in front.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\nText.\n"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, dict[str, tuple]]:
    """Every case as a page of its own beside the real categories and perspectives, checked
    once: the slugs of the pages kzgraph rejects."""
    root = tmp_path_factory.mktemp("gen") / "content"
    for folder in ("categories", "perspectives"):
        shutil.copytree(CONTENT / folder, root / folder)
    cases = {}
    for n, case in enumerate(CASES):
        kind = case[0]
        slug = f"gen-{n:02d}"
        lang = case[4] if len(case) > 4 else "en"
        path = root / FOLDERS[kind] / slug / ("index.md" if lang == "en" else f"index.{lang}.md")
        path.parent.mkdir(parents=True)
        path.write_text(_page(*case[:3]), encoding="utf-8")
        cases[slug] = case
    outcome = check(Settings(base=BASE, content=root), "en", cache=False, jobs=1)
    rejected = {p.path.split("/")[2] for p in outcome.problems
                if p.severity == ERROR and p.path.startswith("content/")}
    return root, cases, rejected


def test_kzgraph_itself_accepts_and_rejects_as_the_cases_say(generated) -> None:
    _, cases, rejected = generated
    wrong = {slug: case for slug, case in cases.items() if (slug not in rejected) != case[3]}
    assert not wrong, wrong


def test_json_schema_agrees_with_kzgraph_on_every_page(generated) -> None:
    root, cases, rejected = generated
    pages = {p.slug: p for p in load_content(root).pages}
    disagree = {}
    for slug, case in cases.items():
        front = {k: f.value for k, f in pages[slug].fields.items()}
        check_ = validator(case[0], root, case[4] if len(case) > 4 else "en")
        accepted = not list(check_.iter_errors(front))
        if accepted != (slug not in rejected):
            disagree[slug] = (case, accepted)
    assert not disagree, disagree


def test_every_real_page_passes_its_schema() -> None:
    for page in load_content(CONTENT).pages:
        front = {k: f.value for k, f in page.fields.items()}
        errors = list(validator(page.kind, CONTENT, page.lang).iter_errors(front))
        assert not errors, (page.rel, errors[0].message)


def test_schema_command(runner, tmp_path) -> None:
    result = runner.invoke(cli, ["schema", "--kind", "source", "-c", str(CONTENT)])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert schema["required"] == ["categories", "title"]
    assert schema["properties"]["categories"]["items"]["enum"][:2] == ["government",
                                                                        "independent-media"]
    assert schema["additionalProperties"] is False
    out = tmp_path / "source.schema.json"
    assert runner.invoke(cli, ["schema", "--kind", "source", "-c", str(CONTENT), "-o",
                               str(out)]).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == schema
