"""Guide bodies read from markdown-it-pyrs's tree give exactly what markdown-it-py's tokens
give: sections, paragraphs, list items, links, the words after each link, and file lines."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings, strategies as st

from benchmarks.generate import generate
from kzgraph.content import guidebody
from kzgraph.content.guidebody import parse_guide_body, parse_with_tokens
from conftest import CONTENT

TRICKY = '''Intro *em [link](/a)* and `code [x](/y)`
second line\\
hard ![alt *t* [in](/img-link)](/img.png) &amp; <b>html</b> &#1046;

# A first-level heading [h1](/category/h1)

- an item before any section [early](/sources/sources/early/)

## Section **one** [cat](/category/x)

- item [A](/sources/sources/a/) — words
  lazy line
  - nested [B](/sources/sources/b/), deeper
- [ref][r1] after, [second](/sources/sources/d/): more
- [link
  over two lines](/sources/sources/e/) then words
- <http://auto.example/x> and \\*escaped\\*

1. ordered [O](/sources/sources/o/)

   loose paragraph in the item [P](/sources/sources/p/)

2. second

```
[no](/link)
```

    indented [no](/link)

<div>html [no](/link)</div>

> quote [q](/q)
> - quoted item [QI](/sources/sources/qi/)

Setext section [s](/category/s)
-------------------------------

### Third level [t](/sources/sources/t/)

***

[r1]: /sources/sources/c/
Текст [Ж](/ж) и [Казахстан](/guides/kazakhstan/)
'''



def test_the_build_reads_with_markdown_it_pyrs():
    """It is a dependency: without it every test below would compare a parser with itself."""
    assert guidebody.markdown_it_pyrs is not None and guidebody._rs is not None


def _body(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("---", 2)[2]


def test_tricky_markdown_reads_the_same():
    ours = parse_guide_body(TRICKY, 7)
    assert ours == parse_with_tokens(TRICKY, 7)
    # and the reading is what a reader expects, not merely the same twice
    titles = [s.title for s in ours.sections]
    assert titles == ["Section one cat", "Setext section s"]
    first = ours.sections[0]
    assert [link.href for link in first.items[0].links] == ["/sources/sources/a/",
                                                           "/sources/sources/b/"]
    assert first.items[0].after == {0: "— words lazy line", 1: ", deeper"}
    assert first.items[2].links[0].line == 7 + 15  # the line the link text ends on
    assert "/link" not in [link.href for s in ours.sections for link in s.links]


def test_the_real_guides_read_the_same():
    bodies = sorted(CONTENT.glob("guides/*/index*.md"))
    assert bodies
    for path in bodies:
        assert parse_guide_body(_body(path), 12) == parse_with_tokens(_body(path), 12), path


def test_generated_guides_read_the_same(tmp_path):
    root = tmp_path / "content"
    generate(root, 2000, seed=5)
    bodies = sorted(root.glob("guides/*/index*.md"))
    assert len(bodies) > 10
    for path in bodies:
        assert parse_guide_body(_body(path), 3) == parse_with_tokens(_body(path), 3), path


_LINES = st.sampled_from([
    "## Heading [c](/category/a)", "# Top", "### Small [s](/sources/sources/s/)", "",
    "- item [x](/sources/sources/x/) — note", "  continued [y](/sources/sources/y/)",
    "  - nested [z](/sources/sources/z/)", "1. first [o](/sources/sources/o/)",
    "text with *emphasis [e](/sources/sources/e/)* and `code [c](/c)`", "> quoted [q](/q)",
    "```", "    indented", "Setext", "---", "***", "<div>raw</div>", "a\\", "trailing  ",
    "[ref]: /sources/sources/r/", "see [ref] and [ref][]", "![img [i](/i)](/p.png)",
    "<http://auto.example/>", "&amp; &#1046; \\*", "[multi", "line](/sources/sources/m/)",
    "Текст [Ж](/ж)", "- x", "  ", "\t- tab item [t](/sources/sources/t/)",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(_LINES, max_size=25))
def test_any_mix_of_markdown_reads_the_same(lines):
    body = "\n".join(lines) + "\n"
    assert parse_guide_body(body, 4) == parse_with_tokens(body, 4)


def test_an_empty_item_does_not_interrupt_a_paragraph():
    """The one difference found between the two: CommonMark says an empty list item cannot
    interrupt a paragraph, so '-' after a (lazy) paragraph line is more of the paragraph.
    markdown-it-pyrs follows the spec; markdown-it-py starts a list. The build reads with the
    former."""
    body = "> quoted [q](/q)\n- \n"
    assert parse_guide_body(body, 1).intro == ["quoted q -"]
    assert parse_with_tokens(body, 1).intro == ["quoted q"]


# -- the links of a body alone (what a source, category or perspective page is read for) ---------

def _links(found) -> list[tuple[str, str, int]]:
    return [(link.href, link.text, link.line) for link in found]


def _same_links(body: str, line: int) -> None:
    full = parse_guide_body(body, line).all_links
    assert _links(guidebody.body_links(body, line)) == _links(full), body
    tree = guidebody._LinkTree.of(guidebody.refs_as_links(body), line)
    if tree is not None:
        assert _links(tree.read()) == _links(full), body


def test_the_links_alone_are_the_links_of_the_full_reading():
    _same_links(TRICKY, 7)
    found = _links(guidebody.body_links(TRICKY, 7))
    assert ("/sources/sources/e/", "link over two lines", 7 + 15) in found
    assert ("http://auto.example/x", "http://auto.example/x", 7 + 16) in found
    assert "/link" not in [href for href, _, _ in found]
    # a ref shortcode, as every reading sees it
    _same_links('See [it]({{< ref "sources/feminita" >}}) and [x]({{% relref a.md %}}).\n', 2)


def test_the_links_alone_on_every_real_and_generated_body(tmp_path):
    root = tmp_path / "content"
    generate(root, 1500, seed=9, profile="heavy")
    bodies = sorted(CONTENT.glob("**/*.md")) + sorted(root.glob("**/*.md"))
    assert len(bodies) > 1500
    with_links = 0
    for path in bodies:
        body = _body(path)
        _same_links(body, 5)
        with_links += bool(guidebody.body_links(body, 5))
    assert with_links > 500  # the comparison is not of empty lists


@settings(max_examples=400, deadline=None)
@given(st.lists(_LINES, max_size=25))
def test_any_mix_of_markdown_gives_the_same_links(lines):
    _same_links("\n".join(lines) + "\n", 4)


_NO_LINK_SYNTAX = st.lists(st.sampled_from(
    list("ab [](){}:!*_`#->\n\\/.h&;") + ["http://x.y", "{{ ref \"a\" }}", "]\n(", "] :",
                                          "[a]", "[a][b]", "(b)", "- ", "\n\n", "    "]),
    max_size=40).map("".join).filter(lambda b: "](" not in b and "<" not in b and "]:" not in b)


@settings(max_examples=400, deadline=None)
@given(_NO_LINK_SYNTAX)
def test_a_body_without_link_syntax_has_no_link(body):
    """The check that skips the parser: no '](', '<' or ']:' in a body, no link in it."""
    assert parse_guide_body(body, 1).all_links == []
    assert parse_with_tokens(body, 1).all_links == []
    assert guidebody.body_links(body, 1) == ()


def test_each_reading_of_a_guide_has_sections_of_its_own():
    """The reading is kept for the next call on the same body; the mapping drops a section's
    ID it reports, and that must not reach the next reader (the mapping again, to locate
    results), which reports it again."""
    body = "## One {#one}\n\nText [a](/sources/sources/a/).\n\n## Two {#one}\n"
    first = parse_guide_body(body, 3)
    first.sections[1].anchor = None
    again = parse_guide_body(body, 3)
    assert [s.anchor for s in again.sections] == ["one", "one"]
    assert again == parse_with_tokens(body, 3)


def test_what_markdown_it_pyrs_cannot_read_is_read_by_markdown_it_py():
    """markdown-it-pyrs 0.4 panics on an unclosed code span right after '[' (kzgraph stopped
    with a Rust traceback on such a page with a link); markdown-it-py reads the body then."""
    body = "use [` to open, see [x](https://x.example/)\n\n## S\n\n[c](/category/c)\n"
    assert guidebody._Tree.of(body, 1) is None  # still so: else this test tests nothing
    assert parse_guide_body(body, 2) == parse_with_tokens(body, 2)
    assert _links(guidebody.body_links(body, 2)) == [
        ("https://x.example/", "x", 2), ("/category/c", "c", 6)]


# -- a plain body's links, found without parsing (guidebody.plain_links) --------------------------

#: the plain pieces of a body, then the odd ones (each drawn now and then)
_WORDS = (["", "a", "Saryarka City", " spaced  out ", "Текст", "x (y)", "wow!", "a: b", "#",
           "1.", "тест \u00a0nbsp", "\u2028sep", "emoji 🙂", "a.b!c?"],
          ["a*b", "_u_", "[", "]", "a\u0000b", "a\nb", "a\\b", "`c`", "<b>"])
_HREFS = (["https://saryarka-city.de/", "/sources/sources/a/", "", "HTTP://X.Example/P",
           "f:x", "mailto:a@b.c", "/a%20b", "?q=1;x=2", "/x_y*z", "#frag", "../up",
           "https://xn--80ak6aa92e.com/", "/a'b!$+,=@~.-", "/category/c"],
          ["/ж", "javascript:alert(1)", "JavaScript:x", "data:x", "vbscript:y", "file:///etc",
           "/a%zz", "/a%2", "/a b", "/a(b)", "?q=1&y=3", "https://ÄB.example/",
           "<https://a.example/>", "/a \"title\"", "/a\n", "/a\\b"])
_PREFIXES = (["", "- ", "1. ", "## ", "# ", "   ", "  - ", "10) ", "* ", "+ ", "   1. ",
              "- - ", "!", "1.", "-"],
             ["> ", "    ", "-     ", "\t", "| "])
_OTHER_LINES = (["", "---", "===", "***", "text", "(a)", "a  ", "1) two", "- ", "Title",
                 "* * *", "# ", "a) b", "]", "["],
                ["see [ref] here", "[r]: /x", "```", "~~~", "~~struck~~", "a \\[b\\]", "&amp;",
                 "<b>x</b>", "{{< ref \"a\" >}}", "| a | b |", "|---|---|", "`code`",
                 "line\r", "    code", "![i](/p.png)"])


@st.composite
def _plain_bodies(draw) -> str:
    """Bodies of plain links in paragraphs, headings and lists, with an odd piece now and
    then (which plain_links must decline, or read as the parser does)."""
    def pick(choices: tuple[list[str], list[str]]) -> str:
        plain, odd = choices
        return draw(st.sampled_from(odd if draw(st.integers(0, 24)) == 0 else plain))

    lines = []
    for _ in range(draw(st.integers(0, 12))):
        if draw(st.booleans()):
            lines.append(pick(_OTHER_LINES))
            continue
        links = " ".join(f"[{pick(_WORDS)}]({pick(_HREFS)})"
                         for _ in range(draw(st.integers(1, 2))))
        lines.append(pick(_PREFIXES) + draw(st.sampled_from(["", "See ", "a. ", "x ("]))
                     + links + draw(st.sampled_from(["", " for more.", "!", ": x", "(x)", ")"])))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))


def _tree_links(body: str, line: int) -> list[tuple[str, str, int]]:
    tree = guidebody._LinkTree.of(guidebody.refs_as_links(body), line)
    found = tree.read() if tree is not None else parse_with_tokens(body, line).all_links
    return _links(found)


@settings(max_examples=1500, deadline=None)
@given(_plain_bodies())
def test_a_plain_body_s_links_are_the_parser_s(body):
    """Where plain_links answers, it gives what markdown-it-pyrs's tree gives, and what the full
    reading of a guide gives."""
    plain = guidebody.plain_links(body, 4)
    if plain is not None:
        assert _links(plain) == _tree_links(body, 4), body
        assert _links(plain) == _links(parse_guide_body(body, 4).all_links), body
    assert _links(guidebody.body_links(body, 4)) == _tree_links(body, 4), body


def test_plain_bodies_are_read_without_parsing(tmp_path):
    """The generated heavy corpus's source bodies (a link or two in paragraphs, headings and
    lists) take the shortcut, and odd ones do not: else the tests above test little."""
    root = tmp_path / "content"
    generate(root, 600, seed=4, profile="heavy")
    bodies = [_body(p) for p in sorted(root.glob("sources/**/*.md"))]
    plain = [b for b in bodies if guidebody.plain_links(b, 1) is not None]
    assert len(plain) > 0.9 * len(bodies) and any(guidebody.plain_links(b, 1) for b in plain)
    for body in plain:
        assert _links(guidebody.plain_links(body, 9)) == _tree_links(body, 9)
    for odd in ["[a](/x) `c`", "[a](b \"t\")", "[a](/ж)", "![i](/p.png)", "[a][r]\n\n[r]: /x",
                "    [a](/x)", "[a](javascript:x)", "[*a*](/x)", "[a\nb](/x)", "> [a](/x)"]:
        assert guidebody.plain_links(odd, 1) is None, odd
    samples = ["x\n\n## [H](/category/h)\n\n- [A](/a) and [B](https://b.example/?q=1)\n"]
    assert _links(guidebody.plain_links(samples[0], 3)) == [
        ("/category/h", "H", 5), ("/a", "A", 7), ("https://b.example/?q=1", "B", 7)]
