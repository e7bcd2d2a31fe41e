"""Read a page's Markdown body into sections, links and list items, with file lines.

The body is parsed as Hugo's Markdown (CommonMark with GitHub's tables and strikethrough),
never with regular expressions over the text, so links in emphasis, lists, tables, block quotes
or wrapped lines are found the way a Markdown renderer finds them. Before parsing, Hugo's
``{{< ref "..." >}}`` and ``{{< relref "..." >}}`` shortcodes in a link's address become
``hugo-ref:<path>`` addresses (on the same line), so :mod:`kzgraph.content.links` can resolve
them. A level-2 heading's Hugo attributes (``## Title {#id}``) give the section its ID.

The parser is markdown-it-pyrs (markdown-it in Rust: a 23 KB guide in 1 ms instead of 11 ms, a
tenth of a 100,000-page build), read through the same rules as the token stream of
markdown-it-py, which is used where the Rust wheel is not installed; a test holds the two to
the same results.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator
from urllib.parse import quote

from markdown_it import MarkdownIt
from markdown_it.token import Token

try:
    import markdown_it_pyrs
except ImportError:  # pragma: no cover - a platform with no wheel: markdown-it-py alone
    markdown_it_pyrs = None

SOURCE_LINK = re.compile(r"/sources/sources/(?P<slug>[^/?#]+)/?(?:[?#].*)?")
CATEGORY_LINK = re.compile(r"/category/(?P<slug>[^/?#]+)/?(?:[?#].*)?")
#: the scheme of the address a ``ref``/``relref`` shortcode in a link becomes
REF_SCHEME = "hugo-ref:"

#: the Markdown Hugo renders by default (Goldmark): CommonMark, GFM tables, strikethrough
_EXTENSIONS = ["table", "strikethrough"]
_md = MarkdownIt("commonmark").enable(_EXTENSIONS)
_rs = markdown_it_pyrs.MarkdownIt("commonmark").enable_many(_EXTENSIONS) \
    if markdown_it_pyrs is not None else None

#: ``{{< ref "path" >}}``, ``{{< relref "path" >}}``, ``{{% ref path %}}``,
#: ``{{< ref path="path" lang="ru" >}}`` where a link's address goes
_SHORTCODE = re.compile(
    r"(?P<lead>\]\(\s*<?|^ {0,3}\[[^\]\n]+\]:[ \t]*)"
    r"\{\{(?P<open>[<%])\s*(?:rel)?ref\s+(?:path=)?"
    r"(?:\"(?P<quoted>[^\"\n]*)\"|(?P<bare>[^\s\"%>}]+))"
    r"(?:\s+\w+=(?:\"[^\"\n]*\"|[^\s%>}]+))*\s*[>%]\}\}", re.MULTILINE)
#: Hugo's attributes at the end of a heading: ``{#id}``, ``{#id .class key=value}``
_ATTRIBUTES = re.compile(r"\s*\{(?P<attrs>[^{}\n]*)\}\s*$")
_ATTRIBUTE_LIST = re.compile(r'(?:\s*(?:#[\w-]+|\.[\w-]+|[\w-]+=(?:"[^"]*"|[^\s"{}]+)))+\s*')
_ID = re.compile(r'(?<![\w-])#([\w-]+)')
#: where a sentence ends: ., ! ? or … then a space
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
#: what may stand between a list item's start (or the link before) and a link it opens with
_PUNCTUATION = " ,;:—–-"


def refs_as_links(body: str) -> str:
    """The body with each ``ref``/``relref`` shortcode that is a link's address replaced by a
    ``hugo-ref:`` address (percent-encoded), on the same line."""
    def replace(m: re.Match[str]) -> str:
        path = m.group("quoted") if m.group("quoted") is not None else m.group("bare")
        return m.group("lead") + REF_SCHEME + quote(path, safe="/#.-_~")
    return _SHORTCODE.sub(replace, body) if "{{" in body else body


def heading_attributes(title: str) -> tuple[str, str | None]:
    """A heading's text without Hugo's trailing attributes, and the ID they give (or None)."""
    m = _ATTRIBUTES.search(title)
    if m is None or not _ATTRIBUTE_LIST.fullmatch(m.group("attrs")):
        return title, None
    ids = _ID.findall(m.group("attrs"))
    return title[:m.start()].rstrip(), (ids[-1] if ids else None)


@dataclass
class Link:
    """A link in the body: where it points, its text, its file line, and the words around it
    (the rest of its list item, or the sentence or table cell it stands in; "" when there are
    none besides the link's own text)."""

    href: str
    text: str
    line: int
    words: str = ""

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
    #: links whose words are the whole item's text (set when the item closes)
    whole: list[Link] = field(default_factory=list)


@dataclass
class Section:
    """The text under one level-2 heading."""

    position: int
    title: str
    line: int
    paragraphs: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    #: the heading's ID, from Hugo's ``## Title {#id}``
    anchor: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass
class GuideBody:
    intro: list[str]
    sections: list[Section]
    #: links before the first section
    intro_links: list[Link] = field(default_factory=list)

    @property
    def links(self) -> list[Link]:
        return [link for section in self.sections for link in section.links]

    @property
    def all_links(self) -> list[Link]:
        """Every link of the body, the introduction's included, in document order."""
        return self.intro_links + self.links


#: inline content as both parsers give it: ("text", words), ("break", " " or "\n"),
#: ("open", a link's href) and ("close", "")
Event = tuple[str, str]


def _collect(events: Iterable[Event], first_line: int
             ) -> tuple[str, list[Link], dict[int, str], list[tuple[int, int]]]:
    """Plain text of a run of inline content, its links with lines (the line a link's text
    ends on), the words after each link, and each link's span in the plain text."""
    text: list[str] = []
    links: list[Link] = []
    after: dict[int, str] = {}
    spans: list[tuple[int, int]] = []
    line = first_line
    length = 0
    open_href: str | None = None
    open_at = 0
    link_text: list[str] = []
    tail_start: int | None = None
    for kind, value in events:
        if kind == "open":
            open_href, link_text, open_at = value, [], length
            if tail_start is not None:
                after[len(links) - 1] = "".join(text[tail_start:]).strip()
            tail_start = None
            continue
        if kind == "close":
            if open_href is not None:
                links.append(Link(open_href, "".join(link_text).strip(), line))
                spans.append((open_at, length))
                open_href, tail_start = None, len(text)
            continue
        if kind == "break":
            line += 1
        if open_href is not None:
            link_text.append(value)
        text.append(value)
        length += len(value)
    if tail_start is not None and links:
        after[len(links) - 1] = "".join(text[tail_start:]).strip()
    joined = "".join(text)
    lead = len(joined) - len(joined.lstrip())
    return joined.strip(), links, after, [(a - lead, b - lead) for a, b in spans]


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` holding the span ``start:end``."""
    left = 0
    for m in _SENTENCE_END.finditer(text, 0, max(start, 0)):
        left = m.end()
    m = _SENTENCE_END.search(text, max(end, 0))
    return text[left:m.start() if m else len(text)].strip()


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
    """A body as either parser reads it, block by block: level-2 headings open sections,
    top-level list items collect their (and their sub-lists') text and links, other text is a
    section's paragraph or, before the first section, the intro."""

    def __init__(self) -> None:
        self.intro: list[str] = []
        self.intro_links: list[Link] = []
        self.sections: list[Section] = []
        self.depth = 0  # of lists
        self.item: Item | None = None

    def section(self, events: Iterable[Event], line: int) -> None:
        title, links, _, _ = _collect(events, line)
        title, anchor = heading_attributes(title)
        for link in links:
            link.words = title if title != link.text else ""
        self.sections.append(Section(len(self.sections) + 1, title, line, links=links,
                                     anchor=anchor))

    def open_item(self, line: int) -> None:
        if self.depth == 1:
            self.item = Item(line, "")

    def close_item(self) -> None:
        if self.depth == 1 and self.item is not None:
            item = self.item
            for link in item.whole:
                link.words = item.text if item.text != link.text else ""
            if self.sections:
                self.sections[-1].items.append(item)
            self.item = None

    def heading(self, events: Iterable[Event], line: int) -> None:
        """A heading of another level: a paragraph of its section, without its attributes."""
        text, links, after, spans = _collect(events, line)
        self._place(heading_attributes(text)[0], links, after, spans)

    def content(self, events: Iterable[Event], line: int) -> None:
        self._place(*_collect(events, line))

    def row(self, cells: list[tuple[Iterable[Event], int]]) -> None:
        """A table row: one paragraph, its cells' text separated by ' | '; a link's words are
        the sentence of its cell."""
        texts: list[str] = []
        links: list[Link] = []
        for events, line in cells:
            text, found, _, spans = _collect(events, line)
            for link, (start, end) in zip(found, spans):
                words = _sentence(text, start, end)
                link.words = words if words != link.text else ""
            texts.append(text)
            links.extend(found)
        self._place(" | ".join(texts), links, None, None)

    def _place(self, text: str, links: list[Link], after: dict[int, str] | None,
               spans: list[tuple[int, int]] | None) -> None:
        item = self.item
        if item is not None:
            offset = len(item.links)
            if after is not None and spans is not None:
                previous_end = 0
                for index, (link, (start, end)) in enumerate(zip(links, spans)):
                    before = text[previous_end:max(start, 0)].strip(_PUNCTUATION + "\n")
                    if not before and (offset + index == 0 or previous_end > 0):
                        link.words = after.get(index, "").lstrip(_PUNCTUATION).strip()
                    else:
                        item.whole.append(link)
                    previous_end = end
            item.text = f"{item.text} {text}".strip()
            item.links.extend(links)
            if after is not None:
                item.after.update({offset + k: v for k, v in after.items()})
        else:
            if spans is not None:
                for link, (start, end) in zip(links, spans):
                    words = _sentence(text, start, end)
                    link.words = words if words != link.text else ""
            if self.sections:
                self.sections[-1].paragraphs.append(text)
            else:
                self.intro.append(text)
        if self.sections:
            self.sections[-1].links.extend(links)
        else:
            self.intro_links.extend(links)

    def result(self) -> GuideBody:
        return GuideBody(self.intro, self.sections, self.intro_links)


def parse_guide_body(body: str, body_line: int = 1) -> GuideBody:
    """Sections of a guide body; ``body_line`` is the file line the body starts on. Each call
    gets sections of its own (the mapping drops a section's ID it reports), the rest of the
    reading shared with the calls before: a guide is read by its mapping and again by the
    coverage figures."""
    if _rs is None:  # pragma: no cover - a platform with no wheel
        return parse_with_tokens(body, body_line)
    read = _read_tree(body, body_line)
    if read is None:
        return parse_with_tokens(body, body_line)
    return GuideBody(read.intro, [dataclasses.replace(s) for s in read.sections],
                     read.intro_links)


@functools.lru_cache(maxsize=16)
def _read_tree(body: str, body_line: int) -> GuideBody | None:
    tree = _Tree.of(refs_as_links(body), body_line)
    return None if tree is None else tree.read()


def _panicked(exc: BaseException) -> bool:
    """Whether markdown-it-pyrs's Rust code panicked: it does on some input (an unclosed
    code span right after '[', as in "use [` to open"), which markdown-it-py reads."""
    return type(exc).__name__ == "PanicException"


def parse_with_tokens(body: str, body_line: int = 1) -> GuideBody:
    """:func:`parse_guide_body` from markdown-it-py's token stream."""
    tokens = _md.parse(refs_as_links(body))
    out = _Body()
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        line = body_line + (tok.map[0] if tok.map else 0)
        if tok.type == "heading_open":
            events = _token_events(tokens[i + 1].children or [])
            if tok.tag == "h2":
                out.section(events, line)
            else:
                out.heading(events, line)
            i += 3
            continue
        if tok.type == "tr_open":
            cells = []
            i += 1
            while tokens[i].type != "tr_close":
                if tokens[i].type == "inline":
                    cells.append((_token_events(tokens[i].children or []), line))
                i += 1
            out.row(cells)
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
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
           "autolink", "em", "strong", "html_inline", "s", "strikethrough"}


