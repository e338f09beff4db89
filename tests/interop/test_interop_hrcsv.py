"""Importing an effective-dated HR export: round trip against the CSV, and bad rows."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from reorg_cli.cli.app import app
from reorg_cli.engine.timeline import Timeline, load_timeline
from reorg_cli.events.errors import EventFileError
from reorg_cli.interop.hrcsv import import_hr_csv
from tests.conftest import CLI_ENV, FIXTURES, MINI, day

HR_50 = FIXTURES / "hr" / "hr-50.csv"
HEADER = (
    "effective_date,action,person_id,person_name,title,unit_id,unit_name,parent_unit_id,"
    "manager_id\n"
)


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args), env=CLI_ENV)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Timeline:
    target = tmp_path_factory.mktemp("hr") / "events"
    result = run("import", "csv", str(HR_50), "--into", str(target))
    assert result.exit_code == 0, result.stderr
    return load_timeline(target)


class SimpleReading:
    """The CSV read naively, independently of the importer: who is where on a date."""

    def __init__(self, path: Path, until: str) -> None:
        self.units: dict[str, tuple[str, str | None]] = {}
        self.roles: dict[str, tuple[str, str]] = {}
        self.managers: dict[str, str] = {}
        with path.open(encoding="utf-8", newline="") as handle:
            rows = sorted(csv.DictReader(handle), key=lambda r: r["effective_date"])
        for row in rows:
            if row["effective_date"] <= until:
                self.apply(row)

    def apply(self, row: dict[str, str]) -> None:
        action, person, unit = row["action"], row["person_id"], row["unit_id"]
        if action == "unit_create" or (unit and unit not in self.units and row["unit_name"]):
            self.units[unit] = (row["unit_name"], row["parent_unit_id"] or None)
        if action == "unit_rename":
            self.units[unit] = (row["unit_name"], self.units[unit][1])
        elif action == "unit_move":
            self.units[unit] = (self.units[unit][0], row["parent_unit_id"] or None)
        elif action == "unit_dissolve":
            del self.units[unit]
        elif action in ("hire", "transfer", "promote"):
            old_unit, old_title = self.roles.get(person, ("", ""))
            self.roles[person] = (unit or old_unit, row["title"] or old_title)
            if row["manager_id"]:
                self.managers[person] = row["manager_id"]
        elif action == "leave":
            del self.roles[person]
            self.managers.pop(person, None)


def dates_to_check() -> list[str]:
    with HR_50.open(encoding="utf-8", newline="") as handle:
        dates = sorted({row["effective_date"] for row in csv.DictReader(handle)})
    before = [(dt.date.fromisoformat(d) - dt.timedelta(days=1)).isoformat() for d in dates]
    return sorted(set(dates + before + ["2030-01-01"]))


def test_the_fixture_has_fifty_rows_of_every_kind() -> None:
    with HR_50.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 50
    assert {r["action"] for r in rows} == {
        "hire",
        "transfer",
        "promote",
        "leave",
        "unit_create",
        "unit_rename",
        "unit_move",
        "unit_dissolve",
    }


@pytest.mark.parametrize("date", dates_to_check())
def test_show_at_every_date_matches_the_csv(imported: Timeline, date: str) -> None:
    expected = SimpleReading(HR_50, date)
    state = imported.state_at(day(date))
    assert {u: (s.name, s.parent) for u, s in state.units.items()} == expected.units
    assert {r.person: (r.unit, r.title) for r in state.roles} == expected.roles
    assert {r.person: r.reports_to for r in state.reporting_lines} == expected.managers
    assert len(state.roles) == len({r.person for r in state.roles})


def test_imported_events_cite_the_csv_and_their_line(imported: Timeline) -> None:
    event = imported.events["2021-04-01-unit-rename-apps"]
    assert event.title == "Apps Team renamed Product Engineering"
    assert event.notes == "hr-50.csv line 24"
    assert [(s.id, s.url) for s in event.sources] == [("hr-export", "file:hr-50.csv")]
    history = imported.person_history("e006")
    assert [(s.unit_name, s.title, s.start.text()) for s in history.roles] == [
        ("Apps Team", "Engineer", "2020-02-17"),
        ("Apps Team", "Team Lead", "2020-11-02"),
        ("Product Engineering", "Engineering Manager", "2021-04-01"),
    ]
    assert imported.find_person("Chloé Martin").id == "e003"


def test_generated_yaml_keeps_tricky_values_as_text(tmp_path: Path) -> None:
    data = HEADER + (
        "2024-01-15,unit_create,,,,010,NO,,\n"
        "2024-01-15,hire,null,true,2024-01-15,010,,,\n"
        '2024-01-16,hire,p2,"Lee, ""Ann"" #1",on: call,010,,,null\n'
    )
    files = import_hr_csv(data.encode(), "t.csv", "t.csv")
    target = tmp_path / "t"
    target.mkdir()
    for name, text in files.items():
        (target / name).write_text(text, encoding="utf-8")
    timeline = load_timeline(target)
    state = timeline.state_at(day("2024-01-16"))
    assert state.units["010"].name == "NO"
    assert sorted((r.person, r.person_name, r.title) for r in state.roles) == [
        ("null", "true", "2024-01-15"),
        ("p2", 'Lee, "Ann" #1', "on: call"),
    ]
    assert [(r.person, r.reports_to) for r in state.reporting_lines] == [("p2", "null")]


def test_rows_apply_in_date_order_and_units_can_be_created_by_a_hire(tmp_path: Path) -> None:
    data = HEADER + (
        "2024-03-01,transfer,a,,,sub,Sub Team,top,\n2024-01-01,hire,a,Ann,Engineer,top,Top Co,,\n"
    )
    files = import_hr_csv(data.encode(), "t.csv", "t.csv")
    assert sorted(files) == ["2024-01-01.yaml", "2024-03-01.yaml", "people.yaml", "sources.yaml"]
    target = tmp_path / "t"
    target.mkdir()
    for name, text in files.items():
        (target / name).write_text(text, encoding="utf-8")
    state = load_timeline(target).state_at(day("2024-03-01"))
    assert {u: (s.name, s.kind, s.parent) for u, s in state.units.items()} == {
        "top": ("Top Co", "company", None),
        "sub": ("Sub Team", "department", "top"),
    }
    assert [(r.unit, r.title) for r in state.roles] == [("sub", "Engineer")]


BAD = HEADER + (
    "2024-01-01,unit_create,,,,org,Org,,\n"  # 2
    "2024-01-01,hire,a,Ann,CEO,org,,,\n"  # 3
    "2024-13-01,hire,b,Bo,CTO,org,,,\n"  # 4
    "2024-01-02,hier,c,Cy,CFO,org,,,\n"  # 5
    "2024-01-02,hire,d,,Engineer,org,,,a\n"  # 6
    "2024-01-03,hire,a,Ann,CEO,org,,,\n"  # 7
    "2024-01-03,transfer,zz,,,org,,,\n"  # 8
    "2024-01-04,leave,,,,,,,\n"  # 9
    "2024-01-05,hire,e,Eve,Engineer,nowhere,,,\n"  # 10
    "2024-01-05,hire,f,Fay,Engineer,org,,,f\n"  # 11
    "2024-01-06,unit_dissolve,,,,org,,,\n"  # 12
    "2024-01-06,unit_create,,,,org,Org again,,\n"  # 13
    "2024-01,promote,a,,COO,,,,\n"  # 14
    "2024-01-07,hire,g,Gus,Engineer,org\n"  # 15
    "2024-01-07,hire,bad id,Hal,Engineer,org,,,\n"  # 16
)


def test_every_bad_row_is_reported_as_file_row_message_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    source = tmp_path / "bad.csv"
    source.write_text(BAD, encoding="utf-8")
    result = run("import", "csv", str(source), "--into", str(tmp_path / "out"))
    assert result.exit_code == 1 and result.stdout == ""
    lines = [line.replace(str(tmp_path) + "/", "") for line in result.stderr.splitlines()]
    assert lines == [
        "bad.csv:4:1: error: effective_date: '2024-13-01' is not a date: month 13 does not exist",
        "bad.csv:5:12: error: unknown action 'hier' (did you mean 'hire'?)",
        "bad.csv:9:18: error: leave needs person_id (fill in person_id)",
        "bad.csv:14:1: error: effective_date '2024-01' is not a day written YYYY-MM-DD (write it "
        "as 2024-01-31; 01/02/2024 could be 1 February or 2 January, so it is not guessed)",
        "bad.csv:15:1: error: this row has 6 fields but the header has 9 (give every row one "
        "field per column; an empty field is written ,,)",
        "bad.csv:16:17: error: person_id 'bad id' is not a valid id (use letters, digits, '.', "
        "'_' and '-', starting with a letter or digit)",
    ]
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.csv"]


def test_rows_that_contradict_earlier_rows_are_all_reported() -> None:
    # The rows with format problems become blank lines (skipped; the numbering stays).
    good_format = "\n".join(
        "" if i in (4, 5, 9, 14, 15, 16) else line for i, line in enumerate(BAD.splitlines(), 1)
    )
    with pytest.raises(EventFileError) as caught:
        import_hr_csv(good_format.encode(), "bad.csv", "bad.csv")
    assert [str(p) for p in caught.value.problems] == [
        "bad.csv:6:19: hire needs person_name for a new person (fill in person_name)",
        "bad.csv:7:17: 'a' is already employed (hired on line 3) (use transfer or promote to "
        "change their role)",
        "bad.csv:8:21: unknown person 'zz' (hire them first)",
        "bad.csv:10:32: unknown unit 'nowhere' (create it first with a unit_create row)",
        "bad.csv:11:38: 'f' cannot be their own manager (leave manager_id empty or name someone "
        "else)",
        "bad.csv:12:29: unit 'org' still has people: a (transfer them (or record their leaving) "
        "before the unit is dissolved)",
        "bad.csv:13:27: unit 'org' already exists (created on line 2) (a unit id can be created "
        "only once; use a new id)",
    ]


def test_header_problems(tmp_path: Path) -> None:
    with pytest.raises(EventFileError) as caught:
        import_hr_csv(b"effective_date,acton,person_id,person_id\n", "h.csv", "h.csv")
    assert [str(p) for p in caught.value.problems] == [
        "h.csv:1:16: unknown column 'acton' (did you mean 'action'?)",
        "h.csv:1:32: column 'person_id' appears twice (keep one of them)",
        "h.csv:1:1: the required column 'action' is missing (the first line names the columns: "
        "effective_date, action, person_id, person_name, title, unit_id, unit_name, "
        "parent_unit_id, manager_id)",
    ]
    with pytest.raises(EventFileError) as caught:
        import_hr_csv(
            b"\xef\xbb\xbf" + HEADER.encode() + b"2024-01-01,leave,\xff\n", "h.csv", "h.csv"
        )
    assert [str(p) for p in caught.value.problems] == [
        "h.csv:2:18: the file is not UTF-8 text (save the CSV as UTF-8)"
    ]
    # After a BOM, a bad byte at the start of a line is on that line (it was put three bytes
    # early, on the line before).
    with pytest.raises(EventFileError) as caught:
        import_hr_csv(
            b"\xef\xbb\xbf" + HEADER.encode() + b"\xff2024-01-01,leave,\n", "h.csv", "h.csv"
        )
    assert [str(p) for p in caught.value.problems] == [
        "h.csv:2:1: the file is not UTF-8 text (save the CSV as UTF-8)"
    ]
    with pytest.raises(EventFileError) as caught:
        import_hr_csv(HEADER.encode(), "h.csv", "h.csv")
    assert [str(p) for p in caught.value.problems] == [
        "h.csv:1:1: the file has no rows after the header"
    ]


def test_import_refuses_existing_files(tmp_path: Path) -> None:
    target = tmp_path / "events"
    target.mkdir()
    (target / "2020-01-06.yaml").write_text("# mine\n")
    result = run("import", "csv", str(HR_50), "--into", str(target))
    assert result.exit_code == 1
    assert "directory is not empty" in result.stderr
    assert (target / "2020-01-06.yaml").read_text() == "# mine\n"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("import", "csv", str(HR_50), "--into", str(empty)).exit_code == 0
    assert len(list(empty.iterdir())) == 28  # people, sources and 26 dates
    missing = run("import", "csv", str(tmp_path / "nope.csv"), "--into", str(tmp_path / "x"))
    assert missing.exit_code == 1 and "nope.csv: error: no such file" in missing.stderr


def test_name_changes_manager_changes_and_more_contradictions(tmp_path: Path) -> None:
    data = HEADER + (
        "2024-01-01,unit_create,,,,org,Org,,\n"  # 2
        "2024-01-01,unit_create,,,,team,Team,org,\n"  # 3
        "2024-01-01,hire,a,Ann Lee,CEO,org,,,\n"  # 4
        "2024-01-01,hire,b,Bo,Engineer,team,,,a\n"  # 5
        "2024-02-01,transfer,b,Bo Chen,Engineer,team,,,\n"  # 6: nothing changes
        "2024-02-01,hire,c,Cy,Engineer,team,,,b\n"  # 7
        "2024-03-01,transfer,a,Ann Lee-Park,,org,,,c\n"  # 8: a reporting cycle
        "2024-03-01,unit_move,,,,org,,team,\n"  # 9: under its own sub-unit
        "2024-03-01,unit_rename,,,,team,Team,,\n"  # 10: same name
    )
    with pytest.raises(EventFileError) as caught:
        import_hr_csv(data.encode(), "t.csv", "t.csv")
    assert [str(p) for p in caught.value.problems] == [
        "t.csv:6:40: transfer changes nothing: 'b' is already Engineer in 'team' (give a new "
        "unit_id, title or manager_id, or remove the row)",
        "t.csv:8:43: reporting cycle: a → c → b → a (someone in the chain must report to another "
        "manager first)",
        "t.csv:9:30: unit 'org' cannot move under its own sub-unit 'team' (move the sub-unit out "
        "first)",
        "t.csv:10:32: unit 'team' is already named 'Team' (give a new unit_name, or remove the "
        "row)",
    ]
    fixed = HEADER + (
        "2024-01-01,unit_create,,,,org,Org,,\n"
        "2024-01-01,hire,a,Ann Lee,CEO,org,,,\n"
        "2024-01-01,hire,b,Bo,Engineer,org,,,\n"
        "2024-02-01,transfer,b,Bo Chen,,org,,,a\n"
    )
    files = import_hr_csv(fixed.encode(), "t.csv", "t.csv")
    assert "title: Bo Chen now reports to Ann Lee\n" in files["2024-02-01.yaml"]
    target = tmp_path / "t"
    target.mkdir()
    for name, text in files.items():
        (target / name).write_text(text, encoding="utf-8")
    timeline = load_timeline(target)
    assert timeline.find_person("Bo").id == "b"
    assert timeline.dataset.people["b"].name == "Bo Chen"
    state = timeline.state_at(day("2024-02-01"))
    assert [(r.person, r.reports_to) for r in state.reporting_lines] == [("b", "a")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "2024-01-01,unit_create,,,,org," + "A" * 200_000 + ",,\n",
            "h.csv:2:1: a field is longer than 131,072 characters (no name, title or id is that "
            'long: check for a " that is never closed)',
        ),
        (
            '2024-01-01,unit_create,,,,org,"Org,,\n',
            "h.csv:2:1: not valid CSV: unexpected end of data (a field holding a comma or a quote "
            'must be in "...", with each " in it written "")',
        ),
        (
            "2024-01-01,unit_create,,,," + "a" * 5000 + ",Org,,\n",
            "h.csv:2:27: unit_id '" + "a" * 60 + "…' is not a valid id (use letters, digits, "
            "'.', '_' and '-', starting with a letter or digit)",
        ),
        (
            "2024-01-01,unit_create,,,,org,Org,,,extra\n",
            "h.csv:2:37: this row has 10 fields but the header has 9 (a field holding a comma or "
            'a quote must be in "...", with each " in it written "")',
        ),
        (
            "2024-01-01,unit_create,,,,org,Or\x00g,,\n",
            "h.csv:2:31: unit_name contains the control character U+0000 (remove line breaks and "
            "control characters)",
        ),
    ],
)
def test_hostile_rows_get_one_placed_line_with_a_hint(body: str, expected: str) -> None:
    """Each bad input is one problem at FILE:LINE:COLUMN, with a hint, and a long value is
    cut in the message."""
    with pytest.raises(EventFileError) as caught:
        import_hr_csv((HEADER + body).encode(), "h.csv", "h.csv")
    assert [str(p) for p in caught.value.problems] == [expected]


def test_column_numbers_follow_quoted_fields() -> None:
    with pytest.raises(EventFileError) as caught:
        import_hr_csv(
            (HEADER + '2024-01-01,unit_create,,"a, ""b""",,org,Org,nowhere,\n').encode(),
            "h.csv",
            "h.csv",
        )
    assert [str(p) for p in caught.value.problems] == [
        "h.csv:2:45: unknown parent unit 'nowhere' (create it first with a unit_create row)"
    ]


