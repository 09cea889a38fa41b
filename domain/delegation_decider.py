"""Who decides a delegationsbeslut: the row's delegat alternatives, the amount, jäv,
ersättare and the original beslut, judged for one person on the decision day."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from domain.delegation_authority import (
    DecisionCapacity,
    decision_capacity,
    unavailable_people,
)
from domain.delegation_rows import DelegatAlternative, DelegationRow
from domain.delegationsbeslut import Delegationsbeslut
from domain.errors import NotAuthorisedError, RuleViolationError
from domain.organisation import Organisation
from domain.roles import ORIGINAL_DELEGATE


class DecisionRequest(Protocol):
    """What of the command the decider needs (RecordDelegationsbeslut has it)."""

    arende_ref: str
    decided_on: date
    amount: float | None
    ersattare_for: str | None
    franvaro: Any
    original_namndbeslut: str | None


def decider(org: Organisation, person_id: str, row: DelegationRow, cmd: DecisionRequest,
            javiga: set[str], original: Delegationsbeslut | None) -> DecisionCapacity:
    """The capacity in which the person may decide, or the refusal naming the rule."""
    if person_id in javiga:
        raise NotAuthorisedError(
            f"{person_id} har anmält jäv i ärende {cmd.arende_ref} och får "
            "inte besluta (6 kap. 28 § KL); ärendet ska lämnas över till ersättaren",
            rule="jav")
    declared = set(javiga)
    if cmd.ersattare_for and cmd.franvaro:
        declared.add(cmd.ersattare_for)
    unavailable = unavailable_people(org, cmd.decided_on, declared)
    fitting = [a for a in row.delegater if a.covers(cmd.amount)
               and _original_matches(a, original, cmd.original_namndbeslut)]
    capacity = first_capacity(org, person_id, fitting, cmd.decided_on, unavailable,
                              cmd.ersattare_for, original)
    if capacity is not None:
        return capacity
    others = [a for a in row.delegater if not a.covers(cmd.amount)]
    if cmd.amount is not None and first_capacity(
            org, person_id, others, cmd.decided_on, unavailable, cmd.ersattare_for, original):
        right = " eller ".join(a.describe() for a in fitting) or "nämnden"
        raise RuleViolationError(
            f"Beslut om {cmd.amount:g} {row.limit_unit} ligger utanför din delegation; "
            f"rätt delegat är {right} ({row.reference()})", rule="over_beloppsgrans")
    if cmd.ersattare_for and not cmd.franvaro and cmd.ersattare_for not in unavailable:
        raise NotAuthorisedError(
            "Ersättare får besluta endast när delegaten är frånvarande eller jävig; ange "
            "franvaro: \"frånvaro\" (utan orsak)", rule="ej_franvarande")
    raise NotAuthorisedError(
        f"{person_id} är inte delegat den {cmd.decided_on.isoformat()} enligt "
        f"{row.reference()}; delegat är {' eller '.join(a.describe() for a in fitting)}",
        rule="ej_delegat")


def first_capacity(org: Organisation, person_id: str,
                   alternatives: list[DelegatAlternative], on: date, unavailable: set[str],
                   absent_delegate: str | None,
                   original: Delegationsbeslut | None) -> DecisionCapacity | None:
    for alt in alternatives:
        for role in alt.roles:
            if role == ORIGINAL_DELEGATE:
                capacity = _as_original_delegate(org, person_id, on, unavailable,
                                                 absent_delegate, original)
            else:
                capacity = decision_capacity(org, person_id, role, on, alt.within_unit,
                                             unavailable, absent_delegate)
            if capacity is not None:
                return capacity
    return None


def _original_matches(alt: DelegatAlternative, original: Delegationsbeslut | None,
                      original_namndbeslut: str | None) -> bool:
    if alt.when_original is None:
        return True
    if alt.when_original == "namnd":
        return original is None and bool(original_namndbeslut)
    return original is not None and original.facts.delegat_role == alt.when_original


def _as_original_delegate(org: Organisation, person_id: str, on: date, unavailable: set[str],
                          absent_delegate: str | None,
                          original: Delegationsbeslut | None) -> DecisionCapacity | None:
    if original is None:
        return None
    decider_id = original.facts.decider
    capacity = decision_capacity(org, person_id, original.facts.delegat_role, on, None,
                                 unavailable, absent_delegate or decider_id)
    if capacity is None:
        return None
    if capacity.person_id != decider_id and capacity.on_behalf_of != decider_id:
        return None
    return capacity
