"""Data files are validated before anything is recorded; errors name file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.arsplan import Arsplan
from domain.commands import OpenCycle
from domain.cycle import Cycle
from domain.ids import unit_report_id
from domain.organisation import Organisation
from domain.unit_report import UnitReport
from infrastructure.importer import (
    DataFileError,
    import_arsplan,
    import_organisation,
    import_report_template,
)
from tests.support.engine import TestEngine
from tests.support.stores import MEMORY_ENV

GOOD = """\
code: VON
name: Vård- och omsorgsnämnden
units:
  - {unit_id: von, name: VON, kind: namnd}
  - {unit_id: von-forv, name: Förvaltningen, kind: forvaltning, parent_id: von}
people:
  - {person_id: p-anna, name: Anna Demo}
assignments:
  - {assignment_id: a-1, person_id: p-anna, role: forvaltningschef, unit_id: von-forv,
     valid_from: 2022-01-01}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "organisation.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_file_imports_and_a_rerun_changes_nothing(tmp_path: Path) -> None:
    app = TestEngine(env=MEMORY_ENV)
    first = import_organisation(app, write(tmp_path, GOOD))
    again = import_organisation(app, write(tmp_path, GOOD))
    assert again.version == first.version
    org = app.get(first.aggregate_id, Organisation)
    assert org.chef_of("von-forv", org.assignments["a-1"].valid_from) == "p-anna"


def test_a_bad_unit_kind_is_reported_with_its_line(tmp_path: Path) -> None:
    bad = GOOD.replace("kind: forvaltning", "kind: kontor")
    with pytest.raises(DataFileError) as err:
        import_organisation(TestEngine(env=MEMORY_ENV), write(tmp_path, bad))
    assert "organisation.yaml:5:" in str(err.value)
    assert "units.1.kind" in str(err.value)


def test_broken_yaml_is_reported_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"organisation\.yaml:\d+: invalid YAML"):
        import_organisation(TestEngine(env=MEMORY_ENV), write(tmp_path, GOOD + "  - [unclosed\n"))


def test_a_dangling_reference_is_refused_before_anything_is_saved(tmp_path: Path) -> None:
    bad = GOOD.replace("unit_id: von-forv,\n", "unit_id: von-nowhere,\n")
    app = TestEngine(env=MEMORY_ENV)
    with pytest.raises(DataFileError, match="von-nowhere"):
        import_organisation(app, write(tmp_path, bad))
    assert app.recorder.max_notification_id() in (None, 0)


def test_the_checked_in_von_data_imports_and_opens_the_delarsbokslut_2022() -> None:
    data = Path(__file__).resolve().parents[2] / "data" / "von"
    app = TestEngine(env=MEMORY_ENV)
    import_organisation(app, data / "organisation.yaml")
    adopted = import_arsplan(app, data / "arsplan_2022_2023.yaml")
    import_report_template(app, "VON", data / "report_template.yaml")
    plan = app.get(adopted.aggregate_id, Arsplan).schedule_of("delarsbokslut", 2022)
    assert (plan.opens_on.isoformat(), plan.enhet_deadline.isoformat(),
            plan.underlag_date.isoformat(), plan.beslut_date.isoformat()) == (
        "2022-08-12", "2022-08-23", "2022-09-13", "2022-09-27")
    controller = next(a.person_id for a in app.organisation("VON").assignments.values()
                      if a.role == "controller")
    command = OpenCycle(
        namnd_code="VON", process=plan.process, year=plan.year, title=plan.title,
        enhet_deadline=plan.enhet_deadline, avdelning_deadline=plan.avdelning_deadline,
        forvaltning_deadline=plan.forvaltning_deadline, underlag_date=plan.underlag_date,
        beslut_date=plan.beslut_date)
    result = app.execute(command, controller)
    cycle = app.get(result.aggregate_id, Cycle)
    first_enhet = next(u for u in cycle.unit_ids if u.startswith("enh-"))
    enhet_report = app.get(unit_report_id(cycle.id, first_enhet), UnitReport)
    assert any(i.kind == "mal" for i in enhet_report.items.values())
