"""The sammanträde's guards (ärendelista, protokoll, justering, anslag) and the § register.

Rows of the guard table (see test_guards.py): each builds its aggregate from the class
methods with a Cause, no store.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

import pytest

from domain.calendar import STOCKHOLM
from domain.errors import InvalidInputError, NotFoundError, RuleViolationError
from domain.meeting import KIND_ANMALAN, Meeting
from domain.paragraph_register import ParagraphRegister
from tests.unit.test_guards import SYSTEM, Guard, check_refusal, nothing, params

SEPT = date(2022, 9, 27)
CUTOFF = date(2022, 9, 20)
ANMALAN = "2022.018 VON"
ARENDE = "2022.100 VON"
HEAD = {"tree_size": 3, "root_hash": "ab" * 32, "timestamp": "2022-09-28T10:00:00+02:00",
        "key_id": "k1", "public_key": "pk", "signature": "sig"}
STEPS = ("held", "decided", "justerat", "anslaget")


def schedule(cutoff: date = CUTOFF, dnr: str = ANMALAN) -> Callable[[Any], Meeting]:
    return lambda _: Meeting.schedule("VON", SEPT, datetime.combine(SEPT, time(14),
                                                                     tzinfo=STOCKHOLM),
                                      cutoff, dnr, SYSTEM)


def meeting(status: str = "planerat", compiled: bool = False, anmalan: bool = False
            ) -> Callable[[], Meeting]:
    """A meeting with one ärende (and, with ``anmalan``, the standing anmälan ärende),
    taken to: held, decided, justerat or anslaget."""
    def arrange() -> Meeting:
        m = schedule()(None)
        m.add_arende(ARENDE, "Delårsbokslut 2022", "beslut", None, SYSTEM)
        if anmalan:
            m.add_arende(ANMALAN, "Anmälan av delegationsbeslut", KIND_ANMALAN, None, SYSTEM)
        if compiled:
            m.compile_anmalningslista([], SYSTEM)
        m.designate_justerare("maja", SYSTEM)
        if status in STEPS:
            m.open_protokoll(list(range(41, 41 + len(m.arenden))), SYSTEM)
        if status in STEPS[1:]:
            for a in m.arenden:
                m.record_beslut(a.dnr, "Nämnden godkänner", SYSTEM)
        if status in STEPS[2:]:
            m.justera("hans", "ordforande", SEPT, SYSTEM)
            m.justera("maja", "justerare", SEPT, SYSTEM)
        if status in STEPS[3:]:
            m.ansla(SEPT + timedelta(days=2), SYSTEM)
        return m
    return arrange


def justera(person: str = "maja", capacity: str = "justerare", on: date = SEPT
            ) -> Callable[[Meeting], object]:
    return lambda m: m.justera(person, capacity, on, SYSTEM)


MEETINGS: list[Guard] = [
    Guard("meeting.py:schedule", "cutoff_before_meeting", InvalidInputError, nothing,
          schedule(cutoff=SEPT), "cutoff_on_the_meeting_day"),
    Guard("meeting.py:_check_dnr", "dnr_format", InvalidInputError, nothing,
          schedule(dnr="2022.018 KS"), "anmalan_dnr_of_another_namnd"),
    Guard("meeting.py:_check_dnr", "dnr_format", InvalidInputError, meeting(),
          lambda m: m.add_arende("2022.101", "X", "beslut", None, SYSTEM), "dnr_without_namnd"),
    Guard("meeting.py:_check_planned", "arendelista_last", RuleViolationError, meeting("held"),
          lambda m: m.add_arende("2022.101 VON", "X", "beslut", None, SYSTEM),
          "add_arende_when_held"),
    Guard("meeting.py:add_arende", "arende_kind", InvalidInputError, meeting(),
          lambda m: m.add_arende("2022.101 VON", "X", "ovrigt", None, SYSTEM), "unknown_kind"),
    Guard("meeting.py:add_arende", "cykelbeslut_utan_cykel", InvalidInputError, meeting(),
          lambda m: m.add_arende("2022.101 VON", "X", "cykelbeslut", None, SYSTEM),
          "cykelbeslut_without_cycle"),
    Guard("meeting.py:add_arende", "dubbelt_arende", RuleViolationError, meeting(),
          lambda m: m.add_arende(ARENDE, "Igen", "beslut", None, SYSTEM), "arende_twice"),
    Guard("meeting.py:_check_planned", "arendelista_last", RuleViolationError, meeting("held"),
          lambda m: m.compile_anmalningslista([], SYSTEM), "compile_when_held"),
    Guard("meeting.py:_check_planned", "arendelista_last", RuleViolationError,
          meeting("held", anmalan=True), lambda m: m.compile_anmalningslista([], SYSTEM),
          "compile_when_held_with_the_anmalan_arende_listed"),
    Guard("meeting.py:compile_anmalningslista", "lista_redan_sammanstalld",
          RuleViolationError, meeting(compiled=True),
          lambda m: m.compile_anmalningslista([UUID(int=1)], SYSTEM), "compile_twice"),
    Guard("meeting.py:designate_justerare", "redan_justerat", RuleViolationError,
          meeting("justerat"), lambda m: m.designate_justerare("kalle", SYSTEM),
          "designate_when_justerat"),
    Guard("meeting.py:_check_planned", "arendelista_last", RuleViolationError, meeting("held"),
          lambda m: m.open_protokoll([42], SYSTEM), "open_protokoll_twice"),
    Guard("meeting.py:open_protokoll", "paragraph_count", InvalidInputError, meeting(),
          lambda m: m.open_protokoll([41, 42], SYSTEM), "more_paragraphs_than_arenden"),
    Guard("meeting.py:record_beslut", "protokoll_ej_oppet", RuleViolationError, meeting(),
          lambda m: m.record_beslut(ARENDE, "Godkänt", SYSTEM), "beslut_before_the_meeting"),
    Guard("meeting.py:record_beslut", "protokoll_ej_oppet", RuleViolationError,
          meeting("justerat"), lambda m: m.record_beslut(ARENDE, "Ändrat", SYSTEM),
          "beslut_after_justering"),
    Guard("meeting.py:arende", "unknown_id", NotFoundError, meeting("held"),
          lambda m: m.record_beslut("2022.999 VON", "Godkänt", SYSTEM), "beslut_off_the_list"),
    Guard("meeting.py:record_beslut", "redan_beslutat", RuleViolationError, meeting("decided"),
          lambda m: m.record_beslut(ARENDE, "Igen", SYSTEM), "beslut_twice"),
    Guard("meeting.py:justera", "protokoll_ej_oppet", RuleViolationError, meeting(),
          justera(), "justera_before_the_meeting_is_held"),
    Guard("meeting.py:justera", "protokoll_ej_oppet", RuleViolationError, meeting("justerat"),
          justera(), "justera_twice"),
    Guard("meeting.py:justera", "beslut_saknas", RuleViolationError, meeting("held"),
          justera(), "justera_with_an_undecided_arende"),
    Guard("meeting.py:justera", "beslut_saknas", RuleViolationError,
          meeting("held", anmalan=True), justera(), "justera_with_two_undecided_arenden"),
    Guard("meeting.py:justera", "ej_justerare", RuleViolationError, meeting("decided"),
          justera("kalle"), "justera_by_someone_not_designated"),
    Guard("meeting.py:justera", "justering_fore_sammantrade", InvalidInputError,
          meeting("decided"), justera(on=SEPT - timedelta(days=1)),
          "justera_the_day_before"),
    Guard("meeting.py:record_tree_head", "tree_head_at_justering", RuleViolationError,
          meeting("decided"), lambda m: m.record_tree_head(HEAD, SYSTEM),
          "tree_head_before_justering"),
    Guard("meeting.py:remind_justering", "ingen_justering_vantar", RuleViolationError,
          meeting("justerat"), lambda m: m.remind_justering(["hans"], SYSTEM),
          "remind_when_justerat"),
    Guard("meeting.py:ansla", "ej_justerat", RuleViolationError, meeting("decided"),
          lambda m: m.ansla(SEPT, SYSTEM), "ansla_before_justering"),
    Guard("meeting.py:ansla", "ej_justerat", RuleViolationError, meeting("anslaget"),
          lambda m: m.ansla(SEPT + timedelta(days=3), SYSTEM), "ansla_twice"),
    Guard("meeting.py:ansla", "anslag_fore_justering", InvalidInputError, meeting("justerat"),
          lambda m: m.ansla(SEPT - timedelta(days=1), SYSTEM), "anslag_before_the_justering"),
    Guard("meeting.py:expediera", "ej_anslaget", RuleViolationError, meeting("justerat"),
          lambda m: m.expediera(["KLK"], SYSTEM), "expediera_before_anslag"),
]


# --- ParagraphRegister ---

def register() -> ParagraphRegister:
    r = ParagraphRegister.open("VON", 2022, SYSTEM, first_number=40)
    r.allocate(UUID(int=1), SEPT, 3, SYSTEM)
    return r


REGISTER: list[Guard] = [
    Guard("paragraph_register.py:open", "paragraf_start", InvalidInputError, nothing,
          lambda _: ParagraphRegister.open("VON", 2022, SYSTEM, first_number=0),
          "numbering_from_zero"),
    Guard("paragraph_register.py:allocate", "paragraf_ar", InvalidInputError, register,
          lambda r: r.allocate(UUID(int=2), date(2023, 1, 10), 1, SYSTEM),
          "meeting_of_another_year"),
    Guard("paragraph_register.py:allocate", "paragrafer_redan_tilldelade", RuleViolationError,
          register, lambda r: r.allocate(UUID(int=1), SEPT, 3, SYSTEM), "same_meeting_twice"),
    Guard("paragraph_register.py:allocate", "paragraf_ordning", RuleViolationError, register,
          lambda r: r.allocate(UUID(int=2), SEPT - timedelta(days=1), 1, SYSTEM),
          "an_earlier_meeting_after_a_later"),
    Guard("paragraph_register.py:allocate", "protokoll_utan_arenden", InvalidInputError,
          register, lambda r: r.allocate(UUID(int=2), SEPT, 0, SYSTEM), "no_arenden"),
]

GUARDS = [*MEETINGS, *REGISTER]


@pytest.mark.parametrize("guard", params(GUARDS))
def test_the_guard_refuses_naming_its_rule(guard: Guard) -> None:
    check_refusal(guard)


def test_the_edges_next_to_the_refusals_are_accepted() -> None:
    m = meeting()()
    m.add_arende("2022.101 VON-2", "Ett delärende", "beslut", None, SYSTEM)
    assert m.arende("2022.101 VON-2").rubrik == "Ett delärende"
    justerat = meeting("justerat")()
    justerat.ansla(SEPT, SYSTEM)  # the day of the justering itself
    assert justerat.anslag_date == SEPT
