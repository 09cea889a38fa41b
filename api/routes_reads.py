"""GET endpoints: health, the caller, cycles, reports, att-göra, history and verification.

Every read takes ``?as_of=`` (an ISO instant with offset) to answer as recorded then.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import AwareDatetime, BaseModel

from api import read_models as rm
from api.auth import Principal, application, current_principal
from domain.application import Arsplaner
from domain.audit import verify_store
from domain.calendar import local_date

router = APIRouter(prefix="/api", tags=["läsmodeller"])


class Health(BaseModel):
    status: str


class Me(BaseModel):
    person_id: str
    name: str
    roles: list[dict[str, Any]]


class VerifyResult(BaseModel):
    ok: bool
    events_checked: int
    aggregates: int
    seal: str
    broken: dict[str, Any] | None


@router.get("/health", response_model=Health, tags=["drift"])
def health() -> Health:
    return Health(status="ok")


@router.get("/me", response_model=Me)
def me(request: Request, as_of: AwareDatetime | None = None,
       who: Principal = Depends(current_principal),
       app: Arsplaner = Depends(application)) -> Me:
    org = app.organisation(request.app.state.namnd_code)
    on = local_date(as_of or app.clock())
    person = org.people.get(who.person_id, {})
    roles = [{"role": a.role, "unit_id": a.unit_id, "substitute_for": a.substitute_for}
             for a in org.roles_of(who.person_id, on)]
    return Me(person_id=who.person_id, name=person.get("name", who.person_id), roles=roles)


@router.get("/cycles", response_model=list[rm.CycleSummary])
def cycles(as_of: AwareDatetime | None = None, _: Principal = Depends(current_principal),
           app: Arsplaner = Depends(application)) -> list[rm.CycleSummary]:
    return rm.list_cycles(app, as_of)


@router.get("/cycles/{cycle_id}", response_model=rm.CycleView)
def cycle(cycle_id: UUID, as_of: AwareDatetime | None = None,
          _: Principal = Depends(current_principal),
          app: Arsplaner = Depends(application)) -> rm.CycleView:
    return rm.cycle_view(app, cycle_id, as_of)


@router.get("/reports/{report_id}", response_model=rm.ReportView)
def report(report_id: UUID, as_of: AwareDatetime | None = None,
           _: Principal = Depends(current_principal),
           app: Arsplaner = Depends(application)) -> rm.ReportView:
    return rm.report_view(app, report_id, as_of)


@router.get("/att-gora", response_model=list[rm.Task])
def att_gora(request: Request, as_of: AwareDatetime | None = None,
             who: Principal = Depends(current_principal),
             app: Arsplaner = Depends(application)) -> list[rm.Task]:
    return rm.tasks_for(app, who.person_id, request.app.state.namnd_code, as_of)


@router.get("/history/{aggregate_id}", response_model=list[rm.HistoryEntry])
def aggregate_history(aggregate_id: UUID, as_of: AwareDatetime | None = None,
                      _: Principal = Depends(current_principal),
                      app: Arsplaner = Depends(application)) -> list[rm.HistoryEntry]:
    return rm.history(app, aggregate_id, as_of)


@router.get("/verify", response_model=VerifyResult, tags=["revision"])
def verify(_: Principal = Depends(current_principal),
           app: Arsplaner = Depends(application)) -> VerifyResult:
    report = verify_store(app)
    broken = None
    if report.broken is not None:
        b = report.broken
        broken = {"notification_id": report.broken_notification_id,
                  "originator_id": b.originator_id, "originator_version": b.originator_version,
                  "reason": b.reason}
    return VerifyResult(ok=report.ok, events_checked=report.events_checked,
                        aggregates=report.aggregates, broken=broken,
                        seal=f"{report.head.notification_id}:{report.head.digest}")
