"""``reorg show --format svg|html``: pictures of exactly what the terminal shows."""

from __future__ import annotations

import html
import re
from pathlib import Path

from rich.text import Text
from typer.testing import CliRunner, Result

from reorg_cli.cli.app import app
from reorg_cli.output.pictures import picture
from tests.conftest import CLI_ENV, MINI


def run(*args: str, env: dict[str, str | None] | None = None) -> Result:
    result = CliRunner().invoke(app, list(args), env={**CLI_ENV, **(env or {})})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def html_text(document: str) -> str:
    body = re.search(r"<pre[^>]*>(.*)</pre>", document, re.S)
    assert body is not None
    text = html.unescape(re.sub(r"<[^>]+>", "", body.group(1)))
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def test_html_holds_exactly_what_the_terminal_shows(tmp_path: Path) -> None:
    target = tmp_path / "org.html"
    args = ["show", "--events", str(MINI), "--at", "2025-03-10"]
    result = run(*args, "--format", "html", "--out", str(target))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    terminal = run(*args).stdout
    assert (
        html_text(target.read_text("utf-8"))
        == "\n".join(line.rstrip() for line in terminal.splitlines()) + "\n"
    )


def test_svg_is_a_recording_at_the_chosen_width(tmp_path: Path) -> None:
    target = tmp_path / "org.svg"
    args = ["show", "--events", str(MINI), "--at", "2025-06-30", "--format", "svg"]
    result = run(*args, "--out", str(target), "--width", "60")
    assert result.exit_code == 0, result.stderr
    svg = target.read_text("utf-8")
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "reorg&#160;show&#160;--at&#160;2025-06-30" in svg  # the window title
    assert "Tech&#160;Committee" in svg
    assert [p.name for p in tmp_path.iterdir()] == ["org.svg"]
    wide = tmp_path / "wide.svg"
    assert run(*args, "--out", str(wide)).exit_code == 0

    def view_width(text: str) -> float:
        found = re.search(r'viewBox="0 0 ([0-9.]+) ', text)
        assert found is not None
        return float(found.group(1))

    assert view_width(wide.read_text("utf-8")) > view_width(svg)


def test_pictures_refuse_to_overwrite_and_need_out(tmp_path: Path) -> None:
    target = tmp_path / "org.svg"
    target.write_text("mine")
    base = ["show", "--events", str(MINI), "--at", "2025-06-30"]
    again = run(*base, "--format", "svg", "--out", str(target))
    assert again.exit_code == 1 and "file exists (pass --force" in again.stderr
    assert target.read_text() == "mine"
    assert run(*base, "--format", "svg", "--out", str(target), "--force").exit_code == 0
    assert target.read_text("utf-8").startswith("<svg")
    no_out = run(*base, "--format", "html")
    assert no_out.exit_code == 2
    assert no_out.stderr == "reorg: error: --format html needs --out FILE\n"
    stray = run(*base, "--out", str(tmp_path / "x.txt"))
    assert stray.exit_code == 2
    assert stray.stderr == "reorg: error: --out is only for --format svg or html\n"


def test_picture_keeps_colour_unless_told_not_to() -> None:
    text = Text("hello", style="red")
    assert "color: #800000" in picture(text, "html", width=40, no_color=False)
    assert "color: #800000" not in picture(text, "html", width=40, no_color=True)


#: What makes a viewer fetch something: CSS url(), @import, and src/href attributes. XML
#: namespaces (xmlns="http://www.w3.org/2000/svg") and comments fetch nothing.
FETCHES = re.compile(
    r"""url\(\s*["']?(?!#)[^)"']+|@import\b|\b(?:src|href|xlink:href)\s*=\s*["'](?!#)[^"']+""",
    re.I,
)


def test_pictures_load_nothing_from_the_network(tmp_path: Path) -> None:
    for kind in ("svg", "html"):
        out = tmp_path / f"org.{kind}"
        result = run(
            "show", "--events", str(MINI), "--at", "2025-06", "--format", kind, "-o", str(out)
        )
        assert result.exit_code == 0, result.output
        document = out.read_text(encoding="utf-8")
        assert FETCHES.findall(document) == [], kind
        assert "@font-face" not in document and "cdnjs" not in document
        without_namespaces = re.sub(r'xmlns(:\w+)?="[^"]*"|<!--.*?-->', "", document, flags=re.S)
        assert not re.search(r"https?://", without_namespaces), kind
    assert "monospace" in (tmp_path / "org.svg").read_text(encoding="utf-8")
