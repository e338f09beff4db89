"""The ``reorg`` command line: each command parses its arguments, calls the library and hands
the result to a renderer. Errors become messages and exit codes in :func:`error_boundary`.

Exit codes: 0 ok, 1 error (bad event files, unknown name), 2 usage (bad option or date),
130 interrupted.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, ParamSpec, TypeVar

import typer

from reorg_cli import __version__
from reorg_cli.cli_speedups import install as _install_typer_speedups

_install_typer_speedups()  # coerce plain option values without importing pydantic

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from reorg_cli.dates import QueryDate
    from reorg_cli.model import Confidence
    from reorg_cli.render import Footnotes
    from reorg_cli.timeline import Timeline
    from reorg_cli.views import OrgState

P = ParamSpec("P")
R = TypeVar("R")

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
MAX_PROBLEMS_SHOWN = 50

app = typer.Typer(
    name="reorg",
    help=(
        "Replay, diff and explain an organization's history from YAML event files.\n\n"
        "Examples:\n\n"
        "  reorg show --at 2026-04-08\n\n"
        "  reorg diff 2026-03-01 2026-04-30\n\n"
        '  reorg history "Zhou Jingren"'
    ),
    rich_markup_mode=None,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class ColorMode(StrEnum):
    """When to use colour."""

    auto = "auto"
    always = "always"
    never = "never"


class _Settings:
    debug = False
    color = ColorMode.auto
    use_cache = True


settings = _Settings()


class ConfidenceLevel(StrEnum):
    """The lowest confidence a fact may have to be shown."""

    confirmed = "confirmed"
    reported = "reported"
    uncertain = "uncertain"


class ShowFormat(StrEnum):
    """Output formats of ``show``."""

    tree = "tree"
    table = "table"
    json = "json"
    svg = "svg"
    html = "html"


class HistoryFormat(StrEnum):
    """Output formats of ``history``."""

    table = "table"
    json = "json"
    gantt = "gantt"


class TableFormat(StrEnum):
    """Output formats of commands that print a table."""

    table = "table"
    json = "json"


class ValidateFormat(StrEnum):
    """Output formats of ``validate``."""

    text = "text"
    json = "json"


EventsOption = Annotated[
    Path | None,
    typer.Option(
        "--events",
        envvar="REORG_EVENTS",
        help="Event file or directory of event files (default: the bundled dataset).",
        show_default=False,
    ),
]
WhyOption = Annotated[
    bool,
    typer.Option(
        "--why", help="Number every fact and list the events and sources behind it (evidence)."
    ),
]
MinConfidenceOption = Annotated[
    ConfidenceLevel,
    typer.Option("--min-confidence", help="Hide facts less sure than this."),
]


def _version_callback(value: bool) -> None:
    if value:
        sys.stdout.write(f"reorg {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version_callback,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of internal errors (for bug reports).")
    ] = False,
    color: Annotated[
        ColorMode, typer.Option("--color", help="Colour output: auto, always or never.")
    ] = ColorMode.auto,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Compile the event files without the compiled-timeline cache "
            "(also REORG_NO_CACHE=1).",
        ),
    ] = False,
) -> None:
    """Replay, diff and explain an organization's history from YAML event files."""
    settings.debug = debug or os.environ.get("REORG_DEBUG", "") not in ("", "0")
    settings.color = color
    settings.use_cache = not no_cache


# -- consoles and errors ------------------------------------------------------------------------


def _console(*, stderr: bool = False) -> Console:
    from rich.console import Console

    kwargs: dict[str, Any] = {}
    if settings.color is ColorMode.always:
        kwargs["force_terminal"] = True
    elif settings.color is ColorMode.never:
        kwargs["no_color"] = True
        kwargs["color_system"] = None
    return Console(stderr=stderr, highlight=False, emoji=False, markup=False, **kwargs)


def _print(renderable: RenderableType, *, soft_wrap: bool = False) -> None:
    # soft_wrap leaves long lines (evidence URLs) whole for the terminal to wrap.
    _console().print(renderable, soft_wrap=soft_wrap)


