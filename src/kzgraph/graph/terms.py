"""The literals every page makes by the thousand: text literals, and keywords, names, dates and
integers made once a process (they repeat across pages).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from rdflib import Literal

from kzgraph.vocab import XSD


def text_literal(text: str, lang: str | None = None) -> Literal:
    """A text literal, in a language or none."""
    return Literal(text, lang=lang)


@lru_cache(maxsize=100_000)
def _literal(text: str, lang: str | None = None) -> Literal:
    """A literal made once a process: keywords, names and titles repeat across pages.
    Literals are immutable, so sharing them is safe."""
    return text_literal(text, lang)


@lru_cache(maxsize=10_000)
def _date(text: str) -> Literal:
    """An ``xsd:date`` literal of a valid date (YYYY-MM-DD), once a process: dates repeat."""
    return Literal(dt.date.fromisoformat(text), datatype=XSD.date)


@lru_cache(maxsize=10_000)
def _integer(number: int) -> Literal:
    return Literal(number, datatype=XSD.integer)
