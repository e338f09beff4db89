"""The compiler's logical errors, each as the exact line a user reads (issue 10: the mutation
run showed that only parts of these messages, or none, were checked)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reorg_cli.engine.build import StoreBuilder
from reorg_cli.engine.compiler import compile_dataset
from reorg_cli.events.errors import Problem, Severity
from reorg_cli.events.loader import load_dataset
from tests.conftest import WriteEvents
from tests.engine.test_engine import BASE, event


def retraction(eid: str, date: str, target: str) -> str:
    return (
        f"  - id: {eid}\n    date: {date}\n    title: {eid}\n    confidence: confirmed\n"
        f"    sources: [s1]\n    retracts: {target}\n"
    )


def correction(eid: str, date: str, target: str, unit: str = "x") -> str:
    changes = f"- {{type: unit_created, unit: {unit}, name: {unit.upper()}, kind: team}}"
    return event(eid, date, changes, extra=f"    corrects: {target}\n")


def streamed_problems(root: Path) -> list[Problem]:
    """The problems a store built as the files are read finds (what the CLI runs)."""
    builder = StoreBuilder(sqlite3.connect(":memory:", isolation_level=None))
    dataset, problems = load_dataset(root, reader=builder)
    assert dataset.events == ()
    return problems + builder.compile(dataset)


def errors(write_events: WriteEvents, *events: str) -> list[str]:
    """The compiler's errors, with the events folder written as ``DIR``; the same whether the
    history is compiled in memory or streamed into a store."""
    root = write_events({"events.yaml": "events:\n" + "".join(events)})
    dataset, problems = load_dataset(root)
    assert not problems
    found = compile_dataset(dataset).problems
    assert [str(p) for p in streamed_problems(root)] == [str(p) for p in found]
    return [str(p).replace(str(root), "DIR") for p in found if p.severity is Severity.ERROR]


def bad(changes: str) -> str:
    return event("bad", "2025-01-01", changes)


CREATE_HINT = "(create it with a unit_created change)"
F = str(Path("DIR/events.yaml"))


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        (
            [bad("- {type: unit_moved, unit: lab, parent: lab}")],
            f"{F}:17:9: unit 'lab' cannot be its own parent",
        ),
        (
            [bad("- {type: unit_created, unit: x, name: X, kind: team, parent: nope}")],
            f"{F}:17:68: unknown parent unit 'nope' {CREATE_HINT}",
        ),
        (
            [bad("- {type: unit_moved, unit: lab, parent: nope}")],
            f"{F}:17:47: unknown parent unit 'nope' {CREATE_HINT}",
        ),
        (
            [
                event("end", "2025-01-01", "- {type: unit_dissolved, unit: lab}"),
                event(
                    "move",
                    "2025-02-01",
                    "- {type: unit_created, unit: x, name: X, kind: team}\n"
                    "- {type: unit_moved, unit: x, parent: lab}",
                ),
            ],
            f"{F}:25:45: parent unit 'lab' no longer exists here: it was dissolved on "
            f"2025-01-01 ({F}:17:9)",
        ),
        (
            [
                event(
                    "x",
                    "2024-06-01",
                    "- {type: unit_created, unit: x, name: X, kind: team, parent: lab}",
                ),
                event("bad", "2025-01-01", "- {type: unit_moved, unit: corp, parent: x}"),
            ],
            f"{F}:24:9: parent cycle: corp → x → lab → corp (the link lab → corp is set at "
            f"{F}:9:9)",
        ),
        (
            [
                event("mk", "2024-02-01", "- {type: unit_created, unit: x, name: X, kind: team}"),
                retraction("r", "2024-03-01", "mk"),
                event(
                    "bad", "2024-04-01", "- {type: role_assigned, person: bo, unit: x, title: L}"
                ),
            ],
            f"{F}:30:49: unit 'x' does not exist: the event that creates it, 'mk' ({F}:17:9), "
            "is retracted by 'r' (create the unit in an event that is part of the replay)",
        ),
        (
            [
                event("end", "2024-06-01", "- {type: role_ended, person: bo, unit: lab, title: B}"),
                event(
                    "late", "2025-01", "- {type: role_assigned, person: bo, unit: lab, title: B}"
                ),
            ],
            f"{F}:17:9: 'bo' does not hold 'B' in 'lab' on 2024-06-01 (the role is assigned only "
            f"later, in Jan 2025 ({F}:24:9); a role must start before it ends)",
        ),
        (
            [
                event(
                    "c", "2024-06-01", "- {type: role_confirmed, person: bo, unit: lab, title: B}"
                ),
                event(
                    "late", "2025-01", "- {type: role_assigned, person: bo, unit: lab, title: B}"
                ),
            ],
            f"{F}:17:9: cannot confirm 'bo' as 'B' in 'lab' on 2024-06-01: they do not hold that "
            f"role then (the role is assigned only later, in Jan 2025 ({F}:24:9))",
        ),
        (
            [
                event(
                    "hire", "2024-02", "- {type: role_assigned, person: bo, unit: lab, title: B}"
                ),
                event("gone", "2024-03", "- {type: role_ended, person: bo, unit: lab, title: B}"),
                event(
                    "c", "2024-06-01", "- {type: role_confirmed, person: bo, unit: lab, title: B}"
                ),
            ],
            f"{F}:31:9: cannot confirm 'bo' as 'B' in 'lab' on 2024-06-01: they do not hold that "
            f"role then (the role ended in Mar 2024 ({F}:24:9))",
        ),
        (
            [bad("- {type: unit_confirmed, unit: nope}")],
            f"{F}:17:38: unknown unit 'nope' {CREATE_HINT}",
        ),
        (
            [correction("a", "2025-01-01", "b"), correction("b", "2025-01-02", "a", unit="y")],
            f"{F}:19:5: correction cycle: b → a → b; event 'b' corrects 'a', and 'a' corrects "
            f"'b' ({F}:11:5) (events may not correct or retract each other in a circle; "
            "remove one link)",
        ),
        (
            [
                correction("v", "2025-01-01", "base"),
                correction("t", "2025-01-02", "base", unit="y"),
                correction("e", "2025-01-03", "t", unit="z"),  # corrects the refused correction
            ],
            f"{F}:19:5: event 'base' is already corrected or retracted by 'v' ({F}:11:5) "
            "(correct the correction instead)",
        ),
        (
            [bad("- {type: unit_merged, unit: lab, into: lab}")],
            f"{F}:17:9: unit 'lab' cannot be merged into itself",
        ),
        (
            [bad("- {type: unit_merged, unit: corp, into: lab}")],
            f"{F}:17:9: unit 'corp' cannot be merged into 'lab', which is inside it "
            "(move 'lab' out first)",
        ),
        (
            [bad("- {type: unit_merged, unit: lab, into: nope}")],
            f"{F}:17:46: unknown successor unit 'nope' {CREATE_HINT}",
        ),
        (
            [bad("- {type: unit_merged, unit: nope, into: lab}")],
            f"{F}:17:35: unknown unit 'nope' {CREATE_HINT}",
        ),
        (
            [bad("- {type: unit_dissolved, unit: nope}")],
            f"{F}:17:38: unknown unit 'nope' {CREATE_HINT}",
        ),
        (
            [bad("- {type: unit_dissolved, unit: corp}")],
            f"{F}:17:9: unit 'corp' is dissolved while it still has child units: lab "
            "(move, merge or dissolve them first)",
        ),
        (
            [bad("- {type: unit_created, unit: lab, name: Lab 2, kind: lab}")],
            f"{F}:17:9: unit 'lab' is created twice; it was already created on 2024-01-15 "
            f"({F}:9:9) (use unit_renamed, unit_reclassified or unit_moved to change it)",
        ),
        (
            [
                event("end", "2025-01-01", "- {type: unit_dissolved, unit: lab}"),
                event(
                    "again", "2025-02", "- {type: unit_created, unit: lab, name: Lab, kind: lab}"
                ),
            ],
            f"{F}:24:9: unit 'lab' is created twice; it was already created on 2024-01-15 "
            f"({F}:9:9) (use unit_renamed, unit_reclassified or unit_moved to change it)",
        ),
        (
            [retraction("bad", "2025-01-01", "bad")],
            f"{F}:11:5: event 'bad' retracts itself",
        ),
        (
            [correction("bad", "2025-01-01", "bad")],
            f"{F}:11:5: event 'bad' corrects itself",
        ),
        (
            [retraction("bad", "2025-01-01", "bsae")],
            f"{F}:11:5: event 'bad' retracts unknown event 'bsae' (did you mean 'base'?)",
        ),
        (
            [correction("bad", "2025-01-01", "bsae")],
            f"{F}:11:5: event 'bad' corrects unknown event 'bsae' (did you mean 'base'?)",
        ),
        (
            [retraction("r1", "2025-01-01", "base"), correction("c2", "2025-01-02", "base")],
            f"{F}:17:5: event 'base' is already corrected or retracted by 'r1' ({F}:11:5) "
            "(correct the correction instead)",
        ),
        (
            [correction("c1", "2025-01-01", "base"), retraction("r2", "2025-01-02", "base")],
            f"{F}:19:5: event 'base' is already corrected or retracted by 'c1' ({F}:11:5) "
            "(correct the correction instead)",
        ),
        (
            [retraction("a", "2025-01-01", "b"), retraction("b", "2025-01-02", "a")],
            f"{F}:17:5: correction cycle: b → a → b; event 'b' retracts 'a', and 'a' retracts "
            f"'b' ({F}:11:5) (events may not correct or retract each other in a circle; "
            "remove one link)",
        ),
        (
            [
                correction("a", "2025-01-01", "b"),
                retraction("b", "2025-01-02", "c"),
                correction("c", "2025-01-03", "a", unit="y"),
            ],
            f"{F}:25:5: correction cycle: c → a → b → c; event 'c' corrects 'a', and 'b' "
            f"retracts 'c' ({F}:19:5) (events may not correct or retract each other in a "
            "circle; remove one link)",
        ),
    ],
)
def test_each_logical_error_is_one_exact_line(
    write_events: WriteEvents, events: list[str], expected: str
) -> None:
    assert errors(write_events, BASE, *events) == [expected]


def test_every_correction_error_is_reported_not_only_the_first(write_events: WriteEvents) -> None:
    found = errors(
        write_events,
        BASE,
        retraction("r1", "2025-01-01", "bsae"),
        retraction("r2", "2025-01-02", "r2"),
        retraction("r3", "2025-01-03", "base"),
        correction("c4", "2025-01-04", "base"),
        retraction("a", "2025-01-05", "b"),
        retraction("b", "2025-01-06", "a"),
        retraction("r5", "2025-01-07", "zzz"),
    )
    assert [line.split(": ", 1)[1].split(" (")[0] for line in found] == [
        "event 'r1' retracts unknown event 'bsae'",
        "event 'r2' retracts itself",
        "event 'base' is already corrected or retracted by 'r3'",
        "correction cycle: b → a → b; event 'b' retracts 'a', and 'a' retracts 'b'",
        "event 'r5' retracts unknown event 'zzz'",
    ]


@pytest.mark.parametrize(
    "change",
    [
        "- {type: unit_renamed, unit: ops, name: Lab}",
        "- {type: unit_reclassified, unit: ops, kind: lab, name: Lab}",
    ],
)
def test_a_new_name_like_a_siblings_is_a_warning(write_events: WriteEvents, change: str) -> None:
    created = "- {type: unit_created, unit: ops, name: Ops, kind: team, parent: corp}"
    root = write_events(
        {
            "events.yaml": "events:\n"
            + BASE
            + event("mk", "2024-02-01", created)
            + event("re", "2025-01-01", change)
        }
    )
    dataset, problems = load_dataset(root)
    found = [str(p).replace(str(root), "DIR") for p in compile_dataset(dataset).problems]
    assert [str(p).replace(str(root), "DIR") for p in streamed_problems(root)] == found
    assert not problems and found == [
        f"{F}:24:9: warning: unit 'ops' is now named 'Lab', like unit 'lab' beside it "
        f"({F}:9:9); looking the name up finds both (give one of them a distinguishing name, "
        "or dissolve or rename the other first)"
    ]