class _Tree:
    """A guide body from markdown-it-pyrs's syntax tree, read as :func:`parse_with_tokens`
    reads markdown-it-py's tokens: the same sections, paragraphs, items, links and lines."""

    def __init__(self, body: str, body_line: int, tree: Any) -> None:
        self.body_line = body_line
        data = body.encode("utf-8")  # the tree's source map counts bytes
        self.newlines = [m.start() for m in re.finditer(b"\n", data)]
        self.tree = tree
        self.out = _Body()

    @classmethod
    def of(cls, body: str, body_line: int) -> "_Tree | None":
        """The reader of ``body``'s tree; None where markdown-it-pyrs cannot read it."""
        try:
            tree = _rs.tree(body)  # type: ignore[union-attr]
        except BaseException as exc:  # a Rust panic is no Exception
            if not _panicked(exc):
                raise
            return None
        return cls(body, body_line, tree)

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
        elif name in ("heading", "lheading"):
            out.heading(_tree_events(node.children), self._line(node))
        elif name == "paragraph":
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
        elif name in ("blockquote", "table", "thead", "tbody"):
            self._blocks(node.children)
        elif name == "trow":
            line = self._line(node)
            out.row([(_tree_events(cell.children), line) for cell in node.children])
        # code, HTML blocks, rules and link definitions hold no text of the guide's own


