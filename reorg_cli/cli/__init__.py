"""The ``reorg`` command line: the Typer app, shared options, the one error boundary, and one
module per command (registered in :mod:`reorg_cli.cli.app`)."""


def main() -> None:
    """Entry point of the ``reorg`` console script."""
    from reorg_cli.cli.app import main as run

    run()
