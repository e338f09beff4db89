"""The ``reorg`` command line: the Typer app, shared options, the one error boundary, commands."""

from reorg_cli.cli.app import app, main

__all__ = ["app", "main"]
