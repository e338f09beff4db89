"""Writing output files safely: atomically, and never over an existing file unless asked."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath

from reorg_cli.events.errors import ReorgError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: str | bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` all at once: readers see the old file or the new one, never
    half of it. Refuses to replace an existing file unless ``force``.

    Raises :class:`ReorgError` when the file exists, the directory is missing or writing fails.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data

    def fill(handle: int, temp: str) -> None:
        del temp
        with os.fdopen(handle, "wb", closefd=False) as out:
            out.write(payload)

    write_atomic_with(path, fill, force=force)


def write_atomic_with(path: Path, fill: Callable[[int, str], None], *, force: bool = False) -> None:
    """Write ``path`` all at once, its content written by ``fill(handle, temp)``: ``temp`` is
    a new empty file in the same directory (``handle`` an open descriptor of it, closed
    afterwards here), which is then synced and renamed into place under the rules of
    :func:`write_atomic` (never over an existing file unless ``force``, never over anything
    but a regular file, and the directory must exist). Whatever happens, even Ctrl-C, the
    temporary file is removed unless it became ``path``.

    ``fill`` may raise :class:`ReorgError`; an :class:`OSError` becomes "cannot write".
    """
    directory = path.parent
    if not directory.is_dir():
        raise ReorgError(f"{path}: directory {str(directory)!r} does not exist")
    mode = 0o666 & ~_umask()
    existing = _existing_regular_file(path)
    if existing is not None:
        if not force:
            raise ReorgError(f"{path}: file exists", "pass --force to overwrite it")
        mode = existing.st_mode & 0o777
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as err:
        raise ReorgError(f"{path}: cannot write ({err.strerror})") from None
    placed = False
    try:
        try:
            fill(handle, temp)
            os.fsync(handle)
        finally:
            os.close(handle)
        os.chmod(temp, mode)
        if force:
            # Checked again just before the rename: whatever appeared meanwhile must also be
            # a regular file (or nothing) to be replaced.
            _existing_regular_file(path)
            os.replace(temp, path)
        else:
            _link_no_clobber(Path(temp), path)
        placed = True
    except OSError as err:
        if err.errno == errno.EEXIST:
            raise ReorgError(f"{path}: file exists", "pass --force to overwrite it") from None
        raise ReorgError(f"{path}: cannot write ({err.strerror})") from None
    finally:
        if not placed:  # an error, or an interrupt (KeyboardInterrupt) while writing
            with contextlib.suppress(OSError):
                os.unlink(temp)


def _existing_regular_file(path: Path) -> os.stat_result | None:
    """The ``lstat`` of ``path`` if it is a regular file, ``None`` if nothing is there.

    Anything else is refused, even with ``--force``: renaming over a device (``/dev/null``), a
    FIFO, a socket or a directory would replace it with a regular file, and renaming over a
    symbolic link would replace the link, not the file it points to.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as err:
        raise ReorgError(f"{path}: cannot write ({err.strerror})") from None
    if stat.S_ISREG(info.st_mode):
        return info
    if stat.S_ISLNK(info.st_mode):
        raise ReorgError(
            f"{path}: is a symbolic link; --out replaces only regular files",
            f"give the path of the file it points to: {os.path.realpath(path)}",
        )
    if stat.S_ISDIR(info.st_mode):
        raise ReorgError(f"{path}: is a directory", "give a file name for --out")
    kind = (
        "a FIFO"
        if stat.S_ISFIFO(info.st_mode)
        else "a socket"
        if stat.S_ISSOCK(info.st_mode)
        else "a device"
        if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
        else "not a regular file"
    )
    raise ReorgError(
        f"{path}: is {kind}; --out replaces only regular files",
        # Every writer takes this (publish and the pictures have no stdout to fall back on).
        "give --out the name of a regular file: a new one, or one to replace with --force",
    )


