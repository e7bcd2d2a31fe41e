"""The heavy profile of the generator: content written the way editors write it.

Measured against the light profile (``generate.py``'s default), a heavy corpus has:

- front matter in two styles, chosen per source (one editor writes every language version):
  about 45% of files in the quoted style the light profile uses (``key: "text"``,
  ``key: ["a", "b"]``), the rest as editors write YAML by hand: plain scalars (``title: Zerde
  Daily``), block lists (``- item`` lines), folded descriptions (``description: >-`` and wrapped
  lines), comments (a line of its own, or after a value);
- longer Markdown bodies: paragraphs, a heading, a list, a link to the homepage;
- one to four language versions (English, Russian, Kazakh, and German written from the English
  templates, as an untranslated copy often is);
- one to four contributors;
- about 1% of the pages are guides, each linking 50 to 300 sources (its country's first).

Every value is also kept as the Python value YAML must read (``PageText.values``), so a test can
hold each rendering to what it means.
"""

from __future__ import annotations

import json
import random
import re
from typing import Any

#: the fourth language, written with the English templates (country names in German)
EXTRA_LANGUAGE = "de"
#: share of sources whose files are written in the quoted style
QUOTED_SHARE = 0.45
#: share of the pages that are guides, and how many sources a guide links
GUIDE_SHARE = 0.01
GUIDE_LINKS = (50, 300)
#: template index of each page language (German uses the English templates)
TEMPLATE = {"en": 0, "ru": 1, "kk": 2, EXTRA_LANGUAGE: 0}

#: YAML 1.1 words a plain scalar may not be (PyYAML reads them as booleans or null)
_RESERVED = {w for base in ("yes", "no", "true", "false", "on", "off", "null", "y", "n")
             for w in (base, base.capitalize(), base.upper())}
#: a plain scalar that reads back as the same text: starts with a letter, holds no ': ' or
#: ' #', does not end with ':' or a space, and no quote or control character anywhere
_PLAIN = re.compile(r"[^\W\d_][^\n\"'\\]*")

HEADINGS = {
    "about": {"en": "About", "ru": "Об источнике", "kk": "Дереккөз туралы"},
    "topics": {"en": "Topics", "ru": "Темы", "kk": "Тақырыптар"},
    "using": {"en": "Using it", "ru": "Как пользоваться", "kk": "Қалай пайдалану"},
}
SEE = {"en": "See [{name}]({url}) for the latest material.",
       "ru": "Свежие материалы: [{name}]({url}).",
       "kk": "Соңғы материалдар: [{name}]({url})."}
TOPIC_ITEM = {"en": "- {t}: regular coverage", "ru": "- {t}: регулярные материалы",
              "kk": "- {t}: тұрақты материалдар"}
COMMENTS = ("# reviewed {d}", "# TODO: check the homepage again", "# imported from the old wiki",
            "# translation needs review", "# see the editors' checklist")
GUIDE_TOPIC_TITLE = {"en": "{c}: sources on {t}", "ru": "{c}: источники по теме «{t}»",
                     "kk": "{c}: {t} тақырыбы бойынша дереккөздер"}


def text_of(lang: str, table: dict[str, Any]) -> Any:
    """A template table's entry for a page language (German takes the English one)."""
    return table.get(lang, table["en"])


def plain_ok(text: str) -> bool:
    """Whether ``text`` can be written as a plain YAML scalar and read back as itself."""
    return bool(_PLAIN.fullmatch(text)) and ": " not in text and " #" not in text \
        and not text.endswith((":", " ")) and text not in _RESERVED and "  " not in text


def quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


class Style:
    """How one file's front matter is written: ``quoted`` (the light profile's way) or
    ``editor`` (by hand: plain scalars, block lists, folded text, comments)."""

    def __init__(self, editor: bool, rng: random.Random) -> None:
        self.editor = editor
        self.rng = rng
        self.block_lists = editor and rng.random() < 0.8
        self.folded = editor and rng.random() < 0.7
        self.comment = editor and rng.random() < 0.5

    def scalar(self, text: str) -> str:
        if self.editor and plain_ok(text):
            return text
        return quoted(text)

    def items(self, items: list[str]) -> str:
        if not self.editor:
            return "[" + ", ".join(quoted(x) for x in items) + "]"
        if self.block_lists and items:
            return "".join(f"\n  - {self.scalar(x)}" for x in items)
        return "[" + ", ".join(quoted(x) for x in items) + "]"

    def long(self, text: str, width: int = 72) -> str:
        """A description: folded (``>-``) over lines of about ``width`` characters, when the
        text folds back to itself (no line break, no leading, trailing or double space)."""
        if not self.folded or "\n" in text or "  " in text or text != text.strip() or not text:
            return self.scalar(text)
        lines, line = [], ""
        for word in text.split(" "):
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
        return ">-" + "".join(f"\n  {x}" for x in lines)

    def render(self, key: str, value: Any, kind: str) -> str:
        """One key's YAML value text (what follows ``key:``)."""
        if kind == "text":
            return self.scalar(value)
        if kind == "long":
            return self.long(value)
        if kind == "list":
            return self.items(value)
        return str(value)  # a date or an integer: the same in every style


def source_body(rng: random.Random, lang: str, sentences: list[str], general: list[str],
                topics: list[str], name: str, url: str) -> str:
    """A source page's body: an opening paragraph, an *About* section of two or three
    paragraphs, a list of its topics, and a link to its homepage."""
    heading = {k: text_of(lang, v) for k, v in HEADINGS.items()}
    opening = " ".join(sentences)
    paragraphs = []
    for _ in range(rng.randint(1, 3)):
        picked = [general[rng.randrange(len(general))] for _ in range(rng.randint(2, 4))]
        paragraphs.append(" ".join(picked))
    items = [text_of(lang, TOPIC_ITEM).format(t=t) for t in topics]
    parts = [opening, f"## {heading['about']}", *paragraphs, f"## {heading['topics']}",
             "\n".join(items), f"## {heading['using']}",
             " ".join(general[rng.randrange(len(general))] for _ in range(2)),
             text_of(lang, SEE).format(name=name.replace("[", "(").replace("]", ")"), url=url)]
    return "\n\n".join(parts)


def languages(rng: random.Random, remaining: int) -> list[str]:
    """One to four language versions of a source, never more than ``remaining`` pages."""
    n = min(remaining, rng.choices((1, 2, 3, 4), weights=(2, 4, 3, 1))[0])
    if n == 1:
        return [rng.choice(("en", "en", "ru", "kk"))]
    if n == 2:
        return rng.choice((["en", "ru"], ["en", "ru"], ["en", "kk"], ["ru", "kk"],
                           ["en", EXTRA_LANGUAGE]))
    if n == 3:
        return ["en", "ru", "kk"]
    return ["en", "ru", "kk", EXTRA_LANGUAGE]
