"""Socialnämnden's organisation (data/sn/organisation.yaml): imported with the same importer
as VON's, a second nämnd whose controller can open a cycle for all its reporting units."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import yaml

from api.auth import dev_token
from domain.commands import OpenCycle
from domain.cycle import Cycle
from domain.ids import cycle_id, organisation_id
from domain.organisation import Organisation
from domain.roles import CHEF_ROLE_BY_KIND
from infrastructure.importer import import_organisation, import_report_template
from infrastructure.packaged_data import packaged_data_dir
from tests.support.engine import TestEngine
from tests.support.stores import sqlite_env

DATA = Path(__file__).parents[2] / "data"
ON = date(2023, 8, 31)  # the delårsrapport's period end


def _people(name: str) -> list[dict[str, str]]:
    text = (DATA / name / "organisation.yaml").read_text(encoding="utf-8")
    people: list[dict[str, str]] = yaml.safe_load(text)["people"]
    return people


def test_socialnamnden_imports_with_a_chef_for_every_reporting_unit(tmp_path: Path) -> None:
    path = packaged_data_dir() / "sn" / "organisation.yaml"
    assert path.is_file()  # shipped with the package
    app = TestEngine(env=sqlite_env(tmp_path / "sn.sqlite"))
    try:
        first = import_organisation(app, path).version
        assert import_organisation(app, path).version == first  # re-import adds nothing
        org = app.get(organisation_id("SN"), Organisation)
    finally:
        app.close()
    assert org.name == "Socialnämnden"
    kinds = sorted(u.kind for u in org.units.values())
    assert kinds.count("namnd") == 1 and kinds.count("forvaltning") == 1
    avdelningar = sorted(u.name for u in org.units.values() if u.kind == "avdelning")
    assert avdelningar == ["Avdelning unga", "Avdelning vuxna"]
    assert {"Stöd och försörjning", "HIT-team", "Socialmedicinska mottagningen"} <= {
        u.name for u in org.units.values() if u.kind == "enhet"}
    for unit in org.units.values():
        if unit.kind in CHEF_ROLE_BY_KIND:
            assert org.chef_of(unit.unit_id, ON), unit.name
    namnd = next(u for u in org.units.values() if u.kind == "namnd")
    forvaltning = next(u for u in org.units.values() if u.kind == "forvaltning")
    assert org.holders("ordforande", namnd.unit_id, ON)
    assert org.holders("namndsekreterare", namnd.unit_id, ON)
    assert org.holders("controller", forvaltning.unit_id, ON)


def test_its_people_are_opaque_ids_of_their_own() -> None:
    sn, von = _people("sn"), _people("von")
    assert all(re.fullmatch(r"p-[0-9a-f]{6}", p["person_id"]) for p in sn)
    assert not {p["person_id"] for p in sn} & {p["person_id"] for p in von}
    # Readable dev tokens stay unambiguous with both nämnder loaded.
    tokens = [dev_token(p["name"]) for p in sn + von]
    assert len(tokens) == len(set(tokens))
    assert all(p["email"].endswith("@example.se") for p in sn)


def test_its_controller_opens_a_cycle_for_every_reporting_unit(tmp_path: Path) -> None:
    app = TestEngine(env=sqlite_env(tmp_path / "sn.sqlite"))
    try:
        import_organisation(app, DATA / "sn" / "organisation.yaml")
        import_report_template(app, "SN", DATA / "von" / "report_template.yaml")
        org = app.get(organisation_id("SN"), Organisation)
        forvaltning = next(u for u in org.units.values() if u.kind == "forvaltning")
        controller = org.holders("controller", forvaltning.unit_id, ON)[0].person_id
        app.execute(OpenCycle(
            namnd_code="SN", process="delarsbokslut", year=2023, title="Delårsbokslut 2023",
            enhet_deadline=date(2023, 8, 22), avdelning_deadline=date(2023, 8, 29),
            forvaltning_deadline=date(2023, 9, 5), underlag_date=date(2023, 9, 12),
            beslut_date=date(2023, 9, 26)), controller)
        cycle = app.get(cycle_id("SN", "delarsbokslut", 2023), Cycle)
    finally:
        app.close()
    reporting = {u.unit_id for u in org.units.values() if u.kind in CHEF_ROLE_BY_KIND}
    assert set(cycle.unit_ids) == reporting and len(reporting) == 11