def test_a_roles_table_from_export_csv_is_named_as_such(tmp_path: Path) -> None:
    """The export's CSV (one row per role) is not the importer's (one row per action): one
    line says so, instead of one 'unknown column' per column."""
    exported = run("export", "--format", "csv", "--events", str(MINI))
    assert exported.exit_code == 0
    source = tmp_path / "roles.csv"
    source.write_text(exported.stdout, encoding="utf-8")
    result = run("import", "csv", str(source), "--into", str(tmp_path / "out"))
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        f"{source}:1:1: error: this is a table of roles, as 'reorg export --format csv' writes, "
        "not an HR export of dated actions (to copy a history, use 'reorg export --format "
        "popolo' and 'reorg import popolo')\n"
    )
    assert not (tmp_path / "out").exists()


def test_hr_rows_give_the_roles_the_export_lists(tmp_path: Path) -> None:
    """Round trip: the roles that `export --format csv` lists for an imported HR file are the
    ones its rows describe (person, unit, title, start and end), none more, none less."""
    into = tmp_path / "acme"
    assert run("import", "csv", str(HR_50), "--into", str(into)).exit_code == 0
    rows = sorted(
        enumerate(csv.DictReader(HR_50.read_text(encoding="utf-8").splitlines())),
        key=lambda item: (item[1]["effective_date"], item[0]),
    )
    held: dict[str, list[str]] = {}
    expected: list[list[str]] = []
    for _, row in rows:
        person, date = row["person_id"], row["effective_date"]
        if row["action"] == "hire":
            held[person] = [person, row["unit_id"], row["title"], date, ""]
            expected.append(held[person])
        elif row["action"] in ("transfer", "promote"):
            old = held[person]
            post = [row["unit_id"] or old[1], row["title"] or old[2]]
            if post != old[1:3]:
                old[4] = date
                held[person] = [person, *post, date, ""]
                expected.append(held[person])
        elif row["action"] == "leave":
            held.pop(person)[4] = date
    exported = run("export", "--format", "csv", "--events", str(into))
    got = [
        [r["person_id"], r["unit_id"], r["title"], r["start"], r["end"]]
        for r in csv.DictReader(exported.stdout.splitlines())
    ]
    assert len(expected) == 30
    assert sorted(got) == sorted(expected)


