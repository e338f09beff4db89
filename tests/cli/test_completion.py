"""Shell completion of person, unit and event names and ids in bash, zsh and fish."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from reorg_cli.cli.common import complete_event, complete_person, complete_unit


def complete(shell: str, words: str) -> str:
    env = {**os.environ, "_REORG_COMPLETE": f"complete_{shell}", "REORG_EVENTS": ""}
    env.pop("REORG_EVENTS")
    if shell == "bash":
        env |= {"COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)}
    else:
        env |= {"_TYPER_COMPLETE_ARGS": words, "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
    done = subprocess.run(
        [sys.executable, "-m", "reorg_cli"], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done.stdout


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_people_units_and_events_complete_in_every_shell(shell: str) -> None:
    assert "Zhou Jingren" in complete(shell, "reorg history Zhou")
    assert "Alibaba Token Hub" in complete(shell, "reorg unit Alibaba")
    assert "2026-04-08-technology-committee" in complete(shell, "reorg event 2026-04-08-")


def test_completions_offer_ids_and_names_with_the_other_as_help() -> None:
    people = dict(complete_person(None, "zhou"))  # type: ignore[arg-type]
    assert people["zhou-jingren"] == "Zhou Jingren" and people["Zhou Jingren"] == "zhou-jingren"
    assert ("ath", "Alibaba Token Hub") in complete_unit(None, "at")  # type: ignore[arg-type]
    events = complete_event(None, "2026-04-08-t")  # type: ignore[arg-type]
    assert [value for value, _ in events] == [
        "2026-04-08-technology-committee",
        "2026-04-08-tongyi-upgrade",
    ]
    assert complete_person(None, "no such person at all") == []  # type: ignore[arg-type]
