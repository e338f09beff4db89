"""The layout issue 12 asks to keep: no module of the shipped package over 600 lines."""

from __future__ import annotations

from pathlib import Path

import reorg_cli

LIMIT = 600


def test_no_module_is_over_600_lines() -> None:
    package = Path(reorg_cli.__file__).parent
    modules = sorted(package.rglob("*.py"))
    assert len(modules) > 50
    long = {
        str(m.relative_to(package)): n
        for m in modules
        if (n := len(m.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert long == {}
