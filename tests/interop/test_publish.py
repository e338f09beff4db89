"""``reorg publish`` without a browser: the data document, the page's text, the command."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import stat
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from reorg_cli.cli.app import app
from reorg_cli.engine.timeline import Timeline, load_timeline, name_key
from reorg_cli.events.paths import default_events_path
from reorg_cli.interop.publish import json_for_script, publish_data, render_page, stop_day
from tests.conftest import CLI_ENV, FIXTURES, MINI, day

HOSTILE = FIXTURES / "publish-hostile"


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args), env=CLI_ENV)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


class _Page(HTMLParser):
    """Every start tag with its attributes, and the text of each <script> and <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.raw:
            self._open = tag
            self.raw[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.raw[self._open][-1] += data


def parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


@pytest.fixture(scope="module")
def bundled() -> Timeline:
    return load_timeline(default_events_path())


@pytest.fixture(scope="module")
def bundled_page(bundled: Timeline) -> str:
    return render_page(publish_data(bundled, title="Alibaba"))


def test_json_for_script_cannot_end_the_script_element() -> None:
    text = json_for_script({"a": "</script><!-- & \u2028", "b": ["<b>"]})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\\u003c/script\\u003e" in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028", "b": ["<b>"]}


def test_stop_day_is_the_end_of_the_window(mini: Timeline) -> None:
    founding, upgrade = mini.events["founding"], mini.events["lab-upgrade"]
    assert stop_day(founding.date) == day("2024-01-15")
    assert stop_day(upgrade.date) == day("2025-03-31")  # a month means its last day


def test_data_document_of_the_mini_org(mini: Timeline) -> None:
    data = publish_data(mini, title="Mini")
    assert data["schema_version"] == 1
    assert data["stops"] == [day("2024-01-15"), day("2025-03-31"), day("2025-06-01")]
    assert [e["id"] for e in data["events"]] == ["founding", "lab-upgrade", "committee"]
    upgrade = data["events"][1]
    assert upgrade["date"] == "Mar 2025"
    assert upgrade["confidence"] == 1
    assert upgrade["changes"] == [
        "Research Lab becomes a business unit, named AI Business Unit",
        "Cy Wu becomes CTO, AI Business Unit",
    ]
    assert data["sources"][upgrade["sources"][0]] == [
        "https://example.com/news",
        None,
        "Example News",
        None,
        None,
    ]
    # Every fact of the timeline is in the document, once.
    assert len(data["facts"]) == len(mini.facts)
    # The search keys are the CLI lookup's keys.
    assert name_key("李安") in data["people"]["ann"]["keys"]
    assert name_key("Annie") in data["people"]["ann"]["keys"]
    assert name_key("研究实验室") in data["units"]["lab"]["keys"]
    assert name_key("Research Lab") in data["units"]["lab"]["keys"]


def test_dates_keep_their_precision(mini: Timeline) -> None:
    """Each stop carries the precision its events were written with, and the coverage its
    text, so the page never writes a day nobody wrote (2025-03 is not 2025-03-31)."""
    data = publish_data(mini, title="Mini")
    assert data["stop_precision"] == ["day", "month", "day"]
    assert data["coverage_start"] == "2024-01-15"
    assert data["coverage_start_day"] == day("2024-01-15")
    coverage = mini.coverage_end
    assert coverage is not None
    assert data["coverage"] == coverage.iso()
    assert data["coverage_end"] == coverage.last_day()


def test_range_limits_the_stops(mini: Timeline) -> None:
    data = publish_data(mini, title="Mini", day_from=day("2025-01-01"), day_to=day("2025-04"))
    assert data["stops"] == [day("2025-03-31")]
    assert data["range"] == [day("2025-01-01"), day("2025-04")]


def test_the_page_loads_nothing_from_the_network(bundled_page: str) -> None:
    page = parse(bundled_page)
    for tag, attrs in page.tags:
        assert tag not in ("link", "img", "iframe", "object", "embed", "base"), tag
        if tag == "script":
            assert "src" not in attrs
    assert len(page.raw["style"]) == 1
    style = page.raw["style"][0]
    assert "url(" not in style and "@import" not in style and "@font-face" not in style
    assert not re.search(r"https?://", style)
    script = page.raw["script"][1]
    assert not re.search(r"https?://", script)
    assert "fetch(" not in script and "XMLHttpRequest" not in script


def test_the_bundled_page_is_small(bundled_page: str) -> None:
    assert len(bundled_page.encode("utf-8")) < 1_000_000


def test_only_the_page_script_may_run(bundled_page: str) -> None:
    page = parse(bundled_page)
    policy = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv"))
    assert policy is not None and "default-src 'none'" in policy
    script = page.raw["script"][1]
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy


def test_data_is_embedded_as_json(bundled: Timeline, bundled_page: str) -> None:
    page = parse(bundled_page)
    embedded = next(
        i for i, (t, a) in enumerate(t for t in page.tags if t[0] == "script") if a.get("type")
    )
    data = json.loads(page.raw["script"][embedded])
    assert data["title"] == "Alibaba"
    assert len(data["events"]) == len(bundled.dataset.events)
    assert name_key("周靖人") in data["people"]["zhou-jingren"]["keys"]


