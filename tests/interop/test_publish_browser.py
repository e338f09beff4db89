"""The published page in a real browser: Debian's headless Chromium, driven by Selenium.

Without chromium and chromedriver these tests skip, except under CI (``CI`` set), where a
missing browser is a failure: ``.ci/run`` installs both.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from reorg_cli.engine.facts import Presence
from reorg_cli.engine.timeline import load_timeline
from reorg_cli.events.dates import ordinal_iso, parse_query_date
from reorg_cli.events.model import Confidence
from reorg_cli.events.paths import default_events_path
from reorg_cli.interop.publish import publish_data, render_page
from reorg_cli.output.render_text import role_label, unit_label, vacancy_label
from tests.conftest import FIXTURES, MINI

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def _need_browser() -> tuple[str, str]:
    if CHROMIUM is None or CHROMEDRIVER is None:
        message = "chromium and chromium-driver are not installed (apt-get install them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM, CHROMEDRIVER


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium, chromedriver = _need_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument("--window-size=1280,1000")
    with tempfile.TemporaryDirectory(prefix="reorg-chromium-") as profile:
        options.add_argument(f"--user-data-dir={profile}")
        driver = webdriver.Chrome(options=options, service=Service(chromedriver))
        try:
            yield driver
        finally:
            driver.quit()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    made = {}
    for name, source, title in (
        ("alibaba", default_events_path(), "Alibaba"),
        ("mini", MINI, "Mini"),
        ("hostile", FIXTURES / "publish-hostile", "<script>window.pwned='page title'</script>"),
    ):
        path = folder / f"{name}.html"
        path.write_text(render_page(publish_data(load_timeline(source), title=title)), "utf-8")
        made[name] = path
    return made


def open_page(browser: Any, page: Path, hash_: str = "") -> None:
    browser.get("about:blank")
    browser.get(page.as_uri() + hash_)
    assert browser.execute_script("return document.documentElement.dataset.ready") == "true"


def wait_for(browser: Any, script: str, expected: Any) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 10).until(lambda d: d.execute_script(script) == expected)


def text_of(browser: Any, element_id: str) -> str:
    return str(browser.execute_script(f"return document.getElementById('{element_id}').innerText"))


def go_to(browser: Any, hash_: str) -> None:
    browser.execute_script("location.hash = arguments[0]", hash_)
    wait_for(browser, "return location.hash", hash_)
    date = hash_.split("date=")[1].split("&")[0]
    wait_for(browser, "return document.getElementById('org-date').getAttribute('datetime')", date)


def test_the_tree_before_and_after_april_8(browser: Any, pages: dict[str, Path]) -> None:
    open_page(browser, pages["alibaba"], "#date=2026-04-07")
    before = text_of(browser, "org-tree")
    assert "Group Technology Committee" not in before
    assert "Tongyi Lab" in before
    go_to(browser, "#date=2026-04-08")
    after = text_of(browser, "org-tree")
    assert "Group Technology Committee" in after
    assert "Tongyi Large Model Business Unit" in after
    # What changed since the previous event is marked in the tree.
    changed = browser.execute_script(
        "return Array.from(document.querySelectorAll('#org-tree li.unit.changed'))"
        ".map(li => li.dataset.unit)"
    )
    assert "tech-committee" in changed
    assert "Group Technology Committee: new" in text_of(browser, "since-list")


_READ_TREE = """
var ORDER = ['[~]', '[R]', '[U]', '[?]'];
function marksOf(row) {
  return Array.from(row.querySelectorAll('.mark')).map(function (m) { return m.textContent; })
    .sort(function (a, b) { return ORDER.indexOf(a) - ORDER.indexOf(b); }).join('');
}
function textOf(row) { // the row as read, without the "new"/"changed" badge
  var copy = row.cloneNode(true);
  copy.querySelectorAll('.badge').forEach(function (b) { b.remove(); });
  return copy.textContent;
}
var units = {}, roles = {}, lines = [], rows = [];
document.querySelectorAll('#org-tree li.unit').forEach(function (li) {
  var row = li.querySelector(':scope > .row');
  units[li.dataset.unit] = [row.querySelector('.unit-name').textContent, marksOf(row)];
  rows.push(textOf(row));
});
document.querySelectorAll('#org-tree li.role').forEach(function (li) {
  var row = li.querySelector(':scope > .row');
  if (li.dataset.role) roles[li.dataset.role] = marksOf(row);
  rows.push(textOf(row));
});
document.querySelectorAll('#reporting-lines tbody tr').forEach(function (tr) {
  lines.push(tr.cells[0].textContent + ' > ' + tr.cells[1].querySelector('a').textContent);
});
return [units, roles, lines, rows];
"""


def _marks(presence: Presence, confidence: Confidence, stale: bool) -> str:
    text = "[~]" if presence is Presence.UNCERTAIN else ""
    text += {Confidence.REPORTED: "[R]", Confidence.UNCERTAIN: "[U]"}.get(confidence, "")
    return text + ("[?]" if stale else "")


def test_the_page_replays_what_the_engine_says(browser: Any, pages: dict[str, Path]) -> None:
    """At every event date, and the day before each, the page's tree has the engine's units,
    names, roles, reporting lines and marks (the terminal's [~], [R] and [U]), and each row
    reads as `reorg show` writes it (stale notes included: "last confirmed … [?]")."""
    timeline = load_timeline(default_events_path())
    data = publish_data(timeline, title="x")
    open_page(browser, pages["alibaba"])
    for stop in sorted({*data["stops"], *(s - 1 for s in data["stops"])}):
        go_to(browser, f"#date={ordinal_iso(stop)}")
        state = timeline.state_at(stop)
        units, roles, lines, rows = browser.execute_script(_READ_TREE)
        assert units == {
            u.id: [
                u.name,
                _marks(
                    Presence.UNCERTAIN if u.uncertain_fields else u.presence,
                    u.confidence,
                    u.stale,
                ),
            ]
            for u in state.units.values()
        }, ordinal_iso(stop)
        assert roles == {
            f"{r.person}|{r.unit}|{r.title}": _marks(r.presence, r.confidence, r.stale)
            for r in state.roles
        }, ordinal_iso(stop)
        assert sorted(lines) == sorted(
            f"{r.person_name} > {r.reports_to_name}" for r in state.reporting_lines
        )
        used: set[str] = set()
        assert sorted(rows) == sorted(
            [unit_label(u, used).plain for u in state.units.values()]
            + [role_label(r, used).plain for r in state.roles]
            + [vacancy_label(v, used).plain for v in state.vacancies]
        ), ordinal_iso(stop)


def test_moving_the_slider(browser: Any, pages: dict[str, Path]) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    open_page(browser, pages["mini"], "#date=2025-06-01")
    assert "Tech Committee" in text_of(browser, "org-tree")
    slider = browser.find_element(By.ID, "date-slider")
    slider.send_keys(Keys.ARROW_LEFT)
    # The stop of an event dated 2025-03 keeps its precision, in the address and the labels.
    wait_for(browser, "return location.hash", "#date=2025-03")
    assert text_of(browser, "date-label") == "2025-03 (to 2025-03-31) · 1 event"
    assert text_of(browser, "org-date") == "2025-03 (to 2025-03-31)"
    tree = text_of(browser, "org-tree")
    assert "Tech Committee" not in tree
    assert "AI Business Unit" in tree
    slider.send_keys(Keys.HOME)
    wait_for(browser, "return location.hash", "#date=2024-01-15")
    assert "Research Lab" in text_of(browser, "org-tree")
    # The back button returns to the previous date.
    browser.back()
    wait_for(
        browser,
        "return document.getElementById('org-date').textContent",
        "2025-03 (to 2025-03-31)",
    )
    assert "AI Business Unit" in text_of(browser, "org-tree")


def test_keyboard_steps_between_event_dates(browser: Any, pages: dict[str, Path]) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, pages["mini"], "#date=2025-03-31")
    browser.find_element(By.TAG_NAME, "body").send_keys(".")
    wait_for(browser, "return location.hash", "#date=2025-06-01")
    browser.find_element(By.TAG_NAME, "body").send_keys(",")
    wait_for(browser, "return location.hash", "#date=2025-03")


def test_a_deep_link_opens_a_person(browser: Any, pages: dict[str, Path]) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, pages["alibaba"], "#date=2026-04-08&person=zhou-jingren")
    assert browser.find_element(By.CSS_SELECTOR, "#detail h2").text == "Zhou Jingren"
    detail = text_of(browser, "detail")
    assert "Roles over time" in detail
    assert "Tongyi" in detail
    bars = browser.find_elements(By.CSS_SELECTOR, "#detail .tl-bar")
    assert bars
    assert browser.execute_script("return document.title").startswith("Zhou Jingren — ")
    # Follow a unit link from the person's page; the back button comes back to the person.
    browser.find_element(By.CSS_SELECTOR, "#detail a[href*='unit=']").click()
    wait_for(browser, "return document.querySelector('#detail .unit-page') !== null", True)
    assert "Heads over time" in text_of(browser, "detail")
    browser.back()
    wait_for(browser, "return document.querySelector('#detail .person-page') !== null", True)
    assert browser.execute_script("return location.hash") == "#date=2026-04-08&person=zhou-jingren"
    assert browser.find_element(By.CSS_SELECTOR, "#detail h2").text == "Zhou Jingren"


def test_search_in_chinese(browser: Any, pages: dict[str, Path]) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, pages["alibaba"], "#date=2026-04-08")
    box = browser.find_element(By.ID, "search")
    box.send_keys("周靖人")
    results = browser.find_elements(By.CSS_SELECTOR, "#search-results a")
    assert results
    first = results[0]
    assert first.text.startswith("Zhou Jingren")
    first.click()
    wait_for(browser, "return document.querySelector('#detail .person-page') !== null", True)
    assert browser.execute_script("return location.hash") == "#date=2026-04-08&person=zhou-jingren"
    assert browser.find_element(By.CSS_SELECTOR, "#detail h2").text == "Zhou Jingren"
    # Full-width letters, other case and spacing: the lookup's normalization (NFKC, case-folded).
    for query in ("ＺＨＯＵ　ＪＩＮＧＲＥＮ", "zhou-jingren", "Zhou  jingren"):
        box = browser.find_element(By.ID, "search")
        box.clear()
        box.send_keys(query)
        found = browser.find_elements(By.CSS_SELECTOR, "#search-results a")
        assert found and found[0].text == "Zhou Jingrenperson", query


def test_search_finds_units_by_alias_and_events_by_title(
    browser: Any, pages: dict[str, Path]
) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, pages["mini"], "#date=2025-06-01")
    box = browser.find_element(By.ID, "search")
    box.send_keys("研究实验室")
    assert [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#search-results a")] == [
        "AI Business Unitunit"
    ]
    box.clear()
    box.send_keys("annie")
    assert browser.find_elements(By.CSS_SELECTOR, "#search-results a")[0].text == "Ann Leeperson"
    box.clear()
    box.send_keys("committee formed")
    assert "Committee formedevent" in [
        a.text for a in browser.find_elements(By.CSS_SELECTOR, "#search-results a")
    ]


def test_a_change_opens_its_card_with_sources(browser: Any, pages: dict[str, Path]) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, pages["alibaba"], "#date=2026-04-08")
    link = browser.find_element(
        By.CSS_SELECTOR, "#changes-list a[href$='event=2026-04-08-technology-committee']"
    )
    link.click()
    wait_for(browser, "return document.querySelector('#detail .card h3') !== null", True)
    assert browser.execute_script("return location.hash") == (
        "#date=2026-04-08&event=2026-04-08-technology-committee"
    )
    card = browser.find_element(By.CSS_SELECTOR, "#detail .card")
    assert (
        card.find_element(By.TAG_NAME, "h3").text
        == "Group Technology Committee formed under Eddie Wu"
    )
    assert "2026-04-08 · confidence: confirmed" in card.text
    sources = card.find_elements(By.CSS_SELECTOR, ".sources li")
    assert sources
    dated = [s.text for s in sources if "published 2026-04-10" in s.text]
    assert dated and "asiaict.com" in dated[0]
    href = card.find_element(By.CSS_SELECTOR, ".sources a").get_attribute("href")
    assert href is not None and href.startswith("https://")


def test_hostile_names_render_as_text(browser: Any, pages: dict[str, Path]) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, pages["hostile"], "#date=2024-01-15&person=mallory")
    assert browser.execute_script("return window.pwned === undefined")
    assert browser.execute_script(
        "return document.querySelectorAll('img, svg, iframe, b, body script:not([id])').length"
    ) in (0, 1)  # the page's own script is the one script without an id
    tree = text_of(browser, "org-tree")
    assert "<svg onload=\"window.pwned='unit'\">Corp</svg>" in tree
    assert "Lab </ul></li><li>injected" in tree
    assert "<iframe src=\"javascript:window.pwned='role'\">CEO" in tree
    assert "<script>window.pwned = 'person'</script>Mallory" in tree
    assert 'Quinn "Q" O\'Hara & <b>Co</b>' in tree
    detail = text_of(browser, "detail")
    assert "</script><script>window.pwned = 'description'</script>" in detail
    assert browser.execute_script("return document.title").startswith(
        "<script>window.pwned = 'person'</script>Mallory — <script>"
    )
    go_to(browser, "#date=2024-01-15&event=hostile-founding")
    card = browser.find_element(By.CSS_SELECTOR, "#detail .card")
    assert "<img src=x onerror=\"window.pwned='title'\"> founded" in card.text
    # A file: source is shown, not linked; the https one is linked as written.
    hrefs = [a.get_attribute("href") for a in card.find_elements(By.CSS_SELECTOR, ".sources a")]
    assert hrefs == ["https://example.com/a?b=%3Cc%3E&d=%22e%22"]
    assert "file:notes/<script>window.pwned='source'</script>.pdf" in card.text
    box = browser.find_element(By.ID, "search")
    box.send_keys("<script>")
    assert browser.find_elements(By.CSS_SELECTOR, "#search-results a")
    assert browser.execute_script("return window.pwned === undefined")


class _TreeText(HTMLParser):
    """The text inside the element with id org-tree."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += 1
        elif ("id", "org-tree") in attrs:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)


