"""Delegationsordning: the nämnd's versioned delegation of decision-making."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Self

from domain.base import AuditedAggregate, Cause
from domain.delegation_rows import DelegationRow, check_row
from domain.errors import InvalidInputError, NotFoundError, RuleViolationError
from domain.ids import delegationsordning_id


@dataclass(frozen=True)
class OrdningVersion:
    """One adopted version: the nämnd's beslut (dnr, §) and the day it takes effect."""

    number: int
    in_force_from: date
    dnr: str
    paragraph: str
    beslut_date: date
    rows: dict[str, DelegationRow]

    def describe(self) -> str:
        return (f"version {self.number} ({self.paragraph}, {self.dnr}, gäller från "
                f"{self.in_force_from.isoformat()})")


@dataclass(frozen=True)
class Revocation:
    """The nämnd took back a delegation, generally or for one ärende (1.1)."""

    nr: str
    from_date: date
    dnr: str
    paragraph: str
    arende_ref: str | None
    reason: str

    def applies(self, on: date, arende_ref: str | None) -> bool:
        return self.from_date <= on and (self.arende_ref is None or self.arende_ref == arende_ref)


class Delegationsordning(AuditedAggregate):
    """The nämnd's delegationsordning across its versions.

    A version is adopted by a nämnd beslut and is in force from a date until the next
    version; versions are never edited, so the ordning in force on any past day can be
    shown. Adoption refuses rows the law forbids (blandad delegering, grupp av anställda,
    ej delegerbara ärenden). Återkallande is recorded, never a deletion.
    """

    class Established(AuditedAggregate.Created):
        namnd_code: str
        namnd_name: str

    class VersionAdopted(AuditedAggregate.Event):
        number: int
        in_force_from: date
        dnr: str
        paragraph: str
        beslut_date: date
        rows: list[dict[str, Any]]

        def apply(self, aggregate: Delegationsordning) -> None:
            rows = {r["nr"]: DelegationRow.from_dict(r) for r in self.rows}
            aggregate.versions.append(OrdningVersion(
                self.number, self.in_force_from, self.dnr, self.paragraph, self.beslut_date,
                rows))

    class DelegationRevoked(AuditedAggregate.Event):
        nr: str
        from_date: date
        dnr: str
        paragraph: str
        arende_ref: str | None
        reason: str

        def apply(self, aggregate: Delegationsordning) -> None:
            aggregate.revocations.append(Revocation(
                self.nr, self.from_date, self.dnr, self.paragraph, self.arende_ref, self.reason))

    def __init__(self, namnd_code: str, namnd_name: str) -> None:
        self.namnd_code = namnd_code
        self.namnd_name = namnd_name
        self.versions: list[OrdningVersion] = []
        self.revocations: list[Revocation] = []

    @classmethod
    def establish(cls, namnd_code: str, namnd_name: str, cause: Cause) -> Self:
        return cls._create_audited(cls.Established, id=delegationsordning_id(namnd_code),
                                   cause=cause, namnd_code=namnd_code, namnd_name=namnd_name)

    def adopt_version(self, in_force_from: date, dnr: str, paragraph: str, beslut_date: date,
                      rows: list[DelegationRow], cause: Cause) -> None:
        numbers = [r.nr for r in rows]
        duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
        if duplicates:
            raise InvalidInputError(f"Raderna {', '.join(duplicates)} förekommer flera gånger",
                                    rule="duplicate_row")
        for row in rows:
            check_row(row)
        if in_force_from < beslut_date:
            raise RuleViolationError("En delegationsordning kan inte gälla före nämndens beslut",
                                     rule="retroaktiv_delegation")
        if self.versions and in_force_from <= self.versions[-1].in_force_from:
            raise RuleViolationError(
                f"En ny version måste gälla efter {self.versions[-1].describe()}",
                rule="version_order")
        self._record(self.VersionAdopted, cause, number=len(self.versions) + 1,
                     in_force_from=in_force_from, dnr=dnr, paragraph=paragraph,
                     beslut_date=beslut_date, rows=[r.as_dict() for r in rows])

    def revoke(self, nr: str, from_date: date, dnr: str, paragraph: str,
               arende_ref: str | None, reason: str, cause: Cause) -> None:
        version = self.version_in_force(from_date)
        if nr not in version.rows:
            raise NotFoundError(f"Rad {nr} finns inte i {version.describe()}")
        self._record(self.DelegationRevoked, cause, nr=nr, from_date=from_date, dnr=dnr,
                     paragraph=paragraph, arende_ref=arende_ref, reason=reason)

    def version_in_force(self, on: date) -> OrdningVersion:
        in_force = [v for v in self.versions if v.in_force_from <= on]
        if not in_force:
            raise RuleViolationError(
                f"Ingen delegationsordning för {self.namnd_code} gällde {on.isoformat()}",
                rule="ingen_delegationsordning")
        return in_force[-1]

    def row_in_force(self, nr: str, on: date, arende_ref: str | None = None) -> DelegationRow:
        """The row as it reads on that day; refuses rows missing or återkallade then."""
        version = self.version_in_force(on)
        row = version.rows.get(nr)
        if row is None:
            raise RuleViolationError(
                f"Rad {nr} finns inte i delegationsordningen {version.describe()}",
                rule="rad_saknas_i_gallande_ordning")
        for revocation in self.revocations:
            if revocation.nr == nr and revocation.applies(on, arende_ref):
                raise RuleViolationError(
                    f"Delegationen enligt rad {nr} är återkallad från "
                    f"{revocation.from_date.isoformat()} ({revocation.paragraph}, "
                    f"{revocation.dnr}); ärendet avgörs av nämnden", rule="delegation_aterkallad")
        return row

    @property
    def vagnar_formula(self) -> str:
        """"På vård- och omsorgsnämndens vägnar" (1.6): the nämnd's name in genitive."""
        name = self.namnd_name[0].lower() + self.namnd_name[1:]
        return f"På {name}s vägnar"
