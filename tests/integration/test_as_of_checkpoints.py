"""As-of reads start from checkpoints, and a checkpoint that does not match the log is
not used: it can slow a read, never change its answer."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from projections.as_of_checkpoints import Checkpoint, MemoryCheckpoints, checkpoints_for
from projections.audit_trail import AuditTrailProjection
from projections.base import digest
from projections.queries import AuditEntry, audit_trail_as_of
from projections.read_models import PROJECTIONS, ReadModels
from projections.reporting import ReportingProjection
from projections.runner import catch_up_all
from projections.time_travel import as_of_view, covers
from projections.views import SnapshotRow
from tests.integration.projection_support import STEPS, record_history
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine

NOT_IN_THE_LOG = SnapshotRow("marker", "planted", "", 1, '{"planted": true}')


def _instants() -> list[datetime]:
    return [at + timedelta(minutes=1) for at, _, _ in STEPS]


def _without_checkpoints(app: TestEngine, projection: Any, at: datetime) -> str:
    return digest(as_of_view(app, projection, at, checkpoints=MemoryCheckpoints(),
                             checkpoint_every=10**9))


def test_reads_from_checkpoints_answer_what_a_fold_from_the_start_answers(
        app: TestEngine, clock: ManualClock) -> None:
    record_history(app, clock)
    for projection in PROJECTIONS:
        for at in _instants():
            expected = _without_checkpoints(app, projection, at)
            # Every third event leaves a checkpoint; the second read starts from one.
            first = as_of_view(app, projection, at, checkpoint_every=3)
            second = as_of_view(app, projection, at, checkpoint_every=3)
            assert digest(first) == digest(second) == expected, (projection.name, at)


def _planted(app: TestEngine, at: datetime) -> Checkpoint:
    """A real checkpoint of the reporting view at ``at``, with one row the log never made."""
    kept = MemoryCheckpoints()
    as_of_view(app, ReportingProjection, at, checkpoints=kept, checkpoint_every=1)
    stored = kept.latest(ReportingProjection.name, at)
    assert stored is not None
    real = stored.decode()
    return replace(real, rows=[*real.rows, NOT_IN_THE_LOG])


def _marker(app: TestEngine, at: datetime) -> Any:
    return as_of_view(app, ReportingProjection, at).get("marker", "planted")


def test_a_read_starts_from_the_latest_checkpoint_at_or_before_its_instant(
        app: TestEngine, clock: ManualClock) -> None:
    record_history(app, clock)
    at = _instants()[-1]
    checkpoints_for(app).save(_planted(app, at))
    # The planted row shows: the read folded on from the checkpoint, not from the start.
    assert _marker(app, at) == {"planted": True}
    # An instant before the checkpoint's last event does not use it.
    assert _marker(app, _instants()[0] - timedelta(minutes=2)) is None


def test_a_checkpoint_whose_rows_do_not_match_their_digest_is_not_used(
        app: TestEngine, clock: ManualClock) -> None:
    record_history(app, clock)
    at = _instants()[-1]
    kept = checkpoints_for(app)
    planted = _planted(app, at)
    original_insert = kept._insert

    def tampered(stored: Any) -> None:
        original_insert(replace(stored, digest="0" * 64))
    kept._insert = tampered  # type: ignore[method-assign]
    kept.save(planted)
    assert _marker(app, at) is None


def test_a_checkpoint_naming_another_chain_hash_is_not_used(
        app: TestEngine, clock: ManualClock) -> None:
    record_history(app, clock)
    at = _instants()[-1]
    checkpoints_for(app).save(replace(_planted(app, at), chain_hash="f" * 64))
    assert _marker(app, at) is None


def test_checkpoints_are_kept_in_the_store_for_the_next_process(
        app: TestEngine, clock: ManualClock, store_env: dict[str, str]) -> None:
    record_history(app, clock)
    at = _instants()[-1]
    as_of_view(app, ReportingProjection, at, checkpoint_every=2)
    reopened = TestEngine(env=dict(app.env), clock=clock)
    try:
        stored = checkpoints_for(reopened).latest(ReportingProjection.name, at)
        if store_env["PERSISTENCE_MODULE"].endswith("popo"):
            assert stored is None  # an in-memory store keeps nothing for another process
        else:
            assert stored is not None and stored.position > 0
    finally:
        reopened.close()


def _ids(entries: list[AuditEntry]) -> list[str]:
    return [str(e.event_id) for e in entries]


def test_the_audit_trail_as_of_an_instant_is_read_from_the_live_index_once_it_got_there(
        app: TestEngine, clock: ManualClock) -> None:
    record_history(app, clock)
    live = ReadModels.for_app(app)
    try:
        trail = live.view(AuditTrailProjection)
        # Not caught up: the live index has not reached any instant, the log is folded.
        assert not covers(app, trail, _instants()[0])
        for at in _instants():
            assert _ids(audit_trail_as_of(app, at, live=trail)) \
                == _ids(audit_trail_as_of(app, at)) != []
        catch_up_all(app, live)
        for at in _instants():
            assert covers(app, trail, at)
            # Narrowed to what was recorded by then: the same entries as the fold.
            assert _ids(audit_trail_as_of(app, at, live=trail)) \
                == _ids(audit_trail_as_of(app, at))
        assert len(audit_trail_as_of(app, _instants()[0], live=trail)) \
            < len(audit_trail_as_of(app, _instants()[-1], live=trail))
    finally:
        live.close()
