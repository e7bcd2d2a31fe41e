"""Benchmarks for kzgraph: a generator of realistic content at any size (:mod:`.generate`) and a
runner that times every stage of the pipeline against the straightforward rdflib/pyshacl one
(:mod:`.run`, stages in :mod:`.stages`)."""