def test_hostile_text_is_escaped_in_the_html() -> None:
    timeline = load_timeline(HOSTILE)
    text = render_page(publish_data(timeline, title='<script>alert("t")</script>'))
    page = parse(text)
    assert [t for t, _ in page.tags].count("script") == 2  # the data and the page's script
    assert not any(t in ("img", "svg", "iframe", "b") for t, _ in page.tags)
    assert "<title>&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;</title>" in text
    # Markup in the data stays inside the JSON, where no "<" can open a tag.
    data = page.raw["script"][0]
    assert "<" not in data
    for needle in ("onerror=", "onload=", "javascript:", "file:notes"):
        assert text.count(needle) == data.count(needle) > 0


def test_publish_writes_the_page(tmp_path: Path) -> None:
    out = tmp_path / "mini.html"
    result = run("publish", "--events", str(MINI), "--out", str(out), "--title", "Mini corp")
    assert result.exit_code == 0, result.output
    assert result.output == ""
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<title>Mini corp</title>" in text


def test_publish_default_title_names_the_top_unit(tmp_path: Path) -> None:
    out = tmp_path / "mini.html"
    assert run("publish", "--events", str(MINI), "--out", str(out)).exit_code == 0
    assert "<title>Example Corp: how the organization changed</title>" in out.read_text()


def test_publish_needs_out() -> None:
    result = run("publish", "--events", str(MINI))
    assert result.exit_code == 2
    assert "--out" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2025-13"], "invalid date for --from"),
        (["--to", "someday"], "invalid date for --to"),
        (["--from", "2025-06", "--to", "2025-01"], "--from (2025-06) is after --to (2025-01)"),
        (["--title", "  "], "--title is empty"),
    ],
)
def test_publish_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "x.html"
    result = run("publish", "--events", str(MINI), "--out", str(out), *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not out.exists()


def test_publish_refuses_a_non_html_name(tmp_path: Path) -> None:
    result = run("publish", "--events", str(MINI), "--out", str(tmp_path / "x.json"))
    assert result.exit_code == 2
    assert "is not an .html file" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2030"], "no dated event falls on or after --from (2030)"),
        (["--to", "2010"], "no dated event falls on or before --to (2010)"),
        (
            ["--from", "2024-02", "--to", "2024-12"],
            "no dated event falls between --from (2024-02) and --to (2024-12)",
        ),
    ],
)
def test_publish_range_without_events_is_an_error(
    tmp_path: Path, args: list[str], message: str
) -> None:
    """The message names the limits that were given, as they were written."""
    out = tmp_path / "x.html"
    result = run("publish", "--events", str(MINI), "--out", str(out), *args)
    assert result.exit_code == 1
    assert message in result.output
    assert not out.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_publish_to_a_fifo_has_a_hint_that_applies(tmp_path: Path) -> None:
    """--out is required, so a hint to "leave out --out and redirect stdout" (the writers'
    hint before) would not apply."""
    fifo = tmp_path / "f.html"
    os.mkfifo(fifo)
    result = run("publish", "--events", str(MINI), "--out", str(fifo))
    assert result.exit_code == 1
    assert "is a FIFO; --out replaces only regular files" in result.output
    assert "give --out the name of a regular file" in result.output
    assert "redirect stdout" not in result.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_publish_keeps_an_existing_file_without_force(tmp_path: Path) -> None:
    out = tmp_path / "x.html"
    out.write_text("mine", encoding="utf-8")
    result = run("publish", "--events", str(MINI), "--out", str(out))
    assert result.exit_code == 1
    assert out.read_text(encoding="utf-8") == "mine"
    assert run("publish", "--events", str(MINI), "--out", str(out), "--force").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_publish_into_a_missing_directory(tmp_path: Path) -> None:
    result = run("publish", "--events", str(MINI), "--out", str(tmp_path / "no" / "x.html"))
    assert result.exit_code == 1
    assert "does not exist" in result.output


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_text_contrast_in_light_and_dark() -> None:
    """Every text colour is readable (WCAG AA, 4.5:1) on every background, in both themes."""
    from importlib import resources

    css = resources.files("reorg_cli.interop.publish").joinpath("page.css").read_text("utf-8")
    themes = re.findall(r":root \{([^}]*)\}", css)
    assert len(themes) == 3  # light, dark, print
    for theme in themes[:2]:
        colours = dict(re.findall(r"--([a-z-]+): (#[0-9a-f]{6})", theme))
        for background in ("bg", "panel", "changed-bg"):
            for text in ("fg", "muted", "link", "reported", "uncertain", "date", "stale"):
                ratio = _contrast(colours[text], colours[background])
                assert ratio >= 4.5, (text, background, ratio)
            assert _contrast(colours["changed-fg"], colours["changed-bg"]) >= 4.5
            assert _contrast(colours["focus"], colours[background]) >= 3  # a focus ring
