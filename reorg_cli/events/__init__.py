"""The event format: dates, the model, strict YAML, discovery and loading, the writer, the schema.

The lowest layer: it imports nothing else of reorg_cli.
"""