def test_acceptance_dump_dom(tmp_path: Path) -> None:
    """The issue's acceptance commands, exactly: publish the bundled data, then dump the DOM."""
    chromium, _ = _need_browser()
    environment = {k: v for k, v in os.environ.items() if k != "REORG_EVENTS"}
    environment["HOME"] = str(tmp_path)  # a fresh browser profile
    reorg = Path(sys.executable).with_name("reorg")
    subprocess.run(
        [str(reorg), "publish", "--out", "alibaba.html"],
        cwd=tmp_path,
        env=environment,
        check=True,
        timeout=120,
    )
    found = {}
    for date in ("2026-04-09", "2026-04-07"):
        dom = subprocess.run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--dump-dom",
                f"file://{tmp_path}/alibaba.html#date={date}",
            ],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
        parser = _TreeText()
        parser.feed(dom)
        found[date] = "".join(parser.text)
    assert "Group Technology Committee" in found["2026-04-09"]
    assert "Group Technology Committee" not in found["2026-04-07"]
    assert "Alibaba Cloud Intelligence Group" in found["2026-04-07"]
    assert chromium


def test_search_by_keyboard(browser: Any, pages: dict[str, Path]) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    open_page(browser, pages["mini"], "#date=2025-06-01")
    browser.find_element(By.TAG_NAME, "body").send_keys("/")
    assert browser.execute_script("return document.activeElement.id") == "search"
    box = browser.find_element(By.ID, "search")
    box.send_keys("bo chen")
    box.send_keys(Keys.ARROW_DOWN)
    assert browser.execute_script("return document.activeElement.textContent") == "Bo Chenperson"
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait_for(browser, "return document.querySelector('#detail .person-page') !== null", True)
    assert browser.execute_script("return location.hash") == "#date=2025-06-01&person=bo"
    assert browser.find_element(By.ID, "search-results").is_displayed() is False


