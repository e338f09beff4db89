"""What every command shares: options, settings, consoles, loading the history, dates.

Commands are modules of :mod:`reorg_cli.cli`; they import from here and never print errors or
exit on their own (errors are raised and become messages in :mod:`reorg_cli.cli.boundary`).
"""

from __future__ import annotations

import errno
import os
import sys
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import typer

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from rich.console import Console, RenderableType

    from reorg_cli.engine.evidence import Evidence
    from reorg_cli.engine.knowledge import KnowledgeReport
    from reorg_cli.engine.results import OrgState
    from reorg_cli.engine.timeline import Timeline
    from reorg_cli.events.dates import QueryDate
    from reorg_cli.events.model import Confidence
    from reorg_cli.output.render import Footnotes

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class ColorMode(StrEnum):
    """When to use colour."""

    auto = "auto"
    always = "always"
    never = "never"


class Settings:
    """Global options of one run (set by the main callback)."""

    debug = False
    color = ColorMode.auto
    use_cache = True
    pager = True
    #: Today (a day ordinal) for this run, decided on first use by :func:`run_today`.
    today: int | None = None
    #: The notes this run has printed on stderr: a command run again without a damaged
    #: cache (the boundary's retry) does not print them twice.
    notes: set[str] = set()  # noqa: RUF012 - replaced at each run by the main callback


settings = Settings()


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


