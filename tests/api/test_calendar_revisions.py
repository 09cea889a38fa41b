"""A calendar event changes (and raises its SEQUENCE) only when what it shows changes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from icalendar import Calendar

from domain import system_commands as sc
from infrastructure.ical import event_uid
from tests.api.conftest import ApiWorld, report_id
from tests.support.org import CYCLE

EKHAGEN = report_id("enh-ekhagen")
UID = event_uid(EKHAGEN, "klarmarkera")


async def annas_event(world: ApiWorld) -> Any:
    response = await world.get("/calendar/person/anna.ics", "anna")
    assert response.status_code == 200, response.text
    [event] = [e for e in Calendar.from_ical(response.content).walk("VEVENT")
               if str(e["UID"]) == UID]
    return event


def revision(event: Any) -> tuple[int, datetime, str]:
    return (int(event["SEQUENCE"]), event.decoded("LAST-MODIFIED"),
            str(event["DESCRIPTION"]))


async def change_item(world: ApiWorld, text: str) -> None:
    response = await world.post("change-item", "anna", report_id=EKHAGEN,
                                item_id="mal-trygg-vard", field="analys", value=text)
    assert response.status_code == 200, response.text


async def test_what_the_event_does_not_show_leaves_it_as_it_was(world: ApiWorld) -> None:
    first = revision(await annas_event(world))
    world.clock.advance(hours=1)
    await change_item(world, "Första utkastet")  # ej påbörjad → pågår: shown
    started = revision(await annas_event(world))
    world.clock.advance(hours=1)
    await change_item(world, "Andra utkastet")
    world.app.execute_system(sc.RecordReminderSent(
        command_id="t:reminder", occurred_at=world.clock.now, report_id=EKHAGEN,
        task="klarmarkera", deadline=datetime(2022, 8, 23, 21, 59, tzinfo=UTC)))
    moved = await world.post("move-cycle-deadline", "gun", cycle_id=str(CYCLE),
                             level="avdelning", new_deadline="2022-09-01T23:59:00+02:00",
                             reason="Semester")
    assert moved.status_code == 200, moved.text
    later = revision(await annas_event(world))
    assert first[0] == 0 and "Status: Ej påbörjad" in first[2]
    assert started[0] == 1 and "Status: Pågår" in started[2]
    assert later == started


async def test_after_the_deadline_the_event_says_it_is_late(world: ApiWorld) -> None:
    before = revision(await annas_event(world))
    world.clock.now = datetime(2022, 8, 24, 8, 0, tzinfo=UTC)
    late = revision(await annas_event(world))
    world.clock.advance(days=1)
    still = revision(await annas_event(world))
    assert "Status: Ej påbörjad – försenad" in late[2]
    assert late[0] == before[0] + 1
    # It changed when the deadline passed, not whenever the feed is read.
    assert late[1] == datetime(2022, 8, 23, 21, 59, tzinfo=UTC)
    assert still == late
