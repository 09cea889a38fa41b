"""Reads over HTTP: att-göra, board, report, history and verification, now and as of then."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from domain import system_commands as sc
from tests.api.conftest import ApiWorld, report_id
from tests.support.org import CYCLE
from tests.support.tamper import StoreTamperer

EKHAGEN = report_id("enh-ekhagen")
SUMMER_CYCLE = {"namnd_code": "VON", "process": "manadsuppfoljning", "year": 2022,
                "title": "Månadsuppföljning juni 2022", "enhet_deadline": "2022-07-20",
                "avdelning_deadline": "2022-07-27", "forvaltning_deadline": "2022-08-03",
                "underlag_date": "2022-08-04", "beslut_date": "2022-08-25"}


def tasks(items: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(t["task"], t["unit_id"]) for t in items]


class TestAttGora:
    async def test_the_enhetschef_sees_her_report_to_klarmarkera(self, world: ApiWorld) -> None:
        assert tasks(await world.json("/api/att-gora", "anna")) == [("klarmarkera",
                                                                    "enh-ekhagen")]

    async def test_klarmarkering_moves_the_task_to_the_avdelningschef(
            self, world: ApiWorld) -> None:
        await world.post("klarmarkera", "anna", report_id=EKHAGEN)
        assert await world.json("/api/att-gora", "anna") == []
        assert ("attestera", "enh-ekhagen") in tasks(await world.json("/api/att-gora", "david"))

    async def test_as_of_shows_the_list_as_it_was_then(self, world: ApiWorld) -> None:
        before = world.clock.advance(hours=1).isoformat()
        world.clock.advance(hours=1)
        await world.post("klarmarkera", "anna", report_id=EKHAGEN)
        assert tasks(await world.json("/api/att-gora", "anna", as_of=before)) == [
            ("klarmarkera", "enh-ekhagen")]
        assert ("attestera", "enh-ekhagen") not in tasks(
            await world.json("/api/att-gora", "david", as_of=before))

    async def test_a_vikarie_gets_the_chefs_task_on_behalf_of_the_chef(
            self, world: ApiWorld) -> None:
        world.clock.now = datetime(2022, 7, 12, 8, 0, tzinfo=UTC)
        opened = await world.post("open-cycle", "gun", **SUMMER_CYCLE)
        assert opened.status_code == 200, opened.text
        ida = await world.json("/api/att-gora", "ida")
        summer = [t for t in ida if t["cycle_title"] == SUMMER_CYCLE["title"]]
        assert [(t["task"], t["unit_id"], t["on_behalf_of"]) for t in summer] == [
            ("klarmarkera", "enh-ekhagen", "anna")]

    async def test_me_shows_a_vikarie_acting_for_the_chef_during_the_vikariat(
            self, world: ApiWorld) -> None:
        during = "2022-07-15T12:00:00+02:00"
        me = await world.json("/api/me", "ida", as_of=during)
        assert me["roles"] == [{"role": "enhetschef", "unit_id": "enh-ekhagen",
                                "substitute_for": "anna"}]


class TestBoardAndReport:
    async def test_the_cycle_board_lists_every_unit_with_status(self, world: ApiWorld) -> None:
        await world.post("klarmarkera", "anna", report_id=EKHAGEN)
        board = await world.json(f"/api/cycles/{CYCLE}")
        statuses = {r["unit_id"]: r["status_label"] for r in board["rows"]}
        assert statuses["enh-ekhagen"] == "Klarmarkerad"
        assert statuses["enh-bjorkliden"] == "Ej påbörjad"
        assert len(statuses) == 6

    async def test_a_report_as_of_before_a_change_shows_the_old_status(
            self, world: ApiWorld) -> None:
        before = world.clock.advance(minutes=5).isoformat()
        world.clock.advance(minutes=5)
        await world.post("klarmarkera", "anna", report_id=EKHAGEN)
        old = await world.json(f"/api/reports/{EKHAGEN}", as_of=before)
        assert (old["status"], old["version"]) == ("ej_paborjad", 1)

    async def test_nothing_existed_before_the_cycle_was_opened(self, world: ApiWorld) -> None:
        response = await world.get(f"/api/cycles/{CYCLE}", as_of="2022-08-01T00:00:00+02:00")
        assert response.status_code == 404
        assert await world.json("/api/cycles", as_of="2022-08-01T00:00:00+02:00") == []


class TestAudit:
    async def test_history_names_who_did_what_in_which_role(self, world: ApiWorld) -> None:
        await world.post("klarmarkera", "anna", report_id=EKHAGEN, command_id="k-anna")
        entries = await world.json(f"/api/history/{EKHAGEN}")
        assert [e["event_type"] for e in entries] == ["UnitReport.Opened",
                                                      "UnitReport.Klarmarkerad"]
        last = entries[-1]
        assert (last["person_id"], last["role"], last["command_id"]) == (
            "anna", "enhetschef", "k-anna")

    async def test_the_auditor_verifies_the_store_and_finds_tampering(
            self, world: ApiWorld) -> None:
        await world.post("klarmarkera", "anna", report_id=EKHAGEN)
        StoreTamperer(world.env).delete(UUID(EKHAGEN), 1)
        # The live check walks what it has not checked yet (here: everything); a rewrite of
        # events it already checked is for the full walk, arsplan verify.
        found = await world.json("/api/verify")
        assert found["ok"] is False
        assert found["broken"]["originator_id"] == EKHAGEN
        assert found["broken"]["event_type"] == "UnitReport.Klarmarkerad"

    async def test_the_live_check_goes_on_from_where_it_stopped(self, world: ApiWorld) -> None:
        clean = await world.json("/api/verify")
        await world.post("klarmarkera", "anna", report_id=EKHAGEN)
        later = await world.json("/api/verify")
        assert clean["ok"] and later["ok"]
        assert later["events_checked"] == clean["events_checked"] + 1

    async def test_the_audit_trail_narrows_by_person_and_goes_back_in_time(
            self, world: ApiWorld) -> None:
        before = world.clock.advance(minutes=1).isoformat()
        world.clock.advance(minutes=1)
        await world.post("klarmarkera", "anna", report_id=EKHAGEN)
        by_anna = await world.json("/api/audit-trail", actor="anna")
        assert [(e["event_type"], e["aggregate_id"]) for e in by_anna] == [
            ("UnitReport.Klarmarkerad", EKHAGEN)]
        assert await world.json("/api/audit-trail", actor="anna", as_of=before) == []


class TestReminders:
    async def test_reminders_the_workflows_recorded_are_listed_per_recipient(
            self, world: ApiWorld) -> None:
        deadline = datetime(2022, 8, 23, 21, 59, tzinfo=UTC)
        world.app.execute_system(sc.RecordReminderSent(
            command_id="reminder:ekhagen:1", occurred_at=world.clock.now,
            report_id=UUID(EKHAGEN), task="klarmarkera", deadline=deadline, overdue=False))
        reminders = await world.json("/api/reminders", recipient="anna")
        assert [(r["unit_id"], r["task"], r["overdue"]) for r in reminders] == [
            ("enh-ekhagen", "klarmarkera", False)]
        assert await world.json("/api/reminders", recipient="bertil") == []


class TestProbes:
    async def test_health_answers_without_a_token(self, world: ApiWorld) -> None:
        for path in ("/health", "/api/health"):
            response = await world.http.get(path)
            assert (response.status_code, response.json()) == (200, {"status": "ok"})
