"""The controller's cycle page: the organisation's tree with progress, late units marked,
deadlines moved through the forms, a cycle opened from the stored årsplan, and the årsplan's
year view. Real components: the VON demo world, the command bus, the read models."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.dashboard_arsplan import timeline, year_rows
from domain import system_commands as sc
from domain.arsplan import Arsplan, Milestone
from domain.calendar import end_of_day
from domain.cycle import Cycle
from domain.ids import arsplan_id, cycle_id
from domain.unit_report import UnitReport
from tests.support.dashboard import csrf_of, sign_in_sync
from tests.support.read_world import (
    CECILIAS_UNIT,
    READERS,
    SARAS_UNIT,
    ReadWorld,
    auth,
    read_world,
    token,
)

CONTROLLER, SARA = READERS["controller"], READERS["enhetschef"]
BJARKEGARDEN = "Bjärkegården"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[ReadWorld]:
    with read_world(tmp_path) as built:
        yield built


@pytest.fixture
def http(world: ReadWorld) -> Iterator[TestClient]:
    with TestClient(world.api, follow_redirects=False) as client:
        yield client


def signed_in(http: TestClient, person: str) -> None:
    assert sign_in_sync(http, token(person)).status_code == 303


def form_fields(page: str, action: str, containing: str) -> dict[str, str]:
    """The hidden fields of the form posting to ``action`` that mentions ``containing``."""
    for form in re.findall(rf'<form method="post" action="{re.escape(action)}".*?</form>',
                           page, re.S):
        if containing in form:
            return dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form))
    raise AssertionError(f"no form to {action} with {containing!r}")


def share(page: str, level: str, column: int) -> str:
    row = re.search(rf'<tr data-niva="{level}">(.*?)</tr>', page, re.S)
    assert row is not None, page
    found: list[str] = re.findall(r"<span>(\d+ av \d+ \(\d+ %\))</span>", row.group(1))
    return found[column]


def expected(n: int, total: int) -> str:
    return f"{n} av {total} ({round(100 * n / total)} %)"


class TestTree:
    def test_each_levels_percentages_match_the_boards_counts(
            self, http: TestClient, world: ReadWorld) -> None:
        board = http.get(f"/api/cycles/{world.cycle_id}", headers=auth(CONTROLLER)).json()
        page = http.get(f"/cykler/{world.cycle_id}", headers=auth(CONTROLLER)).text
        for level in ("enhet", "avdelning", "forvaltning"):
            rows = [r for r in board["rows"] if r["unit_kind"] == level]
            klar = sum(r["status"] in ("klarmarkerad", "godkand") for r in rows)
            assert share(page, level, 0) == expected(klar, len(rows))
        godkanda = sum(r["status"] == "godkand" for r in board["rows"]
                       if r["unit_kind"] == "enhet")
        assert share(page, "enhet", 1) == expected(godkanda, 16)
        # The förvaltning's node counts the whole cycle: the board's counts.
        counts = board["counts"]
        total = sum(counts.values())
        root = page.split('<ul class="trad">', 1)[1]
        assert expected(counts["klarmarkerad"] + counts["godkand"], total) in \
            root.split("<ul>", 1)[0]
        assert "1 av 3 (33 %)" in root.split("Planering</span>", 1)[1].split("<ul>", 1)[0]

    def test_a_late_unit_is_marked_in_words(self, http: TestClient, world: ReadWorld) -> None:
        page = http.get(f"/cykler/{world.cycle_id}", headers=auth(CONTROLLER)).text
        late = re.search(rf'<li class="nod nod-enhet sen">\s*<span class="nod-namn">'
                         rf'{BJARKEGARDEN}</span>(.*?)</li>', page, re.S)
        assert late is not None and "Försenad, 2 dagar sen" in late.group(1)
        assert "Påminnelser: 1" in late.group(1)
        # Sara's report is klarmarkerad: not late, though its deadline has passed.
        saras = re.search(r'<li class="([^"]*)">\s*<span class="nod-namn">Schema och '
                          r'resursenheten</span>(.*?)</li>', page, re.S)
        assert saras is not None and "sen" not in saras.group(1).split()
        assert "Försenad" not in saras.group(2)

    def test_an_escalated_unit_is_marked_in_words(self, http: TestClient,
                                                  world: ReadWorld) -> None:
        report = world.report_id(CECILIAS_UNIT)
        world.app.execute_system(sc.RecordDeadlinePassed(
            command_id="test:passed:bjarkegarden", occurred_at=world.clock.now,
            report_id=report, task="klarmarkera",
            deadline=world.app.get(report, UnitReport).deadline))
        page = http.get(f"/cykler/{world.cycle_id}", headers=auth(CONTROLLER)).text
        node = re.search(rf'<li class="nod nod-enhet sen eskalerad">\s*<span class="nod-namn">'
                         rf'{BJARKEGARDEN}</span>(.*?)</li>', page, re.S)
        assert node is not None and "Eskalerad (1)" in node.group(1)
        assert re.search(rf"{BJARKEGARDEN}</a></td>.*?1 <span class=\"bad\">\(eskalerad\)",
                         page, re.S)

    def test_an_enhetschef_sees_her_part_of_the_tree_and_no_forms(
            self, http: TestClient, world: ReadWorld) -> None:
        page = http.get(f"/cykler/{world.cycle_id}", headers=auth(SARA)).text
        tree = page.split('<ul class="trad">', 1)[1].split("</ul>\n", 1)[0]
        assert "Schema och resursenheten" in tree and "Planering" in tree
        assert BJARKEGARDEN not in tree and "Administrativa enheten" not in tree
        assert 'method="post"' not in page.split("<main", 1)[1]
        assert "Sammanställt underlag" not in page
        assert "Öppna en cykel" not in http.get("/cykler", headers=auth(SARA)).text


class TestDeadlineForms:
    def test_the_controller_moves_a_units_deadline(self, http: TestClient,
                                                   world: ReadWorld) -> None:
        signed_in(http, CONTROLLER)
        action = f"/cykler/{world.cycle_id}/enhetens-tidsgrans"
        page = http.get(f"/cykler/{world.cycle_id}").text
        assert f'href="/cykler/{world.cycle_id}/underlag"' in page
        report = world.report_id(CECILIAS_UNIT)
        fields = form_fields(page, action, str(report))
        response = http.post(action, data=fields | {
            "new_deadline": "2026-12-18", "reason": "Ny enhetschef tillträder"})
        assert (response.status_code, response.headers["location"]) == (
            303, f"/cykler/{world.cycle_id}")
        assert world.app.get(report, UnitReport).deadline == end_of_day(date(2026, 12, 18))
        moved = list(world.app.aggregate_events(report))[-1]
        assert type(moved).__name__ == "DeadlineMoved"
        assert (moved.actor.person_id, moved.actor.role) == (CONTROLLER, "controller")
        after = http.get(f"/cykler/{world.cycle_id}").text
        assert re.search(rf"{BJARKEGARDEN}</a></td>.*?2026-12-18 23:59</td>", after, re.S)

    def test_the_controller_moves_a_levels_deadline(self, http: TestClient,
                                                    world: ReadWorld) -> None:
        signed_in(http, CONTROLLER)
        action = f"/cykler/{world.cycle_id}/tidsgrans"
        page = http.get(f"/cykler/{world.cycle_id}").text
        response = http.post(action, data=form_fields(page, action, 'value="avdelning"') | {
            "new_deadline": "2026-12-20", "reason": "Nämndens sammanträde flyttat"})
        assert response.status_code == 303
        new = end_of_day(date(2026, 12, 20))
        assert world.app.get(world.cycle_id, Cycle).deadlines["avdelning"] == new
        assert world.app.get(world.report_id("avd-planering"), UnitReport).deadline == new

    @pytest.mark.parametrize("typed", ["18/12/2026", "2026-13-01", "imorgon"])
    def test_a_bad_date_names_the_field(self, http: TestClient, world: ReadWorld,
                                        typed: str) -> None:
        signed_in(http, CONTROLLER)
        action = f"/cykler/{world.cycle_id}/enhetens-tidsgrans"
        report = world.report_id(CECILIAS_UNIT)
        before = world.app.get(report, UnitReport).deadline
        fields = form_fields(http.get(f"/cykler/{world.cycle_id}").text, action, str(report))
        response = http.post(action, data=fields | {"new_deadline": typed, "reason": "x"})
        assert response.status_code == 422
        alert = re.search(r'role="alert">(.*?)</div>', response.text, re.S)
        assert alert is not None
        assert f"Ny tidsgräns för {BJARKEGARDEN}" in alert.group(1)
        assert "ÅÅÅÅ-MM-DD" in alert.group(1)
        assert world.app.get(report, UnitReport).deadline == before

    def test_a_missing_reason_is_named(self, http: TestClient, world: ReadWorld) -> None:
        signed_in(http, CONTROLLER)
        action = f"/cykler/{world.cycle_id}/tidsgrans"
        page = http.get(f"/cykler/{world.cycle_id}").text
        response = http.post(action, data=form_fields(page, action, 'value="enhet"') | {
            "new_deadline": "2026-12-20", "reason": " "})
        assert response.status_code == 422 and "Motivering" in response.text

    def test_an_enhetschefs_post_is_refused_naming_the_rule(
            self, http: TestClient, world: ReadWorld) -> None:
        signed_in(http, SARA)
        page = http.get(f"/cykler/{world.cycle_id}").text
        assert "<form method=\"post\" action=\"/cykler/" not in page
        report = world.report_id(SARAS_UNIT)
        before = world.app.get(report, UnitReport).deadline
        response = http.post(f"/cykler/{world.cycle_id}/enhetens-tidsgrans", data={
            "report_id": str(report), "command_id": "sara-1", "csrf_token": csrf_of(page),
            "new_deadline": "2026-12-31", "reason": "Mer tid"})
        assert response.status_code == 403
        assert "role_not_held" in response.text and 'role="alert"' in response.text
        assert world.app.get(report, UnitReport).deadline == before


class TestOpenFromPlan:
    def test_opening_a_cycle_takes_the_plans_dates(self, http: TestClient,
                                                   world: ReadWorld) -> None:
        signed_in(http, CONTROLLER)
        page = http.get("/cykler").text
        assert "Öppna en cykel från årsplanen" in page
        assert "Obs! Redan passerat: öppning 2022-08-12, enheter 2022-08-23" in page
        fields = form_fields(page, "/cykler/oppna", 'value="2022/2023|delarsbokslut|2022"')
        response = http.post("/cykler/oppna", data=fields | {
            "planned": "2022/2023|delarsbokslut|2022"})
        opened = cycle_id("VON", "delarsbokslut", 2022)
        assert (response.status_code, response.headers["location"]) == (
            303, f"/cykler/{opened}")
        cycle = world.app.get(opened, Cycle)
        plan = world.app.get(arsplan_id("VON", "2022/2023"), Arsplan)
        schedule = plan.schedule_of("delarsbokslut", 2022)
        assert (cycle.title, cycle.underlag_date, cycle.beslut_date) == (
            "Delårsbokslut 2022", date(2022, 9, 13), date(2022, 9, 27))
        assert cycle.deadlines == {
            "enhet": end_of_day(schedule.enhet_deadline),
            "avdelning": end_of_day(date(2022, 8, 30)),
            "forvaltning": end_of_day(date(2022, 9, 12))}
        assert http.get(f"/cykler/{opened}").status_code == 200
        # Opened once: the plan's row says so and the form no longer offers it.
        again = http.get("/cykler").text
        assert 'value="2022/2023|delarsbokslut|2022"' not in again
        assert "Cykeln Delårsbokslut 2022 är redan öppnad" in again

    def test_an_unknown_planned_cycle_is_refused(self, http: TestClient,
                                                 world: ReadWorld) -> None:
        signed_in(http, CONTROLLER)
        fields = form_fields(http.get("/cykler").text, "/cykler/oppna", "planned")
        response = http.post("/cykler/oppna", data=fields | {
            "planned": "2022/2023|budget|2022"})
        assert response.status_code == 404 and "budget 2022" in response.text

    def test_the_enhetschef_cannot_open_one(self, http: TestClient, world: ReadWorld) -> None:
        signed_in(http, SARA)
        page = http.get("/cykler").text
        assert "Öppna en cykel" not in page
        response = http.post("/cykler/oppna", data={
            "planned": "2022/2023|delarsbokslut|2022", "command_id": "sara-open",
            "csrf_token": csrf_of(page)})
        assert response.status_code == 403 and "role_not_held" in response.text
        assert not world.app.exists(cycle_id("VON", "delarsbokslut", 2022))


class TestArsplan:
    def test_the_year_view_lists_the_milestones_and_marks_today(
            self, http: TestClient, world: ReadWorld) -> None:
        page = http.get("/arsplan", headers=auth(READERS["ordförande"])).text
        plan = world.app.get(arsplan_id("VON", "2022/2023"), Arsplan)
        for m in plan.milestones.values():
            assert m.step.replace("&", "&amp;") in page, m.milestone_id
        today = re.search(r'<tr class="idag-rad" aria-current="date"><td>([\d-]+)</td>', page)
        assert today is not None and today.group(1) == world.app.today().isoformat()
        # After every milestone of 2022/2023: the marker is each table's last row.
        for table in re.findall(r'<table class="arsplan">(.*?)</table>', page, re.S):
            assert table.rstrip().endswith("</tr>") and table.count("idag-rad") == 1
            assert table.rfind("idag-rad") > table.rfind("Passerad")
        assert "Dagens datum ligger utanför årsplanen" in page
        assert 'aria-labelledby="tidslinje-titel"' in page

    def test_another_namnds_member_may_not_read_it(self, http: TestClient,
                                                   world: ReadWorld) -> None:
        response = http.get("/arsplan", headers=auth(READERS["annan nämnd"]))
        assert response.status_code == 403

    def test_today_inside_the_plan_falls_between_its_milestones(self) -> None:
        def m(i: str, start: date, end: date) -> Milestone:
            return Milestone(i, "forvaltning", "delarsbokslut", i, start, end)
        plan = [m("a", date(2022, 8, 12), date(2022, 8, 23)),
                m("b", date(2022, 9, 13), date(2022, 9, 13)),
                m("c", date(2022, 8, 24), date(2022, 8, 30))]
        rows = year_rows(plan, date(2022, 8, 25))
        assert [(r.milestone.milestone_id if r.milestone else "idag", r.when)
                for r in rows] == [("a", "passerad"), ("c", "pågår"), ("idag", "idag"),
                                   ("b", "kommande")]
        drawn = timeline(plan, date(2022, 8, 25))
        assert drawn["today_x"] is not None
        assert timeline(plan, date(2026, 1, 1))["today_x"] is None


def test_the_board_as_of_offers_no_forms(http: TestClient, world: ReadWorld) -> None:
    page = http.get(f"/cykler/{world.cycle_id}", headers=auth(CONTROLLER),
                    params={"as_of": world.app.clock().isoformat()})
    assert page.status_code == 200
    assert 'method="post"' not in page.text.split("<main", 1)[1]
