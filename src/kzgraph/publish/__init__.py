"""Publishing: sending the graph to a triple store over the SPARQL 1.1 Graph Store Protocol
(``push``, ``payloads``, ``store``) and the static Linked Data site (``site``).

The top stage: may import ``query``, ``engine`` and everything below; only the CLI imports it.
"""
