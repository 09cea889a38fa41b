"""A simulated autumn of VON sammanträden on the time-skipping server.

Delegationsbeslut are taken between meetings; each MeetingWorkflow compiles its
anmälningslista at the cut-off, reminds about justering, anslår the protokoll and
starts the överklagandetid timers, which record laga kraft on the right day.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from domain import delegation_commands as dc
from domain.calendar import STOCKHOLM
from domain.delegation_ledger import DelegationLedger
from domain.delegationsbeslut import Delegationsbeslut
from domain.ids import delegation_ledger_id, meeting_id
from domain.meeting import Meeting
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.unit.von_delegation import (
    AU_LEDAMOT,
    FORVALTNINGSCHEF,
    LEDAMOT,
    ORDFORANDE,
    SEKRETERARE,
    decide,
    load_von,
)
from tests.unit.von_meetings import add, hold, schedule
from tests.workflows.harness import Scenario, scenario
from workflows.ids import meeting_workflow_id, overklagande_workflow_id
from workflows.meeting import MeetingWorkflow

START = datetime(2022, 9, 28, 8, tzinfo=STOCKHOLM)
MEETINGS = [date(2022, 10, 25), date(2022, 11, 29), date(2022, 12, 6)]
HISTORIES = Path(__file__).parent / "histories"


def at(day: str, hhmm: str = "09:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=STOCKHOLM)


class Autumn:
    """The beslut and meeting steps of the scenario, in date order."""

    def __init__(self, app: TestEngine) -> None:
        self.app = app
        self.beslut: dict[str, UUID] = {}

    def decide(self, name: str, person: str, row: str, on: str, **fields: Any) -> None:
        self.beslut[name] = decide(self.app, person, row, date.fromisoformat(on),
                                   command_id=f"beslut-{name}", **fields).aggregate_id

    def justera(self, meeting: date, person: str, on: str) -> None:
        self.app.execute(dc.Justera(meeting_id=self.meeting(meeting),
                                    on=date.fromisoformat(on)), person)

    def meeting(self, on: date) -> UUID:
        return meeting_id("VON", on)

    def steps(self) -> list[tuple[datetime, Callable[[], object]]]:
        ten, nov, dec = MEETINGS
        return [
            (at("2022-10-05"), lambda: self.decide(
                "ordf-okt", ORDFORANDE, "2.1.1", "2022-10-05", laglighetsprovning=True)),
            (at("2022-10-06"), lambda: self.decide(
                "avslag", FORVALTNINGSCHEF, "2.1.3", "2022-10-06")),
            (at("2022-10-10"), lambda: self.decide(
                "pa-18h", FORVALTNINGSCHEF, "3.3.2", "2022-10-10", amount=18)),
            (at("2022-10-12"), lambda: self.decide(
                "pa-25h", AU_LEDAMOT, "3.3.2", "2022-10-12", amount=25)),
            (at("2022-10-20"), lambda: self.decide(
                "ordf-efter-brytdag", ORDFORANDE, "2.1.1", "2022-10-20",
                laglighetsprovning=False)),
            (at("2022-10-25", "15:00"), lambda: hold(self.app, self.meeting(ten))),
            (at("2022-10-26"), lambda: self.justera(ten, ORDFORANDE, "2022-10-26")),
            (at("2022-10-27"), lambda: self.justera(ten, LEDAMOT, "2022-10-27")),
            (at("2022-11-02"), lambda: self.decide(
                "andring", FORVALTNINGSCHEF, "2.1.2", "2022-11-02",
                original_beslut_id=self.beslut["avslag"], laglighetsprovning=True)),
            (at("2022-11-28"), lambda: self.decide(
                "ordf-nov", ORDFORANDE, "2.1.1", "2022-11-28", laglighetsprovning=True)),
            (at("2022-11-29", "15:00"), lambda: hold(self.app, self.meeting(nov))),
            (at("2022-11-30"), lambda: self.justera(nov, ORDFORANDE, "2022-11-30")),
            (at("2022-12-01"), lambda: self.decide(
                "ordf-dec", ORDFORANDE, "2.1.1", "2022-12-01", laglighetsprovning=False)),
            (at("2022-12-05"), lambda: self.justera(nov, LEDAMOT, "2022-12-05")),
            (at("2022-12-06", "15:00"), lambda: hold(self.app, self.meeting(dec))),
            (at("2022-12-07"), lambda: self.justera(dec, ORDFORANDE, "2022-12-07")),
            (at("2022-12-10"), lambda: self.justera(dec, LEDAMOT, "2022-12-10")),
            (at("2022-12-15"), lambda: self.app.execute(dc.RegisterOverklagande(
                beslut_id=self.beslut["andring"], received_on=date(2022, 12, 15),
                reference="Förvaltningsrätten mål 1234-22"), SEKRETERARE)),
        ]


async def test_a_simulated_autumn_puts_each_anmalningspliktigt_beslut_on_one_list(
        tmp_path: Path, app: TestEngine, clock: ManualClock, store_env: dict[str, str]) -> None:
    clock.now = START
    load_von(app)
    autumn = Autumn(app)
    for day in MEETINGS:
        mid = schedule(app, day)
        add(app, mid, f"{day.year}.{day.month + 200:03d} VON", "Redovisning av avvikelser")
    async with scenario(tmp_path, app, clock, store_env, START) as s:
        # The follower starts each scheduled meeting's workflow.
        await s.follower.poll_once()  # type: ignore[union-attr]
        handles = [s.client.get_workflow_handle_for(
            MeetingWorkflow.run, meeting_workflow_id(str(autumn.meeting(day))))
            for day in MEETINGS]
        for instant, step in autumn.steps():
            await s.advance_to(instant, *handles)
            step()
            await s.deliver(*handles)
        # Past the last överklagandetid (ordf-nov: laga kraft 2023-01-03): all have ended.
        await s.advance_to(at("2023-01-10"), *handles)
        outcomes = [await h.result() for h in handles]
        timers = {name: await s.client.get_workflow_handle(
            overklagande_workflow_id(str(autumn.beslut[name]))).result()
            for name in ("ordf-okt", "andring", "ordf-nov")}
        if os.environ.get("ARSPLAN_RECORD_HISTORIES") == "1":
            await record_histories(s, autumn)

    b = autumn.beslut
    lists = [app.get(autumn.meeting(day), Meeting).anmalningslista for day in MEETINGS]
    # Each anmälningspliktigt beslut on exactly one list; the others on none.
    assert lists == [[b["ordf-okt"]], [b["ordf-efter-brytdag"], b["andring"]], [b["ordf-nov"]]]
    assert app.get(delegation_ledger_id("VON"), DelegationLedger).is_pending(b["ordf-dec"])
    for name in ("avslag", "pa-18h", "pa-25h", "ordf-dec"):
        assert app.get(b[name], Delegationsbeslut).listed_on is None
    # Protokoll record the anmälan under the standing ärende's §.
    assert app.get(b["andring"], Delegationsbeslut).anmald_paragraph == "§ 4"
    # Reminders until justering: none in October, two for the late November justerare.
    assert [o.reminders for o in outcomes] == [0, 2, 1]
    assert [app.get(autumn.meeting(d), Meeting).status for d in MEETINGS] == ["expedierat"] * 3
    # Överklagandetid: three weeks from anslag, past weekends and nyårsafton.
    assert timers == {"ordf-okt": "laga_kraft", "andring": "overklagat", "ordf-nov": "laga_kraft"}
    assert _laga_kraft_day(app, b["ordf-okt"]) == date(2022, 11, 18)  # anslag 10-27 + 3 v + 1
    assert _laga_kraft_day(app, b["ordf-nov"]) == date(2023, 1, 3)  # 12-31 lör → 01-02
    assert app.get(b["andring"], Delegationsbeslut).laga_kraft_on is None


async def record_histories(s: Scenario, autumn: Autumn) -> None:
    """Writes the run's histories for the replay test (ARSPLAN_RECORD_HISTORIES=1): the
    November meeting (reminders until justering, one överklagandetid started) and the
    överklagandetider that ran out (laga kraft) and were stopped by an överklagande."""
    picks = {"meeting_november": meeting_workflow_id(str(autumn.meeting(MEETINGS[1]))),
             "overklagande_laga_kraft": overklagande_workflow_id(str(autumn.beslut["ordf-okt"])),
             "overklagande_overklagat": overklagande_workflow_id(str(autumn.beslut["andring"]))}
    for name, workflow_id in picks.items():
        history = await s.client.get_workflow_handle(workflow_id).fetch_history()
        (HISTORIES / f"delegation_2022_{name}.json").write_text(history.to_json())


def _laga_kraft_day(app: TestEngine, beslut_id: UUID) -> date:
    events = [e for e in app.aggregate_events(beslut_id)
              if isinstance(e, Delegationsbeslut.LagaKraftVunnen)]
    assert len(events) == 1
    return events[0].occurred_at.astimezone(STOCKHOLM).date()
