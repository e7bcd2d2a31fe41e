"""Front matter written the usual way is read without YAML's node machinery; these tests hold
that reading to exactly what YAML gives (values, lines and problems), and check that anything
unusual is left to YAML."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.generate import generate
from kzgraph.content import load
from kzgraph.content.load import _simple_fields, parse_page

ROOT = Path(__file__).resolve().parents[1]


def _read(text: str, fast: bool, monkeypatch: pytest.MonkeyPatch):
    with monkeypatch.context() as m:
        if not fast:
            m.setattr(load, "_simple_fields", lambda front: None)
        page, problems = parse_page(text, path=Path("x/index.md"), rel="x/index.md",
                                    kind="source", slug="x", lang="en")
    fields = None if page is None else [(f.key, f.value, f.line) for f in page.fields.values()]
    return fields, [(p.line, p.key, p.message, p.severity) for p in problems], \
        None if page is None else (page.body, page.body_line, page.front_line)


def _pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.md"))


def _read_both_ways(files: list[Path], monkeypatch) -> int:
    """Assert that every file reads the same with and without the fast path; returns how
    many of them take it."""
    fast_path = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert _read(text, True, monkeypatch) == _read(text, False, monkeypatch), path
        front = text.split("---\n", 2)[1] if text.startswith("---\n") else ""
        fast_path += _simple_fields(front) is not None
    return fast_path


def test_the_content_and_a_generated_corpus_read_the_same_both_ways(tmp_path, monkeypatch):
    generate(tmp_path / "gen", 300, seed=3, violations=20)
    files = _pages(ROOT / "content") + _pages(tmp_path / "gen")
    fast_path = _read_both_ways(files, monkeypatch)
    assert len(files) > 350
    assert fast_path > 0.9 * len(files)  # the usual pages do take the fast path


_keys = st.one_of(st.sampled_from(["title", "tags", "date", "weight", "countries", "on", "y"]),
                  st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,6}", fullmatch=True),
                  st.text(alphabet="ab :#-?", min_size=1, max_size=4))
_chars = st.one_of(st.text(alphabet='ab ,:#[]{}-\'"\\&*!|>%@`', max_size=8),
                   st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)),
                           max_size=6))
_quoted = st.builds(lambda t: f'"{t}"', _chars)
_scalars = st.one_of(
    _quoted, _chars,
    st.from_regex(r"[+-]?[0-9_]{1,6}(\.[0-9]*)?", fullmatch=True),
    st.from_regex(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}( ?[0-9:]{0,8})?", fullmatch=True),
    st.sampled_from(["yes", "no", "null", "~", "true", "False", "on", ".inf", "0o7", "0x1f",
                     "1:20", "012", "2024-01-01T10:00:00Z", ""]))
_values = st.one_of(
    _scalars,
    st.builds(lambda items, sep: "[" + sep.join(items) + "]", st.lists(_scalars, max_size=3),
              st.sampled_from([", ", ",", " , ", ",  "])),
    st.builds(lambda v, tail: v + tail, _quoted, st.sampled_from(["", " ", "  ", " # note",
                                                                  "#x", " x"])))
_odd_lines = st.one_of(
    st.builds(lambda k, sep, v: f"{k}{sep}{v}", _keys, st.sampled_from([": ", ":  ", ":"]),
              _values),
    st.sampled_from(["", "   ", "# a comment", "  - item", "- item", "...", "  more: 1"]))
# what the fast path reads: quoted text holding YAML's punctuation, lists, dates, integers
_usual_text = st.builds(lambda t: f'"{t}"', st.text(st.characters(
    codec="utf-8", exclude_categories=("Cs",), exclude_characters='"\\'), max_size=8))
_usual_values = st.one_of(
    _usual_text,
    st.builds(lambda items, sep: "[" + sep.join(items) + "]",
              st.lists(_usual_text, max_size=3), st.sampled_from([", ", ",", " , "])),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
    st.integers(0, 10**12).map(str),
    st.from_regex(r"[+-]?0[0-9]{1,3}|[+-][0-9]{1,3}", fullmatch=True))  # YAML's, not ours
_usual_lines = st.builds(lambda k, v, tail: f"{k}: {v}{tail}",
                         st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,6}", fullmatch=True),
                         _usual_values, st.sampled_from(["", " "]))
# as editors write: plain words, lists of "- item" lines, folded or literal text, comments
_plain_words = st.one_of(_chars, st.text(st.characters(codec="utf-8", exclude_categories=(
    "Cs",), exclude_characters="\n\t"), min_size=1, max_size=10))
_comment = st.sampled_from(["", " # note", "  #x", "#x", " #"])
_editor_lines = st.one_of(
    st.builds(lambda k, v, c: f"{k}: {v}{c}", _keys, _plain_words, _comment),
    st.builds(lambda k, c, items, indent: f"{k}:{c}" + "".join(
        f"\n{indent}- {item}" for item in items), _keys, st.sampled_from(["", " # c"]),
        st.lists(st.one_of(_plain_words, _usual_text, _quoted), max_size=3),
        st.sampled_from(["", " ", "  ", "    "])),
    st.builds(lambda k, h, body, indent, tail: f"{k}: {h}" + "".join(
        f"\n{indent}{x}" for x in body) + tail, _keys,
        st.sampled_from([">-", ">", "|-", "|", ">+", ">2", "> # c"]),
        st.lists(_plain_words, max_size=3), st.sampled_from([" ", "  ", "   "]),
        st.sampled_from(["", "\n", "\n  odd"])),
    st.sampled_from(["# a comment", "#", "  # indented comment"]))
# usually a line the fast path reads, one time in six an odd one, one in three as editors write
_lines = st.integers(0, 5).flatmap(lambda i: _odd_lines if i == 0 else
                                   _editor_lines if i < 3 else _usual_lines)


@settings(max_examples=600, deadline=None)
@given(st.lists(_lines, max_size=6))
def test_any_front_matter_reads_as_yaml_reads_it(lines):
    mp = pytest.MonkeyPatch()
    try:
        text = "---\n" + "\n".join(lines) + "\n---\nbody\n"
        assert _read(text, True, mp) == _read(text, False, mp)
    finally:
        mp.undo()


def test_unusual_front_matter_is_left_to_yaml():
    for front in ['title: "a\\"b"', 'a: "x"\na: "y"', "weight: 012", 'title: "a\u2028b"',
                  'title: "a\x85b"', 'tags: ["a", ]', "title: yes", "title: 1.5",
                  "title: a: b", "tags:\n  - a\n   - b", "d: >-\n  a\n\n  b", "d: >-\n  a \n  b",
                  "d: >-\n  a\n    b", "tags:\n  - [a]", "title:", "title: 'x'", "d: >+\n  a",
                  "title: x\n  more", "tags:\n  -", "t: ~"]:
        assert _simple_fields(front) is None, front


def test_front_matter_as_editors_write_it_takes_the_fast_path():
    front = ("# reviewed\ntitle: Zerde Daily  # the brand\ndescription: >-\n  A long\n  text."
             "\ntags:\n  - a b\n  - \"c: d\"\nnote: |\n  one\n  two\nweight: 8  # agreed")
    assert _simple_fields(front) == [
        ("title", "Zerde Daily", 1), ("description", "A long text.", 2),
        ("tags", ["a b", "c: d"], 5), ("note", "one\ntwo\n", 8), ("weight", 8, 11)]


def test_a_heavy_corpus_reads_the_same_both_ways_and_takes_the_fast_path(tmp_path,
                                                                          monkeypatch):
    """Content as editors write it (plain words, block lists, folded text, comments), with
    violations: the same reading both ways, and nearly every file on the fast path."""
    generate(tmp_path / "heavy", 600, seed=8, violations=12, profile="heavy")
    files = _pages(tmp_path / "heavy")
    fast_path = _read_both_ways(files, monkeypatch)
    assert fast_path > 0.95 * len(files)
    assert _simple_fields('title: "Ж"\ntags: ["a", "b"]\n\ncreated: 2024-01-02\nn: 7') == [
        ("title", "Ж", 0), ("tags", ["a", "b"], 1), ("created", "2024-01-02", 3), ("n", 7, 4)]
