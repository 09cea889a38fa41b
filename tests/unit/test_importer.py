"""Data files are validated before anything is recorded; errors name file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.application import Arsplaner
from domain.organisation import Organisation
from infrastructure.importer import DataFileError, import_organisation
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
    app = Arsplaner(env=MEMORY_ENV)
    first = import_organisation(app, write(tmp_path, GOOD))
    again = import_organisation(app, write(tmp_path, GOOD))
    assert again.version == first.version
    org = app.get(first.aggregate_id, Organisation)
    assert org.chef_of("von-forv", org.assignments["a-1"].valid_from) == "p-anna"


def test_a_bad_unit_kind_is_reported_with_its_line(tmp_path: Path) -> None:
    bad = GOOD.replace("kind: forvaltning", "kind: kontor")
    with pytest.raises(DataFileError) as err:
        import_organisation(Arsplaner(env=MEMORY_ENV), write(tmp_path, bad))
    assert "organisation.yaml:5:" in str(err.value)
    assert "units.1.kind" in str(err.value)


def test_broken_yaml_is_reported_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"organisation\.yaml:\d+: invalid YAML"):
        import_organisation(Arsplaner(env=MEMORY_ENV), write(tmp_path, GOOD + "  - [unclosed\n"))


def test_a_dangling_reference_is_refused_before_anything_is_saved(tmp_path: Path) -> None:
    bad = GOOD.replace("unit_id: von-forv,\n", "unit_id: von-nowhere,\n")
    app = Arsplaner(env=MEMORY_ENV)
    with pytest.raises(DataFileError, match="von-nowhere"):
        import_organisation(app, write(tmp_path, bad))
    assert app.recorder.max_notification_id() in (None, 0)
