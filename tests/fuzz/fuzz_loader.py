"""Fuzz target: event-file bytes through the strict YAML reader, the schema checks, the
compiler, every query, the JSON writer and the renderers.

Run it with ``make fuzz`` (10 minutes; ``FUZZ_SECONDS=60 make fuzz`` for a short run), or::

    .venv/bin/python tests/fuzz/fuzz_loader.py -max_total_time=60 tests/fuzz/corpus

Only :class:`~reorg_cli.events.yamlfile.YamlProblem` and
:class:`~reorg_cli.events.errors.ReorgError` are
expected failures; any other exception, a broken invariant, a hang (``-timeout``) or running
out of memory (``-rss_limit_mb``) is a finding. Keep the input libFuzzer writes (``crash-*``,
``timeout-*``, ``oom-*``) in ``tests/fuzz/corpus/`` so that ``make test`` replays it for
ever; a raw (not structured) one also goes in ``tests/hostile/``, with its expected message
in ``tests/test_hostile.py``.

:func:`check_one` is plain Python: ``tests/test_hostile.py`` runs it over the corpus and the
hostile fixtures without atheris.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from reorg_cli.engine.timeline import Timeline

T = TypeVar("T")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PATH = "fuzz.yaml"
PEOPLE_PATH = "people.yaml"
#: Preloaded when the fuzzed document has no ``people`` key, so that more inputs compile.
PEOPLE = b"""\
people:
  - {id: ann, name: Ann Lee, names: {zh: \xe6\x9d\x8e\xe5\xae\x89}, aliases: [Annie]}
  - {id: bo, name: Bo Chen}
  - {id: cy, name: Cy Wu}
sources:
  - {id: s1, url: "https://example.com/1", publisher: Example}
  - {id: memo, url: "https://example.com/memo"}
"""
#: Largest real ordinal (9999-12-31).
MAX_ORDINAL = 3_652_059
MAX_DAYS = 6


class InvariantError(AssertionError):
    """The engine broke one of its promises on a fuzzed input."""


def check_one(data: bytes) -> None:
    """Run one input through everything; raise on anything but an expected user error.

    An input starting with a NUL byte (which no event file can contain) is structured: its
    other bytes choose an event history from small pools of ids and dates, so that most such
    inputs get past the schema checks and exercise the compiler and the queries.
    """
    from reorg_cli.events.errors import ReorgError
    from reorg_cli.events.yamlfile import YamlProblem

    if data[:1] == b"\x00":
        data = structured_yaml(data[1:])
    with contextlib.suppress(YamlProblem, ReorgError):
        _check(data)


class _Choices:
    """Deterministic choices read from bytes (zero once the bytes run out)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def byte(self) -> int:
        value = self.data[self.at] if self.at < len(self.data) else 0
        self.at += 1
        return value

    def pick(self, options: Sequence[T]) -> T:
        return options[self.byte() % len(options)]


def structured_yaml(data: bytes) -> bytes:
    """An event file chosen by ``data``: a valid history (tests/strategies.py), sometimes with
    one arbitrary change added at its end, which may or may not be valid."""
    from tests.strategies import HistoryEvent, NaiveOrg, build_history, history_files

    choices = _Choices(data)
    history = build_history(choices.pick, max_events=16)
    if history.events and choices.byte() % 4 == 0:
        last = history.events[-1]
        extra = NaiveOrg.complete(choices.pick(NaiveOrg.all_changes()), choices.pick)
        events = (*history.events[:-1], HistoryEvent(**{**vars(last), "changes": (extra,)}))
        history = type(history)(events)
    return next(iter(history_files(history).values())).encode()


def _check(data: bytes) -> None:
    from reorg_cli.engine.compiler import compile_dataset
    from reorg_cli.engine.timeline import Timeline
    from reorg_cli.events.errors import Location, Severity
    from reorg_cli.events.loader import _DatasetBuilder
    from reorg_cli.events.yamlfile import YamlMap, YamlProblem, read_yaml_bytes

    try:
        document = read_yaml_bytes(data, PATH)
    except YamlProblem as err:
        _check_location(err.problem.location, Location)
        raise
    builder = _DatasetBuilder()
    if not (isinstance(document, YamlMap) and "people" in document):
        builder.add_document(read_yaml_bytes(PEOPLE, PEOPLE_PATH), PEOPLE_PATH)
    builder.add_document(document, PATH)
    dataset, problems = builder.finish((PEOPLE_PATH, PATH))
    for problem in problems:
        _check_location(problem.location, Location)
        str(problem)
    if any(p.severity is Severity.ERROR for p in problems):
        return
    compiled = compile_dataset(dataset)
    for problem in compiled.problems:
        _check_location(problem.location, Location)
        str(problem)
    if any(p.severity is Severity.ERROR for p in compiled.problems):
        return
    _exercise(Timeline.from_dataset(dataset))


