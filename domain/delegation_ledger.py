"""DelegationLedger: the nämnd's running record of jäv, återlämnade ärenden and anmälan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Self
from uuid import UUID

from domain.base import AuditedAggregate, Cause
from domain.errors import InvalidInputError, RuleViolationError
from domain.ids import delegation_ledger_id


@dataclass(frozen=True)
class HandedBackMatter:
    """A delegate handed an ärende back to the nämnd (1.8); it awaits a sammanträde."""

    arende_ref: str
    rubrik: str
    row_nr: str
    person_id: str
    on: date
    reason: str


class DelegationLedger(AuditedAggregate):
    """One per nämnd: which beslut still wait for anmälan, who declared jäv where.

    Keeping the pending set here, saved in the same transaction as each beslut and
    each meeting's anmälningslista, is what makes every anmälningspliktigt beslut land
    on exactly one list: a concurrent second compilation fails on the version check.
    """

    class Opened(AuditedAggregate.Created):
        namnd_code: str

    class JavDeclared(AuditedAggregate.Event):
        arende_ref: str
        person_id: str
        on: date
        grounds: str

        def apply(self, aggregate: DelegationLedger) -> None:
            aggregate.jav.setdefault(self.arende_ref, []).append(self.person_id)

    class AwaitingAnmalan(AuditedAggregate.Event):
        beslut_id: UUID
        decided_on: date

        def apply(self, aggregate: DelegationLedger) -> None:
            aggregate.pending[str(self.beslut_id)] = self.decided_on

    class AnmalningslistaTaken(AuditedAggregate.Event):
        meeting_id: UUID
        beslut_ids: list[UUID]

        def apply(self, aggregate: DelegationLedger) -> None:
            for beslut_id in self.beslut_ids:
                aggregate.pending.pop(str(beslut_id), None)

    class MatterHandedBack(AuditedAggregate.Event):
        arende_ref: str
        rubrik: str
        row_nr: str
        person_id: str
        on: date
        reason: str

        def apply(self, aggregate: DelegationLedger) -> None:
            aggregate.handed_back[self.arende_ref] = {
                "arende_ref": self.arende_ref, "rubrik": self.rubrik, "row_nr": self.row_nr,
                "person_id": self.person_id, "on": self.on, "reason": self.reason}

    class MattersPlacedOnArendelista(AuditedAggregate.Event):
        meeting_id: UUID
        arende_refs: list[str]

        def apply(self, aggregate: DelegationLedger) -> None:
            for ref in self.arende_refs:
                aggregate.handed_back.pop(ref, None)

    def __init__(self, namnd_code: str) -> None:
        # JSON-shaped state (str keys, lists, dicts): snapshots of this busy aggregate
        # are stored with the same transcoder as its events.
        self.namnd_code = namnd_code
        self.jav: dict[str, list[str]] = {}
        self.pending: dict[str, date] = {}
        self.handed_back: dict[str, dict[str, Any]] = {}

    @classmethod
    def open(cls, namnd_code: str, cause: Cause) -> Self:
        return cls._create_audited(cls.Opened, id=delegation_ledger_id(namnd_code), cause=cause,
                                   namnd_code=namnd_code)

    def declare_jav(self, arende_ref: str, person_id: str, on: date, grounds: str,
                    cause: Cause) -> None:
        if not grounds.strip():
            raise InvalidInputError("Ange grunden för jävet (6 kap. 28 § KL)",
                                    rule="jav_grounds_required")
        if person_id in self.jav.get(arende_ref, []):
            return
        self._record(self.JavDeclared, cause, arende_ref=arende_ref, person_id=person_id,
                     on=on, grounds=grounds)

    def javiga(self, arende_ref: str | None) -> set[str]:
        return set(self.jav.get(arende_ref, [])) if arende_ref else set()

    def await_anmalan(self, beslut_id: UUID, decided_on: date, cause: Cause) -> None:
        self._record(self.AwaitingAnmalan, cause, beslut_id=beslut_id, decided_on=decided_on)

    def due_for(self, cutoff: date) -> list[UUID]:
        """Pending beslut decided on or before the cut-off, oldest first."""
        return [UUID(b) for d, b in sorted((d, b) for b, d in self.pending.items()
                                           if d <= cutoff)]

    def is_pending(self, beslut_id: UUID) -> bool:
        return str(beslut_id) in self.pending

    def take_for_meeting(self, meeting_id: UUID, beslut_ids: list[UUID], cause: Cause) -> None:
        missing = [b for b in beslut_ids if str(b) not in self.pending]
        if missing:
            raise RuleViolationError(
                f"{len(missing)} beslut står redan på en annan anmälningslista",
                rule="redan_anmalt")
        self._record(self.AnmalningslistaTaken, cause, meeting_id=meeting_id,
                     beslut_ids=beslut_ids)

    def place_handed_back(self, meeting_id: UUID, cause: Cause) -> list[HandedBackMatter]:
        """Every återlämnat ärende goes on the next ärendelista, once."""
        matters = sorted((HandedBackMatter(**m) for m in self.handed_back.values()),
                         key=lambda m: (m.on, m.arende_ref))
        if matters:
            self._record(self.MattersPlacedOnArendelista, cause, meeting_id=meeting_id,
                         arende_refs=[m.arende_ref for m in matters])
        return matters

    def hand_back(self, matter: HandedBackMatter, cause: Cause) -> None:
        if matter.arende_ref in self.handed_back:
            raise RuleViolationError(f"Ärendet {matter.arende_ref} är redan återlämnat",
                                     rule="redan_aterlamnat")
        self._record(self.MatterHandedBack, cause, arende_ref=matter.arende_ref,
                     rubrik=matter.rubrik, row_nr=matter.row_nr, person_id=matter.person_id,
                     on=matter.on, reason=matter.reason)
