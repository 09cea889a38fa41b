"""The report form's checklist names the text each kind of item needs, for the planning
process's and the fördjupad månadsuppföljning's items too."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from api.dashboard_report import content_gaps
from domain.base import Actor, Cause
from domain.unit_report import UnitReport

CHEF = Actor("anna", "avdelningschef", "avd-aldreboende")
AT = datetime(2022, 11, 3, 8, 0, tzinfo=UTC)
ITEMS = [{"item_id": "vp", "kind": "verksamhetsplan", "title": "Verksamhetsplan 2023"},
         {"item_id": "ik", "kind": "internkontrollplan", "title": "Internkontrollplan 2023"},
         {"item_id": "bu", "kind": "budget", "title": "Budget 2023"},
         {"item_id": "ek", "kind": "ekonomi", "title": "Ekonomi."}]


def test_each_new_kind_of_item_lists_its_missing_text_until_it_is_written() -> None:
    report = UnitReport.open(uuid4(), "VON", "avd-aldreboende", "avdelning", "von-forv",
                             datetime(2022, 11, 25, tzinfo=UTC), ITEMS, Cause(CHEF, AT))
    assert content_gaps(report) == [
        "Verksamhetsplan 2023: Aktiviteter saknas", "Internkontrollplan 2023: Risk saknas",
        "Budget 2023: Drift saknas", "Ekonomi: Prognos saknas"]
    for item_id, field in (("vp", "aktiviteter"), ("ik", "risk"), ("bu", "drift"),
                           ("ek", "prognos")):
        report.change_item(item_id, field, "Skrivet", Cause(CHEF, AT))
    assert content_gaps(report) == []
