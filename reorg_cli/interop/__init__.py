"""Interoperability: exporters to Popolo, TimelineJS, Mermaid, DOT and CSV, and importers from
HR CSV exports and Popolo (docs/interop.md).

Everything here is pure: exporters take a
:class:`~reorg_cli.engine.timeline.Timeline` and return text
or JSON-ready data; importers return the event files to write. Neither Typer nor Rich is used.
"""
