"""Publishing: sending the graph to a triple store over the SPARQL 1.1 Graph Store Protocol
(``push``, ``payloads``, ``store``), what changed between two versions (``diff``), the static
Linked Data site (``site``) and the server that answers every IRI and SPARQL over it (``serve``).

The top stage: may import ``query``, ``engine`` and everything below; only the CLI imports it.
"""
