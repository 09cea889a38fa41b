"""What a report's workflow establishes: the attest request, reminders, passed deadlines and
escalations. A mixin of UnitReport (its events stay on UnitReport, where their topics
were recorded); who is reminded or escalated to is decided by domain/escalation.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from domain.base import Cause
from domain.calendar import shown
from domain.errors import RuleViolationError
from domain.report_flow import KLARMARKERAD


class WorkflowFacts:
    if TYPE_CHECKING:
        AttestationRequested: Any
        ReminderSent: Any
        RemindersSkipped: Any
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

    def record_reminders_skipped(self, task: str, deadline: datetime,
                                 skipped: Sequence[datetime], cause: Cause) -> None:
        """The workflow did not send reminders whose moment had passed when the task's
        deadline moved; the history says which and why."""
        one = len(skipped) == 1
        reason = (f"{'Påminnelsen' if one else 'Påminnelserna'} "
                  f"{_listed([shown(i) for i in skipped])} skickades inte: när tidsgränsen "
                  f"flyttades till {shown(deadline)} hade "
                  f"{'den tidpunkten' if one else 'de tidpunkterna'} redan passerat")
        self._record(self.RemindersSkipped, cause, task=task, deadline=deadline,
                     skipped=list(skipped), reason=reason)

    def record_deadline_passed(self, task: str, deadline: datetime, cause: Cause) -> None:
        self._record(self.DeadlinePassed, cause, task=task, deadline=deadline)

    def record_escalation(self, task: str, to_person_id: str | None, to_role: str,
                          to_unit_id: str, cause: Cause) -> None:
        self._record(self.Escalated, cause, task=task, to_person_id=to_person_id,
                     to_role=to_role, to_unit_id=to_unit_id)


def _listed(items: Sequence[str]) -> str:
    """One item, "a och b", or "a, b och c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} och {items[-1]}"