def _write_json(data: dict[str, Any]) -> None:
    from reorg_cli.serialize import dumps

    sys.stdout.write(dumps(data))


def _error_line(message: str) -> None:
    from rich.text import Text

    from reorg_cli.render import sanitize

    _console(stderr=True).print(
        Text("reorg: error: ", style="bold red") + Text(sanitize(message)), soft_wrap=True
    )


@contextmanager
def error_boundary() -> Iterator[None]:
    """Turn every failure into one clear message and an exit code (the only such place)."""
    from reorg_cli.errors import EventFileError, QueryDateError, ReorgError

    try:
        yield
        sys.stdout.flush()
    except typer.Exit:
        raise
    except EventFileError as err:
        _report_problems(err.problems)
        raise typer.Exit(EXIT_ERROR) from None
    except QueryDateError as err:
        _error_line(str(err))
        raise typer.Exit(EXIT_USAGE) from None
    except ReorgError as err:
        _error_line(str(err))
        raise typer.Exit(EXIT_ERROR) from None
    except BrokenPipeError:
        # The reader went away (`reorg timeline | head -1`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(EXIT_OK) from None
    except KeyboardInterrupt:
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except Exception as err:
        if settings.debug:
            raise
        _error_line(
            f"internal error: {type(err).__name__}: {err} "
            "(this is a bug; rerun with --debug and report the traceback)"
        )
        raise typer.Exit(EXIT_ERROR) from None


def _report_problems(problems: list[Any]) -> None:
    from rich.text import Text

    from reorg_cli.errors import Severity
    from reorg_cli.render import render_problems

    errors = [p for p in problems if p.severity is Severity.ERROR]
    console = _console(stderr=True)
    shown = errors[:MAX_PROBLEMS_SHOWN]
    console.print(render_problems(shown), soft_wrap=True)
    if len(errors) > len(shown):
        console.print(
            Text(
                f"... and {len(errors) - len(shown)} more errors (run 'reorg validate' to see all)"
            )
        )


def command(*args: Any, **kwargs: Any) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Register a command and run its body inside :func:`error_boundary`."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapper(*call_args: P.args, **call_kwargs: P.kwargs) -> R:
            with error_boundary():
                try:
                    return function(*call_args, **call_kwargs)
                except Exception as err:
                    # A damaged cache entry (already removed): compile and answer after all.
                    if not getattr(err, "retry_without_cache", False):
                        raise
                    settings.use_cache = False
                    return function(*call_args, **call_kwargs)

        app.command(*args, **kwargs)(wrapper)
        return wrapper

    return decorate


# -- shared steps ---------------------------------------------------------------------------------


def _events_path(events: Path | None) -> Path:
    from reorg_cli.paths import default_events_path

    return events if events is not None else default_events_path()


def _load(events: Path | None) -> Timeline:
    from reorg_cli.cache import load_timeline_cached

    bar = _LoadProgress.when_watched()
    try:
        return load_timeline_cached(
            _events_path(events), use_cache=settings.use_cache, progress=bar
        )
    finally:
        if bar is not None:
            bar.close()


class _LoadProgress:
    """A progress bar on stderr for long compiles, shown only when a person is watching: both
    streams are terminals, the output is not JSON, and the work has already taken a while."""

    DELAY = 0.5  # seconds before a bar appears
    LABELS: ClassVar[dict[str, str]] = {
        "read": "Reading event files",
        "compile": "Compiling",
        "cache": "Writing cache",
    }

    def __init__(self) -> None:
        import time

        self.clock = time.monotonic
        self.started = self.clock()
        self.progress: Any = None
        self.task: Any = None
        self.stage = ""

    @classmethod
    def when_watched(cls) -> _LoadProgress | None:
        if not (sys.stderr.isatty() and sys.stdout.isatty()):
            return None
        if os.environ.get("TERM") == "dumb" or _json_requested(sys.argv[1:]):
            return None
        return cls()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.progress is None:
            if self.clock() - self.started < self.DELAY:
                return
            from rich.progress import Progress

            self.progress = Progress(console=_console(stderr=True), transient=True)
            self.progress.start()
        if stage != self.stage:
            if self.task is not None:
                self.progress.remove_task(self.task)
            self.stage = stage
            self.task = self.progress.add_task(self.LABELS.get(stage, stage), total=total or None)
        self.progress.update(self.task, completed=done)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def _json_requested(args: list[str]) -> bool:
    for index, arg in enumerate(args):
        if arg in ("--format", "-f") and args[index + 1 : index + 2] == ["json"]:
            return True
        if arg in ("--format=json", "-fjson"):
            return True
    return False


