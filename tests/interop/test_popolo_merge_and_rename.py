"""A unit merged in the same event as its successor is renamed: the vacancies the merge closes
say "unit merged into NAME" with the successor's name at the moment of the merge, and
``reorg import popolo`` must rebuild an order of the event's changes in which the merge sees
that name (found by ``make explore``, seed 2363339983: the importer always renamed first)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reorg_cli.engine.timeline import Timeline, load_timeline
from reorg_cli.events.files import write_tree
from reorg_cli.interop.popolo import popolo_document
from reorg_cli.interop.popolo_import import import_popolo
from tests.conftest import TODAY
from tests.interop.staleness import without_staleness
from tests.strategies import write_files

_BEFORE = """\
people:
  - {id: ann, name: Ann Lee}
sources:
  - {id: s1, url: 'https://example.com/1', publisher: Example}
events:
  - id: ev-1
    date: 2024-01-10
    title: Set up
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_created, unit: s, parent: null, name: Alpha, kind: lab}
      - {type: unit_created, unit: t, parent: null, name: Tau, kind: lab}
      - {type: unit_created, unit: x1, parent: null, name: X1, kind: team}
      - {type: unit_created, unit: x2, parent: null, name: X2, kind: team}
      - {type: role_assigned, person: ann, unit: x1, title: Head}
      - {type: role_assigned, person: ann, unit: x2, title: Head}
  - id: ev-2
    date: 2024-02-10
    title: Posts left vacant
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: role_ended, person: ann, unit: x1, title: Head, vacancy: vacant}
      - {type: role_ended, person: ann, unit: x2, title: Head, vacancy: vacant}
  - id: ev-3
    date: 2024-03-10
    title: Merged and renamed
    confidence: confirmed
    sources: [s1]
    changes:
"""

_MERGE_X1 = "{type: unit_merged, unit: x1, into: s}"
_MERGE_X2 = "{type: unit_merged, unit: x2, into: s}"
_RENAME_BETA = "{type: unit_renamed, unit: s, name: Beta Lab}"
_RENAME_GAMMA = "{type: unit_renamed, unit: s, name: Gamma Lab}"


def _timeline(root: Path, *changes: str) -> Timeline:
    text = _BEFORE + "".join(f"      - {change}\n" for change in changes)
    return load_timeline(write_files(root, {"events.yaml": text}))


def _reasons(timeline: Timeline) -> dict[str, str | None]:
    return {str(f.slot[0]): f.end_reason for f in timeline.vacancy_facts}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # The case make explore found, reduced: merged before the rename.
        ((_MERGE_X1, _RENAME_BETA), {"x1": "unit merged into Alpha"}),
        # The other order already worked and must keep working.
        ((_RENAME_BETA, _MERGE_X1), {"x1": "unit merged into Beta Lab"}),
        # Two merges that saw different names, in the opposite order to the units' creation.
        (
            (_MERGE_X2, _RENAME_BETA, _MERGE_X1),
            {"x1": "unit merged into Beta Lab", "x2": "unit merged into Alpha"},
        ),
        # A merge between two renames of its successor.
        (
            (_RENAME_BETA, _MERGE_X1, _RENAME_GAMMA),
            {"x1": "unit merged into Beta Lab"},
        ),
        # The successor is renamed after the merge and then merged itself.
        (
            (_MERGE_X1, _RENAME_BETA, "{type: unit_merged, unit: s, into: t}"),
            {"x1": "unit merged into Alpha"},
        ),
    ],
)
def test_a_vacancy_closed_by_a_merge_keeps_the_successor_name_it_saw(
    tmp_path: Path, changes: tuple[str, ...], expected: dict[str, str]
) -> None:
    original = _timeline(tmp_path / "events", *changes)
    assert {u: r for u, r in _reasons(original).items() if u in expected} == expected
    day = original.order[-1].date.hi
    document = popolo_document(original, day, today=TODAY)
    write_tree(tmp_path / "imported", import_popolo(json.dumps(document), "doc.json"))
    imported = load_timeline(tmp_path / "imported")
    assert _reasons(imported) == _reasons(original)
    again = popolo_document(imported, day, today=TODAY)
    assert without_staleness(again) == without_staleness(document)
