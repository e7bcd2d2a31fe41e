"""Where the files kzgraph ships (ontology, shapes, JSON-LD context) are, however it was installed.

A wheel carries them in ``kzgraph/_data/``; a source checkout (or an editable install) has them at
the top of the repository.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from kzgraph.errors import ConfigError

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The folder ``name`` (``ontology``, ``shapes``, ``contexts``) of the installed kzgraph."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parents[1] / name):
        if candidate.is_dir():
            return candidate
    raise ConfigError(f"kzgraph's '{name}' folder is missing from this installation; "
                      "reinstall kzgraph.")


def ontology_file() -> Path:
    return data_dir("ontology") / "kzgraph.ttl"


def shapes_file() -> Path:
    return data_dir("shapes") / "kzgraph-shapes.ttl"


def context_file() -> Path:
    return data_dir("contexts") / "kzgraph.jsonld"


@lru_cache(maxsize=1)
def context() -> dict[str, Any]:
    """The JSON-LD context object (the value of ``@context``)."""
    return json.loads(context_file().read_text(encoding="utf-8"))["@context"]
