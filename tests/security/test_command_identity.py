"""A command id is its issuer's, bound to what the command asked.

A person cannot occupy the key a workflow will record its fact under, nor get a
"duplicate" answer for someone else's command without holding the authority, and the
same id sent with another body is refused rather than answered as a repeat.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain import commands as c
from domain import system_commands as sc
from domain.errors import CommandIdReusedError, NotAuthorisedError
from domain.unit_report import UnitReport
from tests.support.engine import TestEngine
from tests.support.org import build_organisation, open_delar_2022, report

EKHAGEN = report("enh-ekhagen")
DEADLINE = datetime(2022, 8, 23, 21, 59, tzinfo=UTC)
# The key the report's workflow uses for the klarmarkera deadline (workflows/unit_report.py).
DEADLINE_KEY = f"unit-report-{EKHAGEN}:deadline:klarmarkera:20220823T215900+0000"


@pytest.fixture
def von(app: TestEngine) -> TestEngine:
    build_organisation(app)
    open_delar_2022(app)
    return app


def kinds(app: TestEngine) -> list[str]:
    return [type(e).__name__ for e in app.aggregate_events(EKHAGEN)]  # type: ignore[arg-type]


def test_a_person_cannot_suppress_the_workflows_deadline_fact(von: TestEngine) -> None:
    # The enhetschef sends a real edit under the id the deadline workflow will use.
    von.execute(c.ChangeItem(report_id=EKHAGEN, item_id="mal-trygg-vard", field="analys",
                             value="Text", command_id=DEADLINE_KEY), "anna")
    result = von.execute_system(sc.RecordDeadlinePassed(
        command_id=DEADLINE_KEY, occurred_at=DEADLINE, report_id=EKHAGEN,
        task="klarmarkera", deadline=DEADLINE))
    assert not result.duplicate
    assert kinds(von)[-2:] == ["DeadlinePassed", "Escalated"]


def test_a_repeated_id_without_authority_is_refused_not_answered(von: TestEngine) -> None:
    von.execute(c.Klarmarkera(report_id=EKHAGEN, command_id="k-1"), "anna")
    with pytest.raises(NotAuthorisedError) as refused:
        von.execute(c.Klarmarkera(report_id=EKHAGEN, command_id="k-1"), "bertil")
    assert refused.value.rule == "role_not_held"


def test_the_same_id_with_another_body_is_refused(von: TestEngine) -> None:
    edit = {"report_id": EKHAGEN, "item_id": "mal-trygg-vard", "field": "analys",
            "command_id": "e-1"}
    first = von.execute(c.ChangeItem(value="Första", **edit), "anna")
    again = von.execute(c.ChangeItem(value="Första", **edit), "anna")
    with pytest.raises(CommandIdReusedError) as refused:
        von.execute(c.ChangeItem(value="Andra", **edit), "anna")
    assert (first.duplicate, again.duplicate, again.version) == (False, True, first.version)
    assert refused.value.rule == "command_id_reused"
    assert von.get(EKHAGEN, UnitReport).items["mal-trygg-vard"].values["analys"] == "Första"


def test_two_people_may_use_the_same_id(von: TestEngine) -> None:
    von.execute(c.Klarmarkera(report_id=EKHAGEN, command_id="x"), "anna")
    result = von.execute(c.Attestera(report_id=EKHAGEN, command_id="x"), "david")
    assert not result.duplicate
    assert kinds(von)[-2:] == ["Klarmarkerad", "Godkand"]


def test_a_person_cannot_send_a_system_command(von: TestEngine) -> None:
    with pytest.raises(NotAuthorisedError) as refused:
        von.execute(sc.RecordDeadlinePassed(  # type: ignore[arg-type]
            command_id="k", occurred_at=DEADLINE, report_id=EKHAGEN, task="klarmarkera",
            deadline=DEADLINE), "anna")
    assert refused.value.rule == "system_command"
    assert "DeadlinePassed" not in kinds(von)
