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
from typing import Any

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


def _inline(token: Token, first_line: int) -> tuple[str, list[Link], dict[int, str]]:
    """Plain text of an inline token, its links with lines, and the words after each link."""
    text: list[str] = []
    links: list[Link] = []
    after: dict[int, str] = {}
    line = first_line
    open_href: str | None = None
    link_text: list[str] = []
    tail_start: int | None = None
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
            piece = " " if child.type == "softbreak" else "\n"
        elif child.type in ("text", "code_inline"):
            piece = child.content
        elif child.type == "image":  # its description as plain text, as CommonMark's alt
            piece = _token_plain(child.children or [])
        else:
            piece = ""
        if child.type == "link_open":
            open_href = str(child.attrGet("href") or "")
            link_text = []
            if tail_start is not None:
                after[len(links) - 1] = "".join(text[tail_start:]).strip()
            tail_start = None
            continue
        if child.type == "link_close" and open_href is not None:
            links.append(Link(open_href, "".join(link_text).strip(), line))
            open_href = None
            tail_start = len(text)
            continue
        if open_href is not None:
            link_text.append(piece)
        text.append(piece)
    if tail_start is not None and links:
        after[len(links) - 1] = "".join(text[tail_start:]).strip()
    return "".join(text).strip(), links, after


def _token_plain(tokens: list[Token]) -> str:
    out = []
    for t in tokens:
        if t.type in ("text", "code_inline", "text_special"):
            out.append(t.content)
        elif t.type in ("softbreak", "hardbreak"):
            out.append(" " if t.type == "softbreak" else "\n")
        elif t.type == "image":
            out.append(_token_plain(t.children or []))
    return "".join(out)


def parse_guide_body(body: str, body_line: int = 1) -> GuideBody:
    """Sections of a guide body; ``body_line`` is the file line the body starts on."""
    if _rs is not None:
        return _Tree(body, body_line).read()
    return parse_with_tokens(body, body_line)


def parse_with_tokens(body: str, body_line: int = 1) -> GuideBody:
    """:func:`parse_guide_body` from markdown-it-py's token stream."""
    tokens = _md.parse(body)
    intro: list[str] = []
    sections: list[Section] = []
    list_depth = 0
    item: Item | None = None
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        line = body_line + (tok.map[0] if tok.map else 0)
        if tok.type == "heading_open" and tok.tag == "h2":
            title, links, _ = _inline(tokens[i + 1], line)
            sections.append(Section(len(sections) + 1, title, line, links=list(links)))
            i += 3
            continue
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif tok.type == "list_item_open" and list_depth == 1:
            item = Item(line, "")
        elif tok.type == "list_item_close" and list_depth == 1 and item is not None:
            if sections:
                sections[-1].items.append(item)
            item = None
        elif tok.type == "inline":
            text, links, after = _inline(tok, line)
            if item is not None:
                offset = len(item.links)
                item.text = f"{item.text} {text}".strip()
                item.links.extend(links)
                item.after.update({offset + k: v for k, v in after.items()})
            elif sections:
                sections[-1].paragraphs.append(text)
            else:
                intro.append(text)
            if sections:
                sections[-1].links.extend(links)
        i += 1
    return GuideBody(intro, sections)


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
        self.intro: list[str] = []
        self.sections: list[Section] = []
        self.depth = 0
        self.item: Item | None = None

    def read(self) -> GuideBody:
        self._blocks(self.tree.children)
        return GuideBody(self.intro, self.sections)

    def _line(self, node: Any) -> int:
        return self.body_line + bisect.bisect_left(self.newlines, node.srcmap[0])

    def _blocks(self, nodes: list[Any]) -> None:
        for node in nodes:
            self._block(node)

    def _block(self, node: Any) -> None:
        name = node.name
        if name in ("heading", "lheading") and node.meta.get("level") == 2:
            line = self._line(node)
            title, links, _ = _inline_nodes(node.children, line)
            self.sections.append(Section(len(self.sections) + 1, title, line, links=links))
        elif name in ("paragraph", "heading", "lheading"):
            self._content(node.children, self._line(node))
        elif name in ("bullet_list", "ordered_list"):
            self.depth += 1
            self._blocks(node.children)
            self.depth -= 1
        elif name == "list_item":
            if self.depth == 1:
                self.item = Item(self._line(node), "")
            run: list[Any] = []  # a tight item's paragraph: its inline nodes, no paragraph
            for child in node.children:
                if child.name in _INLINE:
                    run.append(child)
                    continue
                if run:
                    self._content(run, self._line(run[0]))
                    run = []
                self._block(child)
            if run:
                self._content(run, self._line(run[0]))
            if self.depth == 1 and self.item is not None:
                if self.sections:
                    self.sections[-1].items.append(self.item)
                self.item = None
        elif name == "blockquote":
            self._blocks(node.children)
        # code, HTML blocks, rules and link definitions hold no text of the guide's own

    def _content(self, nodes: list[Any], line: int) -> None:
        text, links, after = _inline_nodes(nodes, line)
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


def _plain(node: Any) -> str:
    """The text of an inline node's descendants (code spans, image descriptions)."""
    if node.name in ("text", "text_special"):
        return node.meta.get("content", "")
    if node.name == "softbreak":
        return " "
    if node.name == "hardbreak":
        return "\n"
    return "".join(_plain(child) for child in node.children)


def _inline_nodes(nodes: list[Any], first_line: int) -> tuple[str, list[Link], dict[int, str]]:
    """:func:`_inline` over markdown-it-pyrs's inline nodes."""
    text: list[str] = []
    links: list[Link] = []
    after: dict[int, str] = {}
    state: dict[str, Any] = {"line": first_line, "href": None, "link_text": [], "tail": None}

    def add(piece: str) -> None:
        if state["href"] is not None:
            state["link_text"].append(piece)
        text.append(piece)

    def visit(node: Any) -> None:
        name = node.name
        if name in ("softbreak", "hardbreak"):
            state["line"] += 1
            add(" " if name == "softbreak" else "\n")
        elif name in ("text", "text_special"):
            add(node.meta.get("content", ""))
        elif name in ("code_inline", "image"):
            add(_plain(node))
        elif name in ("link", "autolink"):
            if state["tail"] is not None:
                after[len(links) - 1] = "".join(text[state["tail"]:]).strip()
            state.update(href=str(node.meta.get("url") or ""), link_text=[], tail=None)
            for child in node.children:
                visit(child)
            links.append(Link(state["href"], "".join(state["link_text"]).strip(),
                              state["line"]))
            state.update(href=None, tail=len(text))
        else:  # emphasis and the like: their text; raw HTML: nothing
            for child in node.children:
                visit(child)

    for node in nodes:
        visit(node)
    if state["tail"] is not None and links:
        after[len(links) - 1] = "".join(text[state["tail"]:]).strip()
    return "".join(text).strip(), links, after