#: ``--events`` as given (a string: ``Path("")`` would be the current directory, so an empty
#: value is refused by :func:`events_path`, not read as ".").
EventsOption = Annotated[
    str | None,
    typer.Option(
        "--events",
        envvar="REORG_EVENTS",
        metavar="<path>",
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
StaleAfterOption = Annotated[
    int | None,
    typer.Option(
        "--stale-after",
        min=1,
        max=36_500,
        metavar="DAYS",
        help="Call a fact with no end stale when no source confirms it for more than DAYS days "
        "before the date asked about or the data's coverage end (default: the dataset's, "
        "else 180).",
        show_default=False,
    ),
]
MinConfidenceOption = Annotated[
    ConfidenceLevel,
    typer.Option("--min-confidence", help="Hide facts less sure than this."),
]


# -- consoles -----------------------------------------------------------------------------------


#: The widest layout reorg draws (as ``show --width`` allows): a larger COLUMNS is taken as this.
MAX_WIDTH = 1000


def _layout_size(environ: Mapping[str, str]) -> dict[str, Any]:
    """Console arguments for COLUMNS and LINES: one that is not a positive whole number is
    ignored (Rich then measures the terminal or uses 80x25, as it does without it), and a
    width above :data:`MAX_WIDTH` becomes that."""
    kwargs: dict[str, Any] = {}
    hidden: list[str] = []
    for name in ("COLUMNS", "LINES"):
        value = environ.get(name)
        if value is None:
            continue
        number = int(value) if value.isascii() and value.isdigit() else 0
        if number <= 0:
            hidden.append(name)
        elif name == "COLUMNS" and number > MAX_WIDTH:
            kwargs["width"] = MAX_WIDTH
    if hidden:
        kwargs["_environ"] = {k: v for k, v in environ.items() if k not in hidden}
    return kwargs


def console(*, stderr: bool = False) -> Console:
    """A Rich console for stdout (or stderr) honouring --color and NO_COLOR; never markup.

    A COLUMNS or LINES that is not a positive whole number is ignored, and the width is at
    most :data:`MAX_WIDTH` (a huge COLUMNS would otherwise lay out millions of cells)."""
    from rich.console import Console

    kwargs: dict[str, Any] = {}
    if "COLUMNS" in os.environ or "LINES" in os.environ:
        kwargs.update(_layout_size(os.environ))
    if settings.color is ColorMode.always:
        kwargs["force_terminal"] = True
    elif settings.color is ColorMode.never:
        kwargs["no_color"] = True
        kwargs["color_system"] = None
    return Console(stderr=stderr, highlight=False, emoji=False, markup=False, **kwargs)


#: The pager when neither REORG_PAGER nor PAGER is set (as git does it).
DEFAULT_PAGER = "less -FRX"


def pager_command(environ: dict[str, str] | None = None) -> str | None:
    """The pager to use: REORG_PAGER, else PAGER, else ``less -FRX``; None when the chosen
    one is empty or ``cat`` (paging turned off)."""
    env = os.environ if environ is None else environ
    command = env.get("REORG_PAGER")
    if command is None:
        command = env.get("PAGER", DEFAULT_PAGER)
    command = command.strip()
    return None if command in ("", "cat") else command


def print_out(renderable: RenderableType, *, soft_wrap: bool = False, crop: bool = False) -> None:
    """Print a renderable on stdout, through the pager when a person is reading a terminal and
    it is taller than the screen (never when piped, never with --no-pager).

    Lines are never cropped: the renderers fit the width, and the one thing allowed past it is a
    URL longer than the width, alone on its line, which the terminal then wraps. ``crop`` is
    accepted for callers written before this and ignored; ``soft_wrap`` leaves wrapping to the
    terminal.
    """
    del crop
    out = console()
    if not (settings.pager and out.is_terminal and sys.stdout.isatty()):
        out.print(renderable, crop=False, soft_wrap=soft_wrap)
        return
    command = pager_command()
    if command is None:
        out.print(renderable, crop=False, soft_wrap=soft_wrap)
        return
    with out.capture() as captured:
        out.print(renderable, crop=False, soft_wrap=soft_wrap)
    text = captured.get()
    if text.count("\n") < out.size.height or not page(text, command):
        sys.stdout.write(text)


def page(text: str, command: str) -> bool:
    """Show ``text`` through the pager ``command`` (a shell command, as git runs it); False
    if the pager could not be started (its program is not found: the caller then prints the
    text itself, without the shell's "not found").

    As with git, a pager that starts is trusted with the text: one that exits without
    showing it (``REORG_PAGER=false``) shows nothing, and its exit status is not an error
    of the command (quitting less early is not one either).
    """
    import subprocess

    if not _pager_program_found(command):
        return False
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    sys.stdout.flush()
    try:
        done = subprocess.run(command, shell=True, input=text.encode("utf-8"), env=env, check=False)
    except OSError:
        return False
    except KeyboardInterrupt:
        return True
    return done.returncode != 127  # 127: the shell found no such command


def _pager_program_found(command: str) -> bool:
    """Whether the program a pager command starts with exists (True when that cannot be
    told without running the shell: variables, quoting, shell syntax)."""
    import shlex
    import shutil

    try:
        words = shlex.split(command)
    except ValueError:
        return True
    if not words or "=" in words[0] or any(c in words[0] for c in "$`;|&<>(){}"):
        return True
    return shutil.which(words[0]) is not None


def write_json(data: dict[str, Any]) -> None:
    """Write a JSON document (sorted, stable) on stdout."""
    from reorg_cli.output.serialize import dumps, dumps_utf8

    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream (tests)
        sys.stdout.write(dumps(data))
        return
    sys.stdout.flush()
    try:
        for piece in dumps_utf8(data):
            buffer.write(piece)
        buffer.flush()
    except OSError as err:
        from reorg_cli.cli.streams import note_stdout_failure

        note_stdout_failure(err)
        raise


@contextmanager
def name_too_long(option: str, path: Path) -> Iterator[None]:
    """The system's "file name too long" for ``path`` (the value of ``option``) as a usage
    error naming the option."""
    try:
        yield
    except OSError as err:
        if err.errno != errno.ENAMETOOLONG:
            raise
        from reorg_cli.events.errors import UsageError, shortened

        raise UsageError(
            f"{option} {shortened(str(path))!r}: a name in it is too long for this system",
            "use a shorter name: most systems allow 255 bytes for each part of a path",
        ) from None


def events_path(events: str | Path | None) -> Path:
    """The --events path, or the bundled dataset. An empty --events is a usage error
    (``Path("")`` would quietly read the current directory)."""
    from reorg_cli.events.paths import default_events_path

    if events is None:
        return default_events_path()
    if isinstance(events, str):
        if not events:
            from reorg_cli.events.errors import UsageError

            raise UsageError("--events is empty", "give a path, or leave --events out")
        return Path(events)
    return events


def load(events: str | Path | None, *, quiet: bool = False) -> Timeline:
    """The compiled history of ``events``; a progress bar on stderr when a person is watching
    a long compile (never with ``quiet``, which commands pass for JSON output)."""
    from reorg_cli.engine.cache import load_timeline_cached

    bar = None if quiet else _LoadProgress.when_watched()
    try:
        return load_timeline_cached(events_path(events), use_cache=settings.use_cache, progress=bar)
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
        if os.environ.get("TERM") == "dumb":
            return None
        return cls()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.progress is None:
            if self.clock() - self.started < self.DELAY:
                return
            from rich.progress import Progress

            self.progress = Progress(console=console(stderr=True), transient=True)
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


def print_note(note: str) -> None:
    """``reorg: note: …`` on stderr, once per run (a command run again after a damaged cache
    does not repeat it); stdout keeps its form."""
    if note in settings.notes:
        return
    settings.notes.add(note)
    from rich.text import Text

    console(stderr=True).print(
        Text("reorg: note: ", style="bold yellow") + Text(note), soft_wrap=True
    )


def coverage_warning(timeline: Timeline, day_from: int, day_to: int | None = None) -> None:
    """One line on stderr when a query reaches past the data's coverage end or before its
    first event (stdout keeps its form)."""
    note = timeline.coverage_note(day_from, day_to)
    if note is not None:
        print_note(note)


def coverage_warning_today(timeline: Timeline, shows_open_facts: bool) -> None:
    """For a command without a date asked about (``history``, ``unit``, ``when``, ``blame``
    without ``--at``): one line on stderr when today is past the data's coverage end and the
    output shows a fact with no end ("current", "last confirmed …", "no end recorded"),
    which a reader takes as holding today (docs/event-format.md, "Coverage")."""
    if not shows_open_facts:
        return
    end = timeline.coverage_end
    today = run_today()
    if end is not None and today > end.last_day():
        coverage_warning(timeline, today)


def coverage_warning_span(timeline: Timeline, day_from: int | None, day_to: int | None) -> None:
    """For a command over a range of dates (``log``, ``timeline``, ``publish``): the coverage
    line when a bound that was given lies past the coverage end or before the first event
    (a bound left out means "all the data has", which claims nothing)."""
    days = [day for day in (day_from, day_to) if day is not None]
    if days:
        coverage_warning(timeline, min(days), max(days))


def run_today() -> int:
    """Today for this run, as a day ordinal: ``REORG_TODAY`` (YYYY-MM-DD) when set, else the
    clock, read once per run here and handed to every query, renderer and export that needs
    it (none of them reads the clock)."""
    if settings.today is None:
        from reorg_cli.events.dates import today_ordinal

        settings.today = today_ordinal()
    return settings.today


def parse_date(text: str, option: str) -> QueryDate:
    """A query date (``today`` is :func:`run_today`); a bad one is a usage error naming the
    option."""
    import datetime as dt

    from reorg_cli.events.dates import DateSyntaxError, parse_query_date
    from reorg_cli.events.errors import QueryDateError

    try:
        return parse_query_date(text, dt.date.fromordinal(run_today()))
    except DateSyntaxError as err:
        raise QueryDateError(f"invalid date for {option}: {err}") from None


def confidence_of(level: ConfidenceLevel) -> Confidence:
    """The engine's confidence for an option value."""
    from reorg_cli.events.model import Confidence

    return Confidence.parse(level.value)


def footnotes(cited: Mapping[str, Evidence], why: bool) -> Footnotes | None:
    """Evidence footnotes for --why (drawn from what the result cites), else None."""
    if not why:
        return None
    from reorg_cli.output.render import Footnotes

    return Footnotes(cited)


#: A tree with more units than this shows only its top levels unless --depth is given.
DEFAULT_TREE_UNITS = 300


def top_of(state: OrgState, root: str | None, depth: int) -> tuple[OrgState, str]:
    """The state cut to its top ``depth`` levels, and a note on what is not shown."""
    tree = state.whole_tree()  # the whole day's, even when the state holds only the top levels
    cut, shown = state.top_levels(root, depth)
    note = (
        f"Showing {depth} levels: {shown:,} of {len(tree.units):,} units"
        + (
            f", {len(cut.reporting_lines):,} of {tree.reporting_lines:,} reporting lines"
            if tree.reporting_lines and root is None
            else ""
        )
        + ". --depth N or --unit NAME shows more; --depth 99 shows everything."
    )
    return cut, note


KnownAsOfOption = Annotated[
    str | None,
    typer.Option(
        "--known-as-of",
        help="Answer from only the events whose sources were certainly published by this date "
        "(what the public record said then).",
        show_default=False,
    ),
]


def load_known(
    events: str | Path | None, known_as_of: str | None, *, quiet: bool = False
) -> tuple[Timeline, KnowledgeReport | None]:
    """The compiled history, or with ``known_as_of`` the history as known on that date
    (compiled in memory) and what was left out."""
    if known_as_of is None:
        return load(events, quiet=quiet), None
    from reorg_cli.engine.knowledge import known_as_of as restrict
    from reorg_cli.engine.timeline import Timeline
    from reorg_cli.events.loader import load_dataset_or_raise

    query = parse_date(known_as_of, "--known-as-of")
    dataset, report = restrict(load_dataset_or_raise(events_path(events)), query.day, query.iso())
    return Timeline.from_dataset(dataset), report


def print_knowledge(report: KnowledgeReport | None) -> None:
    """After a table or tree: which events ``--known-as-of`` left out."""
    if report is None:
        return
    from rich.text import Text

    from reorg_cli.output.gitlike import render_knowledge

    print_out(Text(""))
    print_out(render_knowledge(report))


def with_knowledge(data: dict[str, Any], report: KnowledgeReport | None) -> dict[str, Any]:
    """A command's JSON with the ``known_as_of`` member when ``--known-as-of`` was given."""
    if report is None:
        return data
    from reorg_cli.output.gitlike_json import knowledge_dict

    return {**data, "known_as_of": knowledge_dict(report)}


# -- completion ---------------------------------------------------------------------------------

#: At most this many completions are offered.
COMPLETIONS = 50


def _completions(kind: str, ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Ids and names of ``kind`` that start with ``incomplete`` (ignoring case), each with a
    help text; from the compiled store, as the command would read it. Never raises: a shell
    asking for completions gets none rather than an error."""
    try:
        from reorg_cli.engine.names import named

        events = ctx.params.get("events") if ctx is not None else None
        timeline = load(events if isinstance(events, Path) else None, quiet=True)
        typed = incomplete.casefold()
        found: dict[str, str] = {}
        for entry in named(timeline, [kind]):
            for value in (entry.id, entry.name):
                if value.casefold().startswith(typed) and value not in found:
                    found[value] = entry.name if value == entry.id else entry.id
        return sorted(found.items(), key=lambda item: item[0].casefold())[:COMPLETIONS]
    except Exception:  # a completion must never print a traceback into the shell
        return []


def complete_person(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion of person ids and names."""
    return _completions("person", ctx, incomplete)


def complete_unit(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion of unit ids and names."""
    return _completions("unit", ctx, incomplete)


def complete_event(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion of event ids."""
    return [
        (value, title)
        for value, title in _completions("event", ctx, incomplete)
        if " " not in value  # ids only: titles are not arguments of `reorg event`
    ]
