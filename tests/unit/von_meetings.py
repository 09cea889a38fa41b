"""Helpers to run VON sammanträden through the application as the secretary would."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from domain import delegation_commands as dc
from domain import system_commands as sc
from domain.calendar import STOCKHOLM
from domain.delegationsbeslut import Delegationsbeslut
from domain.meeting import Meeting
from tests.support.engine import TestEngine
from tests.unit.von_delegation import LEDAMOT, ORDFORANDE, SEKRETERARE

ANMALAN_DNR = "2022.018 VON"


def schedule(app: TestEngine, on: date, cutoff_days: int = 7) -> UUID:
    cmd = dc.ScheduleMeeting(
        namnd_code="VON", meeting_date=on,
        starts_at=datetime.combine(on, time(14), tzinfo=STOCKHOLM),
        cutoff=on - timedelta(days=cutoff_days), anmalan_dnr=ANMALAN_DNR)
    return app.execute(cmd, SEKRETERARE).aggregate_id


def add(app: TestEngine, mid: UUID, dnr: str, rubrik: str, **fields: Any) -> None:
    app.execute(dc.AddArende(meeting_id=mid, dnr=dnr, rubrik=rubrik, **fields), SEKRETERARE)


def hold(app: TestEngine, mid: UUID, justerare: str = LEDAMOT) -> None:
    """Holds the meeting: justerare utses, §§ taken, every ärende decided."""
    app.execute(dc.DesignateJusterare(meeting_id=mid, justerare=justerare),
                            SEKRETERARE)
    app.execute(dc.OpenProtokoll(meeting_id=mid), SEKRETERARE)
    for arende in app.get(mid, Meeting).arenden:
        app.execute(dc.RecordArendeBeslut(
            meeting_id=mid, dnr=arende.dnr, beslut="Nämnden beslutar enligt förslaget"),
            SEKRETERARE)


def justera(app: TestEngine, mid: UUID, on: date, justerare: str = LEDAMOT) -> None:
    app.execute(dc.Justera(meeting_id=mid, on=on), ORDFORANDE)
    app.execute(dc.Justera(meeting_id=mid, on=on), justerare)


# The steps the MeetingWorkflow takes, as its activities record them.

def compile_anmalningslista(app: TestEngine, mid: UUID, at: datetime) -> None:
    app.execute_system(sc.CompileAnmalningslista(
        command_id=sc.meeting_step_key("anmalningslista", mid), occurred_at=at,
        meeting_id=mid))


def remind_justering(app: TestEngine, mid: UUID, at: datetime) -> list[str]:
    """Whoever the reminder went to (none when nothing was recorded)."""
    result = app.execute_system(sc.RemindJustering(
        command_id=sc.meeting_step_key("justering-reminder", mid, at.isoformat()),
        occurred_at=at, meeting_id=mid))
    return list(result.recorded[0].to) if result.recorded else []


def ansla_protokoll(app: TestEngine, mid: UUID, anslag_date: date, at: datetime
                    ) -> list[tuple[UUID, datetime]]:
    """Posts the protokoll; the listed beslut anslagna with it, with their laga kraft instant."""
    app.execute_system(sc.AnslaProtokoll(
        command_id=sc.protokoll_anslag_key(mid), occurred_at=at, meeting_id=mid,
        anslag_date=anslag_date))
    meeting = app.get(mid, Meeting)
    listed = [app.get(b, Delegationsbeslut) for b in meeting.anmalningslista or []]
    return [(b.id, b.laga_kraft_at) for b in listed
            if b.laga_kraft_at is not None and b.anslag_date == meeting.anslag_date]