@pytest.mark.parametrize("name", ["line\nbreak.csv", "e\x1b[31mvil\u202e.csv", "tab\there.csv"])
def test_a_file_name_with_control_characters_is_imported(tmp_path: Path, name: str) -> None:
    """The file's name is written into the events (notes, the source's title, a comment): a
    line break in it broke the YAML and a control character was refused by the loader, so the
    import failed with errors about files the user has not seen. Now it is written visibly."""
    source = tmp_path / name
    source.write_bytes(HR_50.read_bytes())
    into = tmp_path / "out"
    result = run("import", "csv", str(source), "--into", str(into))
    assert result.exit_code == 0, result.stderr
    sources = (into / "sources.yaml").read_text(encoding="utf-8")
    assert "\\u00" in sources or "\\u202e" in sources
    shown = run("show", "--events", str(into), "--at", "2022-02-14")
    assert shown.exit_code == 0 and "Acme Corp" in shown.stdout


def test_a_popolo_file_name_with_a_line_break_is_imported(tmp_path: Path) -> None:
    """The Popolo importer wrote the file's path raw into a YAML comment: a line break in the
    name broke every generated file."""
    exported = run("export", "--format", "popolo", "--events", str(MINI))
    assert exported.exit_code == 0
    source = tmp_path / "org\nchart.json"
    source.write_text(exported.stdout, encoding="utf-8")
    into = tmp_path / "out"
    result = run("import", "popolo", str(source), "--into", str(into))
    assert result.exit_code == 0, result.stderr
    assert "org\\u000achart.json" in (into / "people.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("date", ["01/02/2020", "2020/01/02", "2020-1-2", "20200102", "2020"])
def test_a_date_in_another_format_is_not_guessed(date: str) -> None:
    """The date parser's own message offered YYYY and YYYY-MM, which the importer then refused
    as not a day: the hint now asks for the one format that is read."""
    with pytest.raises(EventFileError) as caught:
        import_hr_csv((HEADER + f"{date},unit_create,,,,org,Org,,\n").encode(), "h.csv", "h.csv")
    assert [str(p) for p in caught.value.problems] == [
        f"h.csv:2:1: effective_date {date!r} is not a day written YYYY-MM-DD (write it as "
        "2024-01-31; 01/02/2024 could be 1 February or 2 January, so it is not guessed)"
    ]


@pytest.mark.parametrize(("separator", "shown"), [(";", "';'"), ("\t", "tabs"), ("|", "'|'")])
def test_a_file_separated_by_something_else_is_named_in_one_line(
    separator: str, shown: str
) -> None:
    """A spreadsheet set to a European locale saves ';'-separated "CSV": one line says so,
    instead of an unknown column made of the whole header and two missing columns."""
    data = HEADER.replace(",", separator) + "2024-01-01;unit_create;;;;org;Org;;\n"
    with pytest.raises(EventFileError) as caught:
        import_hr_csv(data.encode(), "h.csv", "h.csv")
    assert [str(p) for p in caught.value.problems] == [
        f"h.csv:1:1: the columns are separated by {shown}, not commas (save it as "
        "comma-separated CSV: in a spreadsheet, CSV UTF-8 (comma delimited))"
    ]
