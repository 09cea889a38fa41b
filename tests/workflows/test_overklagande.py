"""Överklagandetid of a beslut anslaget on its own: a durable timer, or an överklagande."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from temporalio.client import WorkflowHandle

from domain import delegation_commands as dc
from domain.calendar import STOCKHOLM
from domain.delegationsbeslut import Delegationsbeslut
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.unit.von_delegation import ORDFORANDE, SEKRETERARE, decide, load_von
from tests.workflows.harness import Scenario, scenario
from workflows.ids import overklagande_workflow_id

START = datetime(2022, 10, 3, 8, tzinfo=STOCKHOLM)


def _anslaget(app: TestEngine, anslag: date) -> UUID:
    beslut = decide(app, ORDFORANDE, "2.1.1", date(2022, 10, 3), laglighetsprovning=True,
                    command_id="appealable").aggregate_id
    app.execute(dc.AnslaDelegationsbeslut(beslut_id=beslut, anslag_date=anslag), SEKRETERARE)
    return beslut


async def start_overklagande_timer(s: Scenario, beslut: UUID) -> WorkflowHandle[Any, Any]:
    """The follower starts the timer of a beslut anslaget on its own."""
    await s.deliver()
    return s.client.get_workflow_handle(overklagande_workflow_id(str(beslut)))


async def test_laga_kraft_is_recorded_the_day_after_the_last_day(
        tmp_path: Path, app: TestEngine, clock: ManualClock, store_env: dict[str, str]) -> None:
    clock.now = START
    load_von(app)
    beslut = _anslaget(app, date(2022, 10, 4))
    async with scenario(tmp_path, app, clock, store_env, START) as s:
        handle = await start_overklagande_timer(s, beslut)
        await s.advance_to(datetime(2022, 10, 27, 9, tzinfo=STOCKHOLM))
        assert await handle.result() == "laga_kraft"
    assert app.get(beslut, Delegationsbeslut).laga_kraft_on == date(2022, 10, 26)


async def test_an_overklagande_within_the_time_stops_laga_kraft(
        tmp_path: Path, app: TestEngine, clock: ManualClock, store_env: dict[str, str]) -> None:
    clock.now = START
    load_von(app)
    beslut = _anslaget(app, date(2022, 10, 4))
    async with scenario(tmp_path, app, clock, store_env, START) as s:
        handle = await start_overklagande_timer(s, beslut)
        await s.advance_to(datetime(2022, 10, 20, 10, tzinfo=STOCKHOLM), handle)
        app.execute(dc.RegisterOverklagande(
            beslut_id=beslut, received_on=date(2022, 10, 20),
            reference="Förvaltningsrätten mål 99-22"), SEKRETERARE)
        await s.deliver(handle)
        assert await handle.result() == "overklagat"
        # The signal ended the wait: the timer's activity never ran.
        history = [e async for e in handle.fetch_history_events()]
        assert not any(e.HasField("activity_task_scheduled_event_attributes") for e in history)
    assert app.get(beslut, Delegationsbeslut).laga_kraft_on is None
