"""Writing formats: the one registry of RDF formats (names, aliases, media types, extensions)
and the writers that turn statements into Turtle, JSON-LD, N-Triples, N-Quads, TriG and RDF/XML.

Knows statements and terms, never Markdown or pages. May import only the foundation modules.
"""
