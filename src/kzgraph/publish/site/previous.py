"""What a site build knows of the previous one in the same folder: the state it recorded (the
digests of what every page depends on besides the graph, each listing page's digest of what it
shows, whether the search index is of the pages as they are), and from it which documents may
have changed (:func:`affected_documents`)."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from rdflib import URIRef

from kzgraph.config import Settings
from kzgraph.publish.site.i18n import words
from kzgraph.publish.site.model import LABELS, document_of
from kzgraph.vocab import RDF

if TYPE_CHECKING:
    from kzgraph.publish.site.build import Site

#: the site's list of the files kzgraph wrote
MANIFEST = ".kzgraph-site"
#: what the previous build rendered from: the site code, settings, guides' Markdown
STATE = ".kzgraph-site-state"


def page_state(settings: Settings, site: Site, bodies: Mapping[tuple[str, str], str],
               examples: list[dict], links: Mapping[tuple[str, str], Mapping[str, str]] | None
               = None) -> dict[str, object]:
    """What every page depends on besides the graph, as digests. (Not whether the search
    index is made: no page shows it. It was in: ``kzgraph serve``'s first build makes the
    index and its rebuilds do not, so its first rebuild rendered every page, 36 s instead of
    7 s at 10,000 heavy pages.)"""
    code = hashlib.sha256()
    here = Path(__file__).parent
    for path in sorted(here.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and "vendor" not in path.parts:
            code.update(path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes())
    # the site's words live in the message catalogues, outside this folder
    code.update(repr((settings.base, settings.default_language, site.data.languages,
                      examples, [sorted(words(x).items()) for x in site.data.languages])
                     ).encode())
    return {"code": code.hexdigest(),
            "guides": {f"{doc} {lang}": hashlib.sha256(
                text.encode() + repr(sorted((links or {}).get((doc, lang), {}).items())).encode()
            ).hexdigest() for (doc, lang), text in sorted(bodies.items())}}


def previous_state(output: Path) -> dict[str, object]:
    """What the previous build recorded in its state (empty: nothing)."""
    try:
        state = json.loads((output / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def pagefind_version() -> str:
    """The Pagefind that makes the search index (an index made by another is made again)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return "pagefind " + version("pagefind_bin")
    except PackageNotFoundError:  # pragma: no cover - a Pagefind installed otherwise
        return "pagefind"


def kept_index(output: Path) -> dict[str, bytes | None] | None:
    """The previous build's search index files, kept as they are (None: there is none, or a
    file of it is missing)."""
    try:
        listed = (output / MANIFEST).read_text(encoding="utf-8").split("\n")
    except OSError:
        return None
    kept = [k for k in listed if k.startswith("pagefind/")]
    if not kept or not all(os.path.isfile(os.path.join(output, k)) for k in kept):
        return None
    return dict.fromkeys(kept)


def affected_documents(output: Path, site: Site, nt: bytes, state: dict[str, object]
                       ) -> set[str] | None:
    """The documents whose files may differ from the previous build's (None: all of them):
    those with a changed statement, a changed guide text, or a neighbour whose statements
    changed (its label, its languages and its links are shown on their pages)."""
    try:
        before = json.loads((output / STATE).read_text(encoding="utf-8"))
        old = (output / "kzgraph.nt").read_bytes() + turtle_lines((output / "void.ttl").read_bytes())
    except (OSError, ValueError, SyntaxError):
        return None
    if before.get("code") != state["code"]:
        return None
    data = site.data
    nodes: set[str] = set()
    shown: set[str] = set()  # nodes whose label, kind or languages may have changed
    for line in set(old.splitlines()) ^ set(nt.splitlines()):
        text = line.decode("utf-8")
        subject, _, rest = text.partition(" ")
        predicate, _, obj = rest.partition(" ")
        obj = obj.rstrip(" .")
        nodes.add(subject.strip("<>"))
        if obj.startswith("<"):
            nodes.add(obj.strip("<>"))
        if predicate in _SHOWN or _TAGGED.search(obj):
            shown.add(subject.strip("<>"))
    guides_before = before.get("guides", {})
    guides_now = state["guides"]
    assert isinstance(guides_now, dict) and isinstance(guides_before, dict)
    for key in set(guides_before) ^ set(guides_now) | {
            k for k in guides_now if guides_before.get(k) != guides_now[k]}:
        nodes.add(key.split(" ", 1)[0])
    docs = {document_of(n) for n in nodes}
    for n in shown:
        node = URIRef(n)
        docs.update(document_of(str(o)) for values in data.out.get(node, {}).values()
                    for o in values if isinstance(o, URIRef))
        docs.update(document_of(str(s)) for s, _ in data.incoming.get(node, []))
    return docs


#: predicates whose change shows on the pages that link to their subject (as N-Triples terms)
_SHOWN = {f"<{p}>" for p in (*LABELS, RDF.type)}
_TAGGED = re.compile(r'"@[A-Za-z]')


def turtle_lines(turtle: bytes) -> bytes:
    """A Turtle file's statements as N-Triples lines."""
    import pyoxigraph as ox

    return b"".join(str(q.triple).encode() + b" .\n"
                    for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE))