def test_print_style_leaves_out_the_controls(browser: Any, pages: dict[str, Path]) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, pages["mini"], "#date=2025-06-01")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not browser.find_element(By.ID, "search-form").is_displayed()
        assert not browser.find_element(By.ID, "date-slider").is_displayed()
        assert browser.find_element(By.ID, "org-tree").is_displayed()
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_dark_theme(browser: Any, pages: dict[str, Path]) -> None:
    open_page(browser, pages["mini"], "#date=2025-06-01")
    colour = "return getComputedStyle(document.body).backgroundColor"
    assert browser.execute_script(colour) == "rgb(255, 255, 255)"
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": "dark"}]},
    )
    try:
        assert browser.execute_script(colour) == "rgb(18, 18, 18)"
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


_PROTO_EVENTS = """\
people:
  - id: toString
    name: Ann Lee
  - id: valueOf
    name: Bo Chen
events:
  - id: constructor
    date: 2024-01-15
    title: Founding
    confidence: confirmed
    sources: [{url: https://example.com/x, publisher: X}]
    changes:
      - {type: unit_created, unit: corp, name: Corp, kind: company}
      - {type: unit_created, unit: constructor, name: Lab, kind: lab, parent: corp}
      - {type: unit_created, unit: hasOwnProperty, name: Studio, kind: team, parent: corp}
      - {type: role_assigned, person: toString, unit: constructor, title: Head, head: true}
      - {type: role_assigned, person: valueOf, unit: hasOwnProperty, title: Lead, head: true}
      - {type: reporting_line_set, person: valueOf, reports_to: toString}
  - id: isPrototypeOf
    date: 2024-03-01
    title: Renaming
    confidence: confirmed
    sources: [{url: https://example.com/y, publisher: Y}]
    changes:
      - {type: unit_renamed, unit: constructor, name: Big Lab}
"""


