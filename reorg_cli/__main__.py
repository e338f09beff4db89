"""Allow ``python -m reorg_cli``."""

from reorg_cli.cli import main

main()
