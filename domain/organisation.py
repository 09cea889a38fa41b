"""Organisation: one nämnd's units and who holds which role when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Self

from domain.base import Actor, AuditedAggregate, Cause
from domain.chain import as_recorded
from domain.errors import InvalidInputError, NotFoundError
from domain.ids import organisation_id
from domain.roles import CHEF_ROLE_BY_KIND, ROLES, UNIT_KINDS


@dataclass(frozen=True)
class Unit:
    unit_id: str
    name: str
    kind: str
    parent_id: str | None


# Why an ersättare stands in: that the holder is away or jävig, never why they are away
# (a reason such as sjukdom is health data, which the record must not hold).
SUBSTITUTION_REASONS = ("frånvaro", "jäv")


@dataclass(frozen=True)
class RoleAssignment:
    """A person holding a role for a unit over a date range (both ends inclusive).

    ``substitute_for`` makes it an ersättare/vikarie assignment: the person acts in
    the role on behalf of that person for the period, ``reason`` frånvaro or jäv.
    """

    assignment_id: str
    person_id: str
    role: str
    unit_id: str
    valid_from: date
    valid_to: date | None
    substitute_for: str | None = None
    reason: str | None = None

    def covers(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


class Organisation(AuditedAggregate):
    """A nämnd with its förvaltning, avdelningar and enheter, and role assignments.

    Assignments are never edited, only added or ended, so who held a role on any
    past date can always be answered for audit.
    """

    class Registered(AuditedAggregate.Created):
        code: str
        name: str

    class UnitAdded(AuditedAggregate.Event):
        unit_id: str
        name: str
        kind: str
        parent_id: str | None

        def apply(self, aggregate: Organisation) -> None:
            aggregate.units[self.unit_id] = Unit(self.unit_id, self.name, self.kind, self.parent_id)

    class PersonRegistered(AuditedAggregate.Event):
        """A person, by opaque id and a commitment to their profile (name and e-mail).

        The name and e-mail live in the person directory, outside the chain, so they can
        be corrected or erased; ``profile_digest`` (``domain.personal_data``) proves which
        profile was registered. Version 1 recorded the name and e-mail themselves: it
        reads with no digest, its recorded fields kept for the hash chain only.
        """

        class_version = 2
        person_id: str
        profile_digest: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            as_recorded(state, removed={"name": state.pop("name"),
                                        "email": state.pop("email", None)},
                        added={"profile_digest": None})

        def apply(self, aggregate: Organisation) -> None:
            aggregate.people[self.person_id] = {"profile_digest": self.profile_digest}

    class PersonProfileChanged(AuditedAggregate.Event):
        """The person's profile was corrected in the directory (GDPR art. 16)."""

        person_id: str
        profile_digest: str

        def apply(self, aggregate: Organisation) -> None:
            aggregate.people[self.person_id] = {"profile_digest": self.profile_digest}

    class PersonProfileErased(AuditedAggregate.Event):
        """The person's profile was deleted from the directory (end of retention)."""

        person_id: str

        def apply(self, aggregate: Organisation) -> None:
            aggregate.people[self.person_id] = {
                **aggregate.people[self.person_id], "erased": True}

    class RoleAssigned(AuditedAggregate.Event):
        assignment_id: str
        person_id: str
        role: str
        unit_id: str
        valid_from: date
        valid_to: date | None
        substitute_for: str | None
        reason: str | None

        def apply(self, aggregate: Organisation) -> None:
            aggregate.assignments[self.assignment_id] = RoleAssignment(
                self.assignment_id, self.person_id, self.role, self.unit_id,
                self.valid_from, self.valid_to, self.substitute_for, self.reason,
            )
            index = aggregate.__dict__.get("_holders")
            if index is not None:  # else built on first use (a snapshot from before it)
                _index_holder(index, aggregate.assignments[self.assignment_id])

    class RoleEnded(AuditedAggregate.Event):
        assignment_id: str
        valid_to: date

        def apply(self, aggregate: Organisation) -> None:
            old = aggregate.assignments[self.assignment_id]
            aggregate.assignments[self.assignment_id] = RoleAssignment(
                old.assignment_id, old.person_id, old.role, old.unit_id, old.valid_from,
                self.valid_to, old.substitute_for, old.reason,
            )

    def __init__(self, code: str, name: str) -> None:
        self.code = code
        self.name = name
        self.units: dict[str, Unit] = {}
        self.people: dict[str, dict[str, Any]] = {}
        self.assignments: dict[str, RoleAssignment] = {}
        # Assignment ids by role and unit: every command's authority check asks for the
        # holders of one role in one unit, and a kommun has thousands of assignments.
        self._holders: dict[str, list[str]] = {}

    @classmethod
    def register(cls, code: str, name: str, cause: Cause) -> Self:
        return cls._create_audited(
            cls.Registered, id=organisation_id(code), cause=cause, code=code, name=name
        )

    def add_unit(self, unit_id: str, name: str, kind: str, parent_id: str | None,
                 cause: Cause) -> None:
        if kind not in UNIT_KINDS:
            raise InvalidInputError(f"Okänd enhetstyp {kind!r}; tillåtna: {', '.join(UNIT_KINDS)}",
                                    rule="unit_kind")
        if unit_id in self.units:
            raise InvalidInputError(f"Enheten {unit_id!r} finns redan", rule="duplicate_unit")
        if parent_id is not None and parent_id not in self.units:
            raise NotFoundError(f"Överordnad enhet {parent_id!r} finns inte")
        self._record(self.UnitAdded, cause, unit_id=unit_id, name=name, kind=kind,
                     parent_id=parent_id)

    def register_person(self, person_id: str, profile_digest: str, cause: Cause) -> None:
        if person_id in self.people:
            raise InvalidInputError(f"Personen {person_id!r} finns redan", rule="duplicate_person")
        self._record(self.PersonRegistered, cause, person_id=person_id,
                     profile_digest=profile_digest)

    def change_profile(self, person_id: str, profile_digest: str, cause: Cause) -> None:
        self._living_person(person_id)
        self._record(self.PersonProfileChanged, cause, person_id=person_id,
                     profile_digest=profile_digest)

    def erase_profile(self, person_id: str, cause: Cause) -> None:
        self._living_person(person_id)
        self._record(self.PersonProfileErased, cause, person_id=person_id)

    def _living_person(self, person_id: str) -> None:
        if person_id not in self.people:
            raise NotFoundError(f"Personen {person_id!r} finns inte i {self.code}")
        if self.people[person_id].get("erased"):
            raise InvalidInputError(f"Personuppgifterna för {person_id!r} är redan raderade",
                                    rule="person_erased")

    def assign_role(self, assignment: RoleAssignment, cause: Cause) -> None:
        if assignment.role not in ROLES:
            raise InvalidInputError(f"Okänd roll {assignment.role!r}", rule="unknown_role")
        if assignment.person_id not in self.people:
            raise NotFoundError(f"Personen {assignment.person_id!r} finns inte")
        if assignment.unit_id not in self.units:
            raise NotFoundError(f"Enheten {assignment.unit_id!r} finns inte")
        if assignment.assignment_id in self.assignments:
            raise InvalidInputError(f"Uppdraget {assignment.assignment_id!r} finns redan",
                                    rule="duplicate_assignment")
        if assignment.valid_to is not None and assignment.valid_to < assignment.valid_from:
            raise InvalidInputError("Slutdatum ligger före startdatum", rule="role_dates")
        if assignment.reason is not None and assignment.reason not in SUBSTITUTION_REASONS:
            raise InvalidInputError(
                f"Ange skälet till ersättningen som frånvaro eller jäv, inte "
                f"{assignment.reason!r}: varför någon är borta (t.ex. sjukdom) registreras inte",
                rule="substitution_reason")
        self._record(
            self.RoleAssigned, cause, assignment_id=assignment.assignment_id,
            person_id=assignment.person_id, role=assignment.role, unit_id=assignment.unit_id,
            valid_from=assignment.valid_from, valid_to=assignment.valid_to,
            substitute_for=assignment.substitute_for, reason=assignment.reason,
        )

    def end_role(self, assignment_id: str, valid_to: date, cause: Cause) -> None:
        if assignment_id not in self.assignments:
            raise NotFoundError(f"Uppdraget {assignment_id!r} finns inte")
        if valid_to < self.assignments[assignment_id].valid_from:
            raise InvalidInputError("Slutdatum ligger före startdatum", rule="role_dates")
        self._record(self.RoleEnded, cause, assignment_id=assignment_id, valid_to=valid_to)

    # Queries: pure functions of state, used by the application's authority checks.

    def unit(self, unit_id: str) -> Unit:
        try:
            return self.units[unit_id]
        except KeyError:
            raise NotFoundError(f"Enheten {unit_id!r} finns inte i {self.code}") from None

    def children(self, unit_id: str) -> list[Unit]:
        return [u for u in self.units.values() if u.parent_id == unit_id]

    def holders(self, role: str, unit_id: str, on: date) -> list[RoleAssignment]:
        """In the order the assignments were made."""
        ids = self._holder_index().get(_holder_key(role, unit_id), ())
        return [a for a in (self.assignments[i] for i in ids) if a.covers(on)]

    def _holder_index(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] | None = self.__dict__.get("_holders")
        if index is None:
            index = {}
            for assignment in self.assignments.values():
                _index_holder(index, assignment)
            self._holders = index
        return index

    def acting_capacity(self, person_id: str, role: str, unit_id: str,
                        on: date) -> Actor | None:
        """The capacity in which ``person_id`` may act as ``role`` for the unit that day.

        The ordinary holder acts in their own name; an ersättare/vikarie acts on
        behalf of the person they replace. None if the person holds neither.
        """
        for a in self.holders(role, unit_id, on):
            if a.person_id == person_id:
                return Actor(person_id, role, unit_id, on_behalf_of=a.substitute_for)
        return None

    def chef_of(self, unit_id: str, on: date) -> str | None:
        """Who acts as chef for the unit that day: a substitute before the ordinary holder."""
        role = CHEF_ROLE_BY_KIND.get(self.unit(unit_id).kind)
        if role is None:
            return None
        holders = self.holders(role, unit_id, on)
        holders.sort(key=lambda a: a.substitute_for is None)
        return holders[0].person_id if holders else None

    def roles_of(self, person_id: str, on: date) -> list[RoleAssignment]:
        return [a for a in self.assignments.values()
                if a.person_id == person_id and a.covers(on)]


def _holder_key(role: str, unit_id: str) -> str:
    # A string, not a tuple: the index is part of the state a snapshot stores as JSON.
    return f"{role}\n{unit_id}"


def _index_holder(index: dict[str, list[str]], assignment: RoleAssignment) -> None:
    index.setdefault(_holder_key(assignment.role, assignment.unit_id), []).append(
        assignment.assignment_id)
