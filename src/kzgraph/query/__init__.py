"""Querying: SPARQL text prepared with predeclared prefixes and typed parameters, run on the
local store, an RDF file or a remote endpoint, the saved queries of ``queries/``, and the
results as tables or W3C formats.

May import ``engine`` and everything below it; nothing in ``publish`` or the CLI.
"""
