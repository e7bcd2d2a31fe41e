"""Read the content folder into located records. No RDF here.

Every page is one Markdown file with YAML front matter, in a layout of
``<kind>/<slug>/index[.<lang>].md``. Each front-matter key keeps the line it was written on, so
later steps can point an editor at it. A file that cannot be read becomes a :class:`Problem`,
and the other files still load.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import frontmatter
import pycountry
import yaml

from kzgraph.content.hugofront import read_json, read_toml
from kzgraph.content.layout import COLLECTION, SLUG, place
from kzgraph.content.walk import Listing, _display, _walk
from kzgraph.errors import WARNING, Message, Problem, msg

FILE_NAME = re.compile(r"index(?:\.(?P<lang>[^.]+))?\.md")
LANG_TAG = re.compile(r"(?P<primary>[a-z]{2})(?:-(?P<region>[a-z]{2}|[0-9]{3}))?")
BOUNDARY = frontmatter.YAMLHandler.FM_BOUNDARY
#: a page file larger than this is refused rather than read
MAX_FILE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Field:
    """One front-matter key: its value as YAML gave it (dates stay strings) and its line."""

    key: str
    value: Any
    line: int


@dataclass
class Page:
    """One content file, with everything located.

    :param path: the file
    :param rel: the file's path as shown to editors (relative to the content folder's parent)
    :param kind: ``guide``, ``source``, ``category`` or ``perspective``
    :param slug: the folder name, which the IRI is minted from
    :param lang: the file's language (from its name)
    :param fields: front-matter keys in the order written
    :param body: the Markdown after the front matter
    :param body_line: the file line the body starts on
    :param front_line: the file line the front matter starts on
    """

    path: Path
    rel: str
    kind: str
    slug: str
    lang: str
    fields: dict[str, Field] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    front_line: int = 1
    #: the SHA-256 of the file's bytes as read (for the build's provenance digest)
    sha256: str = ""

    def problem(self, message: str | Message, *, line: int | None = None, key: str | None = None,
                stage: str = "map", severity: str = "error") -> Problem:
        """A problem located in this page; the line defaults to the key's line."""
        if line is None and key is not None and key in self.fields:
            line = self.fields[key].line
        return Problem(self.rel, line, key, message, lang=self.lang, stage=stage,
                       severity=severity)


@dataclass
class Content:
    """Everything loaded from a content folder, and what could not be."""

    root: Path
    pages: list[Page]
    problems: list[Problem]


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML that keeps dates as written (so a bad date is reported, not a crash) and
    refuses duplicate keys (so no value is silently overwritten)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# -- front matter as people write it, read without YAML's machinery -----------------------------
#
# Nearly every page's front matter is lines of ``key: value`` where the value is quoted text
# (``"text"``), a list of it (``["a", "b"]``), a date, an integer or plain words (``title: Zerde
# Daily``); lists written as ``- item`` lines under the key; descriptions folded over several
# lines (``description: >-``); and comments, on a line of their own or after a value. For those
# YAML's answer is plain (a string, a list of strings, the date as text, an integer), and
# reading them line by line costs a third of composing and constructing YAML nodes. Anything
# else -- an escape, a single-quoted or nested value, a plain word YAML reads as another type,
# a blank line inside a folded text, a character YAML treats specially, a key written twice --
# is left to YAML, so what YAML would report is still reported. ``tests/test_load_fast.py``
# checks the two readings agree.

#: characters outside these make YAML complain or break lines (NEL, LS, PS, BOM, controls)
_ODD_CHARACTER = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe"
                            "\uff00-\ufffd\U00010000-\U0010ffff]")