def _date(text: str, option: str) -> QueryDate:
    from reorg_cli.dates import DateSyntaxError, parse_query_date
    from reorg_cli.errors import QueryDateError

    try:
        return parse_query_date(text)
    except DateSyntaxError as err:
        raise QueryDateError(f"invalid date for {option}: {err}") from None


def _confidence(level: ConfidenceLevel) -> Confidence:
    from reorg_cli.model import Confidence

    return Confidence.parse(level.value)


def _footnotes(timeline: Timeline, why: bool) -> Footnotes | None:
    if not why:
        return None
    from reorg_cli.render import Footnotes

    return Footnotes(timeline.evidence)


#: A tree with more units than this shows only its top levels unless --depth is given.
DEFAULT_TREE_UNITS = 300


def _top_of(state: OrgState, root: str | None, depth: int) -> tuple[OrgState, str]:
    """The state cut to its top ``depth`` levels, and a note on what is not shown."""
    cut, shown = state.top_levels(root, depth)
    note = (
        f"Showing {depth} levels: {shown:,} of {len(state.units):,} units"
        + (
            f", {len(cut.reporting_lines):,} of {len(state.reporting_lines):,} reporting lines"
            if state.reporting_lines and root is None
            else ""
        )
        + ". --depth N or --unit NAME shows more; --depth 99 shows everything."
    )
    return cut, note


# -- commands -----------------------------------------------------------------------------------


@command()
def show(
    at: Annotated[str, typer.Option("--at", help="Date: 2026-04-08, 2026-04, 2026, today.")] = (
        "today"
    ),
    unit: Annotated[
        str | None, typer.Option("--unit", help="Show only this unit and what is under it.")
    ] = None,
    depth: Annotated[
        int | None, typer.Option("--depth", min=1, help="Levels of units to show in the tree.")
    ] = None,
    output: Annotated[ShowFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ShowFormat.tree
    ),
    min_confidence: MinConfidenceOption = ConfidenceLevel.uncertain,
    why: WhyOption = False,
    events: EventsOption = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="File for --format svg or html.", show_default=False),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Let --out replace a file.")] = False,
    width: Annotated[
        int, typer.Option("--width", min=40, max=1000, help="Columns of an svg or html picture.")
    ] = 100,
) -> None:
    """Show the organization as of a date: units, who holds which role, reporting lines.

    A partial date means the end of its period (--at 2026-04 is April 30, 2026).
    --format svg or html saves the tree, as the terminal shows it, to --out.

    Example: reorg show --at 2026-04-08
    """
    from reorg_cli.errors import ReorgError

    picture = output in (ShowFormat.svg, ShowFormat.html)
    if picture and out is None:
        _error_line(f"--format {output.value} needs --out FILE")
        raise typer.Exit(EXIT_USAGE)
    if out is not None and not picture:
        _error_line("--out is only for --format svg or html")
        raise typer.Exit(EXIT_USAGE)
    query = _date(at, "--at")
    timeline = _load(events)
    confidence = _confidence(min_confidence)
    state = timeline.state_at(query.day, confidence)
    root = None
    keep: list[str] | None = None
    if unit is not None:
        root = timeline.find_unit(unit)
        if root not in state.units:
            if (
                min_confidence is not ConfidenceLevel.uncertain
                and root in timeline.state_at(query.day).units
            ):
                raise ReorgError(
                    f"unit {timeline.unit_name_now(root)!r} is not shown on {query.iso()} at "
                    f"--min-confidence {min_confidence.value}",
                    "its existence rests on less sure sources",
                )
            raise ReorgError(
                f"unit {timeline.unit_name_now(root)!r} does not exist on {query.iso()}",
                f"see 'reorg unit {root}' for when it existed",
            )
        keep = state.subtree(root)
    if output is ShowFormat.json:
        from reorg_cli.serialize import state_dict

        _write_json(state_dict(timeline, state, at_input=at, min_confidence=confidence, units=keep))
        return
    from reorg_cli.render import render_state_table, render_state_tree

    notes = _footnotes(timeline, why)
    cut = None
    if depth is None and output is not ShowFormat.table:
        depth = state.depth_that_fits(root, DEFAULT_TREE_UNITS)
        if depth is not None:
            state, cut = _top_of(state, root, depth)
    if output is ShowFormat.table:
        _print(render_state_table(state, units=keep, why=notes), soft_wrap=why)
    elif picture:
        from rich.console import Group
        from rich.text import Text

        from reorg_cli.cli_pictures import save_picture

        assert out is not None
        drawn = render_state_tree(state, root=root, depth=depth, why=notes)
        save_picture(
            drawn if cut is None else Group(drawn, Text(cut, style="dim")),
            out,
            output.value,
            width=width,
            force=force,
            title=f"reorg show --at {query.iso()}",
            no_color=True if settings.color is ColorMode.never else None,
        )
    else:
        _print(render_state_tree(state, root=root, depth=depth, why=notes), soft_wrap=why)
        if cut is not None:
            from rich.text import Text

            _print(Text(cut, style="dim"))


