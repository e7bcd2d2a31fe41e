"""The build engine: the content in parts (``parts``), made in worker processes and cached
between runs (``cache``), settled and written atomically as every published file (``run``); and
the commands' pipelines over it (``pipeline``: build, export, check); and the query store
the builds keep current for ``kzgraph query`` (``querystore``).

May import every stage below it: ``content``, ``formats``, ``graph``, ``check``.
"""
