"""Checking: the SHACL engine, validation of mapped content against the shapes, and the report
of every problem in the editor's terms (file, key, line).

May import the foundation modules, ``content``, ``formats`` and ``graph``.
"""
