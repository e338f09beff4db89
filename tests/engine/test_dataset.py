"""The bundled Alibaba dataset: its key facts, pinned."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from reorg_cli.cli.app import app
from reorg_cli.engine.compiler import compile_dataset
from reorg_cli.engine.facts import Presence
from reorg_cli.engine.results import OrgState
from reorg_cli.engine.timeline import Timeline, load_timeline
from reorg_cli.events.dates import parse_query_date
from reorg_cli.events.loader import default_events_path, load_dataset
from tests.conftest import CLI_ENV


@pytest.fixture(scope="module")
def alibaba() -> Timeline:
    return load_timeline(default_events_path())


def at(timeline: Timeline, date: str) -> OrgState:
    return timeline.state_at(parse_query_date(date).day)


def holders(state: OrgState, unit: str, title: str) -> list[str]:
    return sorted(
        r.person
        for r in state.roles
        if r.unit == unit and r.title == title and r.presence is Presence.PRESENT
    )


def heads(state: OrgState, unit: str) -> list[str]:
    return sorted(r.person for r in state.roles if r.unit == unit and r.head)


def test_the_dataset_validates_without_errors_or_warnings() -> None:
    dataset, problems = load_dataset(default_events_path())
    problems += compile_dataset(dataset).problems
    assert [str(p) for p in problems] == []


def test_ath_exists_from_2026_03_16(alibaba: Timeline) -> None:
    ath = alibaba.find_unit("Alibaba Token Hub")
    assert ath == alibaba.find_unit("ATH")
    assert ath not in at(alibaba, "2026-03-15").units
    state = at(alibaba, "2026-03-16")
    assert state.units[ath].kind == "business_group"
    assert heads(state, ath) == ["eddie-wu"]
    children = {u.id for u in state.children(ath)}
    assert alibaba.find_unit("Tongyi Lab") in children
    assert alibaba.find_unit("Bailian MaaS Business Line") in children


def test_tongyi_is_a_lab_then_a_business_unit_led_by_zhou_jingren(alibaba: Timeline) -> None:
    tongyi = alibaba.find_unit("Tongyi Lab")
    assert tongyi == alibaba.find_unit("Tongyi Large Model Business Unit")
    before, after = at(alibaba, "2026-04-07"), at(alibaba, "2026-04-08")
    assert (before.units[tongyi].kind, before.units[tongyi].name) == ("lab", "Tongyi Lab")
    assert after.units[tongyi].kind == "business_unit"
    assert after.units[tongyi].name == "Tongyi Large Model Business Unit"
    assert heads(after, tongyi) == ["zhou-jingren"]


def test_technology_committee(alibaba: Timeline) -> None:
    committee = alibaba.find_unit("Group Technology Committee")
    assert committee not in at(alibaba, "2026-04-07").units
    state = at(alibaba, "2026-04-08")
    assert state.units[committee].kind == "committee"
    roles = {(r.person, r.title) for r in state.roles if r.unit == committee}
    assert roles == {
        ("eddie-wu", "Chair"),
        ("zhou-jingren", "Chief AI Architect"),
        ("li-feifei", "Member"),
        ("wu-zeming", "Member"),
    }
    assert heads(state, committee) == ["eddie-wu"]
    lines = {(r.person, r.reports_to) for r in state.reporting_lines}
    assert {
        ("zhou-jingren", "eddie-wu"),
        ("li-feifei", "eddie-wu"),
        ("wu-zeming", "eddie-wu"),
    } <= lines


def test_alibaba_cloud_cto_changes_on_april_8(alibaba: Timeline) -> None:
    cloud = alibaba.find_unit("Alibaba Cloud")
    assert holders(at(alibaba, "2026-04-07"), cloud, "CTO") == ["zhou-jingren"]
    assert holders(at(alibaba, "2026-04-08"), cloud, "CTO") == ["li-feifei"]


def test_wu_zeming_leaves_flash_sale_and_stays_group_cto(alibaba: Timeline) -> None:
    flash = alibaba.find_unit("Taobao Flash Sale")
    group = alibaba.find_unit("Alibaba Group")
    before, after = at(alibaba, "2026-04-07"), at(alibaba, "2026-04-08")
    assert "wu-zeming" in heads(before, flash)
    assert "wu-zeming" not in heads(after, flash)
    assert [v.vacancy for v in after.vacancies if v.unit == flash] == ["unknown"]
    for state in (before, after, at(alibaba, "2026-06-30")):
        assert "wu-zeming" in holders(state, group, "Chief Technology Officer")


def test_lin_junyang_leads_qwen_until_march_2026(alibaba: Timeline) -> None:
    history = alibaba.person_history(alibaba.find_person("Justin Lin").id)
    lead = [s for s in history.roles if s.title == "Tech Lead"]
    assert len(lead) == 1 and lead[0].end is not None
    assert lead[0].end.text().startswith("2026-03")
    assert lead[0].status == "ended"


def test_chen_hang_is_dingtalk_ceo_from_the_2025_handover_to_2026_06_11(alibaba: Timeline) -> None:
    dingtalk = alibaba.find_unit("DingTalk")
    assert "chen-hang" not in holders(at(alibaba, "2025-03-30"), dingtalk, "CEO")
    # Announced on 2025-03-31 as a plan ("upon completion of the transaction"); in charge by the
    # end of April: the handover is uncertain in between, for Ye Jun and Chen Hang alike.
    assert holders(at(alibaba, "2025-03-31"), dingtalk, "CEO") == []
    assert holders(at(alibaba, "2025-04-30"), dingtalk, "CEO") == ["chen-hang"]
    assert holders(at(alibaba, "2026-06-10"), dingtalk, "CEO") == ["chen-hang"]
    assert holders(at(alibaba, "2026-06-11"), dingtalk, "CEO") == ["chen-yusen"]


def test_wu_zeming_history_has_its_real_precision(alibaba: Timeline) -> None:
    history = alibaba.person_history(alibaba.find_person("范禹").id)
    spans = {(alibaba.find_unit(s.unit_name), s.title): s for s in history.roles}
    group_cto = spans[(alibaba.find_unit("Alibaba Group"), "Chief Technology Officer")]
    assert group_cto.start.text() == "2022-12-29" and group_cto.end is None
    eleme = spans[(alibaba.find_unit("Ele.me"), "Chairman")]
    # The sources say "the end of the current fiscal year (March 31)" (S29; SCMP: "the end of
    # March") and name no start day for the new posts: the handover's two days.
    assert eleme.start.text() == "between 2024-03-31 and 2024-04-01"
    flash = [s for s in history.roles if s.unit == alibaba.find_unit("Taobao Flash Sale")]
    assert flash and flash[0].end is not None and flash[0].end.text() == "2026-04-08"
    support = spans[(alibaba.find_unit("Foundation Model Support Group"), "Member")]
    assert support.start.text() == "2026-03-05"
    committee = spans[(alibaba.find_unit("Group Technology Committee"), "Member")]
    assert committee.start.text() == "2026-04-08"


def test_units_keep_identity_across_renames_and_merges(alibaba: Timeline) -> None:
    eleme = alibaba.find_unit("Ele.me")
    assert eleme == alibaba.find_unit("饿了么")
    quark = alibaba.find_unit("Intelligent Information Business Group")
    history = alibaba.unit_history(quark)
    assert history.successor == alibaba.find_unit("Qwen Consumer Business Group")


def test_taotian_continues_inside_the_ecommerce_group(alibaba: Timeline) -> None:
    # Taotian was moved into the E-commerce Business Group on 2024-11-21, not merged away:
    # 36Kr still names it inside the China E-commerce Business Group in April 2026 (S131).
    taotian = alibaba.find_unit("Taobao & Tmall Group")
    ecommerce = alibaba.find_unit("China E-commerce Business Group")
    assert at(alibaba, "2024-11-20").units[taotian].parent == alibaba.find_unit("Alibaba Group")
    for date in ("2024-11-21", "2026-04-09"):
        assert at(alibaba, date).units[taotian].parent == ecommerce
    assert alibaba.unit_history(taotian).successor is None


def test_li_feifei_is_not_the_stanford_professor(alibaba: Timeline) -> None:
    person = alibaba.find_person("李飞飞")
    text = f"{person.description} {person.notes}"
    assert "Stanford" in text and "not" in text.lower()


@pytest.mark.parametrize("query", ["Eddie Wu", "Wu Yongming", "吴泳铭", "wu yongming"])
def test_eddie_wu_by_every_name(alibaba: Timeline, query: str) -> None:
    assert alibaba.find_person(query).id == "eddie-wu"


def test_timeline_json_has_sourced_events_from_2022_12_to_2026_06() -> None:
    result = CliRunner().invoke(app, ["timeline", "--format", "json"], env=CLI_ENV)
    assert result.exit_code == 0, result.output
    events = json.loads(result.stdout)["events"]
    in_range = [e for e in events if "2022-12-01" <= (e["start"] or "") <= "2026-06-30"]
    assert len(in_range) >= 40
    for entry in events:
        assert entry["confidence"] in ("confirmed", "reported", "uncertain")
        assert entry["sources"] and all(s["url"].startswith("http") for s in entry["sources"])


def test_the_march_april_diff_tells_the_story(alibaba: Timeline) -> None:
    result = alibaba.diff(parse_query_date("2026-03-01").day, parse_query_date("2026-04-30").day)
    text = "\n".join(c.summary for c in result.changes)
    for needle in (
        "Lin Junyang",
        "Yu Bowen",
        "Foundation Model Support Group",
        "Alibaba Token Hub",
        "Qwen Division",
        "Wukong Division",
        "AI Innovation Division",
        "Group Technology Committee",
        "reclassified from lab to business unit",
        "Li Feifei — CTO",
    ):
        assert needle in text, needle


def test_today_reads_stale_where_the_sources_stop(alibaba: Timeline) -> None:
    # Issue 13: the data's knowledge ends on 2026-06-17; on 2026-11-29 a role whose last
    # source is older than 180 days before that is stale, not current.
    assert alibaba.coverage_end is not None and alibaba.coverage_end.iso() == "2026-06-17"
    state = at(alibaba, "2026-11-29")
    stale = {(r.person, r.unit, r.title) for r in state.roles if r.stale}
    fresh = {(r.person, r.unit, r.title) for r in state.roles if not r.stale}
    assert ("wu-zeming", "aicheng", "CEO") in stale
    assert ("jiang-jiangwei", "cloud-infra-bu", "Head") in stale
    assert ("eddie-wu", "alibaba-group", "CEO") in fresh  # confirmed 2026-06-08
    assert ("zhou-jingren", "alibaba-group", "Chief Scientist") in fresh
    history = alibaba.person_history("zhou-jingren", today=parse_query_date("2026-11-29").day)
    current = {(s.unit, s.title) for s in history.roles if s.status == "current"}
    assert ("damo", "Deputy Head") not in current
    assert all(not s.stale for s in history.roles if s.status == "current")


def test_the_aicheng_event_is_dated_by_its_source(alibaba: Timeline) -> None:
    event = alibaba.events["2023-06-wu-zeming-aicheng-ceo"]
    assert event.date.text() == "by 2023-05-10"
