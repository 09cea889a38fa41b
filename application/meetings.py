"""Handlers for a nämnd's sammanträden: ärendelista, §§, beslut, justering, and the steps its
workflow takes (anmälningslista at the cut-off, justering reminders, anslag, expediering)."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from uuid import UUID

from application.bus import Handler, Session
from application.delegation import as_secretary, ledger
from application.ports import AbstractTreeHeads
from domain import delegation_commands as dc
from domain import system_commands as sc
from domain.authority import acting_in_any
from domain.base import Actor
from domain.calendar import local_date
from domain.cycle import Cycle
from domain.delegationsbeslut import Delegationsbeslut
from domain.errors import ConcurrencyConflictError, NotAuthorisedError
from domain.ids import meeting_id, paragraph_register_id
from domain.meeting import HELD, JUSTERAT, KIND_ANMALAN, KIND_BESLUT, KIND_CYKELBESLUT, Meeting
from domain.paragraph_register import ParagraphRegister
from domain.roles import JUSTERARE_ROLES


def schedule_meeting(cmd: dc.ScheduleMeeting, s: Session) -> None:
    existing = s.target_if_exists(meeting_id(cmd.namnd_code, cmd.meeting_date), Meeting)
    cause = s.act_as(as_secretary(s, cmd.namnd_code))
    if existing is not None:
        raise ConcurrencyConflictError(f"Sammanträdet {cmd.meeting_date} finns redan")
    s.created(Meeting.schedule(cmd.namnd_code, cmd.meeting_date, cmd.starts_at, cmd.cutoff,
                               cmd.anmalan_dnr, cause))


def add_arende(cmd: dc.AddArende, s: Session) -> None:
    meeting = s.target(cmd.meeting_id, Meeting)
    meeting.add_arende(cmd.dnr, cmd.rubrik, cmd.kind,
                       str(cmd.cycle_id) if cmd.cycle_id else None,
                       s.act_as(as_secretary(s, meeting.namnd_code)))


def designate_justerare(cmd: dc.DesignateJusterare, s: Session) -> None:
    meeting = s.target(cmd.meeting_id, Meeting)
    cause = s.act_as(as_secretary(s, meeting.namnd_code))
    on = datetime.combine(meeting.meeting_date, meeting.starts_at.timetz())
    acting_in_any(s.organisation(meeting.namnd_code), cmd.justerare, JUSTERARE_ROLES, on)
    meeting.designate_justerare(cmd.justerare, cause)


def open_protokoll(cmd: dc.OpenProtokoll, s: Session) -> None:
    """The sammanträde is held: its ärenden take the next §§ of the year."""
    meeting = s.target(cmd.meeting_id, Meeting)
    cause = s.act_as(as_secretary(s, meeting.namnd_code))
    year = meeting.meeting_date.year
    register = s.load_if_exists(paragraph_register_id(meeting.namnd_code, year),
                                ParagraphRegister)
    register = register or ParagraphRegister.open(meeting.namnd_code, year, cause)
    numbers = register.allocate(meeting.id, meeting.meeting_date, len(meeting.arenden), cause)
    meeting.open_protokoll(numbers, cause)
    s.also(register)


def record_arende_beslut(cmd: dc.RecordArendeBeslut, s: Session) -> None:
    """The nämnd's beslut on an ärende; for a cycle it also records Cycle.BeslutRecorded,
    for the anmälan it records every listed delegationsbeslut as anmält."""
    meeting = s.target(cmd.meeting_id, Meeting)
    cause = s.act_as(as_secretary(s, meeting.namnd_code))
    arende = meeting.record_beslut(cmd.dnr, cmd.beslut, cause)
    paragraph = f"§ {arende.paragraph}"
    if arende.kind == KIND_CYKELBESLUT and arende.cycle_id:
        cycle = s.load(UUID(arende.cycle_id), Cycle)
        cycle.record_beslut(cmd.beslut, str(meeting.id), paragraph, cause)
        s.also(cycle)
    if arende.kind == KIND_ANMALAN:
        for beslut_id in meeting.anmalningslista or []:
            beslut = s.load(beslut_id, Delegationsbeslut)
            beslut.record_anmalt(meeting.id, paragraph, cause)
            s.also(beslut)


def justera(cmd: dc.Justera, s: Session, *, tree_heads: AbstractTreeHeads | None) -> None:
    """The last signature justerar the protokoll, which then carries the log's signed head."""
    meeting = s.target(cmd.meeting_id, Meeting)
    person = s.issuer.person_id
    if person == meeting.justerare:
        actor = Actor(person, "justerare", None)
    else:
        when = datetime.combine(cmd.on, meeting.starts_at.timetz())
        try:
            actor = acting_in_any(s.organisation(meeting.namnd_code), person,
                                  ("ordforande",), when)
        except NotAuthorisedError:
            raise NotAuthorisedError(f"{person} är varken ordförande eller utsedd justerare",
                                     rule="ej_justerare") from None
    cause = s.act_as(actor)
    meeting.justera(person, actor.role, cmd.on, cause)
    head = tree_heads.current() if tree_heads is not None and meeting.status == JUSTERAT \
        else None
    if head is not None:
        meeting.record_tree_head(head, cause)


