"""Meeting: one sammanträde of a nämnd, from ärendelista to expedierat protokoll."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Self
from uuid import UUID

from domain.base import AuditedAggregate, Cause
from domain.errors import InvalidInputError, NotFoundError, RuleViolationError
from domain.ids import meeting_id

KIND_BESLUT = "beslut"
KIND_ANMALAN = "anmalan_delegationsbeslut"
KIND_MEDDELANDEN = "meddelanden"
KIND_CYKELBESLUT = "cykelbeslut"
ARENDE_KINDS = (KIND_BESLUT, KIND_ANMALAN, KIND_MEDDELANDEN, KIND_CYKELBESLUT)
PLANNED, HELD, JUSTERAT, ANSLAGET, EXPEDIERAT = (
    "planerat", "hallet", "justerat", "anslaget", "expedierat")


@dataclass
class Arende:
    dnr: str
    rubrik: str
    kind: str
    cycle_id: str | None = None
    paragraph: int | None = None
    beslut: str | None = None


class Meeting(AuditedAggregate):
    """A sammanträde: ärendelista with diarienummer, §§, beslut, justering, anslag.

    The anmälan av delegationsbeslut is a standing ärende whose list is compiled once,
    at the cut-off before the meeting. Justering needs the ordförande and the utsedda
    justerare; the justerat protokoll is anslaget and then expedierat.
    """

    class Scheduled(AuditedAggregate.Created):
        namnd_code: str
        meeting_date: date
        starts_at: datetime
        cutoff: date
        anmalan_dnr: str

    class ArendeAdded(AuditedAggregate.Event):
        dnr: str
        rubrik: str
        kind: str
        cycle_id: str | None

        def apply(self, aggregate: Meeting) -> None:
            aggregate.arenden.append(Arende(self.dnr, self.rubrik, self.kind, self.cycle_id))

    class AnmalningslistaCompiled(AuditedAggregate.Event):
        beslut_ids: list[UUID]

        def apply(self, aggregate: Meeting) -> None:
            aggregate.anmalningslista = list(self.beslut_ids)

    class JusterareUtsedd(AuditedAggregate.Event):
        person_id: str

        def apply(self, aggregate: Meeting) -> None:
            aggregate.justerare = self.person_id

    class ProtokollOpened(AuditedAggregate.Event):
        paragraphs: dict[str, int]

        def apply(self, aggregate: Meeting) -> None:
            for a in aggregate.arenden:
                a.paragraph = self.paragraphs[a.dnr]
            aggregate.status = HELD

    class ArendeBeslutat(AuditedAggregate.Event):
        dnr: str
        beslut: str

        def apply(self, aggregate: Meeting) -> None:
            aggregate.arende(self.dnr).beslut = self.beslut

    class Justerad(AuditedAggregate.Event):
        person_id: str
        capacity: str
        on: date

        def apply(self, aggregate: Meeting) -> None:
            aggregate.signatures[self.capacity] = self.person_id

    class ProtokollJusterat(AuditedAggregate.Event):
        on: date

        def apply(self, aggregate: Meeting) -> None:
            aggregate.status = JUSTERAT
            aggregate.justerat_on = self.on

    class JusteringReminderSent(AuditedAggregate.Event):
        to: list[str]

        def apply(self, aggregate: Meeting) -> None:
            aggregate.reminders += 1

    class Anslaget(AuditedAggregate.Event):
        anslag_date: date

        def apply(self, aggregate: Meeting) -> None:
            aggregate.status = ANSLAGET
            aggregate.anslag_date = self.anslag_date

    class TreeHeadRecorded(AuditedAggregate.Event):
        """The signed head of the transparency log at justering, printed in the protokoll."""

        tree_size: int
        root_hash: str
        signed_at: str
        key_id: str
        public_key: str
        signature: str

        def apply(self, aggregate: Meeting) -> None:
            aggregate.tree_head = {
                "tree_size": self.tree_size, "root_hash": self.root_hash,
                "timestamp": self.signed_at, "key_id": self.key_id,
                "public_key": self.public_key, "signature": self.signature}

    class Expedierat(AuditedAggregate.Event):
        recipients: list[str]

        def apply(self, aggregate: Meeting) -> None:
            aggregate.status = EXPEDIERAT
            aggregate.recipients = list(self.recipients)

    def __init__(self, namnd_code: str, meeting_date: date, starts_at: datetime, cutoff: date,
                 anmalan_dnr: str) -> None:
        self.namnd_code = namnd_code
        self.meeting_date = meeting_date
        self.starts_at = starts_at
        self.cutoff = cutoff
        self.anmalan_dnr = anmalan_dnr
        self.status = PLANNED
        self.arenden: list[Arende] = []
        self.anmalningslista: list[UUID] | None = None
        self.justerare: str | None = None
        self.signatures: dict[str, str] = {}
        self.justerat_on: date | None = None
        self.reminders = 0
        self.anslag_date: date | None = None
        self.recipients: list[str] = []
        self.tree_head: dict[str, object] | None = None

    @classmethod
    def schedule(cls, namnd_code: str, meeting_date: date, starts_at: datetime, cutoff: date,
                 anmalan_dnr: str, cause: Cause) -> Self:
        if cutoff >= meeting_date:
            raise InvalidInputError("Brytdagen för anmälan ska ligga före sammanträdet",
                                    rule="cutoff_before_meeting")
        _check_dnr(anmalan_dnr, namnd_code)
        return cls._create_audited(
            cls.Scheduled, id=meeting_id(namnd_code, meeting_date), cause=cause,
            namnd_code=namnd_code, meeting_date=meeting_date, starts_at=starts_at,
            cutoff=cutoff, anmalan_dnr=anmalan_dnr)

    def arende(self, dnr: str) -> Arende:
        for a in self.arenden:
            if a.dnr == dnr:
                return a
        raise NotFoundError(f"Ärendet {dnr} står inte på ärendelistan")

    def _check_planned(self) -> None:
        if self.status != PLANNED:
            raise RuleViolationError("Sammanträdet är redan hållet; ärendelistan är låst",
                                     rule="arendelista_last")

    def add_arende(self, dnr: str, rubrik: str, kind: str, cycle_id: str | None,
                   cause: Cause) -> None:
        self._check_planned()
        _check_dnr(dnr, self.namnd_code)
        if kind not in ARENDE_KINDS:
            raise InvalidInputError(f"Okänd ärendetyp {kind!r}", rule="arende_kind")
        if kind == KIND_CYKELBESLUT and not cycle_id:
            raise InvalidInputError("Ett beslut om en cykel måste ange cykeln",
                                    rule="cykelbeslut_utan_cykel")
        if any(a.dnr == dnr for a in self.arenden):
            raise RuleViolationError(f"Ärendet {dnr} står redan på listan", rule="dubbelt_arende")
        self._record(self.ArendeAdded, cause, dnr=dnr, rubrik=rubrik, kind=kind,
                     cycle_id=cycle_id)

    def compile_anmalningslista(self, beslut_ids: list[UUID], cause: Cause) -> None:
        self._check_planned()
        if self.anmalningslista is not None:
            raise RuleViolationError("Anmälningslistan är redan sammanställd",
                                     rule="lista_redan_sammanstalld")
        if not any(a.dnr == self.anmalan_dnr for a in self.arenden):
            self.add_arende(self.anmalan_dnr, f"Anmälan av delegationsbeslut "
                            f"{self.meeting_date.year}", KIND_ANMALAN, None, cause)
        self._record(self.AnmalningslistaCompiled, cause, beslut_ids=beslut_ids)

    def designate_justerare(self, person_id: str, cause: Cause) -> None:
        if self.status not in (PLANNED, HELD):
            raise RuleViolationError("Protokollet är redan justerat", rule="redan_justerat")
        self._record(self.JusterareUtsedd, cause, person_id=person_id)

    def open_protokoll(self, numbers: list[int], cause: Cause) -> None:
        self._check_planned()
        if len(numbers) != len(self.arenden):
            raise InvalidInputError("Antalet paragrafer stämmer inte med ärendelistan",
                                    rule="paragraph_count")
        self._record(self.ProtokollOpened, cause,
                     paragraphs={a.dnr: n for a, n in zip(self.arenden, numbers, strict=True)})

    def record_beslut(self, dnr: str, beslut: str, cause: Cause) -> Arende:
        if self.status != HELD:
            raise RuleViolationError("Beslut protokollförs när sammanträdet hålls och före "
                                     "justering", rule="protokoll_ej_oppet")
        arende = self.arende(dnr)
        if arende.beslut is not None:
            raise RuleViolationError(f"Ärendet {dnr} är redan beslutat", rule="redan_beslutat")
        self._record(self.ArendeBeslutat, cause, dnr=dnr, beslut=beslut)
        return arende

    def justera(self, person_id: str, capacity: str, on: date, cause: Cause) -> None:
        if self.status != HELD:
            raise RuleViolationError("Endast ett hållet, ojusterat protokoll kan justeras",
                                     rule="protokoll_ej_oppet")
        undecided = [a.dnr for a in self.arenden if a.beslut is None]
        if undecided:
            raise RuleViolationError(f"Beslut saknas i {', '.join(undecided)}",
                                     rule="beslut_saknas")
        if capacity == "justerare" and person_id != self.justerare:
            raise RuleViolationError(f"{person_id} är inte utsedd justerare",
                                     rule="ej_justerare")
        if on < self.meeting_date:
            raise InvalidInputError("Protokollet kan inte justeras före sammanträdet",
                                    rule="justering_fore_sammantrade")
        if capacity in self.signatures:
            return
        self._record(self.Justerad, cause, person_id=person_id, capacity=capacity, on=on)
        if not self.pending_signatories():
            self._record(self.ProtokollJusterat, cause, on=on)

    def record_tree_head(self, head: dict[str, object], cause: Cause) -> None:
        """Prints the log's signed head in the justerat protokoll (published with it)."""
        if self.status != JUSTERAT:
            raise RuleViolationError("Loggens huvud förs in i protokollet vid justering",
                                     rule="tree_head_at_justering")
        self._record(self.TreeHeadRecorded, cause, tree_size=int(str(head["tree_size"])),
                     root_hash=str(head["root_hash"]), signed_at=str(head["timestamp"]),
                     key_id=str(head["key_id"]), public_key=str(head["public_key"]),
                     signature=str(head["signature"]))

    def pending_signatories(self) -> list[str]:
        wanted = {"ordforande": None, "justerare": self.justerare}
        return [c for c in wanted if c not in self.signatures]

    def remind_justering(self, to: list[str], cause: Cause) -> None:
        if self.status != HELD:
            raise RuleViolationError("Protokollet väntar inte på justering",
                                     rule="ingen_justering_vantar")
        self._record(self.JusteringReminderSent, cause, to=to)

    def ansla(self, anslag_date: date, cause: Cause) -> None:
        if self.status != JUSTERAT or self.justerat_on is None:
            raise RuleViolationError("Endast ett justerat protokoll anslås",
                                     rule="ej_justerat")
        if anslag_date < self.justerat_on:
            raise InvalidInputError("Anslaget kan inte komma före justeringen",
                                    rule="anslag_fore_justering")
        self._record(self.Anslaget, cause, anslag_date=anslag_date)

    def expediera(self, recipients: list[str], cause: Cause) -> None:
        if self.status != ANSLAGET:
            raise RuleViolationError("Protokollet expedieras efter anslag", rule="ej_anslaget")
        self._record(self.Expedierat, cause, recipients=recipients)


def _check_dnr(dnr: str, namnd_code: str) -> None:
    if not dnr.split("-")[0].endswith(f" {namnd_code}"):
        raise InvalidInputError(f"Diarienumret {dnr} hör inte till {namnd_code} "
                                f"(formatet är t.ex. \"2022.228 {namnd_code}\")",
                                rule="dnr_format")
