"""The real VON organisation and delegationsordning 2022, imported from data/von/."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from application.bus import CommandResult
from domain.base import Actor, Cause
from domain.delegation_commands import RecordDelegationsbeslut
from domain.delegation_ledger import DelegationLedger
from domain.ids import delegation_ledger_id
from infrastructure.delegation_import import import_delegationsordning
from infrastructure.importer import import_organisation
from tests.support.engine import TestEngine

DATA = Path(__file__).resolve().parents[2] / "data" / "von"
ORDFORANDE = "p-c0eeec"
VICE_ORDFORANDE = "p-127770"
AU_LEDAMOT = "p-556916"
LEDAMOT = "p-cac1d7"
SEKRETERARE = "p-41c9ef"
FORVALTNINGSCHEF = "p-f9c1f1"
STF_FORVALTNINGSCHEF = "p-071042"  # also her vikarie 2022-08-01..07
ENHETSCHEF_MYNDIGHET = "p-24d41b"
AVDELNINGSCHEF_MYNDIGHET = "p-998d3d"
ENHETSCHEF_BJARKEGARDEN = "p-0a678d"


def load_von(app: TestEngine) -> None:
    import_organisation(app, DATA / "organisation.yaml")
    import_delegationsordning(app, DATA / "delegationsordning_2022.yaml")


def decide(app: TestEngine, person_id: str, row_nr: str, on: date, **fields: Any) -> CommandResult:
    fields.setdefault("arende_ref", "2022.301 VON")
    fields.setdefault("beslut", f"Beslut enligt rad {row_nr}")
    cmd = RecordDelegationsbeslut(namnd_code="VON", row_nr=row_nr, decided_on=on, **fields)
    return app.execute(cmd, person_id)


def ledger(app: TestEngine, namnd_code: str = "VON") -> DelegationLedger:
    """The nämnd's delegation ledger; an empty one while no command has opened it yet."""
    lid = delegation_ledger_id(namnd_code)
    if app.exists(lid):
        return app.get(lid, DelegationLedger)
    now = app.clock()
    return DelegationLedger.open(namnd_code, Cause(actor=Actor.system("delegation"),
                                                   occurred_at=now, recorded_at=now))
