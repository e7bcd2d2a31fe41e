"""Read a guide's Markdown body into sections, links and list items, with file lines.

The body is parsed with markdown-it-py (CommonMark), never with regular expressions over the
text, so links in emphasis, lists or wrapped lines are found the way a Markdown renderer finds them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

SOURCE_LINK = re.compile(r"/sources/sources/(?P<slug>[^/?#]+)/?(?:[?#].*)?")
CATEGORY_LINK = re.compile(r"/category/(?P<slug>[^/?#]+)/?(?:[?#].*)?")

_md = MarkdownIt("commonmark")


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
        elif child.type == "image":
            piece = child.content
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


def parse_guide_body(body: str, body_line: int = 1) -> GuideBody:
    """Sections of a guide body; ``body_line`` is the file line the body starts on."""
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
