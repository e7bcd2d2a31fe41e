"""Reading content: page files (front matter and Markdown body) become located records.

Owns the walk of a content folder, front-matter parsing with file/line/key for every value, the
guide body reader (sections, links and the words around them) and the ISO country and language
tables. Knows nothing of RDF. May import only kzgraph's foundation modules (``errors``,
``config``, ``resources``, ``vocab``).
"""