@command()
def diff(
    date_from: Annotated[str, typer.Argument(metavar="FROM", help="The earlier date.")],
    date_to: Annotated[str, typer.Argument(metavar="TO", help="The later date.")],
    output: Annotated[TableFormat, typer.Option("--format", "-f", help="Output format.")] = (
        TableFormat.table
    ),
    min_confidence: MinConfidenceOption = ConfidenceLevel.uncertain,
    why: WhyOption = False,
    events: EventsOption = None,
) -> None:
    """Show what changed between two dates, each change with the event that caused it.

    Example: reorg diff 2026-03-01 2026-04-30
    """
    from reorg_cli.errors import QueryDateError

    first, second = _date(date_from, "FROM"), _date(date_to, "TO")
    if first.day > second.day:
        raise QueryDateError(
            f"FROM ({first.iso()}) is after TO ({second.iso()})",
            "give the earlier date first; a partial date means the end of its period",
        )
    timeline = _load(events)
    confidence = _confidence(min_confidence)
    result = timeline.diff(first.day, second.day, confidence)
    if output is TableFormat.json:
        from reorg_cli.serialize import diff_dict

        _write_json(diff_dict(timeline, result, min_confidence=confidence))
        return
    from reorg_cli.render import render_diff

    dates = {e.id: e.date.display() for e in timeline.events.values()}
    _print(render_diff(result, dates, _footnotes(timeline, why)), soft_wrap=why)


@command()
def history(
    person: Annotated[str, typer.Argument(help="Id, name or alias, in any script or case.")],
    output: Annotated[
        HistoryFormat,
        typer.Option("--format", "-f", help="Output format (gantt: bars across the years)."),
    ] = HistoryFormat.table,
    min_confidence: MinConfidenceOption = ConfidenceLevel.uncertain,
    why: WhyOption = False,
    events: EventsOption = None,
) -> None:
    """Show every role a person has held, with dates at their recorded precision.

    Example: reorg history "Zhou Jingren"
    """
    timeline = _load(events)
    found = timeline.find_person(person)
    result = timeline.person_history(found.id, _confidence(min_confidence))
    if output is HistoryFormat.json:
        from reorg_cli.serialize import history_dict

        _write_json(history_dict(timeline, result))
        return
    if output is HistoryFormat.gantt:
        from reorg_cli.render_gantt import Gantt

        _print(Gantt(result))
        return
    from reorg_cli.render import render_person_history

    _print(render_person_history(result, _footnotes(timeline, why)), soft_wrap=why)


