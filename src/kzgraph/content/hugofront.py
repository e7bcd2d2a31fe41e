"""TOML (``+++``) and JSON (``{``) front matter, as Hugo reads them, each key with its line.

YAML front matter is read by :mod:`kzgraph.content.load`; these two give the same thing: the
top-level keys in the order written, each value as the mapping expects it (dates as the text
``YYYY-MM-DD``, so a date is checked the same way whatever the format), and the file line of
each key, or one problem on the line the format's parser stopped at.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from dataclasses import dataclass
from typing import Any

from kzgraph.errors import Message, msg

#: a TOML front matter's closing line
_TOML_CLOSE = re.compile(r"^\+\+\+[ \t]*$", re.MULTILINE)
_TOML_AT = re.compile(r"\(at line (?P<line>\d+), column \d+\)")
_TOML_TABLE = re.compile(r"\s*\[\[?\s*(?P<key>\"[^\"]*\"|'[^']*'|[A-Za-z0-9_-]+)")
_TOML_KEY = re.compile(r"\s*(?P<key>\"[^\"]*\"|'[^']*'|[A-Za-z0-9_-]+)\s*[.=]")


@dataclass
class Front:
    """Front matter read: its keys (key, value, file line), the line it starts on, where the
    body starts (an index in the text) and the body's first line; or the problem (message and
    line) that stopped it."""

    fields: list[tuple[str, Any, int]]
    front_line: int
    body_start: int
    body_line: int
    problem: tuple[Message, int] | None = None
    #: keys written twice: (key, line, first line)
    twice: tuple[tuple[str, int, int], ...] = ()


def _plain(value: Any) -> Any:
    """TOML's dates and times as their text (as the YAML reader keeps them)."""
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _failed(message: Message, line: int) -> Front:
    return Front([], 1, 0, 1, (message, line))


def read_toml(text: str) -> Front:
    """Front matter between a first line ``+++`` and the next ``+++`` line."""
    first_end = text.find("\n")
    if first_end < 0:
        return _failed(msg("The front matter is not closed: add a '+++' line after the last "
                           "key."), 1)
    closing = _TOML_CLOSE.search(text, first_end + 1)
    if closing is None:
        return _failed(msg("The front matter is not closed: add a '+++' line after the last "
                           "key."), 1)
    front = text[first_end + 1:closing.start()]
    front_line = 2
    try:
        data = tomllib.loads(front)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_AT.search(str(exc))
        line = front_line + int(m.group("line")) - 1 if m else front_line
        what = _TOML_AT.sub("", str(exc)).strip()
        return _failed(msg("The front matter is not valid TOML («{what}»). Check the quotes, "
                           "'=' signs and brackets on this line.", what=what), line)
    lines = _toml_key_lines(front)
    body_start = closing.end() + 1 if text[closing.end():closing.end() + 1] == "\n" \
        else closing.end()
    return Front([(key, _plain(value), front_line + lines.get(key, 0))
                  for key, value in data.items()],
                 front_line, body_start, text.count("\n", 0, body_start) + 1)


def _unquote(key: str) -> str:
    return key[1:-1] if key[:1] in "\"'" else key


def _toml_key_lines(front: str) -> dict[str, int]:
    """The line (from 0) each top-level key is first written on: ``key = ...``,
    ``key.sub = ...`` or a table header ``[key]`` / ``[[key]]``. Lines inside multi-line
    strings and arrays are skipped."""
    out: dict[str, int] = {}
    depth = 0
    in_string: str | None = None
    for number, line in enumerate(front.split("\n")):
        if in_string is not None:
            if in_string in line:
                in_string = None
            continue
        if depth == 0:
            if line.lstrip().startswith("["):
                m = _TOML_TABLE.match(line)
                if m:
                    out.setdefault(_unquote(m.group("key")), number)
                continue
            m = _TOML_KEY.match(line)
            if m:
                out.setdefault(_unquote(m.group("key")), number)
        for quote in ('"""', "'''"):
            if line.count(quote) % 2:
                in_string = quote
        if in_string is None:
            bare = re.sub(r"\"(?:[^\"\\]|\\.)*\"|'[^']*'", "", line).split("#", 1)[0]
            depth = max(0, depth + bare.count("[") - bare.count("]"))
    return out


def read_json(text: str) -> Front:
    """Front matter that is a JSON object at the start of the file; the body follows the
    line the object ends on."""
    twice: list[tuple[str, int, int]] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            out.setdefault(key, value)
        return out

    try:
        data, end = json.JSONDecoder(object_pairs_hook=pairs).raw_decode(text)
    except json.JSONDecodeError as exc:
        return _failed(msg("The front matter is not valid JSON («{what}»). Check the quotes, "
                           "commas and braces on this line.", what=exc.msg), exc.lineno)
    if not isinstance(data, dict):
        return _failed(msg("The front matter must be a JSON object of keys and values."), 1)
    lines: dict[str, int] = {}
    for key, line in _json_key_lines(text[:end]):
        if key in lines:
            twice.append((key, line, lines[key]))
        else:
            lines[key] = line
    newline = text.find("\n", end)
    body_start = len(text) if newline < 0 else newline + 1
    return Front([(key, value, lines.get(key, 1)) for key, value in data.items()], 1,
                 body_start, text.count("\n", 0, body_start) + 1, twice=tuple(twice))


def _json_key_lines(text: str) -> list[tuple[str, int]]:
    """Each key of the outermost JSON object, with its line (from 1)."""
    found: list[tuple[str, int]] = []
    depth, i, line = 0, 0, 1
    while i < len(text):
        c = text[i]
        if c == "\n":
            line += 1
        elif c == '"':
            m = re.compile(r'"(?:[^"\\\n]|\\.)*"').match(text, i)
            assert m is not None  # the decoder accepted the text
            if depth == 1 and re.match(r"\s*:", text[m.end():]):
                found.append((json.loads(m.group()), line))
            i = m.end()
            continue
        elif c in "{[":
            depth += 1
        elif c in "}]":
            depth -= 1
        i += 1
    return found