_QUOTED = r'"[^"\\]*"'
#: a value that ends where a comment may start
_COMMENT = r"(?: +#.*)?"
_KEY_LINE = re.compile(r"(?P<key>[A-Za-z_][A-Za-z0-9_-]*):(?: +(?P<value>.*))?")
_SIMPLE_VALUE = re.compile(
    rf"(?P<text>{_QUOTED})"
    rf"|\[ *(?P<items>(?:{_QUOTED}(?: *, *{_QUOTED})*)?) *\]"
    r"|(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"|(?P<int>0|[1-9][0-9]{0,15})")
#: the commonest line, read with one regular expression
_SIMPLE_LINE = re.compile(rf"(?P<key>[A-Za-z_][A-Za-z0-9_-]*): +(?:{_SIMPLE_VALUE.pattern}) *")
_ITEM = re.compile(_QUOTED)
_ITEM_LINE = re.compile(r"(?P<indent> *)- +(?P<value>.*)")
_BLOCK_HEADER = re.compile(r"(?P<style>[>|])(?P<chomp>-?)")
#: what a plain scalar may not start with (YAML's indicators), nor hold
_NOT_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@` ")


def _plain(value: str) -> str | None:
    """A plain scalar's text (a comment after it removed), or None when YAML would read it as
    something else than that text (another type, an indicator, a key inside it)."""
    value = value.split(" #", 1)[0].rstrip(" ")
    if not value or value[0] in _NOT_PLAIN_START or ": " in value or value.endswith(":"):
        return None
    for _, pattern in _Loader.yaml_implicit_resolvers.get(value[0], ()):
        if pattern.match(value):
            return None
    return value


def _scalar(value: str) -> Any:
    """A one-line value (a comment after it allowed) as YAML gives it, or _NO."""
    m = _SIMPLE_VALUE.match(value)
    if m is not None and re.fullmatch(_COMMENT, value[m.end():]):
        text, items, date, number = m.groups()
        if text is not None:
            return text[1:-1]
        if items is not None:
            return [item[1:-1] for item in _ITEM.findall(items)]
        return date if date is not None else int(number)
    if value[:1] == '"' or value[:1] == "[":
        return _NO
    plain = _plain(value)
    return _NO if plain is None else plain


_NO = object()


def _simple_fields(front: str) -> list[tuple[str, Any, int]] | None:
    """The keys of front matter written the usual ways, each with its value as YAML would
    give it and its line (from 0); None when YAML itself must read it."""
    if _ODD_CHARACTER.search(front):
        return None
    out: list[tuple[str, Any, int]] = []
    keys: set[str] = set()
    lines = front.split("\n")
    i, n = 0, len(lines)
    simple = _SIMPLE_LINE.fullmatch
    while i < n:
        line = lines[i]
        m = simple(line)
        if m is not None:
            key, text, items, date, number_ = m.groups()
            if key in keys:
                return None
            keys.add(key)
            if text is not None:
                out.append((key, text[1:-1], i))
            elif items is not None:
                out.append((key, [item[1:-1] for item in _ITEM.findall(items)], i))
            else:
                out.append((key, date if date is not None else int(number_), i))
            i += 1
            continue
        if not line.strip() or line[0] == "#":
            i += 1
            continue
        m = _KEY_LINE.fullmatch(line)
        if m is None or m.group("key") in keys:
            return None
        key, value, number = m.group("key"), m.group("value"), i
        keys.add(key)
        i += 1
        if value is None or value.startswith("#"):  # a list of "- item" lines follows
            items: list[Any] = []
            indent = None
            while i < n:
                item = _ITEM_LINE.fullmatch(lines[i])
                if item is None:
                    break
                if indent is None:
                    indent = item.group("indent")
                elif item.group("indent") != indent:
                    return None
                got = _scalar(item.group("value"))
                if got is _NO or isinstance(got, list):
                    return None
                items.append(got)
                i += 1
            if not items:
                return None
            out.append((key, items, number))
            continue
        header = _BLOCK_HEADER.fullmatch(value)
        if header is not None:  # folded (>) or literal (|) text on the lines that follow
            body: list[str] = []
            indent = None
            while i < n and lines[i][:1] == " ":
                text = lines[i].lstrip(" ")
                width = len(lines[i]) - len(text)
                if indent is None:
                    indent = width
                if width != indent or not text or text[-1] == " ":
                    return None
                body.append(text)
                i += 1
            if not body or (i < n and not lines[i].strip()):
                return None
            joined = (" " if header.group("style") == ">" else "\n").join(body)
            out.append((key, joined if header.group("chomp") else joined + "\n", number))
            continue
        got = _scalar(value)
        if got is _NO:
            return None
        out.append((key, got, number))
    return out


def _is_language(tag: str) -> bool:
    m = LANG_TAG.fullmatch(tag)
    return bool(m) and pycountry.languages.get(alpha_2=m.group("primary")) is not None


def _unclosed_quote(front: str, last: int) -> int | None:
    """The index of the first line up to ``last`` whose value opens a quote it does not close."""
    for index, line in enumerate(front.split("\n")[: last + 1]):
        _, sep, value = line.partition(": ")
        value = value.strip() if sep else line.strip().removeprefix("- ")
        if value[:1] == '"' and len(re.findall(r'(?<!\\)"', value)) % 2:
            return index
        if value[:1] == "'" and value.count("'") % 2:
            return index
    return None


def parse_page(text: str, *, path: Path, rel: str, kind: str, slug: str,
               lang: str) -> tuple[Page | None, list[Problem]]:
    """Split one file's text into front matter (with key lines) and body."""
    def fail(message: Message, line: int | None = None, key: str | None = None):
        return None, notes + [Problem(rel, line, key, message, lang=lang)]

    notes: list[Problem] = []
    if text.startswith("\ufeff"):
        text = text[1:]
        notes.append(Problem(rel, 1, None, msg("The file starts with a byte-order mark; it "
                                               "was ignored. Save the file as UTF-8 without "
                                               "BOM."), lang=lang, severity=WARNING))
    if "\r" in text:
        line = text.count("\n", 0, text.index("\r")) + 1
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        notes.append(Problem(rel, line, None, msg("The file has Windows (CR LF) or old Mac "
                                                  "(CR) line endings; they were read as LF, "
                                                  "and published text uses LF."),
                             lang=lang, severity=WARNING))
    if not text.strip():
        return fail(msg("The file is empty. Add front matter between '---' lines and a "
                        "body."), 1)
    first = text.split("\n", 1)[0].strip()
    if first == "+++" or text.startswith("{"):
        return _toml_or_json(text, notes, fail, Page(path, rel, kind, slug, lang))
    opening = BOUNDARY.match(text)
    if not opening:
        return fail(msg("The file has no front matter: it must start with a '---' line, "
                        "then YAML keys such as 'title:', then another '---' line."), 1)
    closing = BOUNDARY.search(text, opening.end())
    if not closing:
        return fail(msg("The front matter is not closed: add a '---' line after the last "
                        "key."), 1)
    front = text[opening.end():closing.start()]
    front_line = text.count("\n", 0, opening.end()) + 1
    if front.startswith("\n"):
        front, front_line = front[1:], front_line + 1
    body_start = closing.end() + 1 if text[closing.end():closing.end() + 1] == "\n" else closing.end()
    body_line = text.count("\n", 0, body_start) + 1

    if "\t" in front:
        n = front[: front.index("\t")].count("\n")
        return fail(msg("The front matter contains a tab; YAML indents with spaces only. "
                        "Replace the tab with spaces."), front_line + n)
    simple = _simple_fields(front)
    if simple is not None:
        page = Page(path, rel, kind, slug, lang, body=text[body_start:], body_line=body_line,
                    front_line=front_line)
        for key, value, number in simple:
            page.fields[key] = Field(key, value, front_line + number)
        return page, notes
    loader = _Loader(front)
    try:
        node = loader.get_single_node()
    except RecursionError:
        loader.dispose()
        return fail(msg("The front matter is nested too deeply to read. Flatten it."),
                    front_line)
    except yaml.YAMLError as exc:
        loader.dispose()
        return _yaml_failure(exc, front, front_line, fail)
    page = Page(path, rel, kind, slug, lang, body=text[body_start:], body_line=body_line,
                front_line=front_line)
    try:
        return _fields(page, node, loader, front_line, notes, fail)
    finally:
        loader.dispose()


def _toml_or_json(text: str, notes: list[Problem],
                  fail: Callable[..., tuple[None, list[Problem]]],
                  page: Page) -> tuple[Page | None, list[Problem]]:
    """A page whose front matter is TOML (``+++``) or JSON (``{``), as Hugo reads them."""
    front = read_toml(text) if text.startswith("+++") else read_json(text)
    if front.problem is not None:
        return fail(*front.problem)
    page.body, page.body_line = text[front.body_start:], front.body_line
    page.front_line = front.front_line
    for key, line, first in front.twice:
        notes.append(page.problem(msg("The key '{key}' is written twice (first on line "
                                      "{first}). Keep one and merge the values.", key=key,
                                      first=first), line=line, key=key, stage="load"))
    for key, value, line in front.fields:
        page.fields[key] = Field(key, value, line)
    return page, notes


def _yaml_failure(exc: yaml.YAMLError, front: str, front_line: int,
                  fail: Callable[..., tuple[None, list[Problem]]]) -> tuple[None, list[Problem]]:
    """Report a YAML syntax error where an editor will find it: an unclosed quote where it was
    opened, anything else where the parser stopped."""
    context = getattr(exc, "context", None) or ""
    mark = getattr(exc, "context_mark", None) if "scanning" in context else None
    mark = mark or getattr(exc, "problem_mark", None)
    stop = mark.line if mark is not None else 0
    if "nesting depth" in str(exc):
        return fail(msg("The front matter is nested too deeply to read. Flatten it."),
                    front_line + stop)
    unclosed = _unclosed_quote(front, stop)
    if unclosed is not None:
        return fail(msg("The front matter is not valid YAML: the quote opened on this line "
                        "is never closed. Add the closing quote."), front_line + unclosed)
    what = "; ".join(x for x in (context, getattr(exc, "problem", None)) if x) or str(exc)
    return fail(msg("The front matter is not valid YAML («{what}»). Check the indentation, "
                    "colons and quotes on this line.", what=what), front_line + stop)


def _fields(page: Page, node: yaml.Node | None, loader: _Loader, front_line: int,
            notes: list[Problem], fail: Callable[..., tuple[None, list[Problem]]]
            ) -> tuple[Page | None, list[Problem]]:
    """Each top-level key of the composed front matter, with its line, into ``page.fields``."""
    if node is None:
        return page, notes
    if not isinstance(node, yaml.MappingNode):
        return fail(msg("The front matter must be a list of 'key: value' lines."), front_line)
    problems: list[Problem] = notes
    rel, lang = page.rel, page.lang
    for key_node, value_node in node.value:
        line = front_line + key_node.start_mark.line
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(Problem(rel, line, None,
                                    msg("A front-matter key must be a plain word."), lang=lang))
            continue
        key = key_node.value
        if key in page.fields:
            problems.append(Problem(
                rel, line, key,
                msg("The key '{key}' is written twice (first on line {first}). Keep one and "
                    "merge the values.", key=key, first=page.fields[key].line), lang=lang))
            continue
        try:
            value = loader.construct_document(value_node)
        except RecursionError:
            problems.append(Problem(rel, line, key,
                                    msg("This value is nested too deeply to read."), lang=lang))
            continue
        except yaml.YAMLError as exc:
            problems.append(Problem(rel, line, key, msg("This value is not valid YAML: «{error}»",
                                                        error=str(exc)), lang=lang))
            continue
        page.fields[key] = Field(key, value, line)
    return page, problems


def _read(path: str, size: int) -> bytes:
    """A file's bytes, read to its end (``size``, what stat said, is only a hint), without
    ``Path.read_bytes``'s buffered reader and its extra system calls."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        chunks = []
        while True:
            chunk = os.read(fd, max(size + 1, 1 << 16))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    finally:
        os.close(fd)


def load_file(path: Path, root: Path, default_language: str,
              language_dirs: dict[str, str] | None = None) -> tuple[Page | None, list[Problem]]:
    """Load one file of the content folder, or say why it cannot be loaded.
    ``language_dirs``: the folders under the content folder that hold one language's pages
    (folder name -> language), where the Hugo site has them."""
    text_path, text_root = str(path), str(root)
    if os.sep == "/" and root.name and text_path.startswith(text_root + "/"):
        inside = text_path[len(text_root) + 1:]  # as below, without pathlib's parsing
        rel, parts = f"{root.name}/{inside}", tuple(inside.split("/"))
    else:
        rel, parts = _display(path, root), path.relative_to(root).parts
    where = place(parts, language_dirs)
    if not isinstance(where, tuple):
        return None, [Problem(rel, None, None, where)]
    kind, slug, lang = where
    lang = lang or default_language
    if not _is_language(lang):
        return None, [Problem(rel, None, None,
                              msg("'{lang}' in the file name is not an ISO 639-1 language code "
                                  "(such as 'en', 'ru', 'kk').", lang=lang))]
    if kind != COLLECTION and not SLUG.fullmatch(slug):
        text = msg("The folder name '{slug}' cannot be used as a slug: use letters, digits, "
                   "'-' and '_' only, starting with a letter or digit.", slug=slug) \
            if parts[-1].startswith("index.") else \
            msg("The file name '{slug}' cannot be used as a slug: use letters, digits, '-' "
                "and '_' only, starting with a letter or digit.", slug=slug)
        return None, [Problem(rel, None, None, text,
                              lang=lang)]
    try:
        info = os.stat(text_path)
        if not stat.S_ISREG(info.st_mode):
            return None, [Problem(rel, None, None, msg("This is not a regular file (a folder, "
                                                       "a pipe or a device), so it cannot be a "
                                                       "page."), lang=lang)]
        if info.st_size > MAX_FILE_BYTES:
            size, limit = format(info.st_size, ","), format(MAX_FILE_BYTES, ",")
            return None, [Problem(rel, None, None,
                                  msg("The file is {size} bytes; pages over {limit} bytes are "
                                      "not read. Split it.", size=size, limit=limit),
                                  lang=lang)]
        data = _read(text_path, info.st_size)
    except OSError as exc:
        reason = {errno.ELOOP: msg("its symbolic links loop"),
                  errno.ENOENT: msg("it is a symbolic link to a file that does not exist"),
                  errno.EACCES: msg("permission denied")}.get(exc.errno, f"«{exc.strerror}»")
        return None, [Problem(rel, None, None, msg("The file cannot be read: {reason}.",
                                                   reason=reason), lang=lang)]
    if b"\0" in data:
        return None, [Problem(rel, None, None, msg("This is a binary file, not Markdown text."),
                              lang=lang)]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Problem(rel, line, None,
                              msg("The file is not UTF-8 text (byte {byte}). Save it as UTF-8.",
                                  byte=exc.start), lang=lang)]
    page, problems = parse_page(text, path=path, rel=rel, kind=kind, slug=slug, lang=lang)
    if page is not None:
        page.sha256 = hashlib.sha256(data).hexdigest()
    return page, problems


def load_content(root: Path, default_language: str = "en",
                 language_dirs: dict[str, str] | None = None) -> Content:
    """Load every page under ``root``; problems are collected, never raised."""
    paths, problems = find_files(root)
    content = load_files(paths, root, default_language, language_dirs)
    content.problems[:0] = problems
    return content


def find_files(root: Path) -> tuple[list[Path], list[Problem]]:
    """Every Markdown file under ``root`` in a stable order, and the linked folders skipped."""
    names, problems = _walk(root)
    return [Path(name) for name in names], problems


def find_file_names(root: Path, listings: dict[str, Listing] | None = None
                    ) -> tuple[list[str], list[Problem]]:
    """:func:`find_files`, the paths as text (a hundred thousand ``Path`` objects cost a
    rebuild half a second); ``listings``: see :func:`_walk`."""
    return _walk(root, listings)


def load_files(paths: list[Path], root: Path, default_language: str = "en",
               language_dirs: dict[str, str] | None = None) -> Content:
    """Load the given files of the content folder ``root`` (all of it, or one resource's
    files); two files describing one page in one language are reported, not both loaded."""
    problems: list[Problem] = []
    pages: list[Page] = []
    seen: dict[tuple[str, str, str], Page] = {}
    for path in paths:
        page, found = load_file(path, root, default_language, language_dirs)
        problems.extend(found)
        if page is None:
            continue
        twin = seen.get((page.kind, page.slug.casefold(), page.lang))
        if twin is not None:
            text = msg("{other} already describes the same page in language '{lang}'; this "
                       "file was not loaded. Merge the two or remove one.",
                       other=twin.rel, lang=page.lang) if twin.slug == page.slug else \
                msg("{other} already describes a page whose slug differs only in case "
                    "('{slug}') in language '{lang}'; this file was not loaded. Merge the two "
                    "or remove one.", other=twin.rel, slug=twin.slug, lang=page.lang)
            problems.append(page.problem(text, line=1, stage="load"))
            continue
        seen[(page.kind, page.slug.casefold(), page.lang)] = page
        pages.append(page)
    return Content(root, pages, problems)