def _errors(browser: Any) -> list[str]:
    return [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def _page_of(tmp_path: Path, text: str, name: str) -> Path:
    events = tmp_path / name
    events.mkdir()
    (events / "e.yaml").write_text(text, "utf-8")
    page = tmp_path / f"{name}.html"
    page.write_text(render_page(publish_data(load_timeline(events), title=name)), "utf-8")
    return page


def test_ids_named_like_object_properties(browser: Any, tmp_path: Path) -> None:
    """Ids such as constructor, toString, hasOwnProperty and valueOf are data like any other:
    the page renders them (they once blanked it: a plain {} keyed by id inherits them)."""
    page = _page_of(tmp_path, _PROTO_EVENTS, "proto")
    browser.get_log("browser")
    for hash_, detail in (
        ("#date=2024-02", "Events of 2024-01-15"),
        ("#date=2024-02&unit=constructor", "Lab"),
        ("#date=2024-03-01&unit=hasOwnProperty", "Studio"),
        ("#date=2024-02&person=toString", "Ann Lee"),
        ("#date=2024-02&person=valueOf", "Bo Chen"),
        ("#event=constructor", "Event"),
        ("#event=isPrototypeOf", "Event"),
    ):
        open_page(browser, page, hash_)
        assert _errors(browser) == [], hash_
        assert text_of(browser, "detail").startswith(detail), hash_
        tree = text_of(browser, "org-tree")
        assert "Head: Ann Lee" in tree and "Lead: Bo Chen" in tree, hash_
        assert "Bo Chen" in text_of(browser, "reporting-lines"), hash_
    go_to(browser, "#date=2024-03-01")
    assert "Big Lab: renamed" in text_of(browser, "since-list")
    assert "Lab" in text_of(browser, "detail")


@pytest.mark.parametrize(
    "hash_",
    [
        "#date=2026-04-08&unit=__proto__",
        "#date=2026-04-08&unit=constructor",
        "#date=2026-04-08&person=toString",
        "#date=2026-04-08&person=hasOwnProperty",
        "#date=2026-04-08&event=constructor",
        "#event=constructor",
        "#event=__proto__",
    ],
)
def test_a_crafted_deep_link_is_ignored(browser: Any, pages: dict[str, Path], hash_: str) -> None:
    """An id in the address that names no person, unit or event is ignored, like
    person=nobody, even when it is the name of an object property."""
    browser.get_log("browser")
    open_page(browser, pages["alibaba"], hash_)
    assert _errors(browser) == []
    assert text_of(browser, "detail").startswith("Events of ")
    assert browser.execute_script("return document.querySelectorAll('#org-tree li.unit').length")


_ONE_EVENT = """\
people:
  - id: ann
    name: Ann Lee
events:
  - id: only
    date: 2024
    title: Only event
    confidence: reported
    sources: [{url: https://example.com/x, publisher: X}]
    changes:
      - {type: unit_created, unit: corp, name: Corp, kind: company}
      - {type: role_assigned, person: ann, unit: corp, title: CEO, head: true}
"""


def test_partial_dates_stay_partial(browser: Any, tmp_path: Path) -> None:
    """An event dated 2024 sits at 2024-12-31 but is never written as that day: the header,
    the slider, the heading and the address keep the year, as the explorer does."""
    page = _page_of(tmp_path, _ONE_EVENT, "one")
    open_page(browser, page)
    assert text_of(browser, "coverage") == (
        "History of 1 event and 1 source, 2024; the data's knowledge reaches 2024."
    )
    assert text_of(browser, "date-label") == "2024 (to 2024-12-31) · 1 event"
    assert text_of(browser, "org-date") == "2024 (to 2024-12-31)"
    assert browser.execute_script("return document.title") == "one — 2024 (to 2024-12-31)"
    assert "2024-12-31" not in text_of(browser, "detail")
    assert "#date=2024&" in browser.execute_script(
        "return document.querySelector('#changes-list a.event-link').getAttribute('href')"
    )
    # The tree reads as `reorg show` writes it: a unit's stale note carries its date.
    assert browser.execute_script(
        "return Array.from(document.querySelectorAll('#org-tree .row'))"
        ".map(r => r.textContent.replace(/(new|changed)$/, ''))"
    ) == [
        "Corp (company) [R] last confirmed 2024 [?]",
        "CEO: Ann Lee since 2024, not confirmed since [?] [R]",
    ]
    go_to(browser, "#date=2024-06-30")
    assert text_of(browser, "org-date") == "2024-06-30"
    browser.execute_script("location.hash = '#date=2024-06'")
    wait_for(
        browser,
        "return document.getElementById('org-date').textContent",
        "2024-06 (to 2024-06-30)",
    )


def test_a_partial_range_reads_as_given(browser: Any, tmp_path: Path) -> None:
    """``--from 2024 --to 2024-12`` read "from 2024-01-01 to 2024-12-31": days the user
    never wrote (the CLI passes the precision each was given to)."""
    events = tmp_path / "range"
    events.mkdir()
    (events / "e.yaml").write_text(_ONE_EVENT, "utf-8")
    page = tmp_path / "range.html"
    data = publish_data(
        load_timeline(events),
        day_from=parse_query_date("2024").start,
        day_to=parse_query_date("2024-12").day,
        range_precision=("year", "month"),
        title="range",
    )
    page.write_text(render_page(data), "utf-8")
    open_page(browser, page)
    assert text_of(browser, "range-label") == "from 2024 to 2024-12"


def test_a_stale_units_note_has_its_date(browser: Any, pages: dict[str, Path]) -> None:
    open_page(browser, pages["alibaba"], "#date=2026-04-08")
    rows = browser.execute_script(
        "return Array.from(document.querySelectorAll('#org-tree li.unit > .row'))"
        ".map(r => r.textContent)"
    )
    assert (
        "Hybrid Cloud Business Unit (business unit) last confirmed between Nov 2023 and "
        "2023-11-24 [?]"
    ) in rows


def test_dates_outside_the_coverage(browser: Any, pages: dict[str, Path]) -> None:
    """Before the first event the page shows no event and says the organization before it is
    not in the data; past the coverage end it says later changes are not in it (the CLI's
    and the explorer's notes)."""
    open_page(browser, pages["alibaba"], "#date=2010")
    assert text_of(browser, "coverage-note") == (
        "events known from 2016-07-06; the organization before that is not in this data."
    )
    detail = text_of(browser, "detail")
    assert "Events of" not in detail
    assert "No event on this date." in detail
    go_to(browser, "#date=2099-01-01")
    assert text_of(browser, "coverage-note") == (
        "events known up to 2026-06-17; later changes are not in this data."
    )
    go_to(browser, "#date=2026-04-08")
    assert browser.execute_script("return document.getElementById('coverage-note').hidden")
