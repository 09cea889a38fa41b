"""The delegation guards: the ordning's rows and versions, beslut, the ledger and the decider.

Rows of the guard table (see test_guards.py): each builds its aggregate from the class
methods with a Cause, no store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.calendar import STOCKHOLM
from domain.delegation import Delegationsordning
from domain.delegation_decider import decider
from domain.delegation_ledger import DelegationLedger, HandedBackMatter
from domain.delegation_rows import (
    DelegatAlternative,
    DelegationRow,
    check_delegable,
    check_row,
    laglighetsprovning_of,
)
from domain.delegationsbeslut import BeslutFacts, Delegationsbeslut
from domain.errors import InvalidInputError, NotAuthorisedError, NotFoundError, RuleViolationError
from domain.legal_time import laga_kraft_instant, overklagandetid_last_day
from domain.roles import AU, ORIGINAL_DELEGATE
from tests.unit.test_guards import SYSTEM, Guard, by, check_refusal, nothing, org, params

FC = DelegatAlternative(("forvaltningschef",))
ROW = DelegationRow("2.1.3", "Beslut om yttrande", "12 § FL", (FC,), anmalan="ska")
BANDED = DelegationRow(
    "3.3.2", "Beslut om ledsagarservice", "9 § 2 LSS",
    (DelegatAlternative(("forvaltningschef",), "a", up_to=20),
     DelegatAlternative((AU,), "b", over=20)), anmalan="ska", limit_unit="timmar per vecka")


def row(**changes: Any) -> DelegationRow:
    return replace(ROW, **changes)


def alt(*roles: str, **changes: Any) -> DelegationRow:
    return row(delegater=(DelegatAlternative(tuple(roles), "a", **changes),),
               limit_unit="timmar")


def refused_row(r: DelegationRow) -> Callable[[Any], object]:
    return lambda _: check_row(r)


ROWS: list[Guard] = [
    Guard("delegation_rows.py:check_row", "anmalan_kind", InvalidInputError, nothing,
          refused_row(row(anmalan="kanske")), "unknown_anmalan"),
    Guard("delegation_rows.py:check_row", "ej_delegerbart_arende", RuleViolationError, nothing,
          refused_row(row(ej_delegerbar=True)), "non_delegable_row_with_a_delegat"),
    Guard("delegation_rows.py:check_row", "ej_delegerbart_arende", RuleViolationError, nothing,
          refused_row(row(ej_delegerbar=True, delegater=(FC, DelegatAlternative((AU,))))),
          "non_delegable_row_with_two_delegater"),
    Guard("delegation_rows.py:check_row", "verkstallighet_ar_inte_delegation",
          RuleViolationError, nothing, refused_row(row(verkstallighet=True)),
          "verkstallighet_with_a_delegat"),
    Guard("delegation_rows.py:check_row", "delegat_saknas", InvalidInputError, nothing,
          refused_row(row(delegater=())), "row_without_delegat"),
    Guard("delegation_rows.py:check_row", "limit_unit_missing", InvalidInputError, nothing,
          refused_row(replace(BANDED, limit_unit=None)), "band_without_unit"),
    Guard("delegation_rows.py:_check_alternative", "unknown_delegat", InvalidInputError,
          nothing, refused_row(alt("kassor")), "unknown_role"),
    Guard("delegation_rows.py:_check_alternative", "unknown_delegat", InvalidInputError,
          nothing, refused_row(alt("kassor", "vaktmastare")), "two_unknown_roles"),
    Guard("delegation_rows.py:_check_alternative", "delegat_saknas", InvalidInputError,
          nothing, refused_row(alt()), "alternative_without_roles"),
    Guard("delegation_rows.py:_check_alternative", "limits_reversed", InvalidInputError,
          nothing, refused_row(alt("forvaltningschef", over=20, up_to=10)), "band_reversed"),
    Guard("delegation_rows.py:_check_alternative", "limits_reversed", InvalidInputError,
          nothing, refused_row(alt("forvaltningschef", over=20, up_to=20)), "band_empty"),
    Guard("delegation_rows.py:_check_alternative", "blandad_delegering", RuleViolationError,
          nothing, refused_row(alt("ordforande", "forvaltningschef", jointly=True)),
          "elected_with_employed"),
    Guard("delegation_rows.py:_check_alternative", "delegering_till_grupp_av_anstallda",
          RuleViolationError, nothing,
          refused_row(alt("forvaltningschef", "avdelningschef", jointly=True)),
          "group_of_employees"),
    Guard("delegation_rows.py:_check_alternative", "grupp_utan_utskott", RuleViolationError,
          nothing, refused_row(alt("ordforande", "vice_ordforande", jointly=True)),
          "elected_group_not_the_au"),
    Guard("delegation_rows.py:check_delegable", "verkstallighet_ar_inte_delegation",
          RuleViolationError, nothing,
          lambda _: check_delegable(row(verkstallighet=True, delegater=())),
          "beslut_under_verkstallighet"),
    Guard("delegation_rows.py:check_delegable", "ej_delegerbart_arende", RuleViolationError,
          nothing, lambda _: check_delegable(row(ej_delegerbar=True, delegater=())),
          "beslut_under_a_non_delegable_row"),
    Guard("delegation_rows.py:laglighetsprovning_of", "laglighetsprovning_saknas",
          InvalidInputError, nothing,
          lambda _: laglighetsprovning_of(
              row(anmalan="om_laglighetsprovning", laglighetsprovning=None), None),
          "anmalan_depends_and_neither_row_nor_delegat_says"),
]


# --- Delegationsordning ---

V1 = date(2022, 3, 1)


def ordning(revoked: bool = False, arende_ref: str | None = None
            ) -> Callable[[], Delegationsordning]:
    """Version 1 in force from V1; ``revoked``: row 2.1.3 återkallad from 1 May (for
    ``arende_ref`` alone, or generally)."""
    def arrange() -> Delegationsordning:
        o = Delegationsordning.establish("VON", "Vård- och omsorgsnämnden", SYSTEM)
        o.adopt_version(V1, "2022.010 VON", "§ 12", date(2022, 2, 20), [ROW, BANDED], SYSTEM)
        if revoked:
            o.revoke(ROW.nr, date(2022, 5, 1), "2022.050 VON", "§ 40", arende_ref,
                     "Nämnden avgör", SYSTEM)
        return o
    return arrange


def adopt(in_force: date = date(2022, 9, 1), beslut: date = date(2022, 8, 20),
          rows: list[DelegationRow] | None = None) -> Callable[[Delegationsordning], object]:
    return lambda o: o.adopt_version(in_force, "2022.200 VON", "§ 80", beslut,
                                     [ROW] if rows is None else rows, SYSTEM)


ORDNING: list[Guard] = [
    Guard("delegation.py:adopt_version", "duplicate_row", InvalidInputError, ordning(),
          adopt(rows=[ROW, ROW]), "row_twice"),
    Guard("delegation.py:adopt_version", "duplicate_row", InvalidInputError, ordning(),
          adopt(rows=[ROW, BANDED, ROW, BANDED]), "two_rows_twice"),
    Guard("delegation_rows.py:check_row", "delegat_saknas", InvalidInputError, ordning(),
          adopt(rows=[row(delegater=())]), "adopt_a_row_without_delegat"),
    Guard("delegation.py:adopt_version", "retroaktiv_delegation", RuleViolationError,
          ordning(), adopt(in_force=date(2022, 8, 19)), "in_force_before_the_beslut"),
    Guard("delegation.py:adopt_version", "version_order", RuleViolationError, ordning(),
          adopt(in_force=V1, beslut=date(2022, 2, 20)), "in_force_with_the_last_version"),
    Guard("delegation.py:revoke", "unknown_id", NotFoundError, ordning(),
          lambda o: o.revoke("9.9", date(2022, 5, 1), "2022.050 VON", "§ 40", None, "x",
                             SYSTEM), "revoke_an_unknown_row"),
    Guard("delegation.py:version_in_force", "ingen_delegationsordning", RuleViolationError,
          ordning(), lambda o: o.row_in_force(ROW.nr, V1 - timedelta(days=1)),
          "before_the_first_version"),
    Guard("delegation.py:row_in_force", "rad_saknas_i_gallande_ordning", RuleViolationError,
          ordning(), lambda o: o.row_in_force("9.9", V1), "row_not_in_the_ordning"),
    Guard("delegation.py:row_in_force", "delegation_aterkallad", RuleViolationError,
          ordning(revoked=True), lambda o: o.row_in_force(ROW.nr, date(2022, 5, 1)),
          "revoked_for_every_arende"),
    Guard("delegation.py:row_in_force", "delegation_aterkallad", RuleViolationError,
          ordning(revoked=True, arende_ref="2022.301 VON"),
          lambda o: o.row_in_force(ROW.nr, date(2022, 6, 1), "2022.301 VON"),
          "revoked_for_this_arende"),
]


# --- Delegationsbeslut ---

DECIDED = date(2022, 10, 3)
ANSLAG = date(2022, 10, 5)
FACTS = BeslutFacts(
    namnd_code="VON", row_nr=ROW.nr, ordning_version=1, lagrum=ROW.lagrum, arende=ROW.arende,
    arende_ref="2022.301 VON", beslut="Yttrande lämnas", decided_on=DECIDED,
    decider="fredrik", delegat_role="forvaltningschef", via="ordinarie", on_behalf_of=None,
    vagnar="På vård- och omsorgsnämndens vägnar", amount=None, limit_unit=None,
    must_be_anmald=True, laglighetsprovning=True, bradskande=False)
MEETING = UUID(int=1)


def at_day(d: date) -> Any:
    return by("system", "workflow", at=datetime.combine(d, time(12), tzinfo=STOCKHOLM))


def beslut(*steps: str, **facts: Any) -> Callable[[], Delegationsbeslut]:
    """A beslut taken through the steps: anslaget, overklagat, laga_kraft, listed."""
    def arrange() -> Delegationsbeslut:
        b = Delegationsbeslut.decide(uuid4(), replace(FACTS, **facts), SYSTEM)
        if "anslaget" in steps:
            b.ansla(ANSLAG, SYSTEM)
        if "overklagat" in steps:
            b.register_overklagande(ANSLAG + timedelta(days=7), "FR 1-22", SYSTEM)
        if "laga_kraft" in steps:
            b.gain_laga_kraft(by("system", "workflow", at=laga_kraft_instant(ANSLAG)))
        if "listed" in steps:
            b.place_on_list(MEETING, SYSTEM)
        return b
    return arrange


LAST_DAY = overklagandetid_last_day(ANSLAG)
BESLUT: list[Guard] = [
    Guard("delegationsbeslut.py:ansla", "anslag_kraver_laglighetsprovning", RuleViolationError,
          beslut(laglighetsprovning=False), lambda b: b.ansla(ANSLAG, SYSTEM),
          "not_appealable_by_laglighetsprovning"),
    Guard("delegationsbeslut.py:ansla", "redan_anslaget", RuleViolationError,
          beslut("anslaget"), lambda b: b.ansla(ANSLAG, SYSTEM), "anslag_twice"),
    Guard("delegationsbeslut.py:ansla", "anslag_fore_beslut", RuleViolationError, beslut(),
          lambda b: b.ansla(DECIDED - timedelta(days=1), SYSTEM), "anslag_before_the_beslut"),
    Guard("delegationsbeslut.py:register_overklagande", "ej_anslaget", RuleViolationError,
          beslut(), lambda b: b.register_overklagande(ANSLAG, "FR 1-22", SYSTEM),
          "overklagande_before_anslag"),
    Guard("delegationsbeslut.py:register_overklagande", "redan_laga_kraft", RuleViolationError,
          beslut("anslaget", "laga_kraft"),
          lambda b: b.register_overklagande(LAST_DAY, "FR 1-22", SYSTEM),
          "overklagande_after_laga_kraft"),
    Guard("delegationsbeslut.py:register_overklagande", "overklagande_for_sent",
          RuleViolationError, beslut("anslaget"),
          lambda b: b.register_overklagande(LAST_DAY + timedelta(days=1), "FR 1-22", SYSTEM),
          "overklagande_the_day_after_the_last_day"),
    Guard("delegationsbeslut.py:gain_laga_kraft", "ej_anslaget", RuleViolationError, beslut(),
          lambda b: b.gain_laga_kraft(at_day(LAST_DAY + timedelta(days=30))),
          "laga_kraft_without_anslag"),
    Guard("delegationsbeslut.py:gain_laga_kraft", "overklagat", RuleViolationError,
          beslut("anslaget", "overklagat"),
          lambda b: b.gain_laga_kraft(at_day(LAST_DAY + timedelta(days=1))),
          "laga_kraft_when_overklagat"),
    Guard("delegationsbeslut.py:gain_laga_kraft", "overklagandetid_lopande", RuleViolationError,
          beslut("anslaget"), lambda b: b.gain_laga_kraft(at_day(LAST_DAY)),
          "laga_kraft_on_the_last_day"),
    Guard("delegationsbeslut.py:place_on_list", "anmals_ej", RuleViolationError,
          beslut(must_be_anmald=False, anmalan="nej"), lambda b: b.place_on_list(MEETING, SYSTEM),
          "list_a_beslut_of_a_row_never_anmald"),
    Guard("delegationsbeslut.py:place_on_list", "anmals_ej", RuleViolationError,
          beslut(must_be_anmald=False, anmalan="om_laglighetsprovning", laglighetsprovning=False),
          lambda b: b.place_on_list(MEETING, SYSTEM),
          "list_a_beslut_not_appealable_by_laglighetsprovning"),
    Guard("delegationsbeslut.py:place_on_list", "anmals_ej", RuleViolationError,
          beslut(must_be_anmald=False), lambda b: b.place_on_list(MEETING, SYSTEM),
          "list_a_beslut_recorded_before_its_rows_anmalan_was_kept"),
    Guard("delegationsbeslut.py:place_on_list", "redan_anmalt", RuleViolationError,
          beslut("listed"), lambda b: b.place_on_list(UUID(int=2), SYSTEM), "list_twice"),
    Guard("delegationsbeslut.py:record_anmalt", "ej_pa_listan", RuleViolationError,
          beslut("listed"), lambda b: b.record_anmalt(UUID(int=2), "§ 5", SYSTEM),
          "anmalt_at_another_meeting"),
    Guard("delegationsbeslut.py:record_anmalt", "ej_pa_listan", RuleViolationError,
          beslut(), lambda b: b.record_anmalt(MEETING, "§ 5", SYSTEM), "anmalt_unlisted"),
]


# --- DelegationLedger ---

MATTER = HandedBackMatter("2022.301 VON", "Ansökan", ROW.nr, "fredrik", DECIDED, "Principiellt")


def ledger(pending: UUID | None = None, handed_back: bool = False
           ) -> Callable[[], DelegationLedger]:
    def arrange() -> DelegationLedger:
        ledger = DelegationLedger.open("VON", SYSTEM)
        if pending is not None:
            ledger.await_anmalan(pending, DECIDED, SYSTEM)
        if handed_back:
            ledger.hand_back(MATTER, SYSTEM)
        return ledger
    return arrange


LEDGER: list[Guard] = [
    Guard("delegation_ledger.py:declare_jav", "jav_grounds_required", InvalidInputError,
          ledger(), lambda ledger: ledger.declare_jav("2022.301 VON", "fredrik", DECIDED, " ",
                                                      SYSTEM), "jav_without_grounds"),
    Guard("delegation_ledger.py:take_for_meeting", "redan_anmalt", RuleViolationError,
          ledger(pending=UUID(int=7)),
          lambda ledger: ledger.take_for_meeting(MEETING, [UUID(int=7), UUID(int=8)], SYSTEM),
          "a_beslut_already_taken"),
    Guard("delegation_ledger.py:hand_back", "redan_aterlamnat", RuleViolationError,
          ledger(handed_back=True), lambda ledger: ledger.hand_back(MATTER, SYSTEM),
          "hand_back_twice"),
]


# --- Who decides (delegation_decider.py) on the VON-shaped organisation ---

def ask(person: str, r: DelegationRow = ROW, javiga: frozenset[str] = frozenset(),
        original: Delegationsbeslut | None = None, **cmd: Any) -> Callable[[Any], object]:
    fields = {"arende_ref": "2022.301 VON", "decided_on": DECIDED, "amount": None,
              "ersattare_for": None, "franvaro": None, "original_namndbeslut": None, **cmd}
    return lambda o: decider(o, person, r, SimpleNamespace(**fields), set(javiga), original)


TWO_DELEGATER = row(delegater=(FC, DelegatAlternative(("avdelningschef",))))
OMPROVNING = DelegationRow(  # the delegat in the original ärende, up to 20 hours; AU above
    "2.1.4", "Omprövning", "27 § FL",
    (DelegatAlternative((ORIGINAL_DELEGATE,), "a", up_to=20),
     DelegatAlternative((AU,), "b", over=20)), limit_unit="timmar per vecka")
ORIGINAL = Delegationsbeslut.decide(UUID(int=9), FACTS, SYSTEM)  # fredrik, förvaltningschef


DECIDER: list[Guard] = [
    Guard("delegation_decider.py:decider", "jav", NotAuthorisedError, org,
          ask("fredrik", javiga=frozenset({"fredrik"})), "jav_declared"),
    Guard("delegation_decider.py:decider", "over_beloppsgrans", RuleViolationError, org,
          ask("fredrik", BANDED, amount=25), "over_the_limit"),
    Guard("delegation_decider.py:decider", "ej_franvarande", NotAuthorisedError, org,
          ask("stina", ersattare_for="fredrik"), "ersattare_without_franvaro"),
    Guard("delegation_decider.py:decider", "ej_delegat", NotAuthorisedError, org,
          ask("bertil"), "not_the_delegat"),
    Guard("delegation_decider.py:decider", "ej_delegat", NotAuthorisedError, org,
          ask("bertil", TWO_DELEGATER), "not_one_of_two_delegater"),
    Guard("delegation_decider.py:decider", "over_beloppsgrans", RuleViolationError, org,
          ask("stina", BANDED, amount=25, ersattare_for="fredrik", franvaro="frånvaro"),
          "ersattare_over_the_limit"),
    Guard("delegation_decider.py:decider", "over_beloppsgrans", RuleViolationError, org,
          ask("fredrik", OMPROVNING, original=ORIGINAL, amount=25),
          "original_delegat_over_the_limit"),
]

GUARDS = [*ROWS, *ORDNING, *BESLUT, *LEDGER, *DECIDER]


@pytest.mark.parametrize("guard", params(GUARDS))
def test_the_guard_refuses_naming_its_rule(guard: Guard) -> None:
    check_refusal(guard)
