"""Delegationsbeslut: one decision taken "på nämndens vägnar" under a row of the ordning."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Self
from uuid import UUID

from domain.base import AuditedAggregate, Cause
from domain.calendar import local_date
from domain.delegation_rows import why_not_anmalt
from domain.errors import RuleViolationError
from domain.legal_time import laga_kraft_instant, overklagandetid_last_day

LAGLIGHETSPROVNING = "13 kap. KL"


@dataclass(frozen=True)
class BeslutFacts:
    """What the domain established when it accepted the beslut."""

    namnd_code: str
    row_nr: str
    ordning_version: int
    lagrum: str
    arende: str
    arende_ref: str
    beslut: str
    decided_on: date
    decider: str
    delegat_role: str
    via: str
    on_behalf_of: str | None
    vagnar: str
    amount: float | None
    limit_unit: str | None
    must_be_anmald: bool
    laglighetsprovning: bool | None  # None: not stated, and the anmälan did not depend on it
    bradskande: bool
    anmalan: str = ""  # the row's anmälan (ska, om_laglighetsprovning, nej); "" before kept

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class Delegationsbeslut(AuditedAggregate):
    """A delegationsbeslut from decision to anmälan and laga kraft.

    Decided → (placed on a meeting's anmälningslista → anmält in its protokoll) and,
    when överklagbart by laglighetsprövning, anslaget → överklagat or vunnit laga kraft
    after the three-week överklagandetid. Which beslut must be anmälda is fixed by the
    row in force when it was decided.
    """

    class Decided(AuditedAggregate.Created):
        facts: dict[str, Any]

    class Anslaget(AuditedAggregate.Event):
        anslag_date: date
        last_day: date
        laga_kraft_at: datetime

        def apply(self, aggregate: Delegationsbeslut) -> None:
            aggregate.anslag_date = self.anslag_date
            aggregate.laga_kraft_at = self.laga_kraft_at
            aggregate.overklagande_last_day = self.last_day

    class Overklagat(AuditedAggregate.Event):
        received_on: date
        reference: str

        def apply(self, aggregate: Delegationsbeslut) -> None:
            aggregate.overklagat = self.reference

    class LagaKraftVunnen(AuditedAggregate.Event):
        on: date

        def apply(self, aggregate: Delegationsbeslut) -> None:
            aggregate.laga_kraft_on = self.on

    class PlacedOnAnmalningslista(AuditedAggregate.Event):
        meeting_id: UUID

        def apply(self, aggregate: Delegationsbeslut) -> None:
            aggregate.listed_on = self.meeting_id

    class Anmalt(AuditedAggregate.Event):
        meeting_id: UUID
        paragraph: str

        def apply(self, aggregate: Delegationsbeslut) -> None:
            aggregate.anmald_paragraph = self.paragraph

    def __init__(self, facts: dict[str, Any]) -> None:
        self.facts = BeslutFacts(**facts)
        self.anslag_date: date | None = None
        self.laga_kraft_at: datetime | None = None
        self.overklagande_last_day: date | None = None
        self.overklagat: str | None = None
        self.laga_kraft_on: date | None = None
        self.listed_on: UUID | None = None
        self.anmald_paragraph: str | None = None

    @classmethod
    def decide(cls, beslut_id: UUID, facts: BeslutFacts, cause: Cause) -> Self:
        return cls._create_audited(cls.Decided, id=beslut_id, cause=cause,
                                   facts=facts.as_dict())

    def ansla(self, anslag_date: date, cause: Cause) -> None:
        if not self.facts.laglighetsprovning:
            raise RuleViolationError(
                "Endast beslut som kan överklagas genom laglighetsprövning (13 kap. KL) anslås "
                "(6 kap. 40 § KL)", rule="anslag_kraver_laglighetsprovning")
        if self.anslag_date is not None:
            raise RuleViolationError(f"Beslutet anslogs redan {self.anslag_date.isoformat()}",
                                     rule="redan_anslaget")
        if anslag_date < self.facts.decided_on:
            raise RuleViolationError("Beslutet kan inte anslås före beslutsdagen",
                                     rule="anslag_fore_beslut")
        self._record(self.Anslaget, cause, anslag_date=anslag_date,
                     last_day=overklagandetid_last_day(anslag_date),
                     laga_kraft_at=laga_kraft_instant(anslag_date))

    def register_overklagande(self, received_on: date, reference: str, cause: Cause) -> None:
        if self.anslag_date is None or self.overklagande_last_day is None:
            raise RuleViolationError("Beslutet är inte anslaget; överklagandetiden har inte "
                                     "börjat (13 kap. 5 § KL)", rule="ej_anslaget")
        if self.laga_kraft_on is not None:
            raise RuleViolationError("Beslutet har redan vunnit laga kraft",
                                     rule="redan_laga_kraft")
        if received_on > self.overklagande_last_day:
            raise RuleViolationError(
                f"Överklagandet kom in {received_on.isoformat()}, efter överklagandetidens "
                f"sista dag {self.overklagande_last_day.isoformat()} (13 kap. 5 § KL)",
                rule="overklagande_for_sent")
        self._record(self.Overklagat, cause, received_on=received_on, reference=reference)

    def gain_laga_kraft(self, cause: Cause) -> None:
        if self.laga_kraft_at is None:
            raise RuleViolationError("Beslutet är inte anslaget", rule="ej_anslaget")
        if self.overklagat is not None:
            raise RuleViolationError(f"Beslutet är överklagat ({self.overklagat})",
                                     rule="overklagat")
        if cause.occurred_at < self.laga_kraft_at:
            raise RuleViolationError(
                f"Överklagandetiden löper till och med {self.overklagande_last_day}",
                rule="overklagandetid_lopande")
        self._record(self.LagaKraftVunnen, cause, on=local_date(cause.occurred_at))

    def place_on_list(self, meeting_id: UUID, cause: Cause) -> None:
        if not self.facts.must_be_anmald:
            reason = why_not_anmalt(self.facts.anmalan, self.facts.laglighetsprovning)
            raise RuleViolationError(f"Beslut enligt rad {self.facts.row_nr} anmäls inte till "
                                     f"nämnden{f': {reason}' if reason else ''}",
                                     rule="anmals_ej")
        if self.listed_on is not None:
            raise RuleViolationError("Beslutet står redan på en anmälningslista",
                                     rule="redan_anmalt")
        self._record(self.PlacedOnAnmalningslista, cause, meeting_id=meeting_id)

    def record_anmalt(self, meeting_id: UUID, paragraph: str, cause: Cause) -> None:
        if self.listed_on != meeting_id:
            raise RuleViolationError("Beslutet står inte på detta sammanträdes lista",
                                     rule="ej_pa_listan")
        if self.anmald_paragraph is None:
            self._record(self.Anmalt, cause, meeting_id=meeting_id, paragraph=paragraph)

    @property
    def status(self) -> str:
        if self.overklagat:
            return "overklagat"
        if self.laga_kraft_on:
            return "laga_kraft"
        return "anslaget" if self.anslag_date else "fattat"
