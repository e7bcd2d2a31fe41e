"""The front matter of each kind of page as a JSON Schema, generated from the same sources as the
checks: the keys and their value types from the mapping (:data:`kzgraph.graph.mapping.KEYS`),
which keys are required from the shapes (:func:`kzgraph.check.scaffold.required_keys`), and the
slugs allowed as categories and perspectives from the content folder. An editor's YAML tooling
(such as a YAML language server) then checks keys and values while typing.

Where kzgraph is more lenient than a schema can say, the schema is stricter: countries and
language codes are matched as written (kzgraph also takes other letter cases), and a list key
given a single value is refused (kzgraph reads it as a list of one, with a warning).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from kzgraph.check.scaffold import existing_slugs, meanings, required_keys, taxonomy_keys
from kzgraph.content.countries import country_names, iso639_1_codes
from kzgraph.content.hugo import HANDLED, IGNORED
from kzgraph.graph.mapping import KEYS

DRAFT = "https://json-schema.org/draft/2020-12/schema"
#: a web address as kzgraph takes one (http or https, a host, none of the characters an IRI
#: cannot hold)
URL = r'^https?://[^\s<>"{}|\\^`/?#]+[^\s<>"{}|\\^`]*$'
DATE = r"^\d{4}-\d{2}-\d{2}$"


def _value(kind: str, slugs: dict[str, list[str]], lang: str) -> dict[str, object]:
    """The schema of one value (an item, for list keys)."""
    text = {"type": "string", "minLength": 1}
    return {
        "text": text, "texts": text, "people": text,
        "countries": {"enum": list(country_names(tuple(dict.fromkeys(("en", lang)))))},
        "languages": {"enum": iso639_1_codes()},
        "categories": {"enum": slugs["category"]},
        "perspectives": {"enum": slugs["perspective"]},
        "perspective": {"enum": slugs["perspective"]},
        "url": {"type": "string", "pattern": URL},
        "date": {"type": "string", "pattern": DATE, "format": "date"},
        "integer": {"type": "integer"},
        "wikidata": {"type": "string", "pattern": r"^Q[1-9][0-9]*$"},
        "schema-type": {"enum": _schema_types()},
    }[kind]


def _schema_types() -> list[str]:
    """The schema.org classes the shapes allow as a category's 'schema_type' (``sh:in`` on
    ``kz:sourceType``), by their names."""
    from rdflib.collection import Collection

    from kzgraph.check.validate import load_shapes
    from kzgraph.vocab import KZ, SCHEMA, SH

    shapes = load_shapes()
    for prop in shapes.subjects(SH.path, KZ.sourceType):
        for allowed in shapes.objects(prop, SH["in"]):
            return sorted(str(c)[len(str(SCHEMA)):] for c in Collection(shapes, allowed))
    return []


LISTS = {"countries", "categories", "languages", "people", "texts", "perspectives"}


def front_matter_schema(kind: str, content: Path, lang: str = "en",
                        language_dirs: dict[str, str] | None = None,
                        taxonomies: Iterable[str] = ()) -> dict[str, object]:
    """The JSON Schema of the front matter of a page of ``kind`` in the content folder, written
    in ``lang`` (countries may be named in English or in that language; the descriptions are
    in that language where kzgraph speaks it). ``taxonomies``: the keys the Hugo site declares
    as taxonomies (lists of terms)."""
    slugs = existing_slugs(content, language_dirs)
    meaning = meanings(kind, slugs, lang, taxonomies)
    properties: dict[str, object] = {}
    for key, spec in KEYS.items():
        if kind not in spec.kinds:
            continue
        item = _value(spec.value, slugs, lang)
        schema: dict[str, object] = ({"type": "array", "items": item, "minItems": 1}
                                     if spec.value in LISTS else dict(item))
        schema["description"] = meaning[key]
        properties[key] = schema
    for key in taxonomy_keys(taxonomies):
        properties[key] = {"type": "array", "items": {"type": "string", "minLength": 1},
                           "minItems": 1, "description": meaning[key]}
    properties.update(_hugo_keys())
    return {
        "$schema": DRAFT,
        "title": f"Front matter of a kzgraph {kind} page in '{lang}'",
        "type": "object",
        "properties": properties,
        "required": sorted(required_keys()[kind] & set(properties)),
        "additionalProperties": False,
    }


#: a date as Hugo writes one, a time after it allowed
WHEN = (r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
        r"(?:Z|[+-]\d{2}:?\d{2})?)?$")


def _hugo_keys() -> dict[str, object]:
    """The keys Hugo reads that kzgraph takes (publication, addresses) or reads and ignores
    (rendering: any value)."""
    path = {"type": "string", "pattern": r"^\S+$"}
    out: dict[str, object] = {
        "draft": {"type": "boolean", "description": "a draft is not published (unless "
                  "'kzgraph build --drafts')"},
        "publishDate": {"type": "string", "pattern": WHEN,
                        "description": "the page is published from this date on"},
        "expiryDate": {"type": "string", "pattern": WHEN,
                       "description": "the page is no longer published from this date on"},
        "aliases": {"anyOf": [path, {"type": "array", "items": path}],
                    "description": "old paths on the site that redirect to the page"},
        "url": dict(path, description="the path the site serves the page at"),
        "slug": {"type": "string", "pattern": r"^[^/]*[^\s/][^/]*$",
                 "description": "the last word of the page's path on the site"},
        "translationKey": {"type": ["string", "number"],
                           "description": "joins translations whose file names differ"},
    }
    assert set(out) == HANDLED, "a key kzgraph handles is missing from the schema"
    out.update({key: {"description": "read by Hugo for rendering; no data"}
                for key in sorted(IGNORED)})
    return out


def as_json(schema: dict[str, object]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
