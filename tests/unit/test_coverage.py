"""What a cycle covers: units outside it, units in it not done, units reporting alone."""

from __future__ import annotations

from domain.coverage import cycle_coverage
from domain.organisation import Unit

NAMND = Unit("von", "Vård- och omsorgsnämnden", "namnd", None)
FORV = Unit("von-forv", "Förvaltningen", "forvaltning", "von")
PLANERING = Unit("avd-planering", "Planering", "avdelning", "von-forv")
SCHEMA = Unit("enh-schema", "Schema och resursenheten", "enhet", "avd-planering")
ADMIN = Unit("enh-admin", "Administrativa enheten", "enhet", "avd-planering")
ALDRE = Unit("avd-aldreboende", "Äldreboende", "avdelning", "von-forv")
BJARKE = Unit("enh-bjarkegarden", "Bjärkegården", "enhet", "avd-aldreboende")
TUVE = Unit("enh-tuvegarden", "Tuvegården", "enhet", "avd-aldreboende")
STAB = Unit("avd-stab", "Stab", "avdelning", "von-forv")  # no enheter at all
UNITS = [NAMND, FORV, PLANERING, SCHEMA, ADMIN, ALDRE, BJARKE, TUVE, STAB]


def test_every_reporting_unit_is_in_or_named_outside() -> None:
    scope = ["von-forv", "avd-planering", "avd-aldreboende", "enh-bjarkegarden", "avd-stab"]
    found = cycle_coverage(UNITS, scope, {u: "godkand" for u in scope})
    assert [u.unit_id for u in found.in_cycle] == scope
    assert found.outside == (SCHEMA, ADMIN, TUVE)  # the nämnd itself does not report
    assert {u.unit_id for u in found.units} == set(scope) | {"enh-schema", "enh-admin",
                                                             "enh-tuvegarden"}


def test_units_in_the_cycle_not_done_are_named_with_their_status() -> None:
    scope = ["von-forv", "avd-aldreboende", "enh-bjarkegarden", "enh-tuvegarden"]
    found = cycle_coverage(UNITS, scope, {"von-forv": "klarmarkerad",
                                          "avd-aldreboende": "klarmarkerad",
                                          "enh-bjarkegarden": "pagar"})
    # The förvaltning's klarmarkering is final; an avdelning's waits for its attest.
    assert found.not_done == ((ALDRE, "klarmarkerad"), (BJARKE, "pagar"),
                              (TUVE, "ej_paborjad"))
    assert found.done == 1 and not found.complete


def test_an_avdelning_with_all_its_enheter_outside_reports_alone() -> None:
    scope = ["von-forv", "avd-planering", "avd-aldreboende", "enh-tuvegarden", "avd-stab"]
    found = cycle_coverage(UNITS, scope, {})
    # Äldreboende has one enhet in; Stab has none to leave out.
    assert found.without_units_below == ((PLANERING, (SCHEMA, ADMIN)),)


def test_a_full_cycle_all_done_is_complete() -> None:
    scope = [u.unit_id for u in UNITS if u.kind != "namnd"]
    found = cycle_coverage(UNITS, scope, {u: "godkand" for u in scope})
    assert found.complete and found.outside == () and found.without_units_below == ()
