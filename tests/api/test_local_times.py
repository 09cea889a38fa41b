"""Every instant the API returns is Europe/Stockholm time with its offset, moved ones too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from domain import system_commands as sc
from tests.api.conftest import ApiWorld, report_id
from tests.support.org import CYCLE

EKHAGEN = report_id("enh-ekhagen")
INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def instants(value: Any) -> Iterator[str]:
    if isinstance(value, str) and INSTANT.match(value):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from instants(v)
    elif isinstance(value, list):
        for v in value:
            yield from instants(v)


async def test_a_deadline_moved_in_utc_comes_back_in_stockholm_time(world: ApiWorld) -> None:
    moved = await world.post("move-report-deadline", "gun", report_id=EKHAGEN,
                             new_deadline="2022-11-25T07:50:00Z", reason="Ny enhetschef")
    assert moved.status_code == 200, moved.text
    report = await world.json(f"/api/reports/{EKHAGEN}")
    board = await world.json(f"/api/cycles/{CYCLE}")
    [task] = await world.json("/api/att-gora", "anna")
    history = await world.json(f"/api/history/{EKHAGEN}")

    assert report["deadline"] == "2022-11-25T08:50:00+01:00"
    row = next(r for r in board["rows"] if r["report_id"] == EKHAGEN)
    assert row["deadline"] == task["deadline"] == "2022-11-25T08:50:00+01:00"
    assert board["deadlines"]["enhet"] == "2022-08-23T23:59:00+02:00"
    assert history[-1]["payload"]["new"] == "2022-11-25T08:50:00+01:00"
    assert history[-1]["recorded_at"] == "2022-08-12T10:00:00+02:00"


async def test_no_read_returns_an_instant_in_utc(world: ApiWorld) -> None:
    await world.post("move-report-deadline", "gun", report_id=EKHAGEN,
                     new_deadline="2022-08-30T06:50:00Z", reason="Ny enhetschef")
    await world.post("klarmarkera", "anna", report_id=EKHAGEN)
    world.app.execute_system(sc.RecordReminderSent(
        command_id="t:reminder", occurred_at=datetime(2022, 8, 29, 6, tzinfo=UTC),
        report_id=EKHAGEN, task="attestera", deadline=datetime(2022, 8, 31, 21, 59, tzinfo=UTC)))
    seen = []
    reads = (f"/api/reports/{EKHAGEN}", f"/api/cycles/{CYCLE}", "/api/cycles",
             "/api/audit-trail", "/api/reminders")
    for path in reads:
        seen += list(instants(await world.json(path)))
    seen += list(instants(await world.json("/api/att-gora", "david")))
    assert len(seen) > 20
    assert all(s.endswith(("+01:00", "+02:00")) for s in seen), \
        [s for s in seen if not s.endswith(("+01:00", "+02:00"))]
