"""Two writers at once on SQLite and PostgreSQL: §§ never repeat, anmälan never doubles."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest

from domain import delegation_commands as dc
from domain.errors import ConcurrencyConflictError
from domain.ids import delegation_ledger_id, paragraph_register_id
from domain.meeting import Meeting
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.unit.von_delegation import ORDFORANDE, SEKRETERARE, decide, load_von
from tests.unit.von_meetings import add, compile_anmalningslista, schedule

AT = datetime(2022, 10, 20, tzinfo=UTC)
OCT, NOV = date(2022, 10, 25), date(2022, 11, 29)


@pytest.fixture
def two_writers(store_env: dict[str, str], clock: ManualClock) -> Iterator[
        tuple[TestEngine, TestEngine]]:
    if store_env["PERSISTENCE_MODULE"].endswith("popo"):
        pytest.skip("two application instances share a store only on SQLite/PostgreSQL")
    first, second = TestEngine(env=store_env, clock=clock), TestEngine(env=store_env, clock=clock)
    yield first, second
    first.close()
    second.close()


def serve_stale(app: TestEngine, ids: list[UUID]) -> None:
    """From now on ``app`` loads these aggregates as they are now, as a slow writer would."""
    stale: dict[UUID, Any] = {i: app.repository.get(i) for i in ids}
    original_get = app.get

    def get(aggregate_id, kind, version=None):  # type: ignore[no-untyped-def]
        return stale[aggregate_id] if aggregate_id in stale else original_get(
            aggregate_id, kind, version)

    app.get = get  # type: ignore[method-assign]


def test_a_slow_second_compilation_cannot_put_a_beslut_on_another_list(
        two_writers: tuple[TestEngine, TestEngine]) -> None:
    first, second = two_writers
    load_von(first)
    beslut = decide(first, ORDFORANDE, "2.1.1", date(2022, 10, 3),
                    laglighetsprovning=True).aggregate_id
    octo, nov = schedule(first, OCT), schedule(first, NOV)
    serve_stale(second, [delegation_ledger_id("VON"), beslut])
    compile_anmalningslista(first, octo, AT)
    with pytest.raises(ConcurrencyConflictError):
        compile_anmalningslista(second, nov, AT)
    del second.get  # the retry reads the store afresh
    compile_anmalningslista(second, nov, AT)
    assert first.get(octo, Meeting).anmalningslista == [beslut]
    assert second.get(nov, Meeting).anmalningslista == []


def test_paragraph_numbers_taken_concurrently_do_not_repeat(
        two_writers: tuple[TestEngine, TestEngine]) -> None:
    first, second = two_writers
    load_von(first)
    aug, octo, nov = schedule(first, date(2022, 8, 30)), schedule(first, OCT), schedule(
        first, NOV)
    for mid, dnr in ((aug, "2022.190 VON"), (octo, "2022.228 VON"), (nov, "2022.240 VON")):
        add(first, mid, dnr, "Ärende")
    first.execute(dc.OpenProtokoll(meeting_id=aug), SEKRETERARE)
    serve_stale(second, [paragraph_register_id("VON", 2022)])
    first.execute(dc.OpenProtokoll(meeting_id=octo), SEKRETERARE)
    with pytest.raises(ConcurrencyConflictError):
        second.execute(dc.OpenProtokoll(meeting_id=nov), SEKRETERARE)
    del second.get
    second.execute(dc.OpenProtokoll(meeting_id=nov), SEKRETERARE)
    numbers = [a.paragraph for m in (aug, octo, nov) for a in first.get(m, Meeting).arenden]
    assert numbers == [1, 2, 3]
