"""Hugo taxonomies: the front-matter keys a site declares as taxonomies (``[taxonomies] region =
"regions"`` in its configuration), and the path Hugo gives each term. No RDF here.

A page lists its terms under the taxonomy's plural name (``regions: ["Almaty Region"]``); Hugo
publishes a page per term at ``/<plural>/<term as a path>/`` (``/regions/almaty-region/``),
the term made a path by its ``urlize`` rules, which :func:`term_path` follows (Hugo 0.111's
``UnicodeSanitize`` then lower case; tests compare it with the real binary): letters, digits
and marks of any script stay, as do ``. _ - + ~ @ # / \\`` and ``%`` before two hex digits; a
run of spaces becomes one ``-`` (none after a ``-``); anything else is dropped.

kzgraph's own keys ``categories`` and ``tags`` keep their meaning (a source's categories, its
keywords) whether or not the site declares them as taxonomies.
"""

from __future__ import annotations

import re
import unicodedata

#: what may stand in a path besides letters, digits and marks
_ALLOWED = frozenset("./\\_#+~-@")
_HEX = frozenset("0123456789abcdefABCDEF")
#: Go's unicode.IsSpace in Latin-1 (above it, the Unicode White_Space property)
_SPACES = frozenset("\t\n\v\f\r \x85\xa0")
#: what a term's path may not hold for kzgraph to give it an IRI of its own: a '/' or '\\'
#: makes it a path of several parts, '#' a fragment, '%' an escape
UNSAFE = re.compile(r"[/\\#%]")


def _space(ch: str) -> bool:
    return ch in _SPACES or (ord(ch) > 0xFF and ch.isspace())


def term_path(text: str, *, lower: bool = True, remove_accents: bool = False) -> str:
    """The path Hugo makes of a taxonomy term (``urlize``): ``"Almaty Region"`` ->
    ``"almaty-region"``. ``lower``: Hugo's ``disablePathToLower`` is not set;
    ``remove_accents``: its ``removePathAccents`` is."""
    if remove_accents:
        text = unicodedata.normalize("NFC", "".join(
            c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn"))
    out: list[str] = []
    hyphen_next = was_hyphen = False
    for i, ch in enumerate(text):
        allowed = (ch in _ALLOWED or unicodedata.category(ch)[0] in "LM"
                   or unicodedata.category(ch) == "Nd"
                   or (ch == "%" and i + 2 < len(text) and text[i + 1] in _HEX
                       and text[i + 2] in _HEX))
        if allowed:
            was_hyphen = ch == "-"
            if hyphen_next:
                if ch != "-":
                    out.append("-")
                hyphen_next = False
            out.append(ch)
        elif out and not was_hyphen and _space(ch):
            hyphen_next = True
    path = "".join(out)
    # Go lowers rune by rune with the simple case mapping: no final-sigma rule, and 'İ' is 'i'
    # (Python's full mapping makes it 'i' and a combining dot)
    return "".join("i" if c == "\u0130" else c.lower() for c in path) if lower else path
