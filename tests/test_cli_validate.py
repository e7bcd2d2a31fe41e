"""`kzgraph validate`: real content conforms; each kind of broken content is reported by file,
key and line, and the rest of the content still loads."""

from __future__ import annotations

import json

from rdflib import Graph, URIRef

from kzgraph.cli import cli
from kzgraph.config import Settings
from kzgraph.engine.pipeline import load_and_map
from kzgraph.vocab import KZ, RDF, SH
from conftest import BASE, CONTENT, replace_in

FEMINITA_RU = "sources/feminita/index.ru.md"
GUIDE_RU = "guides/kazakhstan/index.ru.md"


def _json(runner, content):
    result = runner.invoke(cli, ["validate", "--format", "json", "-c", str(content)])
    return result, json.loads(result.stdout)


def _still_loads_everything_else(content, broken_slug):
    """The other eleven sources and the guide are still in the graph."""
    result = load_and_map(Settings(base=BASE, content=content))
    sources = {str(s) for s in result.mapped.graph.subjects(RDF.type, KZ.Source)}
    others = {s for s in sources if f"/{broken_slug}/" not in s}
    assert len(others) == 11, sorted(sources)
    assert (URIRef(BASE + "guides/kazakhstan/"), RDF.type, KZ.Guide) in result.mapped.graph


def test_real_content_conforms(runner):
    result = runner.invoke(cli, ["validate", "-c", str(CONTENT)])
    assert result.exit_code == 0, result.output
    assert result.output == "The content conforms to the shapes: no problems.\n"


def test_malformed_yaml_names_file_and_line(runner, content):
    replace_in(content / FEMINITA_RU, 'title: "Feminita"', 'title: "Feminita')
    result, report = _json(runner, content)
    assert result.exit_code == 1
    [problem] = [p for p in report["problems"] if p["path"] == "content/" + FEMINITA_RU]
    assert problem["line"] == 2
    assert "not valid YAML" in problem["message"]
    # the English version of Feminita and every other page still load
    mapped = load_and_map(Settings(base=BASE, content=content)).mapped
    assert len(set(mapped.graph.subjects(RDF.type, KZ.Source))) == 12


def test_missing_title(runner, content):
    path = content / "sources/kazfem/index.md"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(l for l in lines if not l.startswith("title:")), encoding="utf-8")
    result, report = _json(runner, content)
    assert result.exit_code == 1
    problems = [p for p in report["problems"] if p["key"] == "title"]
    assert len(problems) == 1, problems
    assert problems[0]["path"] == "content/sources/kazfem/index.md"
    assert problems[0]["line"] == 2 and problems[0]["lang"] == "en"
    assert "Add a 'title:' line" in problems[0]["message"]
    _still_loads_everything_else(content, "kazfem")


def test_missing_title_everywhere_is_one_message_per_file(runner, content):
    for name in ("index.md", "index.ru.md"):
        path = content / "sources/kazfem" / name
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(l for l in lines if not l.startswith("title:")),
                        encoding="utf-8")
    result, report = _json(runner, content)
    titles = sorted((p["path"], p["stage"]) for p in report["problems"] if p["key"] == "title")
    assert titles == [("content/sources/kazfem/index.md", "map"),
                      ("content/sources/kazfem/index.ru.md", "map")]


def test_unknown_category(runner, content):
    replace_in(content / FEMINITA_RU, '"local-ngo"', '"local-ngos"')
    result, report = _json(runner, content)
    assert result.exit_code == 1
    [problem] = report["problems"]
    assert problem["path"] == "content/" + FEMINITA_RU
    assert problem["key"] == "categories"
    assert problem["lang"] == "ru"
    line = next(i for i, l in enumerate((content / FEMINITA_RU).read_text().splitlines(), 1)
                if l.startswith("categories:"))
    assert problem["line"] == line
    assert "known category" in problem["message"] and "'local-ngos'" in problem["message"]


