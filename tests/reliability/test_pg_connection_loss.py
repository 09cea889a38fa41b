"""PostgreSQL connections lost mid-command: a retry or a clear error, never half a command."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime

import psycopg
import pytest
from eventsourcing.persistence import OperationalError

from application.cycles import ensure_report_template
from audit.verify import verify_store
from domain import commands as c
from domain.base import Actor
from domain.command_identity import key_of
from domain.cycle import Cycle
from domain.errors import NotFoundError
from domain.ids import unit_report_id
from domain.unit_report import UnitReport
from tests.reliability.pg_proxy import FaultyProxy
from tests.reliability.writers import EKHAGEN
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import CYCLE, DELAR_2022, TEMPLATE, UNITS, build_organisation
from tests.support.stores import POSTGRES_DSN, postgres_schema_env, skip_without_postgres

pytestmark = pytest.mark.postgres
WHEN = datetime(2022, 8, 15, 9, 0, tzinfo=UTC)
CONTROLLER = "gun"
EDITS_UNDER_FIRE = 12
TERMINATIONS = 20
REPORTED_UNITS = [u["unit_id"] for u in UNITS if u["kind"] != "namnd"]


@pytest.fixture
def proxy() -> Iterator[FaultyProxy]:
    skip_without_postgres()
    p = FaultyProxy()
    yield p
    p.close()


@pytest.fixture
def app(proxy: FaultyProxy, clock: ManualClock) -> Iterator[TestEngine]:
    with postgres_schema_env() as env:
        application = TestEngine(env={**env, "POSTGRES_PORT": str(proxy.port)}, clock=clock)
        build_organisation(application)
        ensure_report_template(application.store, "VON", TEMPLATE, Actor.system("import"))
        yield application
        application.close()


def _edit(n: int) -> c.ChangeItem:
    return c.ChangeItem(command_id=f"edit-{n}", report_id=EKHAGEN, item_id="mal-trygg-vard",
                        field="analys", value=f"Version {n}", occurred_at=WHEN)


def _recorded_command_ids(app: TestEngine) -> Counter[str | None]:
    return Counter(key_of(e.command_id) for e in app.aggregate_events(EKHAGEN))


def _cycle_is_whole_or_absent(app: TestEngine) -> bool:
    """Opening writes the cycle and every report: all of them exist, or none."""
    present = [app.exists(CYCLE)] + [app.exists(unit_report_id(CYCLE, u))
                                      for u in REPORTED_UNITS]
    return all(present) or not any(present)


class TestCutBeforeCommit:
    """The server never sees COMMIT: the transaction rolls back and the store retries."""

    def test_an_edit_is_retried_and_recorded_once(self, app: TestEngine,
                                                  proxy: FaultyProxy) -> None:
        app.execute(DELAR_2022, CONTROLLER)
        proxy.cut_when(b"COMMIT", after_reply=False)
        result = app.execute(_edit(1), "anna")
        assert proxy.cuts_made == 1
        assert not result.duplicate
        assert _recorded_command_ids(app)["edit-1"] == 1
        assert verify_store(app).ok

    def test_opening_a_cycle_is_retried_and_written_whole(self, app: TestEngine,
                                                          proxy: FaultyProxy) -> None:
        proxy.cut_when(b"COMMIT", after_reply=False)
        app.execute(DELAR_2022, CONTROLLER)
        assert proxy.cuts_made == 1
        assert app.exists(CYCLE) and _cycle_is_whole_or_absent(app)
        assert verify_store(app).ok


class TestCutAfterCommit:
    """COMMIT happened but its answer was lost: the retry finds the command done."""

    def test_an_edit_is_answered_as_already_recorded(self, app: TestEngine,
                                                     proxy: FaultyProxy) -> None:
        app.execute(DELAR_2022, CONTROLLER)
        proxy.cut_when(b"COMMIT", after_reply=True)
        result = app.execute(_edit(1), "anna")
        assert proxy.cuts_made == 1
        assert result.duplicate and result.version == 2
        assert _recorded_command_ids(app)["edit-1"] == 1

    def test_opening_a_cycle_is_answered_as_already_opened(self, app: TestEngine,
                                                           proxy: FaultyProxy) -> None:
        proxy.cut_when(b"COMMIT", after_reply=True)
        result = app.execute(DELAR_2022, CONTROLLER)
        assert proxy.cuts_made == 1
        assert result.duplicate
        assert app.get(CYCLE, Cycle).version == 1 and _cycle_is_whole_or_absent(app)


def test_a_connection_that_never_commits_gives_an_error_and_writes_nothing(
        app: TestEngine, proxy: FaultyProxy) -> None:
    proxy.cut_when(b"COMMIT", after_reply=False, times=1000)
    with pytest.raises(OperationalError):
        app.execute(DELAR_2022, CONTROLLER)
    proxy.cut_when(b"COMMIT", after_reply=False, times=0)
    with pytest.raises(NotFoundError):
        app.get(CYCLE, Cycle)
    assert _cycle_is_whole_or_absent(app)
    assert verify_store(app).ok


@pytest.mark.slow
def test_backends_terminated_mid_run_lose_nothing_and_half_write_nothing(
        app: TestEngine, proxy: FaultyProxy) -> None:
    app.execute(DELAR_2022, CONTROLLER)
    outcomes: dict[str, str] = {}
    errors: Counter[str] = Counter()
    done = threading.Event()

    def write() -> None:
        # A client that gets an error retries with the same command id, as the API's 503
        # tells it to: a lost COMMIT reply leaves the outcome unknown, and the retry settles it.
        for n in range(EDITS_UNDER_FIRE):
            command = _edit(n)
            while True:
                try:
                    result = app.execute(command, "anna")
                except OperationalError:
                    errors[command.command_id] += 1
                    time.sleep(0.05)
                    continue
                outcomes[command.command_id] = "duplicate" if result.duplicate else "recorded"
                break
        done.set()

    writer = threading.Thread(target=write)
    writer.start()
    terminated = 0
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as admin:
        # Only the app's own backends (through the proxy), never anyone else's; a bounded
        # number of times, so the retrying writer gets through in the end.
        while not done.wait(0.3) and terminated < TERMINATIONS:
            ports = proxy.upstream_ports()
            rows = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE client_addr = '127.0.0.1' AND client_port = ANY(%s)", (ports,)).fetchall()
            terminated += len(rows)
    writer.join(timeout=300)
    assert not writer.is_alive(), "the writer never got through"

    assert terminated > 0, "the run was never disturbed"
    recorded = _recorded_command_ids(app)
    # Nothing lost, nothing twice, nothing half: every command once, whatever it went through.
    assert {cid: recorded[cid] for cid in outcomes} == dict.fromkeys(outcomes, 1)
    assert len(outcomes) == EDITS_UNDER_FIRE
    # "Already recorded" only answers a retry whose earlier attempt committed unseen.
    assert all(errors[cid] > 0 for cid, o in outcomes.items() if o == "duplicate")
    assert app.get(EKHAGEN, UnitReport).version == 1 + EDITS_UNDER_FIRE
    assert verify_store(app).ok
