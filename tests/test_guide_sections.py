"""A guide's sections keep their identity across its language versions: by Hugo heading ID
(``## Title {#id}``), else by the categories they link, else by position. Versions that
disagree are an error naming both files and lines, and nothing is attached to the wrong
section."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal, URIRef

from kzgraph.engine.pipeline import load_and_map
from kzgraph.config import Settings
from kzgraph.vocab import DCTERMS, KZ, SCHEMA, SKOS
from conftest import BASE, replace_in

GUIDE = URIRef(BASE + "guides/kazakhstan/")
EN = "guides/kazakhstan/index.md"
RU = "guides/kazakhstan/index.ru.md"
WEF = URIRef(BASE + "sources/sources/wef_global_gender_gap_report/")
INTRO_RU = "## Введение\n\nЭто руководство для тех, кто начинает.\n\n"
INTRO_EN = "## Introduction\n\nThis guide is for those who start.\n\n"


def _line(root: Path, rel: str, needle: str) -> int:
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def _errors(result, rel: str) -> list[str]:
    return [f"{p.line}: {p.message}" for p in result.problems
            if p.path == f"content/{rel}" and p.severity == "error"]


def _run(root: Path):
    return load_and_map(Settings(base=BASE, content=root))


def test_an_extra_heading_in_one_language_is_an_error_naming_both_files(content):
    replace_in(content / RU, "## Международные", INTRO_RU + "## Международные")
    result = _run(content)
    assert not result.ok
    line = _line(content, RU, "## Введение")
    [message] = [m for m in _errors(result, RU) if m.startswith(f"{line}: ")]
    assert "'Введение' has no counterpart in content/guides/kazakhstan/index.md" in message
    # the English file's section lines are named, so the editor finds the place
    assert str(_line(content, EN, "## International")) in message
    assert not [p for p in result.problems if p.path.endswith(EN)]
    # nothing attached to the wrong section: section 1 is the INGO section in both languages
    g = result.mapped.graph
    first = URIRef(f"{GUIDE}#section-1")
    assert {str(t) for t in g.objects(first, DCTERMS.title)} == {
        "International Non-Governmental Organizations (INGOs)",
        "Международные неправительственные организации (МНПО)"}
    mention = URIRef(f"{GUIDE}#mention-wef_global_gender_gap_report")
    assert set(g.objects(mention, KZ.inSection)) == {first}
    assert "Введение" not in {str(t) for s in g.objects(GUIDE, DCTERMS.hasPart)
                              for t in g.objects(s, DCTERMS.title)}


def test_matching_heading_ids_map_the_sections_together(content):
    replace_in(content / RU, "## Международные", INTRO_RU.replace("## Введение",
                                                                 "## Введение {#intro}")
               + "## Международные")
    replace_in(content / EN, "## International", INTRO_EN.replace("## Introduction",
                                                                 "## Introduction {#intro}")
               + "## International")
    result = _run(content)
    assert result.ok, result.problems
    g = result.mapped.graph
    intro = URIRef(f"{GUIDE}#intro")
    assert set(g.objects(intro, DCTERMS.title)) == {Literal("Introduction", lang="en"),
                                                    Literal("Введение", lang="ru")}
    assert (intro, SCHEMA.position, Literal(1)) in g
    assert (GUIDE, DCTERMS.hasPart, intro) in g
    # the heading's attributes are not part of its title
    assert not any("{#" in str(t) for t in g.objects(None, DCTERMS.title))
    ingo = URIRef(f"{GUIDE}#section-2")
    assert set(g.objects(ingo, DCTERMS.title)) == {
        Literal("International Non-Governmental Organizations (INGOs)", lang="en"),
        Literal("Международные неправительственные организации (МНПО)", lang="ru")}
    mention = URIRef(f"{GUIDE}#mention-wef_global_gender_gap_report")
    assert set(g.objects(mention, KZ.inSection)) == {ingo}
    assert len(set(g.objects(GUIDE, DCTERMS.hasPart))) == 6


def test_every_section_with_an_id_gets_the_id_as_its_iri(content):
    for rel in (EN, RU):
        text = (content / rel).read_text(encoding="utf-8")
        for n, anchor in enumerate(["ingo", "local-ngo", "government", "media", "local"]):
            head = next(l for l in text.splitlines() if l.startswith("## ") and "{#" not in l)
            text = text.replace(head, f"{head} {{#{anchor}}}", 1)
        (content / rel).write_text(text, encoding="utf-8")
    result = _run(content)
    assert result.ok, result.problems
    g = result.mapped.graph
    parts = {str(p) for p in g.objects(GUIDE, DCTERMS.hasPart)}
    assert parts == {f"{GUIDE}#{a}" for a in ("ingo", "local-ngo", "government", "media",
                                               "local")}
    assert URIRef(f"{GUIDE}#government") in set(
        g.objects(URIRef(f"{GUIDE}#mention-ak_orda"), KZ.inSection))


def test_ids_that_differ_are_an_error(content):
    replace_in(content / EN, "## Government", "## Government {#government}")
    replace_in(content / RU, "## Правительство", "## Правительство {#pravitelstvo}")
    result = _run(content)
    [message] = [m for m in _errors(result, RU)
                 if m.startswith(f"{_line(content, RU, '## Правительство')}: ")]
    assert "the ID 'pravitelstvo'" in message and "the ID 'government'" in message
    assert f"content/{EN}:{_line(content, EN, '## Government')}" in message


def test_sections_in_another_order_are_an_error(content):
    text = (content / RU).read_text(encoding="utf-8")
    gov = text.index("## Правительство")
    media = text.index("## СМИ")
    local = text.index("## Местная информация")
    swapped = text[:gov] + text[media:local] + text[gov:media] + text[local:]
    (content / RU).write_text(swapped, encoding="utf-8")
    result = _run(content)
    errors = _errors(result, RU)
    assert any("is in another place in content/guides/kazakhstan/index.md" in m
               for m in errors), errors
    g = result.mapped.graph
    # no section holds two sections' titles
    for section in g.objects(GUIDE, DCTERMS.hasPart):
        assert len(set(g.objects(section, DCTERMS.title))) <= 2
        assert len({t.language for t in g.objects(section, DCTERMS.title)}) == \
            len(set(g.objects(section, DCTERMS.title)))


def test_a_section_linking_other_categories_is_an_error(content):
    replace_in(content / RU, "[Независимые СМИ](/category/independent-media/)",
               "Независимые СМИ")
    result = _run(content)
    line = _line(content, RU, "## СМИ")
    [message] = [m for m in _errors(result, RU) if m.startswith(f"{line}: ")]
    assert "independent-media" in message and f"content/{EN}:" in message


def test_a_source_linked_from_another_section_in_one_language_is_an_error(content):
    replace_in(content / RU, "- [Ак Орда](/sources/sources/ak_orda/)\n", "")
    replace_in(content / RU, "- [Zakon.kz]", "- [Ак Орда](/sources/sources/ak_orda/)\n- [Zakon.kz]")
    result = _run(content)
    line = _line(content, RU, "[Ак Орда]")
    [message] = [m for m in _errors(result, RU) if m.startswith(f"{line}: ")]
    assert "'ak_orda'" in message and f"content/{EN}" in message
    g = result.mapped.graph
    assert set(g.objects(URIRef(f"{GUIDE}#mention-ak_orda"), KZ.inSection)) == {
        URIRef(f"{GUIDE}#section-3")}


def test_the_real_guide_aligns_by_categories():
    """The real guide has no IDs: its sections agree by the categories they link."""
    result = load_and_map(Settings(base=BASE, content=Path(__file__).parents[1] / "content"))
    assert result.ok
    g = result.mapped.graph
    for n in range(1, 6):
        section = URIRef(f"{GUIDE}#section-{n}")
        assert {t.language for t in g.objects(section, DCTERMS.title)} == {"en", "ru"}
    notes = set(g.objects(URIRef(f"{GUIDE}#mention-feminita"), SKOS.note))
    assert notes == {Literal("a local queer feminist collective.", lang="en"),
                     Literal("локальный квир-феминистский коллектив.", lang="ru")}
