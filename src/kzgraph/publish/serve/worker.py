"""A query worker process: ``python -m kzgraph.publish.serve.worker DATA BASE MAX_ROWS``.

It loads the graph in ``DATA`` (N-Triples) into an in-memory store with
:meth:`kzgraph.query.engines.LocalEngine.from_file` (the path ``kzgraph query --data`` takes),
then answers ``(text, fmt)`` jobs read from standard input, each with ``(status, body,
media type)``, its body written by :func:`kzgraph.query.results.render` (the writer of
``kzgraph query --format``). :mod:`kzgraph.publish.serve.queries` starts, times and kills it.
"""

from __future__ import annotations

import os
import sys
from multiprocessing.connection import Connection
from pathlib import Path

TEXT = "text/plain; charset=utf-8"


def _message(status: int, text: str) -> tuple[int, bytes, str]:
    return status, (text.rstrip() + "\n").encode("utf-8"), TEXT


def _work(data: str | None, base: str, max_rows: int) -> None:
    """A worker's loop: load the graph, then answer ``(text, fmt)`` jobs read from standard
    input until told to stop (None or end of input). Answers go out on what was standard
    output; anything else printed goes to standard error."""
    jobs = Connection(os.dup(0), writable=False)
    conn = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)
    try:
        import pyoxigraph as ox

        from kzgraph.query.engines import LocalEngine
        from kzgraph.query.sparql import QueryError, predeclared_prefixes, prepare
        from kzgraph.query.results import render

        engine = LocalEngine.from_file(Path(data)) if data else LocalEngine(ox.Store())
        prefixes = predeclared_prefixes(base)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which says it
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            job = jobs.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        text, fmt = job
        try:
            result = engine.run(prepare(text, base))
            if len(result) > max_rows and result.boolean is None:
                answer = _message(400, f"The answer has {len(result):,} "
                                  f"{'triples' if result.is_graph else 'rows'}, more than this "
                                  f"server's limit of {max_rows:,}: add a LIMIT or narrow the "
                                  "query.")
            else:
                answer = (200, render(result, fmt, prefixes, base=base), "")
        except QueryError as exc:  # a syntax error (with the parser's message), a bad IRI
            answer = _message(400, str(exc))
        except Exception as exc:  # noqa: BLE001 - one bad query must not end the worker
            answer = _message(500, f"The query failed: {type(exc).__name__}: {exc}")
        conn.send(("answer", answer))


if __name__ == "__main__":
    _work(sys.argv[1] or None, sys.argv[2], int(sys.argv[3]))
