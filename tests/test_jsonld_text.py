"""The JSON-LD writer's own indenting encoder gives exactly what json.dumps gives."""

from __future__ import annotations

import json

from hypothesis import given, settings, strategies as st

from kzgraph.formats.jsonld import node_text

_scalars = st.one_of(st.text(), st.integers(), st.booleans(), st.none(),
                     st.floats(allow_nan=False, allow_infinity=False))
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=20)


def _reference(node: dict) -> str:
    text = json.dumps(node, ensure_ascii=False, sort_keys=True, indent=2)
    return "\n".join("    " + line for line in text.split("\n"))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=8), _values, max_size=6))
def test_node_text_is_json_dumps_indented(node):
    assert node_text(node) == _reference(node)


def test_node_text_of_a_typical_node():
    node = {"id": "https://kzgraph.example/source/x", "type": ["Source", "schema:Organization"],
            "title": {"ru": "Ж\u2028\"q\"", "en": ["a", "b\n"]}, "empty": {}, "none": []}
    assert node_text(node) == _reference(node)
    assert json.loads(node_text(node)) == node
