"""Mapping: located records become statements under the ontology, with IRIs minted from slugs,
the provenance of every page and the dataset description (VoID/DCAT).

Never reads files. May import the foundation modules, ``content`` (the records) and ``formats``
(the term encoder and the format registry, for the dataset description).
"""
