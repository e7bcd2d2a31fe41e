"""The build engine: the content in parts (``parts``), made in worker processes and cached
between runs (``cache``), settled and written atomically as every published file (``run``); and
the commands' pipelines over it (``pipeline``: build, export, check).

May import every stage below it: ``content``, ``formats``, ``graph``, ``check``.
"""
