"""Typer without pydantic on the common path: about 80 ms off every ``reorg`` command.

Typer coerces each parameter value through a pydantic ``TypeAdapter``, so every command that
receives an option imports pydantic and builds an adapter per parameter, which costs more than
all of reorg's own work on a small history. For the annotations reorg uses (text, enums, paths,
numbers), most values need nothing pydantic adds: ``None``, a string for a ``str`` parameter, a
default enum member, a valid choice, a path, a plain in-range number. :func:`install` wraps
Typer's runtime parameters so that exactly those values are coerced with Typer's own helpers
(``coerce_cli_choice``, ``coerce_cli_path``), giving the same result pydantic would; every
other value, and so every error message, still goes through Typer's adapter, built the first
time it is needed. It touches Typer internals, so it turns itself on only for the Typer
series it was written and tested for (:data:`WRITTEN_FOR`); for any other version, or if the
internals are not the expected ones, nothing is changed and Typer runs as shipped.
"""

from __future__ import annotations

import enum
import re
from pathlib import Path
from typing import Any

#: The Typer release series this patch was written and tested for.
WRITTEN_FOR = "0.29."

_DIGITS = re.compile(r"[0-9]{1,15}")


class _FastRuntimeParam:
    """A Typer runtime parameter that defers to the real one for anything unusual."""

    def __init__(self, descriptor: Any, build: Any, kind: str, helpers: Any) -> None:
        self.descriptor = descriptor
        self.annotation = descriptor.annotation
        self.parameter_info = descriptor.parameter_info
        self.build = build
        self.kind = kind
        self.helpers = helpers
        self.real: Any = None

    def full(self) -> Any:
        if self.real is None:
            self.real = self.build(self.descriptor)
        return self.real

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if param.multiple or param.nargs != 1:
            return self.full().coerce(value, param=param, ctx=ctx)
        if value is None:
            return None  # what every RuntimeParam returns for a missing single value
        done, result = self.quick(value, param, ctx)
        if done:
            return result
        return self.full().coerce(value, param=param, ctx=ctx)

    def quick(self, value: Any, param: Any, ctx: Any) -> tuple[bool, Any]:
        kind, info = self.kind, self.parameter_info
        if kind == "str":
            return (True, value) if type(value) is str else (False, None)
        if kind == "bool":
            return (True, value) if type(value) is bool else (False, None)
        if kind == "enum":
            try:
                choice = self.helpers.coerce_cli_choice(
                    value,
                    choices=list(self.annotation),
                    case_sensitive=info.case_sensitive,
                    ctx=ctx,
                )
            except ValueError:
                return False, None
            return True, choice
        if kind == "path":
            if type(value) is not str or not value:
                return False, None
            path_type = info.path_type or self.annotation
            return True, self.helpers.coerce_cli_path(
                path_type(value), info, path_type=path_type, param=param, ctx=ctx
            )
        if kind == "int":
            if type(value) is int and not isinstance(value, bool):
                number = value
            elif type(value) is str and _DIGITS.fullmatch(value):
                number = int(value)
            else:
                return False, None
            if (info.min is not None and number < info.min) or (
                info.max is not None and number > info.max
            ):
                return False, None
            return True, number
        return False, None


def _kind(descriptor: Any, helpers: Any) -> str | None:
    annotation, info = descriptor.annotation, descriptor.parameter_info
    if descriptor.file_annotation is not None or info.parser is not None:
        return None
    if annotation is str:
        return "str"
    if annotation is bool:
        return "bool"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "enum"
    if annotation is int and not info.clamp:
        return "int"
    if (
        isinstance(annotation, type)
        and issubclass(annotation, Path)
        and helpers.routes_to_path(annotation, info)
        and info.path_type in (None, annotation)
    ):
        return "path"
    return None


def supported(version: str) -> bool:
    """Whether the patch may be installed on this Typer version."""
    return version.startswith(WRITTEN_FOR)


def install() -> None:
    """Make Typer build :class:`_FastRuntimeParam` for the annotations it can serve."""
    import typer

    if not supported(typer.__version__):
        return
    try:
        from typer import _param_types, core
    except ImportError:  # pragma: no cover - another Typer
        return
    build: Any = getattr(core, "build_runtime_param", None)
    needed = ("coerce_cli_choice", "coerce_cli_path", "routes_to_path")
    if build is None or getattr(build, "reorg_fast", False):
        return
    if not all(hasattr(_param_types, name) for name in needed):  # pragma: no cover
        return

    def fast_build(descriptor: Any) -> Any:
        try:
            kind = _kind(descriptor, _param_types)
        except AttributeError:  # pragma: no cover - unexpected descriptor
            kind = None
        if kind is None:
            return build(descriptor)
        return _FastRuntimeParam(descriptor, build, kind, _param_types)

    fast_build.reorg_fast = True  # type: ignore[attr-defined]
    fast_build.__wrapped__ = build  # type: ignore[attr-defined]
    setattr(core, "build_runtime_param", fast_build)  # noqa: B010 - not a public attribute
