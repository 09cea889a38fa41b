"""The underlag of the planning process and of the fördjupad månadsuppföljning has a
table per kind of item their templates hold, with what each unit wrote."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from uuid import uuid4

from domain.base import Actor, Cause
from domain.organisation import Organisation
from domain.report_items import ITEM_FIELDS
from domain.unit_report import UnitReport
from reporting.model import Heading, Table
from reporting.sections import PROCESS_SECTIONS, underlag_document

AT = datetime(2022, 11, 3, 8, 0, tzinfo=UTC)
CAUSE = Cause(Actor.system("test"), AT)
TEMPLATE = [{"item_id": f"{kind}-1", "kind": kind, "title": f"Punkt {kind}"}
            for kind in PROCESS_SECTIONS]


def _org() -> Organisation:
    org = Organisation.register("VON", "Vård- och omsorgsnämnden", CAUSE)
    org.add_unit("von", "VON", "namnd", None, CAUSE)
    org.add_unit("von-forv", "Förvaltningen", "forvaltning", "von", CAUSE)
    org.add_unit("avd-a", "Avdelning A", "avdelning", "von-forv", CAUSE)
    return org


def test_each_process_item_kind_gets_its_table_with_the_units_text() -> None:
    chef = Actor("p-1", "avdelningschef", "avd-a")
    report = UnitReport.open(uuid4(), "VON", "avd-a", "avdelning", "von-forv",
                             datetime(2022, 11, 25, tzinfo=UTC), TEMPLATE, Cause(chef, AT))
    for kind, (_, fields, _) in PROCESS_SECTIONS.items():
        assert set(fields) <= set(ITEM_FIELDS[kind])  # the fields the item really has
        report.change_item(f"{kind}-1", fields[0], f"Skrivet i {kind}", Cause(chef, AT))
    cycle = SimpleNamespace(item_template=TEMPLATE, title="Mål och budget 2023",
                            unit_ids=["avd-a"])
    document = underlag_document(cycle, _org(), {"avd-a": report})  # type: ignore[arg-type]
    headings = [b.text for b in document.blocks if isinstance(b, Heading)]
    tables = {t.caption: t for t in document.blocks if isinstance(t, Table)}
    for kind, (section, _, labels) in PROCESS_SECTIONS.items():
        assert section in headings
        assert tables[section].header == ("Punkt", "Enhet", *labels)
        assert tables[section].rows[0][:3] == (f"Punkt {kind}", "Avdelning A",
                                               f"Skrivet i {kind}")
