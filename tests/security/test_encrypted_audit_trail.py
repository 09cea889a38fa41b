"""The audit trail reads the actor from the stored state itself: encrypted and
compressed at rest (ARSPLAN_ENCRYPTION_KEY, COMPRESSOR_TOPIC) it must decode alike."""

from __future__ import annotations

from datetime import UTC, datetime

from eventsourcing.cipher import AESCipher

from audit.replay import period_entries
from projections.audit_trail import AuditTrailProjection
from projections.base import digest
from projections.queries import AuditEntry, audit_trail
from projections.read_models import ReadModels
from projections.runner import catch_up
from tests.integration.projection_support import EKHAGEN, record_history
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import CYCLE
from tests.support.stores import MEMORY_ENV

AT_REST = {"CIPHER_TOPIC": "eventsourcing.cipher:AESCipher",
           "CIPHER_KEY": AESCipher.create_key(32),
           "COMPRESSOR_TOPIC": "eventsourcing.compressor:ZlibCompressor"}


def _trail(env: dict[str, str]) -> tuple[TestEngine, ReadModels]:
    app = TestEngine(env=env, clock=(clock := ManualClock(datetime(2022, 8, 12, tzinfo=UTC))))
    record_history(app, clock)
    models = ReadModels.for_app(app, [AuditTrailProjection])
    catch_up(app, models.projection(AuditTrailProjection))
    return app, models


def test_an_encrypted_compressed_store_gives_the_same_index_and_answers(
        durable_env: dict[str, str]) -> None:
    app, models = _trail({**durable_env, **AT_REST})
    plain_app, plain_models = _trail(dict(MEMORY_ENV))
    try:
        [first] = app.recorder.select_notifications(1, 1)
        assert b"person_id" not in first.state  # the bytes at rest are not JSON
        view = models.view(AuditTrailProjection)
        assert digest(view) == digest(plain_models.view(AuditTrailProjection))
        log = [AuditEntry.model_validate(e) for e in period_entries(
            app, datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC))]
        assert audit_trail(app, view) == log
        assert audit_trail(app, view, actor="david") == [e for e in log if e.person_id == "david"]
        assert audit_trail(app, view, cycle_id=CYCLE) == [e for e in log if e.cycle_id == CYCLE]
        assert [e.version for e in audit_trail(app, view, aggregate_id=EKHAGEN)] == [1, 2, 3, 4]
    finally:
        for m, a in ((models, app), (plain_models, plain_app)):
            m.close()
            a.close()
