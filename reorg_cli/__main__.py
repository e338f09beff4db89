"""Allow ``python -m reorg_cli``."""

from reorg_cli.cli.app import main

main()
