"""The delegation register: every delegationsbeslut with its anmälan and laga kraft."""

from __future__ import annotations

from typing import Any

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking

from domain.chain import _canonical
from domain.delegationsbeslut import Delegationsbeslut
from domain.meeting import Meeting
from projections.base import Doc, Put, ReadModelProjection, topics_of

BESLUT, MEETING = "beslut", "meeting"


class DelegationRegisterProjection(ReadModelProjection):
    """Projects Delegationsbeslut events into one row per beslut (partition: nämnd),
    and each sammanträde's date and § numbers into a meeting row, so the register can
    be searched and each meeting's anmälningslista printed. Folded by ``as_of_view``,
    it answers what the register showed on any past instant.
    """

    name = "delegation_register"
    topics = topics_of(
        Delegationsbeslut.Decided, Delegationsbeslut.PlacedOnAnmalningslista,
        Delegationsbeslut.Anmalt, Delegationsbeslut.Anslaget, Delegationsbeslut.Overklagat,
        Delegationsbeslut.LagaKraftVunnen, Meeting.Scheduled, Meeting.ProtokollOpened)

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.insert_tracking(tracking)

    def _update(self, event: Any, tracking: Tracking, **changes: Any) -> None:
        key = str(event.originator_id)
        doc = self.view.get(BESLUT, key)
        if doc is None:
            raise LookupError(f"beslut {key} was not projected first")
        doc.update({k: _canonical(v) for k, v in changes.items()})
        doc["recorded_at"] = event.timestamp.isoformat()
        self.write(tracking, [Put(BESLUT, key, doc, partition=doc["namnd_code"])])

    @process_event.register(Delegationsbeslut.Decided)
    def _(self, event: Delegationsbeslut.Decided, tracking: Tracking) -> None:
        doc: Doc = {k: _canonical(v) for k, v in event.facts.items()}
        doc.update(beslut_id=str(event.originator_id), status="fattat", listed_on=None,
                   anmald_paragraph=None, anslag_date=None, overklagat=None,
                   laga_kraft_on=None, recorded_at=event.timestamp.isoformat())
        self.write(tracking, [Put(BESLUT, doc["beslut_id"], doc, partition=doc["namnd_code"])])

    @process_event.register(Delegationsbeslut.PlacedOnAnmalningslista)
    def _(self, event: Delegationsbeslut.PlacedOnAnmalningslista, tracking: Tracking) -> None:
        self._update(event, tracking, listed_on=str(event.meeting_id))

    @process_event.register(Delegationsbeslut.Anmalt)
    def _(self, event: Delegationsbeslut.Anmalt, tracking: Tracking) -> None:
        self._update(event, tracking, anmald_paragraph=event.paragraph)

    @process_event.register(Delegationsbeslut.Anslaget)
    def _(self, event: Delegationsbeslut.Anslaget, tracking: Tracking) -> None:
        self._update(event, tracking, anslag_date=event.anslag_date, status="anslaget",
                     overklagande_last_day=event.last_day)

    @process_event.register(Delegationsbeslut.Overklagat)
    def _(self, event: Delegationsbeslut.Overklagat, tracking: Tracking) -> None:
        self._update(event, tracking, overklagat=event.reference, status="overklagat")

    @process_event.register(Delegationsbeslut.LagaKraftVunnen)
    def _(self, event: Delegationsbeslut.LagaKraftVunnen, tracking: Tracking) -> None:
        self._update(event, tracking, laga_kraft_on=event.on, status="laga_kraft")

    @process_event.register(Meeting.Scheduled)
    def _(self, event: Meeting.Scheduled, tracking: Tracking) -> None:
        key = str(event.originator_id)
        doc: Doc = {"meeting_id": key, "namnd_code": event.namnd_code,
               "meeting_date": event.meeting_date.isoformat(),
               "anmalan_dnr": event.anmalan_dnr, "anmalan_paragraph": None}
        self.write(tracking, [Put(MEETING, key, doc, partition=event.namnd_code)])

    @process_event.register(Meeting.ProtokollOpened)
    def _(self, event: Meeting.ProtokollOpened, tracking: Tracking) -> None:
        key = str(event.originator_id)
        doc = self.view.get(MEETING, key)
        if doc is None:
            raise LookupError(f"meeting {key} was not projected first")
        number = event.paragraphs.get(doc["anmalan_dnr"])
        doc["anmalan_paragraph"] = f"§ {number}" if number is not None else None
        self.write(tracking, [Put(MEETING, key, doc, partition=doc["namnd_code"])])