@command()
def unit(
    name: Annotated[str, typer.Argument(metavar="UNIT", help="Id, current or former name.")],
    output: Annotated[TableFormat, typer.Option("--format", "-f", help="Output format.")] = (
        TableFormat.table
    ),
    min_confidence: MinConfidenceOption = ConfidenceLevel.uncertain,
    why: WhyOption = False,
    events: EventsOption = None,
) -> None:
    """Show a unit's history: creation, renames, reclassifications, moves, merges, heads.

    Example: reorg unit "Tongyi Lab"
    """
    timeline = _load(events)
    found = timeline.find_unit(name)
    result = timeline.unit_history(found, _confidence(min_confidence))
    if output is TableFormat.json:
        from reorg_cli.serialize import unit_history_dict

        _write_json(unit_history_dict(timeline, result))
        return
    from reorg_cli.render import render_unit_history

    _print(render_unit_history(result, _footnotes(timeline, why)), soft_wrap=why)


@command()
def timeline(
    date_from: Annotated[str | None, typer.Option("--from", help="First date.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last date.")] = None,
    person: Annotated[str | None, typer.Option("--person", help="Only events about them.")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Only events about this unit.")] = None,
    output: Annotated[TableFormat, typer.Option("--format", "-f", help="Output format.")] = (
        TableFormat.table
    ),
    min_confidence: MinConfidenceOption = ConfidenceLevel.uncertain,
    why: WhyOption = False,
    events: EventsOption = None,
) -> None:
    """List events in date order, with corrections and retractions.

    --from takes the start of a partial date, --to its end.

    Example: reorg timeline --from 2026-03 --to 2026-04
    """
    from reorg_cli.dates import today_date

    first = _date(date_from, "--from") if date_from else None
    last = _date(date_to, "--to") if date_to else None
    day_from = first.start if first is not None else None
    if first is not None and last is not None and first.start > last.day:
        from reorg_cli.errors import QueryDateError

        raise QueryDateError(
            f"--from ({first.text.strip()}) is after --to ({last.text.strip()})",
            "give the earlier date to --from",
        )
    loaded = _load(events)
    person_id = loaded.find_person(person).id if person else None
    unit_id = loaded.find_unit(unit) if unit else None
    entries = loaded.events_between(
        day_from,
        last.day if last else None,
        person=person_id,
        unit=unit_id,
        today=today_date().toordinal(),
        min_confidence=_confidence(min_confidence),
    )
    if output is TableFormat.json:
        from reorg_cli.serialize import timeline_dict

        _write_json(
            timeline_dict(loaded, entries, day_from=day_from, day_to=last.day if last else None)
        )
        return
    from reorg_cli.render import render_timeline

    _print(render_timeline(entries, _footnotes(loaded, why)), soft_wrap=why)


@command()
def validate(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="Event file or directory (default: --events, then the bundled data).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[ValidateFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ValidateFormat.text
    ),
    events: EventsOption = None,
) -> None:
    """Check event files and print every problem as path:line:col: message.

    Exits 1 if there is any error (warnings alone exit 0).

    Example: reorg validate events/
    """
    from rich.text import Text

    from reorg_cli.compiler import compile_dataset
    from reorg_cli.errors import Severity
    from reorg_cli.loader import load_dataset
    from reorg_cli.render import render_problems

    target = path if path is not None else _events_path(events)
    dataset, problems = load_dataset(target)
    if not any(p.severity is Severity.ERROR for p in problems):
        problems = problems + compile_dataset(dataset).problems
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = len(problems) - errors
    if output is ValidateFormat.json:
        from reorg_cli.serialize import problems_dict

        _write_json(problems_dict(problems, len(dataset.files), len(dataset.events)))
    else:
        console = _console()
        if problems:
            console.print(render_problems(problems), soft_wrap=True)
        verdict = "ok" if not errors else "failed"
        console.print(
            Text(
                f"{verdict}: {len(dataset.files)} files, {len(dataset.events)} events, "
                f"{errors} errors, {warnings} warnings",
                style="green" if not errors else "red",
            )
        )
    if errors:
        raise typer.Exit(EXIT_ERROR)


