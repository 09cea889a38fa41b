"""What a report's workflow establishes: the attest request, reminders, passed deadlines and
escalations. A mixin of UnitReport (its events stay on UnitReport, where their topics
were recorded); who is reminded or escalated to is decided by domain/escalation.py."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from domain.base import Cause
from domain.errors import RuleViolationError
from domain.report_flow import KLARMARKERAD


class WorkflowFacts:
    if TYPE_CHECKING:
        AttestationRequested: Any
        ReminderSent: Any
        DeadlinePassed: Any
        Escalated: Any
        parent_unit_id: str | None
        status: str

        @property
        def attester_role(self) -> str | None: ...
        def _record(self, event_class: type[Any], cause: Cause, **payload: Any) -> None: ...

    def request_attestation(self, deadline: datetime, cause: Cause) -> None:
        if self.attester_role is None or self.parent_unit_id is None:
            raise RuleViolationError("Förvaltningens rapport attesteras inte i kedjan",
                                     rule="no_attester")
        if self.status != KLARMARKERAD:
            raise RuleViolationError("Attest kan begäras först efter klarmarkering",
                                     rule="attest_requires_klarmarkering")
        self._record(self.AttestationRequested, cause, attester_unit_id=self.parent_unit_id,
                     deadline=deadline)

    def record_reminder(self, recipient_person_id: str, task: str, deadline: datetime,
                        overdue: bool, cause: Cause) -> None:
        self._record(self.ReminderSent, cause, recipient_person_id=recipient_person_id,
                     task=task, deadline=deadline, overdue=overdue)

    def record_deadline_passed(self, task: str, deadline: datetime, cause: Cause) -> None:
        self._record(self.DeadlinePassed, cause, task=task, deadline=deadline)

    def record_escalation(self, task: str, to_person_id: str | None, to_role: str,
                          to_unit_id: str, cause: Cause) -> None:
        self._record(self.Escalated, cause, task=task, to_person_id=to_person_id,
                     to_role=to_role, to_unit_id=to_unit_id)
