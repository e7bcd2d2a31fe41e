"""kzgraph: publish a country sources guide as a validated, multilingual RDF knowledge graph."""

from __future__ import annotations

__version__ = "0.1.0"
