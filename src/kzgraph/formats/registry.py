"""The one table of RDF formats: names, aliases, media types, file extensions.

It drives the CLI's ``--format`` choices, the file names ``build`` writes, and content
negotiation and Graph Store uploads.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    """An RDF serialisation.

    :param name: the name used on the command line
    :param aliases: other names accepted for it
    :param media_type: its IANA media type
    :param extension: the file extension ``build`` uses, without the dot
    :param rdflib: the rdflib plugin name
    :param dataset: whether it carries named graphs
    :param w3c: its name in the W3C's table of format IRIs (``http://www.w3.org/ns/formats/``)
    """

    name: str
    aliases: tuple[str, ...]
    media_type: str
    extension: str
    rdflib: str
    dataset: bool = False
    w3c: str = ""


FORMATS: tuple[Format, ...] = (
    Format("turtle", ("ttl",), "text/turtle", "ttl", "turtle", w3c="Turtle"),
    Format("jsonld", ("json-ld",), "application/ld+json", "jsonld", "json-ld", w3c="JSON-LD"),
    Format("ntriples", ("nt",), "application/n-triples", "nt", "nt", w3c="N-Triples"),
    Format("nquads", ("nq",), "application/n-quads", "nq", "nquads", dataset=True,
           w3c="N-Quads"),
    Format("trig", (), "application/trig", "trig", "trig", dataset=True, w3c="TriG"),
    Format("xml", ("rdfxml", "rdf/xml"), "application/rdf+xml", "rdf", "xml", w3c="RDF_XML"),
)
#: the W3C's namespace of format IRIs (https://www.w3.org/ns/formats/)
W3C_FORMATS = "http://www.w3.org/ns/formats/"
_BY_NAME = {n: f for f in FORMATS for n in (f.name, *f.aliases)}


def format_names(include_aliases: bool = True) -> list[str]:
    """Every accepted format name, for ``click.Choice``."""
    return list(_BY_NAME) if include_aliases else [f.name for f in FORMATS]


def get_format(name: str) -> Format:
    """The format called ``name`` (or one of its aliases); KeyError when there is none."""
    return _BY_NAME[name.lower()]


def by_media_type(media_type: str) -> Format | None:
    media_type = media_type.split(";")[0].strip().lower()
    return next((f for f in FORMATS if f.media_type == media_type), None)