def _check_location(location: object, cls: type) -> None:
    if not isinstance(location, cls):
        raise InvariantError(f"problem without a location: {location!r}")
    if getattr(location, "path", None) not in (PATH, PEOPLE_PATH):
        raise InvariantError(f"problem in an unexpected file: {location!r}")


def _days(timeline: Timeline) -> list[int]:
    days: set[int] = set()
    for event in timeline.dataset.events:
        for day in (event.date.lo - 1, event.date.lo, event.date.hi):
            if 1 <= day <= MAX_ORDINAL:
                days.add(day)
    return sorted(days)[:MAX_DAYS] or [738000]


def _exercise(timeline: Timeline) -> None:
    """Every query, the JSON writer and the renderers, with invariants."""
    from reorg_cli.engine.diffapply import apply_diff
    from reorg_cli.events.model import Confidence
    from reorg_cli.output import serialize

    days = _days(timeline)
    states = {day: timeline.state_at(day) for day in days}
    for first in days:
        for second in days:
            change = timeline.diff(first, second)
            if apply_diff(states[first], change) != states[second]:
                raise InvariantError(f"apply_diff(state({first}), diff) != state({second})")
    before_all = min((e.date.lo for e in timeline.dataset.events), default=0) - 1
    if before_all >= 1 and timeline.state_at(before_all).units:
        raise InvariantError("units exist before the first event")
    texts = []
    for day, state in states.items():
        texts.append(serialize.state_dict(state, at_input="x", min_confidence=Confidence.UNCERTAIN))
        timeline.state_at(day, Confidence.CONFIRMED)
    texts.append(
        serialize.diff_dict(timeline.diff(days[0], days[-1]), min_confidence=Confidence.UNCERTAIN)
    )
    for person in timeline.dataset.people:
        texts.append(serialize.history_dict(timeline.person_history(person)))
        timeline.find_person(timeline.dataset.people[person].name)
    for unit in timeline.unit_facts:
        texts.append(serialize.unit_history_dict(timeline.unit_history(unit)))
        timeline.find_unit(unit)
    texts.append(serialize.timeline_dict(timeline.chronicle(today=days[0])))
    for data in texts:
        if json.loads(serialize.dumps(data)) != json.loads(json.dumps(data)):
            raise InvariantError("JSON output does not round-trip")
    if zlib.crc32(repr(days).encode() + repr(len(texts)).encode()) % 4 == 0:
        _render(timeline, days)  # the slowest part: a quarter of the compiled inputs


def _render(timeline: Timeline, days: list[int]) -> None:
    from rich.console import Console

    from reorg_cli.output import render

    out = io.StringIO()
    console = Console(
        file=out, width=80, color_system=None, highlight=False, emoji=False, markup=False
    )
    state = timeline.state_at(days[-1])
    console.print(render.render_state_tree(state))
    console.print(render.render_state_table(state))
    console.print(render.render_diff(timeline.diff(days[0], days[-1])))
    for person in timeline.dataset.people:
        console.print(render.render_person_history(timeline.person_history(person)))
    for unit in timeline.unit_facts:
        console.print(render.render_unit_history(timeline.unit_history(unit)))
    console.print(render.render_timeline(timeline.chronicle()))
    text = out.getvalue()
    bad = [c for c in text if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F]
    if bad:
        raise InvariantError(f"control characters reached the output: {bad[:5]!r}")


def main() -> None:
    """Run atheris over the corpus (arguments are libFuzzer's)."""
    import atheris

    sys.path.insert(0, str(ROOT))  # for tests.strategies
    with atheris.instrument_imports():
        pass

    # New inputs go to a scratch corpus (first directory) so the seed corpus in the
    # repository stays small; the seed directories given on the command line are only read.
    work = Path(os.environ.get("FUZZ_WORK_DIR", Path(tempfile.gettempdir()) / "reorg-fuzz"))
    work.mkdir(parents=True, exist_ok=True)
    flags = [arg for arg in sys.argv[1:] if arg.startswith("-")]
    seeds = [arg for arg in sys.argv[1:] if not arg.startswith("-")]
    given = {arg.split("=", 1)[0] for arg in flags}
    extra = [f"-dict={HERE / 'yaml.dict'}", "-timeout=10", "-max_len=16384"]
    flags += [arg for arg in extra if arg.split("=", 1)[0] not in given]
    argv = [sys.argv[0], *flags, *([str(work), *seeds] if seeds else [])]
    atheris.Setup(argv, check_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