def _link_no_clobber(temp: Path, path: Path) -> None:
    """Move ``temp`` to ``path``, failing with EEXIST if ``path`` appeared meanwhile."""
    try:
        os.link(temp, path)
    except OSError as err:
        if err.errno == errno.EEXIST:
            raise
        # No hard links here (some file systems): fall back to check-and-rename.
        if path.exists():
            raise FileExistsError(errno.EEXIST, "file exists", str(path)) from None
        os.replace(temp, path)
        return
    os.unlink(temp)


def check_new_directory(target: Path) -> None:
    """Refuse ``target`` unless it does not exist yet or is an empty directory.

    A symbolic link is refused whatever it points to: the files are moved into place by
    renaming a directory over ``target``, which would replace the link, not fill its target.
    """
    if target.is_symlink():
        try:
            points_to = os.readlink(target)
        except OSError:  # pragma: no cover - it was a link a moment ago
            points_to = "?"
        real = target.resolve()
        hint = (
            f"pass the directory itself: --into {real}"
            if real.is_dir()
            else "choose a new directory"
        )
        raise ReorgError(
            f"{target}: is a symbolic link (to {points_to}); reorg does not import through links",
            hint,
        )
    if target.exists() and not target.is_dir():
        raise ReorgError(f"{target}: exists and is not a directory", "choose a new directory")
    if target.is_dir() and any(target.iterdir()):
        raise ReorgError(
            f"{target}: directory is not empty",
            "import into a new or empty directory; existing files are never overwritten",
        )
    if target.parent.exists() and not target.parent.is_dir():
        raise ReorgError(
            f"{target}: {str(target.parent)!r} is not a directory",
            "choose a path inside a directory",
        )
    if not target.parent.is_dir():
        raise ReorgError(f"{target}: directory {str(target.parent)!r} does not exist")


def write_tree(target: Path, files: Mapping[str, str]) -> None:
    """Create the directory ``target`` holding ``files`` (relative POSIX path -> text).

    ``target`` must not exist or be empty. Everything is written into a temporary directory
    first, so a failure leaves nothing behind. A new ``target`` is that directory renamed into
    place in one step; an existing empty one keeps its own mode and owner (and may be ``.``):
    the temporary directory is made inside it and its entries are moved up, never over a name
    that has appeared meanwhile.
    """
    check_new_directory(target)
    for name in files:
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise ValueError(f"bad relative path {name!r}")  # pragma: no cover - internal use
    existing = target.is_dir()
    try:
        where = target if existing else target.parent
        temp = Path(tempfile.mkdtemp(prefix=f".{target.name or 'reorg'}.", dir=where))
    except OSError as err:
        raise ReorgError(f"{target}: cannot create ({err.strerror})") from None
    moved: list[Path] = []
    try:
        mask = _umask()
        for name, text in files.items():
            path = temp.joinpath(*PurePosixPath(name).parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            os.chmod(path, 0o666 & ~mask)
        for directory in [temp, *(p for p in temp.rglob("*") if p.is_dir())]:
            os.chmod(directory, 0o777 & ~mask)
        if existing:
            for entry in sorted(temp.iterdir()):
                destination = target / entry.name
                if entry.is_dir():
                    if os.path.lexists(destination):
                        raise FileExistsError(errno.EEXIST, "exists", str(destination))
                    os.rename(entry, destination)
                else:
                    _link_no_clobber(entry, destination)
                moved.append(destination)
            os.rmdir(temp)
        else:
            # Renaming over an empty directory is atomic on POSIX and fails if it is not empty.
            os.replace(temp, target)
    except BaseException as err:  # Ctrl-C too: nothing half-written stays behind
        for destination in moved:
            if destination.is_dir() and not destination.is_symlink():
                shutil.rmtree(destination, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    destination.unlink()
        shutil.rmtree(temp, ignore_errors=True)
        if not isinstance(err, OSError):
            raise
        if err.errno in (errno.ENOTEMPTY, errno.EEXIST):
            raise ReorgError(
                f"{target}: directory is not empty", "existing files are never overwritten"
            ) from None
        raise ReorgError(f"{target}: cannot write ({err.strerror})") from None
