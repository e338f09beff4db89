"""The one error boundary: every failure becomes one clear message and an exit code here.

Exit codes: 0 ok, 1 error (bad event files, unknown name, a failed check), 2 usage (bad option
or date), 130 interrupted.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

import typer

from reorg_cli.cli.common import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    console,
    settings,
)

P = ParamSpec("P")
R = TypeVar("R")

MAX_PROBLEMS_SHOWN = 50


def error_line(message: str) -> None:
    """One line on stderr: ``reorg: error: message`` (user text sanitized)."""
    from rich.text import Text

    from reorg_cli.output.render import one_line

    console(stderr=True).print(
        Text("reorg: error: ", style="bold red") + Text(one_line(message)), soft_wrap=True
    )


@contextmanager
def error_boundary() -> Iterator[None]:
    """Turn every failure into one clear message and an exit code (the only such place)."""
    from reorg_cli.events.errors import CheckFailed, EventFileError, ReorgError, UsageError

    try:
        yield
        sys.stdout.flush()
    except typer.Exit:
        raise
    except EventFileError as err:
        report_problems(err.problems)
        raise typer.Exit(EXIT_ERROR) from None
    except CheckFailed:
        raise typer.Exit(EXIT_ERROR) from None
    except UsageError as err:
        error_line(str(err))
        raise typer.Exit(EXIT_USAGE) from None
    except ReorgError as err:
        error_line(str(err))
        raise typer.Exit(EXIT_ERROR) from None
    except BrokenPipeError:
        # The reader went away (`reorg timeline | head -1`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(EXIT_OK) from None
    except KeyboardInterrupt:
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except Exception as err:
        if stdout_failed(err):
            raise typer.Exit(EXIT_ERROR) from None
        if settings.debug:
            raise
        error_line(
            f"internal error: {type(err).__name__}: {err} "
            "(this is a bug; rerun with --debug and report the traceback)"
        )
        raise typer.Exit(EXIT_ERROR) from None


def stdout_failed(err: BaseException) -> bool:
    """When ``err`` is the failure to write standard output (closed, disk full): say so in
    one line and answer True."""
    from reorg_cli.cli.streams import stdout_failure

    reason = stdout_failure(err)
    if reason is None:
        return False
    error_line(f"cannot write to standard output: {reason}")
    return True


def report_problems(problems: list[Any]) -> None:
    """The errors among ``problems`` on stderr, at most :data:`MAX_PROBLEMS_SHOWN`."""
    from rich.text import Text

    from reorg_cli.events.errors import Severity
    from reorg_cli.output.render import render_problems

    errors = [p for p in problems if p.severity is Severity.ERROR]
    stderr = console(stderr=True)
    shown = errors[:MAX_PROBLEMS_SHOWN]
    stderr.print(render_problems(shown), soft_wrap=True)
    if len(errors) > len(shown):
        stderr.print(
            Text(
                f"... and {len(errors) - len(shown)} more errors (run 'reorg validate' to see all)"
            )
        )


def guarded(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` run inside :func:`error_boundary` (every command is registered this way).

    A command that read a cache entry and failed because the entry is damaged runs once more
    without the cache (the entry removed, so the next run rebuilds it): when SQLite noticed
    (:class:`~reorg_cli.engine.store.StoreDamaged`), or when the command failed with an
    unexpected error, which bytes damaged where SQLite cannot see can cause (docs/reliability.md,
    "The store trusts its pages"). If the second run fails too, that error is reported. No
    output of the first run has reached stdout then: commands print only once their result is
    complete, and the store is read only while building it.
    """

    @functools.wraps(function)
    def wrapper(*call_args: P.args, **call_kwargs: P.kwargs) -> R:
        with error_boundary():
            _forget_cache_entries(remove=False)  # only those this command reads count
            try:
                return function(*call_args, **call_kwargs)
            except Exception as err:
                if not _retry_without_cache(err):
                    raise
                settings.use_cache = False
                return function(*call_args, **call_kwargs)

    return wrapper


def _retry_without_cache(err: Exception) -> bool:
    """Whether ``err`` may come from a damaged cache entry: then the entries read are removed.

    Expected failures (bad input, usage, exits) and the environment's (``OSError``: a closed
    pipe, a full disk) are never blamed on the cache."""
    from reorg_cli.events.errors import ReorgError

    if getattr(err, "retry_without_cache", False):
        _forget_cache_entries(remove=True)
        return True
    # typer.TyperException: Click's exceptions (usage errors, aborts) as Typer vendors them.
    if isinstance(err, ReorgError | OSError | typer.Exit | typer.Abort | typer.TyperException):
        return False
    return _forget_cache_entries(remove=True)


def _forget_cache_entries(*, remove: bool) -> bool:
    """Forget (and, with ``remove``, delete) the cache entries read so far; whether there
    were any. Never imports the cache: a command that did not load it read no entry."""
    cache = sys.modules.get("reorg_cli.engine.cache")
    if cache is None:
        return False
    found: bool = cache.forget_opened(remove=remove)
    return found
