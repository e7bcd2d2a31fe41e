"""The literals every page makes by the thousand, made once a process and as cheaply as rdflib
allows: text literals without ``Literal()``'s checks (held to rdflib's constructor by a check
when this module loads), dates and integers cached.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from rdflib import Literal

from kzgraph.vocab import XSD


def text_literal(text: str, lang: str | None = None) -> Literal:
    """``Literal(text, lang=lang)`` for a string and a valid language tag (or None), made as
    rdflib's constructor makes it, without its ~10 µs of checks and conversions."""
    made = str.__new__(Literal, text)
    made._language, made._datatype, made._value, made._ill_typed = lang, None, text, None
    return made


def _same_literal(a: Literal, b: Literal) -> bool:
    return type(a) is type(b) and str(a) == str(b) and all(
        getattr(a, slot) == getattr(b, slot) and type(getattr(a, slot)) is
        type(getattr(b, slot)) for slot in Literal.__slots__)


if not (Literal.__slots__ == ("_language", "_datatype", "_value", "_ill_typed") and all(
        _same_literal(text_literal(t, lang), Literal(t, lang=lang))
        for t, lang in (("Ж x\n", "ru"), ("x", None), ("", "en-us")))):
    text_literal = Literal  # an rdflib that makes literals otherwise: use its constructor


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
