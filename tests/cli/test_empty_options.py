"""An option given an empty value is a usage error (exit 2), never "no filter"; search's
--kind may be repeated."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from reorg_cli.cli.app import app
from tests.conftest import CLI_ENV, MINI


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=CLI_ENV)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("command", "option"),
    [
        (command, option)
        for command in ("timeline", "log")
        for option in ("--since", "--until", "--person", "--unit")
    ]
    + [("log", "--grep")],
)
@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_filter_is_a_usage_error(command: str, option: str, value: str) -> None:
    code, stdout, stderr = run(command, f"{option}={value}")
    assert code == 2, stdout
    assert stdout == ""
    assert stderr == f"reorg: error: {option} is empty (give {option} a value, or leave it out)\n"


@pytest.mark.parametrize("value", ["", ",", "person,", " , unit"])
def test_search_refuses_an_empty_kind(value: str) -> None:
    code, stdout, stderr = run("search", "wu", f"--kind={value}")
    assert code == 2 and stdout == ""
    assert "has an empty kind" in stderr and stderr.count("\n") == 1


def test_search_kind_may_be_repeated_or_comma_separated() -> None:
    def ids(*kinds: str) -> list[str]:
        code, stdout, stderr = run("search", "wu", *kinds, "--format", "json")
        assert code == 0, stderr
        return sorted(m["id"] for m in json.loads(stdout)["matches"])

    people, units = ids("-k", "person"), ids("-k", "unit")
    assert people and units
    both = sorted(people + units)
    assert ids("-k", "person", "-k", "unit") == both
    assert ids("-k", "person,unit") == both
    assert ids("-k", "unit", "-k", "person", "-k", "unit") == both
    code, _, stderr = run("search", "wu", "-k", "person", "-k", "team")
    assert code == 2 and "--kind 'team' is not one of" in stderr


@pytest.mark.parametrize("args", [["history", ""], ["unit", "  "], ["blame", ""]])
def test_an_empty_name_is_a_usage_error(args: list[str]) -> None:
    """As an empty option is: it exited 1 with "no person called ''"."""
    result = CliRunner().invoke(app, [*args, "--events", str(MINI)], env=CLI_ENV)
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and "to look up is empty" in result.stderr
