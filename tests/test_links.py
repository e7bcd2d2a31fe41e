"""Every link in every page body is understood or reported: each link to a source in a guide is
a kz:Mention with the words around it, whatever its form or place; a link to no page is an
error, one kzgraph cannot classify a warning, both with file and line."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st
from rdflib import Literal, URIRef

from kzgraph.engine.pipeline import load_and_map
from kzgraph.config import Settings
from kzgraph.content.links import LinkReader, Target
from kzgraph.content.load import Content, parse_page
from kzgraph.graph.mapping import map_content
from kzgraph.vocab import DCTERMS, KZ, RDF, SKOS
from conftest import BASE, write_page

FORMS_GUIDE = """---
title: "Link forms"
countries: ["KZ"]
---

Start with [Feminita](/sources/sources/feminita/) first. Then read on.

## Forms [Local NGOs](/category/local-ngo)

A paragraph links [KazFem](../../sources/sources/kazfem/). Another sentence.

- [Zakon.kz](https://kzgraph.example/sources/sources/zakon_kz/), absolute to the base.
- Reference style: [Ak Orda][ao] is the president's site.
- <https://kzgraph.example/sources/sources/batyr_jamal/> as an autolink
- [Human Rights KZ](/sources/human_rights_kz?utm=x#top) by its content folder
- [UNFPA]({{< ref "sources/un_population_fund_kazakhstan" >}}) through ref.
- [WEF]({{< relref "/sources/wef_global_gender_gap_report/index.md" >}}) through relref.

> A quote on [Spotlight](/sources/sources/spotlight_initiative) without a slash.

| Source | Why |
|---|---|
| [Bureau](/sources/sources/bureau_of_national_statistics_gender/) gives figures. | Official. |

### About [Akimat of Astana](/ru/sources/sources/akimat_of_the_city_of_astana/)

Also [local detail](/perspective/local-detail), [Kazakhstan](/country/kz), [the list](/category/).

Broken: [gone](/sources/sources/gone/), [no page]({{< ref "sources/nothing" >}}),
[a picture](/images/x.png), [nowhere](/country/zz), [elsewhere](https://example.org/x).

[ao]: /sources/sources/ak_orda/
"""

GUIDE = URIRef(BASE + "guides/forms/")
WORDS = {
    "feminita": "Start with Feminita first.",
    "kazfem": "A paragraph links KazFem.",
    "zakon_kz": "absolute to the base.",
    "ak_orda": "Reference style: Ak Orda is the president's site.",
    "batyr_jamal": "as an autolink",
    "human_rights_kz": "by its content folder",
    "un_population_fund_kazakhstan": "through ref.",
    "wef_global_gender_gap_report": "through relref.",
    "spotlight_initiative": "A quote on Spotlight without a slash.",
    "bureau_of_national_statistics_gender": "Bureau gives figures.",
    "akimat_of_the_city_of_astana": "About Akimat of Astana",
}


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_every_link_form_gives_a_mention_with_its_words(content):
    write_page(content, "guides/forms/index.md", FORMS_GUIDE)
    result = load_and_map(Settings(base=BASE, content=content))
    g = result.mapped.graph
    mentions = set(g.objects(GUIDE, KZ.mention))
    assert {str(g.value(m, KZ.mentionedSource)).split("/")[-2] for m in mentions} == set(WORDS)
    for slug, words in WORDS.items():
        mention = URIRef(f"{GUIDE}#mention-{slug}")
        assert (mention, RDF.type, KZ.Mention) in g, slug
        assert set(g.objects(mention, SKOS.note)) == {Literal(words, lang="en")}, slug
        assert (GUIDE, KZ.mentions, URIRef(f"{BASE}sources/sources/{slug}/")) in g
    section = URIRef(f"{GUIDE}#section-1")
    # before the first heading: a mention in no section
    assert not set(g.objects(URIRef(f"{GUIDE}#mention-feminita"), KZ.inSection))
    assert (URIRef(f"{GUIDE}#mention-kazfem"), KZ.inSection, section) in g
    assert (section, KZ.aboutCategory, URIRef(BASE + "category/local-ngo")) in g
    assert (section, DCTERMS.references, URIRef(BASE + "perspective/local-detail")) in g
    assert (section, DCTERMS.references, URIRef(BASE + "country/kz")) in g
    assert (section, DCTERMS.references, URIRef(BASE + "category/")) in g
    rel = "content/guides/forms/index.md"
    found = {(p.line, p.severity, p.message.split(":")[0]) for p in result.problems
             if p.path == rel}
    line = _line(FORMS_GUIDE, "Broken:")
    assert found == {
        (line, "error", "The link to '/sources/sources/gone/' leads nowhere"),
        (line, "error", "The link to '{{< ref \"sources/nothing\" >}}' leads nowhere"),
        (line + 1, "warning", "The link '/images/x.png'"),
        (line + 1, "error", "The link to '/country/zz' leads nowhere"),
    }, result.problems


def test_links_in_other_bodies_are_checked_and_kept(content):
    page = content / "sources/feminita/index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee also [KazFem](../kazfem/), "
                    "[INGOs](/category/ingo), [gone](/sources/sources/gone/) and "
                    "[a file](/files/report.pdf).\n", encoding="utf-8")
    result = load_and_map(Settings(base=BASE, content=content))
    g = result.mapped.graph
    feminita = URIRef(BASE + "sources/sources/feminita/")
    assert set(g.objects(feminita, DCTERMS.references)) == {
        URIRef(BASE + "sources/sources/kazfem/"), URIRef(BASE + "category/ingo")}
    mine = sorted((p.severity, p.message) for p in result.problems
            if p.path == "content/sources/feminita/index.md")
    assert [s for s, _ in mine] == ["error", "warning"], mine
    assert "no source 'gone'" in mine[0][1] and "/files/report.pdf" in mine[1][1]


def test_the_link_reader_resolves_every_form_to_one_page():
    reader = LinkReader(("https://kzgraph.example/", "https://site.example/kz/"),
                        is_language=lambda code: code in ("ru", "kk"))
    target = Target("source", "feminita")
    for href in ["/sources/sources/feminita/", "/sources/sources/feminita",
                 "/sources/feminita/", "/sources/feminita", "/sources/feminita/?a=1#b",
                 "/ru/sources/sources/feminita/", "../feminita/", "../../sources/feminita",
                 "https://kzgraph.example/sources/sources/feminita/",
                 "https://site.example/kz/sources/feminita/", "//kzgraph.example/sources/feminita",
                 "hugo-ref:sources/feminita", "hugo-ref:/sources/feminita/index.ru.md",
                 "hugo-ref:sources/feminita.md", "hugo-ref:../feminita"]:
        assert reader.read(href, "/sources/kazfem/", "sources/kazfem/index.md") == target, href
    for href in ["https://other.example/sources/feminita/", "mailto:x@example.org", "#top", "?x"]:
        assert reader.read(href, "/sources/kazfem/", "sources/kazfem/index.md") is None, href


# -- nothing lost, whatever the form and place ------------------------------------------------

KNOWN = ["feminita", "kazfem", "zakon_kz", "ak_orda"]
DEAD = ["gone", "missing_one"]


def _href(form: str, slug: str) -> str:
    return {
        "iri": f"/sources/sources/{slug}/",
        "iri-no-slash": f"/sources/sources/{slug}",
        "folder": f"/sources/{slug}/",
        "query": f"/sources/sources/{slug}/?from=guide#top",
        "relative": f"../../sources/sources/{slug}/",
        "absolute": f"https://kzgraph.example/sources/sources/{slug}/",
        "language": f"/ru/sources/sources/{slug}/",
        "ref": f'{{{{< ref "sources/{slug}" >}}}}',
        "relref": f'{{{{< relref "/sources/{slug}/index.md" >}}}}',
    }[form]


link_form = st.sampled_from(["iri", "iri-no-slash", "folder", "query", "relative", "absolute",
                             "language", "ref", "relref", "reference", "autolink"])
place = st.sampled_from(["paragraph", "item", "item-after-words", "quote", "table",
                         "heading", "section"])
block = st.tuples(place, link_form, st.sampled_from(KNOWN + DEAD))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(block, min_size=1, max_size=14))
def test_links_anywhere_in_any_form_are_never_lost(blocks):
    lines: list[str] = []
    definitions: list[str] = []
    expected: list[tuple[str, str, str | None]] = []  # slug, marker, section
    dead: list[tuple[str, int]] = []
    section: str | None = None
    sections = 0
    for n, (where, form, slug) in enumerate(blocks):
        marker = f"word{n}"
        if where == "section":
            sections += 1
            section = f"{BASE}guides/g/#section-{sections}"
            lines += [f"## Part {n}", ""]
            continue
        if form == "reference":
            link = f"[T{n}][r{n}]"
            definitions.append(f"[r{n}]: {_href('iri', slug)}")
        elif form == "autolink":
            link = f"<{_href('absolute', slug)}>"
        else:
            link = f"[T{n}]({_href(form, slug)})"
        text = {
            "paragraph": f"Before {link} {marker}. Other words.",
            "item": f"- {link} {marker}",
            "item-after-words": f"- Said {link} {marker}",
            "quote": f"> In a quote {link} {marker}.",
            "table": f"| x |\n|---|\n| {link} {marker} |",
            "heading": f"### Heading {link} {marker}",
        }[where]
        first_line = len(lines) + 1
        if where == "table":
            first_line += 2
        lines += text.split("\n") + [""]
        if slug in DEAD:
            dead.append((slug, 3 + first_line))  # the body starts on line 4
        else:
            expected.append((slug, marker, section))
    body = "\n".join(lines + definitions) + "\n"
    text = '---\ntitle: "G"\n---\n' + body
    page, problems = parse_page(text, path=Path("content/guides/g/index.md"),
                                rel="content/guides/g/index.md", kind="guide", slug="g",
                                lang="en")
    assert page is not None and not problems
    known = {"source": set(KNOWN), "guide": {"g"}}
    mapped = map_content(Content(Path("content"), [page], []), Settings(base=BASE), known)
    g = mapped.graph
    guide = URIRef(f"{BASE}guides/g/")
    # one mention a link, numbered by order per source, in the section the link is in,
    # with the words around it
    counts: Counter[str] = Counter()
    for slug, marker, in_section in expected:
        counts[slug] += 1
        k = counts[slug]
        mention = URIRef(f"{guide}#mention-{slug}" + ("" if k == 1 else f"-{k}"))
        assert (guide, KZ.mention, mention) in g, (slug, k, body)
        assert g.value(mention, KZ.mentionedSource) == URIRef(f"{BASE}sources/sources/{slug}/")
        assert set(map(str, g.objects(mention, KZ.inSection))) == (
            {in_section} if in_section else set()), body
        notes = [str(n) for n in g.objects(mention, SKOS.note)]
        assert len(notes) == 1 and marker in notes[0], (notes, marker, body)
    assert len(set(g.objects(guide, KZ.mention))) == len(expected)
    # every dead link reported, on its line, once
    reported: dict[str, list[int]] = defaultdict(list)
    for p in mapped.problems:
        assert p.severity == "error", p
        slug = next(s for s in DEAD if f"'{s}'" in p.message)
        reported[slug].append(p.line)
    assert sorted((s, l) for s, lines_ in reported.items() for l in lines_) == sorted(dead)
