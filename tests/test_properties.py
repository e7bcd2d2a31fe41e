"""Property-based tests of loading and mapping (hypothesis).

- Any front-matter value either maps or is reported; nothing crashes, nothing vanishes.
- Any string a person can write comes back unchanged through every format, in rdflib and Oxigraph.
- Every IRI minted from any accepted slug is a valid IRI (RFC 3987).
"""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st
from rdflib import Literal, URIRef
import rfc3987

from kzgraph.config import Settings
from kzgraph.formats.writers import serialize
from kzgraph.formats.registry import FORMATS
from kzgraph.content.layout import SLUG
from kzgraph.content.load import Content, parse_page
from kzgraph.graph.iris import Minter
from kzgraph.graph.mapping import KEYS, map_content
from kzgraph.vocab import DCTERMS
from rdfcheck import oxigraph_triples, rdflib_triples
from conftest import BASE



def is_valid_syntax_iri(text: str) -> bool:
    """RFC 3987 IRI syntax, by the rfc3987 package's grammar (with the full-Unicode regex
    engine; rfc3987-syntax was tried first and wrongly rejects astral-plane ucschar)."""
    return rfc3987.match(text, rule="IRI") is not None


SETTINGS = Settings(base=BASE, content=Path("content"))
SOURCE = URIRef(BASE + "sources/sources/s/")

# text people write: any character but surrogates and the C0/C1 controls other than \n and \t,
# with right-to-left scripts, emoji and combining marks made likely
human_text = st.lists(
    st.one_of(
        st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn")),
        st.sampled_from(["\n", "\t", '"', "'", "\\", "{", "}", "<", ">", "&", "#", ":", "%",
                         "\u05d0", "\u0627\u0644", "\u200f", "\U0001F600",
                         "\U0001F1F0\U0001F1FF", "e\u0301", "\u0915\u094d", "\u00a0",
                         "\u2028", " "])),
    min_size=1, max_size=25).map("".join)

yaml_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              human_text, st.dates().map(str)),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(human_text, children, max_size=2)),
    max_leaves=6)


def _page(front: dict, kind: str = "source", slug: str = "s", lang: str = "ru", body: str = ""):
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + body
    return parse_page(text, path=Path(f"content/{kind}s/{slug}/index.{lang}.md"),
                      rel=f"content/{kind}s/{slug}/index.{lang}.md", kind=kind, slug=slug,
                      lang=lang)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(key=st.one_of(st.sampled_from(sorted(KEYS)), human_text), value=yaml_values)
def test_any_value_maps_or_is_reported(key, value):
    page, problems = _page({"title": "T", "categories": ["c"], key: value}
                           if key not in ("title", "categories") else {key: value})
    assert page is not None, problems
    mapped = map_content(Content(Path("content"), [page], problems), SETTINGS)
    mapped_keys = {o.key for origins in mapped.origins.by_triple.values() for o in origins}
    reported = {p.key for p in mapped.problems + problems}
    assert key in mapped_keys or key in reported, (key, value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=human_text)
def test_any_string_survives_every_format(title):
    page, problems = _page({"title": title, "categories": ["c"]})
    assert page is not None and not problems
    mapped = map_content(Content(Path("content"), [page], []), SETTINGS)
    assert not mapped.problems
    expected = (SOURCE, DCTERMS.title, Literal(title, lang="ru"))
    assert expected in mapped.graph
    for fmt in FORMATS:
        data = serialize(mapped.dataset, mapped.graph, fmt)
        assert expected in rdflib_triples(data, fmt.name), fmt.name
        assert expected in oxigraph_triples(data, fmt.name), fmt.name


@settings(max_examples=500, deadline=None)
@given(slug=st.text(min_size=1, max_size=30))
def test_every_minted_iri_is_valid(slug):
    minter = Minter(BASE)
    if not SLUG.fullmatch(slug):
        page, problems = _page({"title": "T"}, slug=slug)
        return
    iris = [minter.source(slug), minter.guide(slug), minter.category(slug),
            minter.perspective(slug), minter.person(slug),
            minter.section(minter.guide(slug), 3), minter.mention(minter.guide(slug), slug)]
    for iri in iris:
        assert is_valid_syntax_iri(str(iri)), iri


@settings(max_examples=300, deadline=None)
@given(name=human_text)
def test_person_iris_are_valid_for_any_name(name):
    iri = Minter(BASE).person(name)
    assert is_valid_syntax_iri(str(iri)), iri