# Steps the MeetingWorkflow takes

def compile_anmalningslista(cmd: sc.CompileAnmalningslista, s: Session) -> None:
    """At the cut-off: every pending anmälningspliktigt beslut decided up to it, and every
    ärende a delegate handed back to the nämnd since the last list. Once per meeting."""
    meeting = s.target(cmd.meeting_id, Meeting)
    cause = s.act_as(Actor.system("anmalan"))
    if meeting.anmalningslista is not None:
        return
    book = ledger(s, meeting.namnd_code)
    due = book.due_for(meeting.cutoff)
    beslut = [s.load(b, Delegationsbeslut) for b in due]
    for b in beslut:
        b.place_on_list(meeting.id, cause)
    book.take_for_meeting(meeting.id, due, cause)
    for matter in book.place_handed_back(meeting.id, cause):
        meeting.add_arende(matter.arende_ref, f"{matter.rubrik} (återlämnat av delegat, "
                           f"rad {matter.row_nr})", KIND_BESLUT, None, cause)
    meeting.compile_anmalningslista(due, cause)
    s.also(book, *beslut)


def remind_justering(cmd: sc.RemindJustering, s: Session) -> None:
    """Reminds whoever has not signed yet; nothing is recorded when nothing waits."""
    meeting = s.target(cmd.meeting_id, Meeting)
    cause = s.act_as(Actor.system())
    if meeting.status != HELD:
        return
    org = s.organisation(meeting.namnd_code)
    namnd_units = [u.unit_id for u in org.units.values() if u.kind == "namnd"]
    day = local_date(cause.occurred_at)
    to: list[str] = []
    for capacity in meeting.pending_signatories():
        if capacity == "justerare" and meeting.justerare:
            to.append(meeting.justerare)
        elif capacity == "ordforande":
            to += [a.person_id for u in namnd_units for a in org.holders("ordforande", u, day)]
    meeting.remind_justering(to, cause)


def ansla_protokoll(cmd: sc.AnslaProtokoll, s: Session) -> None:
    """Posts the justerat protokoll; its överklagbara delegationsbeslut are anslagna with it,
    which starts their överklagandetid (6 kap. 40 §, 13 kap. 5 § KL)."""
    meeting = s.target(cmd.meeting_id, Meeting)
    cause = s.act_as(Actor.system())
    if meeting.anslag_date is not None:
        return
    meeting.ansla(cmd.anslag_date, cause)
    listed = [s.load(b, Delegationsbeslut) for b in meeting.anmalningslista or []]
    changed = [b for b in listed if b.facts.laglighetsprovning and b.anslag_date is None]
    for b in changed:
        b.ansla(cmd.anslag_date, cause)
    s.also(*changed)


def expediera_protokoll(cmd: sc.ExpedieraProtokoll, s: Session) -> None:
    """Sends the protokoll to those concerned: the deciders of the anmälda beslut."""
    meeting = s.target(cmd.meeting_id, Meeting)
    cause = s.act_as(Actor.system())
    if meeting.status == "expedierat":
        return
    recipients = sorted({s.load(b, Delegationsbeslut).facts.decider
                         for b in meeting.anmalningslista or []})
    meeting.expediera(recipients, cause)


def handlers(tree_heads: AbstractTreeHeads | None = None) -> dict[type, Handler]:
    return {
        dc.ScheduleMeeting: schedule_meeting,
        dc.AddArende: add_arende,
        dc.DesignateJusterare: designate_justerare,
        dc.OpenProtokoll: open_protokoll,
        dc.RecordArendeBeslut: record_arende_beslut,
        dc.Justera: partial(justera, tree_heads=tree_heads),
        sc.CompileAnmalningslista: compile_anmalningslista,
        sc.RemindJustering: remind_justering,
        sc.AnslaProtokoll: ansla_protokoll,
        sc.ExpedieraProtokoll: expediera_protokoll,
    }