def body_links(body: str, body_line: int = 1) -> tuple[Link, ...]:
    """Every link of a body, as :attr:`GuideBody.all_links` gives them (address, text, line),
    without the sections, paragraphs and words a guide needs: what a source, category or
    perspective page's links are read with. Held to :func:`parse_guide_body` by a test."""
    if "](" not in body and "<" not in body and "]:" not in body:
        return ()  # no link can be written without one of these
    plain = plain_links(body, body_line)
    if plain is not None:
        return plain
    if _rs is None:  # pragma: no cover - a platform with no wheel
        return tuple(parse_with_tokens(body, body_line).all_links)
    tree = _LinkTree.of(refs_as_links(body), body_line)
    if tree is None:
        return tuple(parse_with_tokens(body, body_line).all_links)
    return tuple(tree.read())


#: what may change how Markdown reads a plain ``[words](address)``: a code span or fence, an
#: escape, an entity, HTML or an autolink, a block quote, a table, strikethrough, a shortcode,
#: a line ending in CR, a NUL, a tab or four spaces (an indented code block may start there),
#: an image
_UNPLAIN = ("`", "\\", "&", "<", ">", "|", "~", "\t", "\r", "\x00", "{{", "    ", "![")
#: an inline link on one line, its words without brackets, emphasis or a line break, its
#: address ASCII that Markdown's normalisation keeps as it is (a percent sign only before two
#: hexadecimal digits)
_PLAIN_LINK = re.compile(r"\[(?P<text>[^\[\]\n*_]*)\]"
                         r"\((?P<href>(?:[A-Za-z0-9\-.~:/?#@!$'*+,;=_]|%[0-9A-Fa-f]{2})*)\)")
