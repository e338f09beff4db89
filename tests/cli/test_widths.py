"""Issue 14's acceptance: on the bundled data, at 80 and 50 columns, nothing is cropped, no line
is wider than the terminal (but a URL alone on its line), ids, URLs and names are never split;
and finding people and units by part of a name."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from reorg_cli.cli.app import app
from tests.conftest import CLI_ENV

URL_RE = re.compile(r"https?://\S+")
#: A URL alone on its line may carry a short label before it (a publisher).
LABEL_AT_MOST = 30


def run(columns: int, *args: str) -> str:
    result = CliRunner().invoke(app, list(args), env={**CLI_ENV, "COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.stdout


def run_json(*args: str) -> Any:
    return json.loads(run(100, *args, "--format", "json"))


def too_wide(text: str, columns: int) -> list[str]:
    """Lines wider than ``columns`` that are not a URL alone on its line (with a short label)."""
    bad = []
    for line in text.splitlines():
        if cell_len(line) <= columns:
            continue
        stripped = line.strip()
        url = URL_RE.search(stripped)
        alone = (
            url is not None
            and url.end() == len(stripped)
            and cell_len(stripped[: url.start()]) <= LABEL_AT_MOST
        )
        if not alone:
            bad.append(line)
    return bad


def strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings(value)


def whole_on_a_line(text: str, needles: set[str]) -> list[str]:
    """The needles that do not appear whole on some line of ``text``."""
    lines = text.splitlines()
    return sorted(n for n in needles if not any(n in line for line in lines))


def split_up(text: str, needles: set[str]) -> list[str]:
    """The needles (ids, URLs) that ``text`` shows only in pieces: not whole on any line, but
    a word of the text is a piece of them (their start or their end)."""
    lines = text.splitlines()
    words = {w.strip("(),;[]") for w in text.split()}
    pieces = {w for w in words if len(w) >= 10 and ("-" in w or "/" in w)} - needles
    broken = []
    for needle in needles:
        if any(needle in line for line in lines):
            continue
        if any(needle.startswith(p) or needle.endswith(p) for p in pieces):
            broken.append(needle)
    return sorted(broken)


def event_ids() -> set[str]:
    return {e["id"] for e in run_json("timeline")["events"]}


ACCEPTANCE = [
    ("show", "--format", "table", "--at", "2026-04-09"),
    ("history", "Zhou Jingren"),
    ("diff", "2026-03-01", "2026-04-30"),
    ("timeline",),
    ("unit", "Alibaba Token Hub"),
    ("sources",),
    ("event", "2026-04-08-technology-committee"),
]


@pytest.mark.parametrize("columns", [50, 80])
@pytest.mark.parametrize("args", ACCEPTANCE, ids=lambda args: args[0])
def test_no_line_is_wider_than_the_terminal(args: tuple[str, ...], columns: int) -> None:
    text = run(columns, *args)
    assert text.strip()
    assert too_wide(text, columns) == []


@pytest.mark.parametrize("columns", [50, 80])
@pytest.mark.parametrize(
    "args", [a for a in ACCEPTANCE if a[0] != "show" and a[0] != "history"], ids=lambda a: a[0]
)
def test_every_event_id_and_url_shown_is_whole_on_one_line(
    args: tuple[str, ...], columns: int
) -> None:
    text = run(columns, *args)
    found = list(strings(run_json(*args)))
    ids = event_ids() & set(found)
    urls = {s for s in found if URL_RE.fullmatch(s)}
    shown = (ids | urls) - set(whole_on_a_line(text, ids | urls))
    assert shown  # the view shows some of them, whole
    assert split_up(text, ids | urls) == []


@pytest.mark.parametrize("columns", [50, 80])
def test_every_unit_and_person_name_is_whole_in_the_table(columns: int) -> None:
    state = run_json("show", "--at", "2026-04-09")
    names = {u["name"] for u in state["units"]}
    names |= {r["person_name"] for u in state["units"] for r in u["roles"]}
    assert len(names) > 50
    text = run(columns, "show", "--format", "table", "--at", "2026-04-09")
    assert whole_on_a_line(text, names) == []


@pytest.mark.parametrize("columns", [50, 80])
def test_history_keeps_unit_names_unbroken(columns: int) -> None:
    text = run(columns, "history", "Zhou Jingren")
    assert whole_on_a_line(text, {"Infrastructure Committee", "Group Technology Committee"}) == []


@pytest.mark.parametrize("columns", [80, 120, 200])
@pytest.mark.parametrize("args", ACCEPTANCE[:5], ids=lambda args: args[0])
def test_tables_stay_tables_at_80_columns_and_wider(args: tuple[str, ...], columns: int) -> None:
    text = run(columns, *args)
    assert "──" in text  # a header rule: a table, not stacked blocks
    assert too_wide(text, columns) == []


def test_long_date_windows_are_short_in_tables_and_full_in_json() -> None:
    text = run(80, "history", "Zhou Jingren")
    assert "2026-03-03…10" in text
    spans = run_json("history", "Zhou Jingren")
    assert "between 2026-03-03 and 2026-03-10" in set(strings(spans))


def test_search_lists_both_zhous_with_ids() -> None:
    text = run(80, "search", "Zhou")
    assert "Zhou Jingren" in text and "zhou-jingren" in text
    assert "Zhou Hao" in text and "zhou-hao" in text
    found = run_json("search", "Zhou")["matches"]
    people = [m["id"] for m in found if m["kind"] == "person"]
    assert set(people) == {"zhou-jingren", "zhou-hao"}
    assert found[0]["kind"] == "person"  # people before the events that mention them
    only = json.loads(run(100, "search", "Zhou", "--kind", "person,unit", "--format", "json"))
    assert [m["id"] for m in only["matches"]] == ["zhou-hao", "zhou-jingren"]
    bad = CliRunner().invoke(app, ["search", "Zhou", "--kind", "persons"], env=CLI_ENV)
    assert bad.exit_code == 2 and "is not one of person, unit, event, source" in bad.stderr


def test_search_finds_units_events_and_sources() -> None:
    found = run_json("search", "Token Hub")["matches"]
    assert found[0] == {
        "kind": "unit",
        "id": "ath",
        "name": "Alibaba Token Hub",
        "matched": "Alibaba Token Hub",
        "how": "words",
    }
    kinds = {m["kind"] for m in run_json("search", "qwen")["matches"]}
    assert {"unit", "event", "source"} <= kinds
    assert run_json("search", "千问")["matches"][0]["kind"] == "unit"


def test_unit_finds_the_token_hub_by_part_of_its_name() -> None:
    assert run(80, "unit", "Token Hub").splitlines()[0] == "Alibaba Token Hub"


def test_a_name_matching_several_gives_a_ranked_did_you_mean_with_ids() -> None:
    result = CliRunner().invoke(app, ["history", "Zhou"], env=CLI_ENV)
    assert result.exit_code == 1 and result.stdout == ""
    assert "did you mean Zhou Hao (zhou-hao), Zhou Jingren (zhou-jingren)?" in result.stderr
    result = CliRunner().invoke(app, ["unit", "Qwen"], env=CLI_ENV)
    assert result.exit_code == 1 and "Qwen Division (qwen-division)" in result.stderr


def test_people_lists_every_person_with_an_id() -> None:
    people = run_json("people")["people"]
    ids = [p["id"] for p in people]
    assert len(ids) == len(set(ids)) > 30 and all(ids)
    assert "zhou-jingren" in ids
    text = run(80, "people")
    assert all(i in text for i in ids)


def test_people_and_units_at_a_date() -> None:
    people = run_json("people", "--at", "2026-04-09")["people"]
    zhou = next(p for p in people if p["id"] == "zhou-jingren")
    assert {"title": "Chief AI Architect", "unit": "tech-committee"}.items() <= next(
        r for r in zhou["roles"] if r["unit"] == "tech-committee"
    ).items()
    units = run_json("units", "--at", "2026-04-09")["units"]
    assert "ath" in {u["id"] for u in units}
    every = run_json("units")["units"]
    assert len(every) > len(units)
    assert too_wide(run(50, "units"), 50) == [] and too_wide(run(80, "people"), 80) == []


def test_gantt_bars_stay_inside_their_units_lives_and_labels_keep_their_marks() -> None:
    text = run(80, "history", "Wu Zeming", "--format", "gantt")
    lines = text.splitlines()
    axis = lines[1]
    flash = next(line for line in lines if line.startswith("Head, Taobao Flash"))
    label_end = flash.index(" ", flash.index("[R]"))
    first_bar = len(flash) - len(flash[label_end:].lstrip())
    # Taobao Flash Sale was created on 2025-04-30: its head's bar starts in 2025.
    assert first_bar > axis.index("2025")
    assert "[R]" in flash
    assert all(len(line) <= 80 for line in lines)
    reported = [line for line in lines if "[R]" in line and not line.startswith("[R]")]
    assert len(reported) >= 3  # every reported role keeps its mark, shortened or not


def test_every_command_takes_events_as_a_path() -> None:
    import typer.main

    group = typer.main.get_command(app)
    listed = group.list_commands(typer.Context(group))  # type: ignore[attr-defined]
    names = [n for n in listed if n != "import"]
    assert {"show", "schema", "people", "units", "search"} <= set(names)
    for name in names:
        result = CliRunner().invoke(app, [name, "--help"], env={**CLI_ENV, "COLUMNS": "200"})
        assert re.search(r"--events <path>", result.stdout), name
    schema = CliRunner().invoke(app, ["schema", "--events", "events"], env=CLI_ENV)
    assert schema.exit_code == 0 and json.loads(schema.stdout)["$schema"]
