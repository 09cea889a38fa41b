"""The facts the anslagstavla is made of: the nämnd's protokoll and delegationsbeslut.

The delegation register holds each beslut with its anslag and anmälan, and lists the
sammanträden; justering, anslag and §§ are read from each held meeting itself (a dozen a
year), so no read model of its own is needed. Which notices are up is the domain's
question (``domain.anslagstavla``).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.anslagstavla import Beslut, Notice, Protokoll, notices_up
from domain.meeting import Meeting
from domain.organisation import Organisation
from domain.roles import role_label
from infrastructure.eventstore import ArsplanStore
from projections.base import ReadModelView
from projections.delegation_register import BESLUT, MEETING

# Where a protokoll is kept when nothing else is known: the förvaltning's kansli.
DEFAULT_FORVARING = "Vård- och omsorgsförvaltningen, kansliet"


def forvaring_of(org: Organisation, setting: str | None = None) -> str:
    """The setting when given, else the kansli of the nämnd's förvaltning, else the default."""
    if setting:
        return setting
    forvaltningar = sorted(u.name for u in org.units.values() if u.kind == "forvaltning")
    return f"{forvaltningar[0]}, kansliet" if forvaltningar else DEFAULT_FORVARING


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def read_protokoll(app: ArsplanStore, register: ReadModelView, namnd_code: str, namnd: str,
                   today: date, forvaring: str) -> list[Protokoll]:
    found = []
    for row in register.find(MEETING, namnd_code):
        if date.fromisoformat(row["meeting_date"]) > today:
            continue  # not held yet, so nothing justerat
        meeting = app.get(UUID(row["meeting_id"]), Meeting)
        found.append(Protokoll(
            meeting_id=meeting.id, namnd=namnd, meeting_date=meeting.meeting_date,
            justerat_on=meeting.justerat_on, anslag_date=meeting.anslag_date,
            paragraphs=tuple(a.paragraph for a in meeting.arenden if a.paragraph is not None),
            forvaring=forvaring))
    return found


def read_beslut(register: ReadModelView, namnd_code: str, namnd: str,
                forvaring: str) -> list[Beslut]:
    return [Beslut(
        beslut_id=UUID(doc["beslut_id"]), namnd=namnd, row_nr=doc["row_nr"],
        arende=doc["arende"], lagrum=doc["lagrum"], arende_ref=doc["arende_ref"],
        delegat=role_label(doc["delegat_role"]), decided_on=date.fromisoformat(doc["decided_on"]),
        laglighetsprovning=doc["laglighetsprovning"], anslag_date=_day(doc["anslag_date"]),
        listed_on=UUID(doc["listed_on"]) if doc["listed_on"] else None, forvaring=forvaring)
        for doc in register.find(BESLUT, namnd_code)]


def anslagstavla(app: ArsplanStore, register: ReadModelView, namnd_code: str, today: date,
                 forvaring_setting: str | None = None) -> tuple[Organisation, list[Notice]]:
    """The nämnd's organisation and the notices up on ``today``."""
    org = app.organisation(namnd_code)
    forvaring = forvaring_of(org, forvaring_setting)
    protokoll = read_protokoll(app, register, namnd_code, org.name, today, forvaring)
    beslut = read_beslut(register, namnd_code, org.name, forvaring)
    return org, notices_up(protokoll, beslut, today)
