"""Where event files stand in git: the commit that last changed each file (for ``blame``).

Read through the ``git`` command when it is installed and the files are in a repository;
never required. Any failure (no git, not a repository, a slow or odd answer) means "no git
information", not an error.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

#: Seconds one git call may take before its answer is ignored.
GIT_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class FileCommit:
    """The last commit that changed a file, or a note that the file has uncommitted edits."""

    short_hash: str
    date: str
    author: str
    uncommitted: bool = False


def _git(directory: Path, *args: str) -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    try:
        done = subprocess.run(
            [git, "-C", str(directory), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=GIT_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def last_commits(files: list[Path]) -> dict[Path, FileCommit]:
    """The last commit of each of ``files`` (resolved paths) that git knows; files git does
    not track are left out. Files with uncommitted edits are marked so."""
    if not files:
        return {}
    resolved = sorted({f.resolve() for f in files})
    directory = resolved[0].parent
    top = _git(directory, "rev-parse", "--show-toplevel")
    if not top or not top.strip():
        return {}
    root = Path(top.strip()).resolve()
    relative: dict[str, Path] = {}
    for path in resolved:
        try:
            relative[path.relative_to(root).as_posix()] = path
        except ValueError:
            continue
    if not relative:
        return {}
    log = _git(
        root,
        "log",
        "--format=%x00%h%x09%ad%x09%an",
        "--date=short",
        "--name-only",
        "--no-renames",
        "--",
        *sorted(relative),
    )
    found: dict[Path, FileCommit] = {}
    if log:
        for block in log.split("\x00")[1:]:
            head, _, names = block.partition("\n")
            parts = head.split("\t")
            if len(parts) != 3:
                continue
            for name in names.split("\n"):
                match = relative.get(name.strip())
                if match is not None and match not in found:
                    found[match] = FileCommit(parts[0], parts[1], parts[2])
    status = _git(root, "status", "--porcelain", "--", *sorted(relative))
    for line in (status or "").splitlines():
        edited = relative.get(line[3:].strip())
        if edited is not None:
            previous = found.get(edited)
            found[edited] = FileCommit(
                previous.short_hash if previous else "",
                previous.date if previous else "",
                previous.author if previous else "",
                uncommitted=True,
            )
    return found
