"""The engine: facts compiled from events, the compiled store, queries, and their results.

It imports only :mod:`reorg_cli.events`, never Typer, Rich or Textual.
"""