@command()
def sources(
    single_reported: Annotated[
        bool,
        typer.Option(
            "--single-reported", help="List the facts that rest on one source and aren't confirmed."
        ),
    ] = False,
    output: Annotated[TableFormat, typer.Option("--format", "-f", help="Output format.")] = (
        TableFormat.table
    ),
    events: EventsOption = None,
) -> None:
    """List every source with the number of facts it supports.

    Example: reorg sources --single-reported
    """
    timeline = _load(events)
    if single_reported:
        facts = timeline.single_reported_facts()
        if output is TableFormat.json:
            from reorg_cli.serialize import fact_summaries_dict

            _write_json(fact_summaries_dict(facts))
            return
        from reorg_cli.render import render_fact_summaries

        _print(render_fact_summaries(facts, "Facts resting on a single unconfirmed source"))
        return
    uses = timeline.sources_report()
    if output is TableFormat.json:
        from reorg_cli.serialize import sources_dict

        _write_json(sources_dict(uses))
        return
    from reorg_cli.render import render_sources

    _print(render_sources(uses))


@command()
def event(
    event_id: Annotated[str, typer.Argument(metavar="EVENT", help="An event id.")],
    output: Annotated[TableFormat, typer.Option("--format", "-f", help="Output format.")] = (
        TableFormat.table
    ),
    events: EventsOption = None,
) -> None:
    """Show one event in full: date, confidence, sources, notes, changes and corrections.

    Example: reorg event 2026-04-08-technology-committee
    """
    import difflib

    from reorg_cli.errors import UnknownNameError

    timeline = _load(events)
    if event_id not in timeline.events:
        close = difflib.get_close_matches(event_id, list(timeline.events), n=3)
        raise UnknownNameError("event", event_id, close)
    if output is TableFormat.json:
        from reorg_cli.serialize import event_dict

        _write_json(event_dict(timeline, event_id))
        return
    from reorg_cli.render import render_event

    _print(render_event(timeline.events[event_id], timeline.evidence(event_id)), soft_wrap=True)


@command()
def schema() -> None:
    """Print the JSON Schema of event files (for editors and CI)."""
    from importlib import resources

    sys.stdout.write(
        resources.files("reorg_cli").joinpath("event-file.schema.json").read_text("utf-8")
    )


def main() -> None:
    """Entry point of the ``reorg`` console script."""
    import gc

    # A run lives for seconds and its objects (facts, views, JSON) are acyclic: the cycle
    # collector would only rescan them, up to half the time of a large query.
    gc.disable()
    _register_only_the_invoked_command(sys.argv[1:])
    app(prog_name="reorg")


#: Options of the main callback that take a value (``reorg --color never show``).
_GLOBAL_OPTIONS_WITH_VALUES = ("--color",)


def _register_only_the_invoked_command(args: list[str]) -> None:
    """Typer builds every command's parameters on each run; when the command line names one
    command, keep only that one (its help, errors and output are the same). Anything unusual
    (no command, an unknown one, shell completion) keeps them all."""
    if any(name.endswith("_COMPLETE") for name in os.environ):
        return
    wanted = None
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in _GLOBAL_OPTIONS_WITH_VALUES:
            skip = True
        elif not arg.startswith("-"):
            wanted = arg
            break
        elif arg == "--":
            return
    if wanted is None:
        return
    commands = [
        c
        for c in app.registered_commands
        if (c.name or (c.callback.__name__ if c.callback else "").replace("_", "-")) == wanted
    ]
    groups = [g for g in app.registered_groups if g.name == wanted]
    if len(commands) + len(groups) == 1:
        app.registered_commands, app.registered_groups = commands, groups


from reorg_cli import cli_interop as _cli_interop  # noqa: E402,F401  (registers export/import)
from reorg_cli import cli_synth as _cli_synth  # noqa: E402,F401  (registers synth)
