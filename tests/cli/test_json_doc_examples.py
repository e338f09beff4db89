"""The JSON examples of docs/json-output.md are real output: each one run on the mini fixture
gives a document of which the example is a trimmed copy (list items and map entries left
out, as the text before each example says; every key of every object kept)."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from reorg_cli.cli.app import app
from tests.conftest import CLI_ENV

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "json-output.md"
EXAMPLE = re.compile(
    r"Example, `reorg ([^`]*tests/fixtures/mini[^`]*)`(?:(?!```).)*?```json\n(.*?)```", re.S
)
#: Values that depend on where the checkout is (the git commit of a fixture file).
ANYWHERE = {"commit"}


def examples() -> list[tuple[str, str]]:
    return EXAMPLE.findall(DOC.read_text(encoding="utf-8"))


def trimmed_copy(example: Any, real: Any, where: str = "$") -> None:
    """Fail unless ``example`` is ``real`` with list items or map entries left out."""
    if isinstance(example, dict):
        assert isinstance(real, dict), where
        if example and set(example) != set(real):
            # A map of ids (the events map) may lose entries; an object keeps every key.
            assert set(example) <= set(real) and where.endswith(".events"), (
                f"{where}: keys {sorted(set(example) ^ set(real))} differ"
            )
        for key, value in example.items():
            if key not in ANYWHERE:
                trimmed_copy(value, real[key], f"{where}.{key}")
    elif isinstance(example, list):
        assert isinstance(real, list), where
        position = 0
        for i, item in enumerate(example):
            while True:
                assert position < len(real), f"{where}[{i}] is not in the real output"
                try:
                    trimmed_copy(item, real[position], f"{where}[{i}]")
                except AssertionError:
                    position += 1
                    continue
                position += 1
                break
    else:
        assert example == real, f"{where}: {example!r} != {real!r}"


def test_there_are_examples_to_check() -> None:
    commands = [command.split()[0] for command, _ in examples()]
    assert {"show", "diff", "history", "unit", "timeline", "blame", "people"} <= set(commands)


@pytest.mark.parametrize(("command", "text"), examples(), ids=[c for c, _ in examples()])
def test_each_example_is_real_output(
    command: str, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # the examples' paths are relative to the checkout
    result = CliRunner().invoke(app, shlex.split(command), env=CLI_ENV)
    assert result.exit_code == 0, result.output
    trimmed_copy(json.loads(text), json.loads(result.stdout))
    # Written as the writer writes: raw UTF-8, sorted keys, two spaces.
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