#: the schemes markdown-it does not link to (a ``[words](javascript:...)`` is text)
_BAD_SCHEME = re.compile(r"(?:vbscript|javascript|file|data):", re.IGNORECASE)


def plain_links(body: str, body_line: int = 1) -> tuple[Link, ...] | None:
    """The links of a body in which every bracket belongs to an inline link
    ``[words](address)`` on one line, found without parsing, or None for any other body
    (:func:`body_links` then parses it). Such a link is read by Markdown wherever it stands (a
    paragraph, a heading, a list item), with its words as written and on its own line. What
    could change that is ruled out first: code, escapes, entities, HTML, autolinks, block
    quotes, tables, strikethrough, shortcodes, indentation of four spaces or a tab, images,
    link definitions, emphasis and line breaks in the words, and addresses Markdown would
    encode or refuse. Held to the parser by ``tests/test_guidebody_parsers.py``."""
    if any(text in body for text in _UNPLAIN):  # (a regular expression: 7 times slower)
        return None
    links = []
    for m in _PLAIN_LINK.finditer(body):
        if _BAD_SCHEME.match(m.group("href")):
            return None
        links.append(Link(m.group("href"), m.group("text").strip(),
                          body_line + body.count("\n", 0, m.start())))
    n = len(links)
    if body.count("[") != n or body.count("]") != n or body.count("](") != n:
        return None  # a bracket outside such a link (a reference, a definition, a title)
    return tuple(links)


class _LinkTree(_Tree):
    """:class:`_Tree`'s walk over the same blocks, keeping only the links and the lines
    :func:`_collect` gives them (the line a link's text ends on)."""

    def __init__(self, body: str, body_line: int, tree: Any) -> None:
        super().__init__(body, body_line, tree)
        self.links: list[Link] = []

    def read(self) -> list[Link]:  # type: ignore[override]
        self._blocks(self.tree.children)
        return self.links

    def _block(self, node: Any) -> None:
        name = node.name
        if name in ("heading", "lheading", "paragraph"):
            self._inline(node.children, self._line(node))
        elif name in ("bullet_list", "ordered_list", "blockquote", "table", "thead", "tbody"):
            self._blocks(node.children)
        elif name == "list_item":
            run: list[Any] = []
            for child in node.children:
                if child.name in _INLINE:
                    run.append(child)
                    continue
                if run:
                    self._inline(run, self._line(run[0]))
                    run = []
                self._block(child)
            if run:
                self._inline(run, self._line(run[0]))
        elif name == "trow":
            line = self._line(node)
            for cell in node.children:
                self._inline(cell.children, line)

    def _inline(self, nodes: list[Any], line: int) -> None:
        """One run of inline content, read as :func:`_collect` reads its events."""
        state = [line, None, []]  # the line, the open link's address, its text
        self._nodes(nodes, state)

    def _nodes(self, nodes: list[Any], state: list) -> None:
        for node in nodes:
            name = node.name
            if name == "text" or name == "text_special":
                if state[1] is not None:
                    state[2].append(node.meta.get("content", ""))
            elif name == "softbreak" or name == "hardbreak":
                state[0] += 1
                if state[1] is not None:
                    state[2].append(" " if name == "softbreak" else "\n")
            elif name == "code_inline" or name == "image":
                if state[1] is not None:
                    state[2].append(_words(_tree_events(node.children)))
            elif name == "link" or name == "autolink":
                state[1], state[2] = str(node.meta.get("url") or ""), []
                self._nodes(node.children, state)
                if state[1] is not None:
                    self.links.append(Link(state[1], "".join(state[2]).strip(), state[0]))
                    state[1] = None
            else:
                self._nodes(node.children, state)
