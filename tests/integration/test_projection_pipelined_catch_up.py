"""A catch-up commits a full batch while it projects the next one: tracking stays exact.

The view below lets batches commit in the writer thread, as PostgreSQL's does, and fails
the commit of one position: the read model must stop before that batch, with nothing of
the batch projected after it, and a second catch-up must build the same rows as one that
never failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from eventsourcing.persistence import Tracking

from projections.base import EncodedRow, Put, RowChange, digest
from projections.batching import BatchedView, Before
from projections.reporting import ReportingProjection
from projections.runner import CatchUpFailed, catch_up, catch_up_together
from projections.transparency_log import TransparencyLogProjection, tree
from projections.views import POPOReadModelView
from tests.integration.projection_support import record_history
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine

IN_MEMORY = pytest.mark.parametrize("store_env", ["memory"], indirect=True)


class CommitsInAThread(POPOReadModelView):
    """A view whose batches commit in the runner's writer thread; fails one position."""

    concurrent_writes = True

    def __init__(self, name: str, fail_at: int | None = None) -> None:
        super().__init__(name)
        self.fail_at = fail_at

    def write_batch(self, deletes: Sequence[RowChange], tracking: Tracking,
                    upserts: Sequence[EncodedRow], appends: Sequence[EncodedRow]) -> None:
        if tracking.notification_id == self.fail_at:
            raise ConnectionError("the database went away mid-commit")
        super().write_batch(deletes, tracking, upserts, appends)


def _fresh_digest(app: TestEngine, projection_class: type[Any]) -> str:
    view = POPOReadModelView(projection_class.name)
    catch_up(app, projection_class(view=view))
    return digest(view)


@IN_MEMORY
def test_a_failed_commit_leaves_the_position_before_it_and_drops_the_batch_after(
        app: TestEngine, clock: ManualClock) -> None:
    record_history(app, clock)
    assert (app.recorder.max_notification_id() or 0) > 15
    view = CommitsInAThread("transparency_log", fail_at=10)
    projection = TransparencyLogProjection(view=view)
    with pytest.raises(ConnectionError):
        catch_up(app, projection, batch_size=5)
    # Batch 6-10 failed; 11-15 was projected meanwhile but never committed.
    assert view.max_tracking_id(app.name) == 5
    assert max(row.position for row in view.snapshot_rows()) == 5
    view.fail_at = None
    catch_up(app, projection, batch_size=5)
    assert view.max_tracking_id(app.name) == app.recorder.max_notification_id()
    assert digest(view) == _fresh_digest(app, TransparencyLogProjection)


@IN_MEMORY
def test_in_one_pass_the_failed_read_model_stops_and_the_others_go_to_the_end(
        app: TestEngine, clock: ManualClock) -> None:
    record_history(app, clock)
    failing = TransparencyLogProjection(view=CommitsInAThread("transparency_log", fail_at=10))
    reporting = ReportingProjection(view=CommitsInAThread("reporting"))
    with pytest.raises(CatchUpFailed) as failed:
        catch_up_together(app, [failing, reporting], batch_size=5)
    assert list(failed.value.failures) == ["transparency_log"]
    assert failing.view.max_tracking_id(app.name) == 5
    assert reporting.view.max_tracking_id(app.name) == app.recorder.max_notification_id()
    assert digest(reporting.view) == _fresh_digest(app, ReportingProjection)


@IN_MEMORY
def test_a_tree_a_batch_left_is_not_used_for_a_log_of_another_size(
        app: TestEngine, clock: ManualClock) -> None:
    record_history(app, clock)
    view = POPOReadModelView("transparency_log")
    first = TransparencyLogProjection(view=view)
    catch_up(app, first, batch_size=4, until=8)  # it keeps the tree of size 8's edge
    # The view is rebuilt over another log (a rewritten history) by another runner.
    view.reset()
    other = TestEngine(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)
    record_history(other, clock)
    catch_up(other, TransparencyLogProjection(view=view), batch_size=4, until=12)
    catch_up(other, first, batch_size=4)
    expected = POPOReadModelView("transparency_log")
    catch_up(other, TransparencyLogProjection(view=expected))
    assert tree(view).root() == tree(expected).root()
    assert digest(view) == digest(expected)


class CountingView(POPOReadModelView):
    def __init__(self) -> None:
        super().__init__("counting")
        self.reads = 0

    def get(self, kind: str, key: str) -> dict[str, Any] | None:
        self.reads += 1
        return super().get(kind, key)


def test_a_batch_reads_rows_it_was_not_handed_only_once_the_batch_before_committed() -> None:
    view = CountingView()
    view.write_with_tracking([Put("report", "stored", {"n": 0})], Tracking("a", 1))
    waits: list[str] = []
    before = Before({("report", "r1"): {"n": 1}, ("report", "gone"): None}, ("a", 7),
                    lambda: waits.append("committed"))
    batch = BatchedView(view, before)
    assert batch.get_for_update("report", "r1") == {"n": 1}
    assert batch.get("report", "gone") is None
    batch.insert_tracking(Tracking("a", 8))  # checked against the batch before's position
    assert waits == [] and view.reads == 0
    assert batch.get("report", "stored") == {"n": 0}
    assert waits == ["committed"] and view.reads == 1
