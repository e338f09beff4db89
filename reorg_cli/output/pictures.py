"""Pictures of what the terminal shows: Rich's console recording saved as SVG or HTML."""

from __future__ import annotations

import functools
import inspect
import io
import re
from pathlib import Path

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment

from reorg_cli.events.files import write_atomic

#: The picture formats ``reorg show --format`` can save.
PICTURE_FORMATS = ("svg", "html")
DEFAULT_WIDTH = 100


#: Fonts found on the machine that opens the picture; nothing is fetched from the network.
LOCAL_FONTS = (
    '"Fira Code", "JetBrains Mono", "Cascadia Mono", "SF Mono", Menlo, Consolas, '
    '"DejaVu Sans Mono", "Liberation Mono", "Noto Sans Mono CJK SC", monospace'
)
_FONT_FACE_RE = re.compile(r"[ \t]*@font-face \{\{.*?\}\}\n", re.S)
_FONT_FAMILY_RE = re.compile(r"font-family: Fira Code, monospace;")


@functools.cache
def svg_template() -> str:
    """Rich's SVG template (the documented default of ``Console.export_svg``'s
    ``code_format``) without its ``@font-face`` rules, which load Fira Code from a CDN, and
    with a stack of local monospace fonts instead."""
    default = inspect.signature(Console.export_svg).parameters["code_format"].default
    template = _FONT_FACE_RE.sub("", str(default))
    template = _FONT_FAMILY_RE.sub(f"font-family: {LOCAL_FONTS};", template)
    if "@font-face" in template or re.search(r"url\(\s*[\"']?https?:", template):
        raise RuntimeError("Rich's SVG template changed: it still loads a font")  # pragma: no cover
    return template


class _WithoutColor:
    """A renderable drawn without colours (a recording keeps them even when ``no_color``)."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from Segment.remove_color(console.render(self.renderable, options))


def picture(
    renderable: RenderableType,
    kind: str,
    *,
    width: int = DEFAULT_WIDTH,
    title: str = "reorg",
    no_color: bool | None = None,
) -> str:
    """``renderable`` drawn on a recording console ``width`` columns wide, as SVG or HTML.

    Colours are left out when ``no_color`` is true or, if it is None, when ``NO_COLOR`` is set.
    """
    if kind not in PICTURE_FORMATS:
        raise ValueError(f"unknown picture format {kind!r}")
    console = Console(
        record=True,
        file=io.StringIO(),
        width=width,
        height=50,  # with the width given, fixes the size even on a dumb terminal
        force_terminal=True,
        color_system="truecolor",
        no_color=no_color,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
    )
    console.print(_WithoutColor(renderable) if console.no_color else renderable)
    if kind == "svg":
        return console.export_svg(title=title, code_format=svg_template())
    return console.export_html()


def save_picture(
    renderable: RenderableType,
    path: Path,
    kind: str,
    *,
    width: int = DEFAULT_WIDTH,
    force: bool = False,
    title: str = "reorg",
    no_color: bool | None = None,
) -> None:
    """Write :func:`picture` to ``path`` atomically; refuses to overwrite unless ``force``."""
    text = picture(renderable, kind, width=width, title=title, no_color=no_color)
    write_atomic(path, text, force=force)
