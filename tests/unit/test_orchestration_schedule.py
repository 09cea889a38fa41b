"""Working days, reminder instants and recipients that the workflows are handed."""

from __future__ import annotations

from datetime import date, datetime

from domain.calendar import STOCKHOLM, end_of_day
from domain.escalation import escalation_target, task_owner
from domain.working_days import ReminderSchedule, add_working_days, attest_deadline
from tests.support.engine import TestEngine
from tests.support.org import build_organisation


def at(day: str, hhmm: str = "08:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=STOCKHOLM)


class TestWorkingDays:
    def test_weekends_are_skipped(self) -> None:
        assert add_working_days(date(2022, 8, 19), 1) == date(2022, 8, 22)
        assert add_working_days(date(2022, 8, 22), -1) == date(2022, 8, 19)

    def test_swedish_helgdagar_are_skipped(self) -> None:
        # Långfredag 15 April and annandag påsk 18 April 2022.
        assert add_working_days(date(2022, 4, 14), 1) == date(2022, 4, 19)
        # Nationaldagen, Monday 6 June 2022.
        assert add_working_days(date(2022, 6, 3), 1) == date(2022, 6, 7)


class TestReminderSchedule:
    def test_reminders_three_and_one_working_day_before_at_eight(self) -> None:
        plan = ReminderSchedule((3, 1), hour=8, overdue_days=3)
        deadline = end_of_day(date(2022, 8, 23))
        assert plan.before(deadline) == [at("2022-08-18"), at("2022-08-22")]
        assert plan.overdue(deadline) == [at("2022-08-24"), at("2022-08-25"), at("2022-08-26")]

    def test_a_reminder_across_the_summer_time_change_stays_at_eight_local(self) -> None:
        plan = ReminderSchedule((1,), hour=8, overdue_days=0)
        # Summer time ends Sunday 30 October 2022; the deadline is Monday 31.
        [reminder] = plan.before(end_of_day(date(2022, 10, 31)))
        assert reminder == at("2022-10-28")
        assert reminder.utcoffset() is not None and reminder.utcoffset().seconds == 7200

    def test_the_attest_deadline_is_the_end_of_the_third_working_day(self) -> None:
        assert attest_deadline(at("2022-08-19", "14:00"), 3) == end_of_day(date(2022, 8, 24))


class TestRecipients:
    def test_klarmarkera_goes_to_the_enhetschef_and_escalates_to_the_avdelningschef(
            self, app: TestEngine) -> None:
        build_organisation(app)
        org = app.organisation("VON")
        assert task_owner(org, "enh-ekhagen", "klarmarkera", date(2022, 8, 22)).person_id == "anna"
        target = escalation_target(org, "enh-ekhagen", "klarmarkera", date(2022, 8, 24))
        assert (target.person_id, target.role) == ("david", "avdelningschef")

    def test_the_vikarie_gets_the_reminder_while_standing_in(self, app: TestEngine) -> None:
        build_organisation(app)
        org = app.organisation("VON")
        assert task_owner(org, "enh-ekhagen", "klarmarkera", date(2022, 7, 15)).person_id == "ida"

    def test_attestera_escalates_to_the_forvaltningschef_and_the_forvaltning_to_the_ordforande(
            self, app: TestEngine) -> None:
        build_organisation(app)
        org = app.organisation("VON")
        day = date(2022, 8, 24)
        assert escalation_target(org, "enh-ekhagen", "attestera", day).person_id == "fredrik"
        top = escalation_target(org, "von-forv", "klarmarkera", day)
        assert (top.person_id, top.role) == ("hans", "ordforande")
