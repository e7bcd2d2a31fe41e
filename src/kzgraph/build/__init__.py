"""The build engine: the content in parts, made in worker processes, cached between runs, and
written atomically as every published file (``engine``); the commands' pipelines over it
(``pipeline``: build, export, check).

May import every stage below it: ``content``, ``formats``, ``graph``, ``check``.
"""
