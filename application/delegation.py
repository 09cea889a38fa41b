"""Handlers for the delegationsordning and delegationsbeslut: who may decide what, jäv,
återlämnande, återkallelse, anslag, överklagande and laga kraft."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from application.bus import CommandResult, Handler, Session, setup_cause
from application.ports import AbstractEventStore
from domain import delegation_commands as dc
from domain import system_commands as sc
from domain.authority import acting_in_any, person_name
from domain.base import Actor, Cause
from domain.delegation import Delegationsordning
from domain.delegation_authority import DecisionCapacity, unavailable_people
from domain.delegation_decider import decider, first_capacity
from domain.delegation_ledger import DelegationLedger, HandedBackMatter
from domain.delegation_rows import DelegationRow, check_delegable, laglighetsprovning_of
from domain.delegationsbeslut import BeslutFacts, Delegationsbeslut
from domain.errors import InvalidInputError, NotAuthorisedError
from domain.ids import delegation_ledger_id, delegationsbeslut_id, delegationsordning_id
from domain.roles import SECRETARY_ROLES


@dataclass(frozen=True)
class OrdningVersionSpec:
    """A version of the ordning as a data file or a nämnd beslut gives it."""

    in_force_from: date
    dnr: str
    paragraph: str
    beslut_date: date
    rows: list[DelegationRow]


def ensure_delegationsordning(store: AbstractEventStore, namnd_code: str, namnd_name: str,
                              versions: list[OrdningVersionSpec], actor: Actor
                              ) -> CommandResult:
    """Establishes the ordning and adopts the versions it lacks; re-running is a no-op."""
    cause = setup_cause(store, actor)
    oid = delegationsordning_id(namnd_code)
    ordning = (store.get(oid, Delegationsordning) if store.exists(oid)
               else Delegationsordning.establish(namnd_code, namnd_name, cause))
    known = {(v.dnr, v.paragraph, v.in_force_from) for v in ordning.versions}
    for spec in versions:
        if (spec.dnr, spec.paragraph, spec.in_force_from) not in known:
            ordning.adopt_version(spec.in_force_from, spec.dnr, spec.paragraph,
                                  spec.beslut_date, spec.rows, cause)
    store.save_changes(ordning)
    return CommandResult(ordning.id, ordning.version)


def ledger(s: Session, namnd_code: str, *, as_target: bool = False) -> DelegationLedger:
    """The nämnd's ledger, opened on first use (by the system, before the command's event)."""
    lid = delegation_ledger_id(namnd_code)
    existing = (s.target_if_exists(lid, DelegationLedger) if as_target
                else s.load_if_exists(lid, DelegationLedger))
    if existing is not None:
        return existing
    opened = DelegationLedger.open(namnd_code, Cause(
        actor=Actor.system("delegation"), occurred_at=s.now, recorded_at=s.now))
    return s.created(opened) if as_target else opened


def as_secretary(s: Session, namnd_code: str) -> Actor:
    return acting_in_any(s.organisation(namnd_code), s.issuer.person_id, SECRETARY_ROLES,
                         s.when)


def decider_actor(capacity: DecisionCapacity, namnd_code: str) -> Actor:
    return Actor(capacity.person_id, capacity.role, capacity.unit_id,
                 on_behalf_of=capacity.on_behalf_of or namnd_code)


def revoke_delegation(cmd: dc.RevokeDelegation, s: Session) -> None:
    ordning = s.target(delegationsordning_id(cmd.namnd_code), Delegationsordning)
    cause = s.act_as(as_secretary(s, cmd.namnd_code))
    ordning.revoke(cmd.row_nr, cmd.from_date, cmd.dnr, cmd.paragraph, cmd.arende_ref,
                   cmd.reason, cause)


def declare_jav(cmd: dc.DeclareJav, s: Session) -> None:
    org = s.organisation(cmd.namnd_code)
    if s.issuer.person_id not in org.people:
        raise NotAuthorisedError(f"{s.issuer.person_id} finns inte i {cmd.namnd_code}")
    book = ledger(s, cmd.namnd_code, as_target=True)
    cause = s.act_as(Actor(s.issuer.person_id, "delegat", None))
    book.declare_jav(cmd.arende_ref, s.issuer.person_id, cmd.on, cmd.grounds, cause)


def hand_back_matter(cmd: dc.HandBackMatter, s: Session) -> None:
    ordning = s.load(delegationsordning_id(cmd.namnd_code), Delegationsordning)
    row = ordning.row_in_force(cmd.row_nr, cmd.on, cmd.arende_ref)
    book = ledger(s, cmd.namnd_code, as_target=True)
    org = s.organisation(cmd.namnd_code)
    person = s.issuer.person_id
    # A delegat replaced by a vikarie that day hands nothing back; the vikarie does. Jäv
    # is no bar: handing the ärende back is how a jävig delegat steps aside.
    replaced = unavailable_people(org, cmd.on, ())
    capacity = first_capacity(org, person, list(row.delegater), cmd.on, replaced, None, None)
    if capacity is None and person in replaced:
        raise NotAuthorisedError(
            f"{person_name(org, person)} har vikarie den {cmd.on.isoformat()}; vikarien "
            f"lämnar tillbaka ärendet enligt {row.reference()}", rule="ersatt_av_vikarie")
    if capacity is None:
        raise NotAuthorisedError(
            f"Endast delegaten enligt {row.reference()} kan lämna tillbaka ärendet",
            rule="ej_delegat")
    cause = s.act_as(decider_actor(capacity, cmd.namnd_code))
    book.hand_back(HandedBackMatter(cmd.arende_ref, cmd.rubrik, cmd.row_nr, person, cmd.on,
                                    cmd.reason), cause)


def record_delegationsbeslut(cmd: dc.RecordDelegationsbeslut, s: Session) -> None:
    s.target_if_exists(delegationsbeslut_id(cmd.namnd_code, cmd.command_id), Delegationsbeslut)
    ordning = s.load(delegationsordning_id(cmd.namnd_code), Delegationsordning)
    version = ordning.version_in_force(cmd.decided_on)
    row = ordning.row_in_force(cmd.row_nr, cmd.decided_on, cmd.arende_ref)
    check_delegable(row)
    laglighetsprovning = laglighetsprovning_of(row, cmd.laglighetsprovning)
    if row.limit_unit and cmd.amount is None:
        raise InvalidInputError(f"Ange omfattningen i {row.limit_unit} ({row.reference()})",
                                rule="belopp_saknas")
    book = ledger(s, cmd.namnd_code)
    original = (s.load(cmd.original_beslut_id, Delegationsbeslut)
                if cmd.original_beslut_id else None)
    capacity = decider(s.organisation(cmd.namnd_code), s.issuer.person_id, row, cmd,
                       book.javiga(cmd.arende_ref), original)
    cause = s.act_as(decider_actor(capacity, cmd.namnd_code))
    facts = BeslutFacts(
        namnd_code=cmd.namnd_code, row_nr=row.nr, ordning_version=version.number,
        lagrum=row.lagrum, arende=row.arende, arende_ref=cmd.arende_ref, beslut=cmd.beslut,
        decided_on=cmd.decided_on, decider=s.issuer.person_id, delegat_role=capacity.role,
        via=capacity.via, on_behalf_of=capacity.on_behalf_of,
        vagnar=ordning.vagnar_formula, amount=cmd.amount, limit_unit=row.limit_unit,
        must_be_anmald=row.must_be_anmald(laglighetsprovning),
        laglighetsprovning=laglighetsprovning, bradskande=row.bradskande, anmalan=row.anmalan,
    )
    beslut = s.created(Delegationsbeslut.decide(
        delegationsbeslut_id(cmd.namnd_code, cmd.command_id), facts, cause))
    if facts.must_be_anmald:
        book.await_anmalan(beslut.id, cmd.decided_on, cause)
        s.also(book)


def ansla_delegationsbeslut(cmd: dc.AnslaDelegationsbeslut, s: Session) -> None:
    beslut = s.target(cmd.beslut_id, Delegationsbeslut)
    beslut.ansla(cmd.anslag_date, s.act_as(as_secretary(s, beslut.facts.namnd_code)))


def register_overklagande(cmd: dc.RegisterOverklagande, s: Session) -> None:
    beslut = s.target(cmd.beslut_id, Delegationsbeslut)
    beslut.register_overklagande(cmd.received_on, cmd.reference,
                                 s.act_as(as_secretary(s, beslut.facts.namnd_code)))


def record_laga_kraft(cmd: sc.RecordLagaKraft, s: Session) -> None:
    """Nothing is recorded for a beslut överklagat meanwhile (the signal may still be on
    its way to the workflow)."""
    beslut = s.target(cmd.beslut_id, Delegationsbeslut)
    cause = s.act_as(Actor.system())
    if beslut.overklagat is None:
        beslut.gain_laga_kraft(cause)


def handlers() -> dict[type, Handler]:
    return {
        dc.RecordDelegationsbeslut: record_delegationsbeslut,
        dc.DeclareJav: declare_jav,
        dc.HandBackMatter: hand_back_matter,
        dc.RevokeDelegation: revoke_delegation,
        dc.AnslaDelegationsbeslut: ansla_delegationsbeslut,
        dc.RegisterOverklagande: register_overklagande,
        sc.RecordLagaKraft: record_laga_kraft,
    }
