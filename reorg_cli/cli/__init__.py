"""The ``reorg`` command line: the Typer app, shared options, the one error boundary, and one
module per command (registered in :mod:`reorg_cli.cli.app`)."""


def main() -> None:
    """Entry point of the ``reorg`` console script."""
    import gc

    # A run's objects are acyclic and live until it exits (reorg_cli.cli.app.main), and so do
    # the modules it imports: the cycle collector, run over and over while Typer, Rich and
    # reorg are imported, would free nothing. It is off from the start (explore turns it on).
    gc.disable()
    from reorg_cli.cli.app import main as run

    run()
