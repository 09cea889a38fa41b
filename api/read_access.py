"""The read policy at the HTTP edge: every GET route names its policy, every read asks the
domain's read policy (``domain/read_policy.py``) what the caller may see.

``@read_policy(ReadPolicy.X)`` registers an endpoint in ``READ_POLICIES``; the authority
matrix test fails for a GET route that is not registered. ``Reader`` holds one caller's
scopes for one request, nämnd by nämnd. A single thing the caller may not read is a 403
problem naming the rule (ids are uuid5 of public names, so hiding existence behind a 404
would hide nothing); lists are filtered (``api/read_filters.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar
from uuid import UUID

from fastapi import Depends

from api.auth import Principal, current_principal, event_store
from api.dashboard_base import viewer
from domain.errors import NotAuthorisedError
from domain.ids import organisation_id
from domain.kommun import KOMMUN_CODE
from domain.organisation import Organisation
from domain.read_policy import (
    INTEGRITY,
    ReadScope,
    ReadSubject,
    Refusal,
    read_scope,
    refusal,
    subject_from_creation,
)
from infrastructure.eventstore import ArsplanStore
from projections.audit_trail import event_payload


class ReadPolicy(StrEnum):
    """What a GET route shows; docs/read-policy.md has the table by role."""

    PUBLIC = "public"  # no sign-in: the probe, the login page
    OWN = "own"  # the caller's own roles, tasks and reminders
    SIGNED_IN = "signed_in"  # published anyway: the seals printed in the protokoll
    MEMBER = "member"  # anyone with a role in the nämnd: the chain's status
    UNITS = "units"  # cycles, boards, reports, reminders: the caller's units
    UNDERLAG = "underlag"  # the förvaltning's compiled underlag: every unit of the cycle
    AUDIT = "audit"  # trails and histories: per aggregate, personal data hidden
    NAMND_RECORD = "namnd_record"  # anmälningslistor, the delegation register
    CALENDAR = "calendar"  # one's own feed, one's units' feeds, or a signed link
    FEED = "feed"  # the event feed: an integration's grant or a whole-record reader
    KOMMUN = "kommun"  # KLK's view across nämnder: each nämnd's rows its readers may read


READ_POLICIES: dict[Callable[..., Any], ReadPolicy] = {}
E = TypeVar("E", bound=Callable[..., Any])


def read_policy(policy: ReadPolicy) -> Callable[[E], E]:
    """Declares the endpoint's read policy (put it under the ``@router.get``)."""
    def register(endpoint: E) -> E:
        READ_POLICIES[endpoint] = policy
        return endpoint
    return register


class Reader:
    """One caller's read scopes for one request; organisations and subjects loaded once."""

    def __init__(self, app: ArsplanStore, person_id: str) -> None:
        self.app = app
        self.person_id = person_id
        self.on = app.today()
        self._orgs: dict[str, Organisation | None] = {}
        self._scopes: dict[str, ReadScope] = {}
        self._subjects: dict[UUID, ReadSubject | None] = {}

    def org(self, namnd_code: str) -> Organisation | None:
        if namnd_code not in self._orgs:
            known = self.app.exists(organisation_id(namnd_code))
            self._orgs[namnd_code] = self.app.organisation(namnd_code) if known else None
        return self._orgs[namnd_code]

    def scope(self, namnd_code: str) -> ReadScope:
        if namnd_code not in self._scopes:
            self._scopes[namnd_code] = read_scope(self.org(namnd_code), self.person_id,
                                                  self.on, namnd_code,
                                                  kommun=self.org(KOMMUN_CODE))
        return self._scopes[namnd_code]

    def refusal(self, subject: ReadSubject) -> Refusal | None:
        return refusal(self.org(subject.namnd_code), self.scope(subject.namnd_code), subject)

    def may(self, subject: ReadSubject) -> bool:
        return self.refusal(subject) is None

    def require(self, subject: ReadSubject) -> None:
        refused = self.refusal(subject)
        if refused is not None:
            raise NotAuthorisedError(refused.message, rule=refused.rule)

    def subject(self, aggregate_id: UUID) -> ReadSubject | None:
        """The aggregate as its first event describes it; None when it does not exist."""
        if aggregate_id not in self._subjects:
            stored = self.app.recorder.select_events(aggregate_id, limit=1)
            subject = None
            if stored:
                created: Any = self.app.mapper.to_domain_event(stored[0])
                kind = type(created).__qualname__.split(".")[0]
                subject = subject_from_creation(kind, event_payload(created))
            self._subjects[aggregate_id] = subject
        return self._subjects[aggregate_id]

    def remember(self, aggregate_id: UUID, subject: ReadSubject) -> None:
        self._subjects.setdefault(aggregate_id, subject)

    def require_aggregate(self, aggregate_id: UUID, kind: str | None = None) -> None:
        """403 unless the caller may read the aggregate (as ``kind``, e.g. its underlag);
        an unknown id is left to the read, which answers 404."""
        subject = self._as(aggregate_id, kind)
        if subject is not None:
            self.require(subject)

    def may_read_aggregate(self, aggregate_id: UUID, kind: str | None = None) -> bool:
        subject = self._as(aggregate_id, kind)
        return subject is not None and self.may(subject)

    def _as(self, aggregate_id: UUID, kind: str | None) -> ReadSubject | None:
        subject = self.subject(aggregate_id)
        if subject is None or kind is None:
            return subject
        return ReadSubject(kind, subject.namnd_code, subject.unit_ids, subject.people)


def integrity_of(namnd_code: str) -> ReadSubject:
    """The chain's verification status of the nämnd's store."""
    return ReadSubject(INTEGRITY, namnd_code)


def reader(who: Principal = Depends(current_principal),
           app: ArsplanStore = Depends(event_store)) -> Reader:
    """The API caller as a reader (401 without a token)."""
    return Reader(app, who.person_id)


def page_reader(who: Principal = Depends(viewer),
                app: ArsplanStore = Depends(event_store)) -> Reader:
    """The dashboard's signed-in person as a reader (to the login page without a session)."""
    return Reader(app, who.person_id)
