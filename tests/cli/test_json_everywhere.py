"""Every command's JSON on the bundled data: parses, has ``schema_version``, holds no float
(the JSON writer's domain, reorg_cli/output/fastjson.py), and is exactly the standard
library's sorted, indented UTF-8 text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from reorg_cli.cli.app import app
from tests.conftest import CLI_ENV

COMMANDS = [
    ["show", "--at", "2026-04-08"],
    ["show", "--at", "2026-04-08", "--why", "--min-confidence", "reported"],
    ["diff", "2026-03-01", "2026-04-30"],
    ["history", "Zhou Jingren"],
    ["unit", "tongyi-lab"],
    ["timeline", "--from", "2026-03", "--to", "2026-04"],
    ["log", "--since", "2026-03-01"],
    ["blame", "Zhou Jingren"],
    ["when", "Zhou Jingren in tongyi-bu"],
    ["validate"],
    ["check"],
    ["sources"],
    ["event", "2026-04-08-technology-committee"],
    ["people"],
    ["units"],
    ["search", "Tongyi"],
]


def floats_in(value: Any) -> list[float]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for item in value.values() for f in floats_in(item)]
    if isinstance(value, list):
        return [f for item in value for f in floats_in(item)]
    return []


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_json_is_sorted_indented_utf8_without_floats(args: list[str]) -> None:
    result = CliRunner().invoke(app, [*args, "--format", "json"], env=CLI_ENV)
    assert result.exit_code in (0, 1), result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, dict) and "schema_version" in data
    assert floats_in(data) == []
    assert result.stdout == json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2) + "\n"