def test_dead_link_in_guide(runner, content):
    replace_in(content / GUIDE_RU, "/sources/sources/kazfem/", "/sources/sources/kazfemm/")
    result, report = _json(runner, content)
    assert result.exit_code == 1
    [problem] = report["problems"]
    assert problem["path"] == "content/" + GUIDE_RU
    line = next(i for i, l in enumerate((content / GUIDE_RU).read_text().splitlines(), 1)
                if "kazfemm" in l)
    assert problem["line"] == line
    assert "leads nowhere" in problem["message"] and "kazfemm" in problem["message"]


def test_dead_category_link_in_guide(runner, content):
    replace_in(content / GUIDE_RU, "(/category/local-ngo)", "(/category/local-ngos)")
    result, report = _json(runner, content)
    assert result.exit_code == 1
    [problem] = report["problems"]
    line = next(i for i, l in enumerate((content / GUIDE_RU).read_text().splitlines(), 1)
                if "local-ngos" in l)
    assert problem["line"] == line and "no category 'local-ngos'" in problem["message"]


def test_date_that_is_not_a_date(runner, content):
    replace_in(content / FEMINITA_RU, "created: 2023-11-21", "created: 2023-02-30")
    result, report = _json(runner, content)
    assert result.exit_code == 1
    assert {p["key"] for p in report["problems"]} == {"created"}
    bad_value = [p for p in report["problems"] if "'2023-02-30'" in p["message"]]
    assert bad_value and all(p["path"] == "content/" + FEMINITA_RU for p in bad_value)
    assert all("YYYY-MM-DD" in p["message"] for p in bad_value)
    assert bad_value[0]["line"] == 8


def test_languages_disagree_on_a_date(runner, content):
    replace_in(content / FEMINITA_RU, "created: 2023-11-21", "created: 2023-11-22")
    result, report = _json(runner, content)
    assert result.exit_code == 1
    # one error, on the translation, naming the file and line it disagrees with
    [problem] = report["problems"]
    assert problem["path"] == "content/" + FEMINITA_RU and problem["key"] == "created"
    assert "'2023-11-22' here but '2023-11-21' in content/sources/feminita/index.md:8" in \
        problem["message"]


def test_unknown_key_is_reported_not_dropped(runner, content):
    replace_in(content / FEMINITA_RU, "title:", "founder: Someone\ntitle:")
    result, report = _json(runner, content)
    assert result.exit_code == 1
    [problem] = report["problems"]
    assert problem["key"] == "founder" and "would be lost" in problem["message"]


def test_unknown_country(runner, content):
    replace_in(content / FEMINITA_RU, "[\"Казахстан\"]", "[\"Нарния\"]")
    result, report = _json(runner, content)
    [problem] = report["problems"]
    assert problem["key"] == "countries" and "'Нарния' is not a country" in problem["message"]


def test_text_report_and_russian_messages(runner, content):
    replace_in(content / FEMINITA_RU, '"local-ngo"', '"nope"')
    result = runner.invoke(cli, ["validate", "-c", str(content), "--lang", "ru"])
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith(f"content/{FEMINITA_RU}:")
    assert "ключ 'categories' [ru]: ошибка:" in first
    assert "не является известной категорией" in first
    assert result.output.endswith("Ошибок: 1, предупреждений: 0.\n")


def test_turtle_report_is_a_shacl_report(runner, content):
    replace_in(content / FEMINITA_RU, '"local-ngo"', '"nope"')
    result = runner.invoke(cli, ["validate", "-f", "turtle", "-c", str(content)])
    assert result.exit_code == 1
    g = Graph().parse(data=result.stdout, format="turtle")
    [report] = list(g.subjects(RDF.type, SH.ValidationReport))
    assert g.value(report, SH.conforms).toPython() is False
    [r] = list(g.objects(report, SH.result))
    assert str(g.value(r, KZ.file)) == "content/" + FEMINITA_RU
    assert str(g.value(r, KZ.key)) == "categories"


def test_could_not_run_exits_2(runner, tmp_path):
    result = runner.invoke(cli, ["validate", "-c", str(tmp_path / "missing")])
    assert result.exit_code == 2
