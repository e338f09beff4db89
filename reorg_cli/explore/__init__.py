"""``reorg explore``: a full-screen explorer of the org over time (Textual).

:mod:`reorg_cli.explore.controller` holds the state and runs the engine's queries; the Textual
app in :mod:`reorg_cli.explore.app` draws it through the Rich renderers of
:mod:`reorg_cli.output`. Nothing here is imported by the other commands.
"""
