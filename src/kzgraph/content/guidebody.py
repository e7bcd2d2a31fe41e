"""Read a guide's Markdown body into sections, links and list items, with file lines.

The body is parsed as CommonMark, never with regular expressions over the text, so links in
emphasis, lists or wrapped lines are found the way a Markdown renderer finds them. The parser is
markdown-it-pyrs (markdown-it in Rust: a 23 KB guide in 1 ms instead of 11 ms, a tenth of a
100,000-page build), read through the same rules as the token stream of markdown-it-py, which
is used where the Rust wheel is not installed; a test holds the two to the same results.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from markdown_it import MarkdownIt
from markdown_it.token import Token

try:
    import markdown_it_pyrs
except ImportError:  # pragma: no cover - a platform with no wheel: markdown-it-py alone
    markdown_it_pyrs = None

SOURCE_LINK = re.compile(r"/sources/sources/(?P<slug>[^/?#]+)/?(?:[?#].*)?")
CATEGORY_LINK = re.compile(r"/category/(?P<slug>[^/?#]+)/?(?:[?#].*)?")

_md = MarkdownIt("commonmark")
_rs = markdown_it_pyrs.MarkdownIt("commonmark") if markdown_it_pyrs is not None else None


@dataclass(frozen=True)
class Link:
    """A link in the body: where it points, its text, its file line."""

    href: str
    text: str
    line: int

    @property
    def source_slug(self) -> str | None:
        m = SOURCE_LINK.fullmatch(self.href)
        return m.group("slug") if m else None

    @property
    def category_slug(self) -> str | None:
        m = CATEGORY_LINK.fullmatch(self.href)
        return m.group("slug") if m else None


@dataclass
class Item:
    """A list item: its links and, for each, the words after the link."""

    line: int
    text: str
    links: list[Link] = field(default_factory=list)
    after: dict[int, str] = field(default_factory=dict)  # index in links -> words after it


@dataclass
class Section:
    """The text under one level-2 heading."""

    position: int
    title: str
    line: int
    paragraphs: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass
class GuideBody:
    intro: list[str]
    sections: list[Section]

    @property
    def links(self) -> list[Link]:
        return [link for section in self.sections for link in section.links]


#: inline content as both parsers give it: ("text", words), ("break", " " or "\n"),
#: ("open", a link's href) and ("close", "")
Event = tuple[str, str]


def _collect(events: Iterable[Event], first_line: int) -> tuple[str, list[Link], dict[int, str]]:
    """Plain text of a run of inline content, its links with lines (the line a link's text
    ends on), and the words after each link."""
    text: list[str] = []
    links: list[Link] = []
    after: dict[int, str] = {}
    line = first_line
    open_href: str | None = None
    link_text: list[str] = []
    tail_start: int | None = None
    for kind, value in events:
        if kind == "open":
            open_href, link_text = value, []
            if tail_start is not None:
                after[len(links) - 1] = "".join(text[tail_start:]).strip()
            tail_start = None
            continue
        if kind == "close":
            if open_href is not None:
                links.append(Link(open_href, "".join(link_text).strip(), line))
                open_href, tail_start = None, len(text)
            continue
        if kind == "break":
            line += 1
        if open_href is not None:
            link_text.append(value)
        text.append(value)
    if tail_start is not None and links:
        after[len(links) - 1] = "".join(text[tail_start:]).strip()
    return "".join(text).strip(), links, after


def _words(events: Iterable[Event]) -> str:
    """The words of inline content alone (code spans, image descriptions as CommonMark's
    alt text)."""
    return "".join(value for kind, value in events if kind in ("text", "break"))


def _token_events(tokens: list[Token]) -> Iterator[Event]:
    """markdown-it-py's inline tokens (a flat list) as events."""
    for t in tokens:
        if t.type in ("softbreak", "hardbreak"):
            yield "break", " " if t.type == "softbreak" else "\n"
        elif t.type in ("text", "code_inline", "text_special"):
            yield "text", t.content
        elif t.type == "image":
            yield "text", _words(_token_events(t.children or []))
        elif t.type == "link_open":
            yield "open", str(t.attrGet("href") or "")
        elif t.type == "link_close":
            yield "close", ""


def _tree_events(nodes: list[Any]) -> Iterator[Event]:
    """markdown-it-pyrs's inline nodes (a tree: emphasis and links hold their text) as
    events."""
    for node in nodes:
        name = node.name
        if name in ("softbreak", "hardbreak"):
            yield "break", " " if name == "softbreak" else "\n"
        elif name in ("text", "text_special"):
            yield "text", node.meta.get("content", "")
        elif name in ("code_inline", "image"):
            yield "text", _words(_tree_events(node.children))
        elif name in ("link", "autolink"):
            yield "open", str(node.meta.get("url") or "")
            yield from _tree_events(node.children)
            yield "close", ""
        else:  # emphasis and the like: their text; raw HTML: nothing
            yield from _tree_events(node.children)


