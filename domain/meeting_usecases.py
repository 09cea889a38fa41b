"""Meeting use cases: ärendelista, anmälningslista, protokoll, justering, anslag."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from domain import delegation_commands as dc
from domain.base import Actor, Cause
from domain.calendar import local_date
from domain.commands import Command
from domain.delegation_ids import meeting_id, paragraph_register_id
from domain.delegationsbeslut import Delegationsbeslut
from domain.errors import ConcurrencyConflictError, NotAuthorisedError
from domain.meeting import KIND_ANMALAN, KIND_BESLUT, KIND_CYKELBESLUT, Meeting
from domain.paragraph_register import ParagraphRegister
from domain.usecase_host import SECRETARY_ROLES, ApplicationHost

if TYPE_CHECKING:
    from domain.application import CommandResult

JUSTERARE_ROLES = ("vice_ordforande", "au_ledamot", "ledamot", "ersattare")
PROTOKOLL_ANSLAG_PREFIX = "anslag:"


def protokoll_anslag_command_id(mid: UUID) -> str:
    """The command id of a protokoll's anslag; its beslut's timers belong to the meeting."""
    return f"{PROTOKOLL_ANSLAG_PREFIX}{mid}"


def is_protokoll_anslag(command_id: str | None) -> bool:
    return command_id is not None and command_id.startswith(PROTOKOLL_ANSLAG_PREFIX)


@dataclass(frozen=True)
class AnslagetBeslut:
    """A delegationsbeslut whose överklagandetid started with the protokoll's anslag."""

    beslut_id: UUID
    laga_kraft_at: datetime


