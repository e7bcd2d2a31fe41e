"""``python -m kzgraph`` runs the command line."""

from kzgraph.cli import cli

cli()
