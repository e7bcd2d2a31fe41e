"""Content negotiation: which of the media types a resource is offered in fits an ``Accept``
header best (RFC 9110, section 12.5.1).

Pure functions, no web framework: :func:`negotiate` is what the server calls for every resource
IRI, and the tests call it on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from kzgraph.publish.site.rdf import MEDIA_TYPES

#: what a resource IRI is offered as, in the server's order of preference (HTML first, so a
#: browser, and a client asking for ``*/*``, gets the page), then the site's RDF files
RESOURCE_TYPES = ("text/html", *MEDIA_TYPES.values())


@dataclass(frozen=True)
class MediaRange:
    """One entry of an ``Accept`` header: ``type/subtype`` (either may be ``*``) and its q."""

    type: str
    subtype: str
    q: float
    params: tuple[tuple[str, str], ...] = ()

    def matches(self, media_type: str) -> int:
        """How specifically this range names ``media_type``: 3 exactly with its parameters,
        2 exactly, 1 ``type/*``, 0 ``*/*``; -1 when it does not name it."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0 if self.subtype == "*" else -1
        if self.type != kind:
            return -1
        if self.subtype == "*":
            return 1
        if self.subtype != sub:
            return -1
        return 3 if self.params else 2


def _q(value: str) -> float | None:
    """A q value (0 to 1, at most three decimals), or None when it is not one."""
    value = value.strip()
    try:
        q = float(value)
    except ValueError:
        return None
    return q if 0.0 <= q <= 1.0 and len(value) <= 5 else None


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header, in their order. A missing or empty header
    means ``*/*``; an entry that is not ``type/subtype`` is ignored, and a header with no
    readable entry at all is taken as ``*/*`` (RFC 9110 lets a server ignore it); an
    unreadable q counts as 1."""
    if header is None or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    out = []
    for entry in header.split(","):
        parts = [p.strip() for p in entry.split(";")]
        kind, slash, sub = parts[0].lower().partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        q, params = 1.0, []
        for param in parts[1:]:
            name, _, value = param.partition("=")
            name = name.strip().lower()
            if name == "q":
                found = _q(value)
                q = 1.0 if found is None else found
                break  # what follows q are accept-extensions, not media type parameters
            if name:
                params.append((name, value.strip().strip('"')))
        out.append(MediaRange(kind.strip(), sub.strip(), q, tuple(params)))
    return out or [MediaRange("*", "*", 1.0)]


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """The q the client gives ``media_type``: that of the most specific range naming it, or 0
    when none does."""
    best, q = -1, 0.0
    for r in ranges:
        level = r.matches(media_type)
        if level > best:
            best, q = level, r.q
    return q


def negotiate(accept: str | None, offers: Sequence[str] = RESOURCE_TYPES) -> str | None:
    """The offered media type the client likes best (ties go to the earlier offer), or None
    when the client accepts none of them (the server answers 406)."""
    ranges = parse_accept(accept)
    best, best_q = None, 0.0
    for offer in offers:
        q = quality(ranges, offer)
        if q > best_q:
            best, best_q = offer, q
    return best