class MeetingUseCases(ApplicationHost):
    """Use cases of a nämnd's sammanträden (issue 5)."""

    def meeting(self, mid: UUID) -> Meeting:
        return self.get(mid, Meeting)

    def _secretary(self, person_id: str, namnd_code: str, cmd: Command) -> Cause:
        actor = self.any_capacity(person_id, SECRETARY_ROLES, namnd_code,
                                  cmd.occurred_at or self.clock())
        return self._cause(actor, cmd)

    def schedule_meeting(self, cmd: dc.ScheduleMeeting, person_id: str) -> CommandResult:
        from domain.application import CommandResult
        mid = meeting_id(cmd.namnd_code, cmd.meeting_date)
        if self.exists(mid):
            existing = self.meeting(mid)
            if existing.handled_command(cmd.command_id):
                return CommandResult(mid, existing.version, duplicate=True)
            raise ConcurrencyConflictError(f"Sammanträdet {cmd.meeting_date} finns redan")
        meeting = Meeting.schedule(cmd.namnd_code, cmd.meeting_date, cmd.starts_at, cmd.cutoff,
                                   cmd.anmalan_dnr, self._secretary(person_id, cmd.namnd_code,
                                                                    cmd))
        self._save(meeting)
        return CommandResult(meeting.id, meeting.version)

    def add_arende(self, cmd: dc.AddArende, person_id: str) -> CommandResult:
        def act(m: Meeting) -> None:
            m.add_arende(cmd.dnr, cmd.rubrik, cmd.kind,
                         str(cmd.cycle_id) if cmd.cycle_id else None,
                         self._secretary(person_id, m.namnd_code, cmd))
        return self._change(cmd.meeting_id, Meeting, cmd, act)

    def designate_justerare(self, cmd: dc.DesignateJusterare, person_id: str) -> CommandResult:
        def act(m: Meeting) -> None:
            cause = self._secretary(person_id, m.namnd_code, cmd)
            on = datetime.combine(m.meeting_date, m.starts_at.timetz())
            self.any_capacity(cmd.justerare, JUSTERARE_ROLES, m.namnd_code, on)
            m.designate_justerare(cmd.justerare, cause)
        return self._change(cmd.meeting_id, Meeting, cmd, act)

    def compile_anmalningslista(self, mid: UUID, at: datetime) -> CommandResult:
        """At the cut-off: every pending anmälningspliktigt beslut decided up to it, and
        every ärende a delegate handed back to the nämnd since the last list."""
        from domain.application import CommandResult
        meeting = self.meeting(mid)
        if meeting.anmalningslista is not None:
            return CommandResult(mid, meeting.version, duplicate=True)
        ledger = self.delegation_ledger(meeting.namnd_code)
        due = ledger.due_for(meeting.cutoff)
        cause = self._cause(Actor.system("anmalan"), occurred_at=at,
                            command_id=f"anmalningslista:{mid}")
        beslut = [self.get(b, Delegationsbeslut) for b in due]
        for b in beslut:
            b.place_on_list(mid, cause)
        ledger.take_for_meeting(mid, due, cause)
        for matter in ledger.place_handed_back(mid, cause):
            meeting.add_arende(matter.arende_ref, f"{matter.rubrik} (återlämnat av delegat, "
                               f"rad {matter.row_nr})", KIND_BESLUT, None, cause)
        meeting.compile_anmalningslista(due, cause)
        self._save(meeting, ledger, *beslut)
        return CommandResult(mid, meeting.version)

    def open_protokoll(self, cmd: dc.OpenProtokoll, person_id: str) -> CommandResult:
        """The sammanträde is held: its ärenden take the next §§ of the year."""
        from domain.application import CommandResult
        meeting = self.meeting(cmd.meeting_id)
        if meeting.handled_command(cmd.command_id):
            return CommandResult(meeting.id, meeting.version, duplicate=True)
        cause = self._secretary(person_id, meeting.namnd_code, cmd)
        year = meeting.meeting_date.year
        rid = paragraph_register_id(meeting.namnd_code, year)
        register = self.get(rid, ParagraphRegister) if self.exists(rid) else \
            ParagraphRegister.open(meeting.namnd_code, year, cause)
        numbers = register.allocate(meeting.id, meeting.meeting_date, len(meeting.arenden),
                                    cause)
        meeting.open_protokoll(numbers, cause)
        self._save(meeting, register)
        return CommandResult(meeting.id, meeting.version)

    def record_arende_beslut(self, cmd: dc.RecordArendeBeslut, person_id: str) -> CommandResult:
        """The nämnd's beslut on an ärende; for a cycle it also records Cycle.BeslutRecorded,
        for the anmälan it records every listed delegationsbeslut as anmält."""
        from domain.application import CommandResult
        meeting = self.meeting(cmd.meeting_id)
        if meeting.handled_command(cmd.command_id):
            return CommandResult(meeting.id, meeting.version, duplicate=True)
        cause = self._secretary(person_id, meeting.namnd_code, cmd)
        arende = meeting.record_beslut(cmd.dnr, cmd.beslut, cause)
        paragraph = f"§ {arende.paragraph}"
        if arende.kind == KIND_CYKELBESLUT and arende.cycle_id:
            self.record_cycle_fact(
                UUID(arende.cycle_id), f"namndbeslut:{meeting.id}:{cmd.dnr}", cause.occurred_at,
                lambda cy, c: cy.record_beslut(cmd.beslut, str(meeting.id), paragraph, c),
                cause.actor)
        anmalda: list[Delegationsbeslut] = []
        if arende.kind == KIND_ANMALAN:
            for beslut_id in meeting.anmalningslista or []:
                beslut = self.get(beslut_id, Delegationsbeslut)
                beslut.record_anmalt(meeting.id, paragraph, cause)
                anmalda.append(beslut)
        self._save(meeting, *anmalda)
        return CommandResult(meeting.id, meeting.version)

    def justera_protokoll(self, cmd: dc.Justera, person_id: str) -> CommandResult:
        def act(m: Meeting) -> None:
            when = datetime.combine(cmd.on, m.starts_at.timetz())
            if person_id == m.justerare:
                actor = Actor(person_id, "justerare", None)
            else:
                try:
                    actor = self.any_capacity(person_id, ("ordforande",), m.namnd_code, when)
                except NotAuthorisedError:
                    raise NotAuthorisedError(
                        f"{person_id} är varken ordförande eller utsedd justerare",
                        rule="ej_justerare") from None
            m.justera(person_id, actor.role, cmd.on, self._cause(actor, cmd))
        return self._change(cmd.meeting_id, Meeting, cmd, act)

    def remind_justering(self, mid: UUID, at: datetime) -> list[str]:
        """Workflow fact: reminds whoever has not yet signed; [] when nothing waits."""
        meeting = self.meeting(mid)
        if meeting.status != "hallet":
            return []
        org = self.organisation(meeting.namnd_code)
        namnd_units = [u.unit_id for u in org.units.values() if u.kind == "namnd"]
        to: list[str] = []
        for capacity in meeting.pending_signatories():
            if capacity == "justerare" and meeting.justerare:
                to.append(meeting.justerare)
            elif capacity == "ordforande":
                to += [a.person_id for u in namnd_units
                       for a in org.holders("ordforande", u, local_date(at))]
        cmd = Command(command_id=f"justering-reminder:{mid}:{at.isoformat()}", occurred_at=at)
        self._change(mid, Meeting, cmd, lambda m: m.remind_justering(
            to, self._cause(Actor.system(), cmd)))
        return to

    def anslaa_protokoll(self, mid: UUID, anslag_date: date, at: datetime,
                         actor: Actor | None = None) -> list[AnslagetBeslut]:
        """Posts the justerat protokoll; its överklagbara delegationsbeslut are anslagna with it,
        which starts their överklagandetid (6 kap. 40 §, 13 kap. 5 § KL)."""
        meeting = self.meeting(mid)
        listed = [self.get(b, Delegationsbeslut) for b in meeting.anmalningslista or []]
        if meeting.anslag_date is None:
            cause = self._cause(actor or Actor.system(), occurred_at=at,
                                command_id=protokoll_anslag_command_id(mid))
            meeting.anslaa(anslag_date, cause)
            changed = [b for b in listed
                       if b.facts.laglighetsprovning and b.anslag_date is None]
            for b in changed:
                b.anslaa(anslag_date, cause)
            self._save(meeting, *changed)
        return [AnslagetBeslut(b.id, b.laga_kraft_at) for b in listed
                if b.laga_kraft_at is not None and b.anslag_date == meeting.anslag_date]

    def expediera_protokoll(self, mid: UUID, recipients: list[str], at: datetime) -> None:
        meeting = self.meeting(mid)
        if meeting.status == "expedierat":
            return
        cmd = Command(command_id=f"expediering:{mid}", occurred_at=at)
        self._change(mid, Meeting, cmd, lambda m: m.expediera(
            recipients, self._cause(Actor.system(), cmd)))
