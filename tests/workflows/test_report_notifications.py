"""What the report activities mail: units named as their chefs know them, never by id."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from activities.reports import ReportActivities
from bootstrap import build_activity_deps
from tests.support.engine import TestEngine
from tests.support.org import build_organisation, open_delar_2022, report
from workflows.payloads import ReportFact

EKHAGEN = str(report("enh-ekhagen"))
DEADLINE = datetime(2022, 8, 23, 14, tzinfo=UTC)
AFTER = datetime(2022, 8, 24, 6, tzinfo=UTC)


def fact(key: str, *, overdue: bool = False) -> ReportFact:
    return ReportFact(report_id=EKHAGEN, key=key, task="klarmarkera", deadline=DEADLINE,
                      occurred_at=AFTER, overdue=overdue)


async def test_reminder_and_escalation_name_the_enhet(tmp_path: Path, app: TestEngine) -> None:
    build_organisation(app)
    open_delar_2022(app)
    deps = build_activity_deps(app)  # type: ignore[arg-type]  # its settings: harness_settings
    activities = ReportActivities(deps)

    await activities.send_reminder(fact("t:reminder", overdue=True))
    await activities.deadline_passed(fact("t:deadline"))

    mail = {n.key: (n.recipient_person_id, n.subject) for n in deps.notifier.outbox.all()}
    assert mail == {
        "t:reminder": ("anna", "Tidsgränsen har passerat: Klarmarkera rapporten för "
                               "Ekhagens äldreboende"),
        "t:deadline": ("david", "Eskalering: Ekhagens äldreboende har inte hunnit klarmarkera"),
    }


async def test_reminder_and_escalation_give_a_moved_deadline_in_stockholm_time(
        tmp_path: Path, app: TestEngine) -> None:
    build_organisation(app)
    open_delar_2022(app)
    deps = build_activity_deps(app)  # type: ignore[arg-type]
    activities = ReportActivities(deps)
    moved = datetime(2022, 8, 23, 6, 50, tzinfo=UTC)  # as a moved deadline is recorded
    for key, overdue in (("t:reminder", True), ("t:deadline", False)):
        fact = ReportFact(report_id=EKHAGEN, key=key, task="klarmarkera", deadline=moved,
                          occurred_at=AFTER, overdue=overdue)
        await (activities.send_reminder(fact) if overdue else activities.deadline_passed(fact))

    bodies = {n.key: n.body for n in deps.notifier.outbox.all()}
    assert "senast 2022-08-23 08:50." in bodies["t:reminder"]
    assert bodies["t:deadline"].startswith("Tidsgränsen 2022-08-23 08:50 för att klarmarkera")
