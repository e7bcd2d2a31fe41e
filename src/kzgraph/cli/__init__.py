"""The ``kzgraph`` command: a thin shell over the library. Each module holds one family of
commands and registers them on the one group (:data:`cli`); each command parses its options,
calls the stage that does the work (imported inside the command, so ``kzgraph --help`` stays
instant) and prints.

Exit codes, for every command: 0 success (the content conforms), 1 the content has errors
(nothing was published), 2 kzgraph could not run (bad options, missing folder, broken install).
"""

from __future__ import annotations

from kzgraph.cli import data, editor, querying, web  # noqa: F401  (each registers its commands)
from kzgraph.cli.common import cli

__all__ = ["cli", "main"]


def main() -> None:  # pragma: no cover - console entry point
    cli()
