"""Renderers of ``log``, ``blame`` and ``when``, and the note of ``--known-as-of``.

Plain text blocks like git's: they wrap to any width; URLs and ids stand whole on their own
lines so they can be copied.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.text import Text

from reorg_cli.engine.reports import Blame, KnowledgeReport, LogEntry, WhenResult
from reorg_cli.events.gitinfo import FileCommit
from reorg_cli.events.model import Source
from reorg_cli.output.layout import Wrapped
from reorg_cli.output.render import legend, safe_text, sanitize
from reorg_cli.output.render_text import _stale

_STATUS_WORDS = {
    "corrected": "corrected by",
    "retracted": "retracted by",
    "correction": "corrects",
    "retraction": "retracts",
}


class Indented:
    """Text wrapped to the width less ``indent`` columns, each line indented, after a blank
    line; no trailing spaces (unlike a padded table cell)."""

    def __init__(self, text: Text, indent: int = 4) -> None:
        self.text = text
        self.indent = indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width - self.indent, 20)
        yield Segment.line()
        for line in self.text.wrap(console, width):
            line.rstrip()
            yield Segment(" " * self.indent)
            yield from line.render(console)
            yield Segment.line()


def _unwrapped() -> Text:
    """Text that is never wrapped or cropped: ids, paths and URLs stay whole to be copied."""
    return Text(no_wrap=True, overflow="ignore")


def _source_lines(sources: tuple[Source, ...], indent: str) -> Text:
    text = _unwrapped()
    if not sources:
        text.append(f"{indent}no sources cited", style="italic")
    for i, source in enumerate(sources):
        if i:
            text.append("\n")
        label = " ".join(
            part
            for part in (
                source.id or "",
                source.publisher or "",
                f"({source.published})" if source.published else "",
            )
            if part
        )
        if label:
            text.append(indent)
            text.append_text(safe_text(label, "dim"))
            text.append("\n")
        text.append(indent)
        text.append_text(safe_text(source.url, "underline"))
    return text


def render_log(entries: list[LogEntry], *, oneline: bool = False) -> RenderableType:
    """Events one block each (``git log``), or one line each with ``oneline``."""
    if not entries:
        return Text("no events match", style="italic")
    if oneline:
        lines = Text()
        for i, item in enumerate(entries):
            entry = item.entry
            if i:
                lines.append("\n")
            lines.append(entry.date.display(), style="bold")
            lines.append("  ")
            lines.append_text(safe_text(entry.id, "yellow"))
            lines.append("  ")
            lines.append_text(safe_text(entry.title))
            if entry.confidence.label != "confirmed":
                lines.append(f" ({entry.confidence.label})", style="dim")
            if entry.status != "applied":
                lines.append(f" [{entry.status}]", style="dim")
        return lines
    blocks: list[RenderableType] = []
    for i, item in enumerate(entries):
        entry = item.entry
        head = _unwrapped()
        if i:
            head.append("\n")
        head.append("event ", style="yellow")
        head.append_text(safe_text(entry.id, "yellow"))
        head.append("\nDate:        ")
        head.append(entry.date.display())
        if entry.planned:
            head.append(" (planned)", style="dim")
        head.append("\nConfidence:  ")
        head.append(entry.confidence.label)
        if entry.status != "applied" and entry.related:
            head.append(f"\nStatus:      {_STATUS_WORDS.get(entry.status, entry.status)} ")
            head.append_text(safe_text(entry.related))
        head.append("\nSources:\n")
        head.append_text(_source_lines(item.sources, "    "))
        blocks.append(head)
        blocks.append(Indented(safe_text(entry.title, "bold")))
        for body in (entry.summary, item.notes):
            if body:
                paragraph = " ".join(line.strip() for line in body.strip().splitlines())
                blocks.append(Indented(safe_text(paragraph)))
        if item.patch is not None:
            patch = Text()
            if not item.patch and not item.confirms:
                patch.append("(no change to the org as shown on its dates)", style="dim")
            for j, change in enumerate(item.patch):
                sign = {"added": "+", "removed": "-"}.get(change.type.split("_")[-1], "~")
                patch.append("\n" if j else "")
                patch.append(f"{sign} ", style="green" if sign == "+" else "red")
                patch.append_text(safe_text(change.summary))
            for j, confirmed in enumerate(item.confirms, start=len(item.patch)):
                patch.append("\n" if j else "")
                patch.append("= ", style="blue")
                patch.append_text(safe_text(confirmed))
                patch.append(" (confirmed)", style="dim")
            blocks.append(Indented(patch))
    return Group(*blocks)


def render_blame(result: Blame, commits: Mapping[str, FileCommit] | None = None) -> RenderableType:
    """Each fact, then the events behind it (and the commit that last changed their file)."""
    head = Text()
    head.append(f"{result.subject_kind.capitalize()} ", style="bold")
    head.append_text(safe_text(result.subject_name, "bold"))
    head.append(" (")
    head.append_text(safe_text(result.subject_id))
    head.append(")")
    if result.at:
        head.append(f", facts holding on {result.at}")
    if not result.lines:
        return Group(head, Text("no facts", style="italic"))
    parts: list[RenderableType] = [head]
    used: set[str] = set()
    for line in result.lines:
        parts.append(Text(""))
        parts.append(safe_text(line.description, "bold"))
        span = Text(f"  since {line.start}" + (f", until {line.end}" if line.end else ""))
        if line.stale:
            last = line.last_confirmed
            since = last if last is not None and last.display() == line.start else None
            span.append_text(_stale(last, used, since=since))
        span.append(f"; {line.confidence.label}")
        span.stylize("dim", 0, len(span))
        parts.append(Wrapped(span, indent=2))  # a narrow terminal: continued under "since"
        detail = _unwrapped()
        for j, event in enumerate(line.events):
            detail.append("\n" if j else "")
            detail.append(f"  {event.role:<12}", style="cyan")
            detail.append(f"{event.date}  ")
            detail.append_text(safe_text(event.id, "yellow"))
            detail.append(f" ({event.confidence.label})", style="dim")
            location = f"{event.path}:{event.line}" if event.line else event.path
            detail.append("\n" + " " * 14)
            detail.append_text(safe_text(location, "dim"))
            commit = (commits or {}).get(event.path)
            if commit is not None:
                detail.append("\n" + " " * 14)
                if commit.short_hash:
                    detail.append(f"commit {commit.short_hash} {commit.date} ", style="dim")
                    detail.append_text(safe_text(commit.author, "dim"))
                if commit.uncommitted:
                    detail.append(
                        ("; " if commit.short_hash else "") + "uncommitted changes", style="dim"
                    )
            detail.append("\n")
            detail.append_text(_source_lines(event.sources, " " * 14))
        parts.append(detail)
    note = legend(used)
    if note is not None:
        parts.extend((Text(""), note))
    return Group(*parts)


def render_when(result: WhenResult) -> RenderableType:
    """The windows in which the condition held, each with the events that opened and closed
    it, or "never"."""
    text = Text()
    text.append_text(safe_text(result.condition.describe(), "bold"))
    if not result.windows:
        text.append("\nnever", style="italic")
        return text
    for window in result.windows:
        text.append("\nfrom ")
        text.append(window.start.window.display(), style="bold")
        text.append("  (")
        text.append_text(safe_text(window.start.event, "yellow"))
        text.append(f"; {window.start_confidence.label})", style="dim")
        text.append("\n  to ")
        if window.end is None:
            text.append("no end recorded", style="italic")
        else:
            text.append(window.end.window.display(), style="bold")
            text.append("  (")
            text.append_text(safe_text(window.end.event, "yellow"))
            label = window.end_confidence.label if window.end_confidence is not None else ""
            text.append(f"; {label})", style="dim")
    return text


def render_knowledge(report: KnowledgeReport) -> Wrapped:
    """What ``--known-as-of`` left out, and the undated events it kept (a wrapped line goes on
    under its own entry)."""
    text = Text(f"As known on {report.iso}: ", style="bold")
    if not report.left_out:
        text.append("no event was left out", style="dim")
    else:
        count = len(report.left_out)
        text.append(f"{count} {'event' if count == 1 else 'events'} left out", style="dim")
        for entry in report.left_out:
            text.append("\n  ")
            text.append_text(safe_text(entry.event, "yellow"))
            text.append(f"\n    dated {entry.date}; {sanitize(entry.status)}", style="dim")
            if entry.first_published:
                text.append(f" (first source {entry.first_published})", style="dim")
    if report.undated:
        text.append(
            f"\n  kept, though no source of theirs is dated: {len(report.undated)} events "
            "(see --format json)",
            style="dim",
        )
    return Wrapped(text)
