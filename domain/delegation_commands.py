"""Commands for delegation and nämnd meetings (see domain/commands.py for the base)."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, StringConstraints

from domain.commands import Command, IsoDate, IsoDatetime, Reason

NamndCode = Annotated[str, StringConstraints(pattern=r"^[A-ZÅÄÖ]{2,10}$")]
RowNr = Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+)*$")]
# Diarienummer in the nämnd's format, e.g. "2022.228 VON" (optionally "-010" for a handling).
Diarienummer = Annotated[str, StringConstraints(pattern=r"^\d{4}\.\d{3} [A-ZÅÄÖ]{2,10}(-\d+)?$")]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                             max_length=2000)]
# That the delegate is away, never why (a reason such as sjukdom is health data).
Franvaro = Literal["frånvaro"]


class RecordDelegationsbeslut(Command):
    """A delegat's decision: the row, the ärende, the decision, the date.

    ``ersattare_for`` names the ordinary delegate when an ersättare decides, with
    ``franvaro`` stating that the delegate is away (jäv comes from the declaration).
    ``amount`` is in the row's limit unit (e.g. timmar per vecka).
    """

    namnd_code: NamndCode
    row_nr: RowNr
    arende_ref: Diarienummer
    beslut: ShortText
    decided_on: IsoDate
    amount: float | None = Field(default=None, ge=0)
    ersattare_for: str | None = None
    franvaro: Franvaro | None = None
    laglighetsprovning: bool | None = None
    original_beslut_id: UUID | None = None
    original_namndbeslut: str | None = None


class DeclareJav(Command):
    namnd_code: NamndCode
    arende_ref: Diarienummer
    on: IsoDate
    grounds: Reason


class HandBackMatter(Command):
    """The delegate hands the ärende back to the nämnd for avgörande (1.8)."""

    namnd_code: NamndCode
    row_nr: RowNr
    arende_ref: Diarienummer
    rubrik: ShortText
    on: IsoDate
    reason: Reason


class RevokeDelegation(Command):
    """The nämnd återkallar a delegation by beslut, generally or for one ärende."""

    namnd_code: NamndCode
    row_nr: RowNr
    from_date: IsoDate
    dnr: Diarienummer
    paragraph: Annotated[str, StringConstraints(pattern=r"^§ \d{1,4}$")]
    arende_ref: Diarienummer | None = None
    reason: Reason


class AnslaDelegationsbeslut(Command):
    beslut_id: UUID
    anslag_date: IsoDate


class RegisterOverklagande(Command):
    beslut_id: UUID
    received_on: IsoDate
    reference: ShortText


class ScheduleMeeting(Command):
    namnd_code: NamndCode
    meeting_date: IsoDate
    starts_at: IsoDatetime
    cutoff: IsoDate
    anmalan_dnr: Diarienummer  # the year's standing ärende, e.g. "2022.018 VON"


class AddArende(Command):
    meeting_id: UUID
    dnr: Diarienummer
    rubrik: ShortText
    kind: Literal["beslut", "meddelanden", "cykelbeslut"] = "beslut"
    cycle_id: UUID | None = None


class DesignateJusterare(Command):
    meeting_id: UUID
    justerare: str


class OpenProtokoll(Command):
    meeting_id: UUID


class RecordArendeBeslut(Command):
    meeting_id: UUID
    dnr: Diarienummer
    beslut: ShortText


class Justera(Command):
    meeting_id: UUID
    on: IsoDate

