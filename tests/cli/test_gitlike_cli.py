"""reorg log, blame, when and --known-as-of from the command line."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reorg_cli.cli.app import app
from tests.conftest import CLI_ENV, MINI


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=CLI_ENV)
    return result.exit_code, result.stdout, result.stderr


def test_log_acceptance_on_the_bundled_data() -> None:
    code, out, _ = run("log", "--since", "2026-04-01", "--until", "2026-04-30", "--oneline")
    assert code == 0
    for event in (
        "2026-04-08-technology-committee",
        "2026-04-08-tongyi-upgrade",
        "2026-04-08-cloud-cto",
        "2026-04-08-wu-zeming-refocus",
    ):
        assert event in out
    code, out, _ = run("log", "--grep", "Token Hub", "--format", "json")
    ids = [e["id"] for e in json.loads(out)["events"]]
    assert code == 0 and "2026-03-16-alibaba-token-hub" in ids


def test_log_options() -> None:
    code, out, _ = run("log", "--events", str(MINI), "-n", "1", "--reverse", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["schema_version"] == 1 and [e["id"] for e in data["events"]] == ["founding"]
    code, out, _ = run("log", "--events", str(MINI), "--from", "2025", "--to", "2025-03")
    assert code == 0 and "event lab-upgrade" in out and "committee" not in out
    code, _, err = run("log", "--events", str(MINI), "--since", "2025", "--until", "2024")
    assert code == 2 and err.count("\n") == 1 and "--since" in err
    code, out, _ = run("log", "--events", str(MINI), "-p", "--format", "json")
    assert all("changes" in e and e["confirms"] == [] for e in json.loads(out)["events"])


def test_log_patch_json_lists_what_the_bundled_confirmations_confirm() -> None:
    code, out, _ = run("log", "-p", "--since", "2026-06-14", "--until", "2026-06-14")
    assert code == 0 and "= Zhou Jingren — Chief Scientist, Alibaba Group (confirmed)" in out
    code, out, _ = run(
        "log", "-p", "--since", "2026-06-14", "--until", "2026-06-14", "--format", "json"
    )
    events = {e["id"]: e for e in json.loads(out)["events"]}
    assert events["confirm-2026-06-14-zhou-jingren"]["changes"] == []
    assert events["confirm-2026-06-14-zhou-jingren"]["confirms"] == [
        "Zhou Jingren — Chief Scientist, Alibaba Group",
        "Zhou Jingren — Head, Alibaba AI Future Research Institute",
    ]


def test_blame_acceptance_each_fact_has_an_event_and_sources() -> None:
    code, out, _ = run("blame", "Group Technology Committee", "--format", "json")
    assert code == 0
    facts = json.loads(out)["facts"]
    assert facts
    for fact in facts:
        assert fact["event"]
        assert fact["events"][0]["sources"]


def test_blame_names_the_commit_that_last_changed_each_file(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    events = tmp_path / "events"
    shutil.copytree(MINI, events)
    git = ["git", "-C", str(events), "-c", "user.name=Test Author", "-c", "user.email=t@x"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "first"], check=True)
    head = subprocess.run(
        [*git, "rev-parse", "--short", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    code, out, _ = run("blame", "Tech Committee", "--events", str(events), "--format", "json")
    assert code == 0
    commits = [e["commit"] for f in json.loads(out)["facts"] for e in f["events"]]
    assert commits and all(c["hash"] == head and c["author"] == "Test Author" for c in commits)
    (events / "2025-03-upgrade.yaml").write_text(
        (events / "2025-03-upgrade.yaml").read_text() + "\n", encoding="utf-8"
    )
    code, out, _ = run("blame", "Tech Committee", "--events", str(events))
    assert code == 0 and f"commit {head}" in out and "uncommitted changes" in out


def test_blame_without_git_information(tmp_path: Path) -> None:
    events = tmp_path / "plain"
    shutil.copytree(MINI, events)
    code, out, _ = run("blame", "Ann Lee", "--events", str(events), "--at", "2025-07")
    assert code == 0 and "commit " not in out and "Ann Lee — Chair, Tech Committee" in out
    code, _, err = run("blame", "Nobody", "--events", str(events))
    assert code == 1 and "no unit or person called 'Nobody'" in err


def test_when_acceptance_and_exit_codes() -> None:
    code, out, _ = run("when", "Zhou Jingren reports to Wu Yongming")
    assert code == 0 and "from 2026-04-08" in out
    code, out, _ = run("when", "Zhou Jingren reports to Wu Yongming", "--format", "json")
    assert json.loads(out)["windows"][0]["from"]["start"] == "2026-04-08"
    code, out, _ = run("when", "Ann Lee reports to Bo Chen", "--events", str(MINI))
    assert code == 0 and "never" in out
    code, out, _ = run(
        "when", "Ann Lee reports to Bo Chen", "--events", str(MINI), "--format", "json"
    )
    assert json.loads(out)["windows"] == [] and json.loads(out)["never"] is True
    code, _, err = run("when", "Ann Leigh reports to Bo Chen", "--events", str(MINI))
    assert code == 1 and "did you mean" in err
    code, _, err = run("when", "Ann Lee admires Bo Chen", "--events", str(MINI))
    assert code == 2 and "cannot read the condition" in err


def test_known_as_of_acceptance() -> None:
    args = ("show", "--at", "2026-04-09", "--format", "json")
    code, before, _ = run(*args, "--known-as-of", "2026-04-07")
    assert code == 0 and "Group Technology Committee" not in before
    left_out = [e["event"] for e in json.loads(before)["known_as_of"]["left_out"]]
    assert "2026-04-08-technology-committee" in left_out
    code, after, _ = run(*args, "--known-as-of", "2026-04-10")
    assert code == 0 and "Group Technology Committee" in after


@pytest.mark.parametrize(
    "args",
    [
        ["diff", "2026-03-01", "2026-04-30"],
        ["history", "Zhou Jingren"],
        ["unit", "Alibaba Token Hub"],
        ["log", "-n", "3"],
        ["when", "Zhou Jingren reports to Wu Yongming"],
    ],
)
def test_known_as_of_on_every_command_that_takes_it(args: list[str]) -> None:
    code, out, _ = run(*args, "--known-as-of", "2026-04-07")
    assert code == 0 and "As known on 2026-04-07" in out
    code, out, _ = run(*args, "--known-as-of", "2026-04-07", "--format", "json")
    assert code == 0 and json.loads(out)["known_as_of"]["date"] == "2026-04-07"
    code, _, err = run(*args, "--known-as-of", "2026-02-30")
    assert code == 2 and "--known-as-of" in err
