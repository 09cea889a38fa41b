"""The delegation ledger is snapshotted; loading from a snapshot changes no answer."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.ids import delegation_ledger_id
from domain.meeting import Meeting
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.unit.von_delegation import ORDFORANDE, decide, load_von
from tests.unit.von_meetings import compile_anmalningslista, schedule

BESLUT = 120  # the ledger's 100th event (after Opened) is snapshotted


def test_a_ledger_loaded_from_its_snapshot_lists_every_pending_beslut(
        store_env: dict[str, str], clock: ManualClock) -> None:
    writer = TestEngine(env=store_env, clock=clock)
    load_von(writer)
    decided = [decide(writer, ORDFORANDE, "2.1.1", date(2022, 10, 3), command_id=f"b{i}",
                      laglighetsprovning=False).aggregate_id for i in range(BESLUT)]
    ledger_id = delegation_ledger_id("VON")
    assert writer.snapshots is not None and list(writer.snapshots.get(ledger_id))
    shared = store_env["PERSISTENCE_MODULE"] != "eventsourcing.popo"
    reader = TestEngine(env=store_env, clock=clock) if shared else writer
    try:
        mid = schedule(reader, date(2022, 10, 25))
        compile_anmalningslista(reader, mid, datetime(2022, 10, 19, tzinfo=UTC))
        assert sorted(map(str, reader.get(mid, Meeting).anmalningslista or [])) == sorted(
            map(str, decided))
        assert reader.verify_aggregate(ledger_id) is None
    finally:
        if shared:
            reader.close()
        writer.close()