class _Body:
    """A guide body as either parser reads it, block by block: level-2 headings open
    sections, top-level list items collect their (and their sub-lists') text and links, other
    text is a section's paragraph or, before the first section, the intro."""

    def __init__(self) -> None:
        self.intro: list[str] = []
        self.sections: list[Section] = []
        self.depth = 0  # of lists
        self.item: Item | None = None

    def section(self, events: Iterable[Event], line: int) -> None:
        title, links, _ = _collect(events, line)
        self.sections.append(Section(len(self.sections) + 1, title, line, links=links))

    def open_item(self, line: int) -> None:
        if self.depth == 1:
            self.item = Item(line, "")

    def close_item(self) -> None:
        if self.depth == 1 and self.item is not None:
            if self.sections:
                self.sections[-1].items.append(self.item)
            self.item = None

    def content(self, events: Iterable[Event], line: int) -> None:
        text, links, after = _collect(events, line)
        item = self.item
        if item is not None:
            offset = len(item.links)
            item.text = f"{item.text} {text}".strip()
            item.links.extend(links)
            item.after.update({offset + k: v for k, v in after.items()})
        elif self.sections:
            self.sections[-1].paragraphs.append(text)
        else:
            self.intro.append(text)
        if self.sections:
            self.sections[-1].links.extend(links)

    def result(self) -> GuideBody:
        return GuideBody(self.intro, self.sections)


def parse_guide_body(body: str, body_line: int = 1) -> GuideBody:
    """Sections of a guide body; ``body_line`` is the file line the body starts on."""
    if _rs is not None:
        return _Tree(body, body_line).read()
    return parse_with_tokens(body, body_line)


def parse_with_tokens(body: str, body_line: int = 1) -> GuideBody:
    """:func:`parse_guide_body` from markdown-it-py's token stream."""
    tokens = _md.parse(body)
    out = _Body()
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        line = body_line + (tok.map[0] if tok.map else 0)
        if tok.type == "heading_open" and tok.tag == "h2":
            out.section(_token_events(tokens[i + 1].children or []), line)
            i += 3
            continue
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            out.depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            out.depth -= 1
        elif tok.type == "list_item_open":
            out.open_item(line)
        elif tok.type == "list_item_close":
            out.close_item()
        elif tok.type == "inline":
            out.content(_token_events(tok.children or []), line)
        i += 1
    return out.result()


#: inline nodes of markdown-it-pyrs's tree (the rest are blocks)
_INLINE = {"text", "text_special", "softbreak", "hardbreak", "code_inline", "image", "link",
           "autolink", "em", "strong", "html_inline", "s"}


class _Tree:
    """A guide body from markdown-it-pyrs's syntax tree, read as :func:`parse_with_tokens`
    reads markdown-it-py's tokens: the same sections, paragraphs, items, links and lines."""

    def __init__(self, body: str, body_line: int) -> None:
        self.body_line = body_line
        data = body.encode("utf-8")  # the tree's source map counts bytes
        self.newlines = [m.start() for m in re.finditer(b"\n", data)]
        self.tree = _rs.tree(body)  # type: ignore[union-attr]
        self.out = _Body()

    def read(self) -> GuideBody:
        self._blocks(self.tree.children)
        return self.out.result()

    def _line(self, node: Any) -> int:
        return self.body_line + bisect.bisect_left(self.newlines, node.srcmap[0])

    def _blocks(self, nodes: list[Any]) -> None:
        for node in nodes:
            self._block(node)

    def _block(self, node: Any) -> None:
        name, out = node.name, self.out
        if name in ("heading", "lheading") and node.meta.get("level") == 2:
            out.section(_tree_events(node.children), self._line(node))
        elif name in ("paragraph", "heading", "lheading"):
            out.content(_tree_events(node.children), self._line(node))
        elif name in ("bullet_list", "ordered_list"):
            out.depth += 1
            self._blocks(node.children)
            out.depth -= 1
        elif name == "list_item":
            out.open_item(self._line(node))
            run: list[Any] = []  # a tight item's paragraph: its inline nodes, no paragraph
            for child in node.children:
                if child.name in _INLINE:
                    run.append(child)
                    continue
                if run:
                    out.content(_tree_events(run), self._line(run[0]))
                    run = []
                self._block(child)
            if run:
                out.content(_tree_events(run), self._line(run[0]))
            out.close_item()
        elif name == "blockquote":
            self._blocks(node.children)
        # code, HTML blocks, rules and link definitions hold no text of the guide's own
