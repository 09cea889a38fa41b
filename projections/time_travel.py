"""Read models as of a past instant: the history as it had been recorded then.

The events recorded up to the instant (``timestamp`` <= instant) are folded into
a fresh in-memory view by the very same projection code the live views use, so
an as-of answer cannot drift from what the live read model showed at the time.
Notification order is recording order, so reading stops at the first event
recorded after the instant. The fold starts from the latest checkpoint at or before
the instant (``projections.as_of_checkpoints``) and leaves new checkpoints behind it,
so a read costs the events since a checkpoint, not the whole log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import Tracking

from projections.as_of_checkpoints import (
    CHECKPOINT_EVERY,
    Checkpoint,
    CheckpointStore,
    checkpoints_for,
    usable,
)
from projections.base import ReadModelProjection, ReadModelView
from projections.views import POPOReadModelView


def as_of_view(app: Application[Any], projection_class: type[ReadModelProjection],
               instant: datetime, *, batch_size: int = 1000,
               checkpoints: CheckpointStore | None = None,
               checkpoint_every: int = CHECKPOINT_EVERY) -> POPOReadModelView:
    if instant.tzinfo is None:
        raise ValueError("as-of instants must carry a time zone")
    kept: CheckpointStore | None = None  # None: this view is folded without checkpoints
    if projection_class.as_of_checkpoints:
        kept = checkpoints if checkpoints is not None else checkpoints_for(app)
    name = projection_class.name
    view = POPOReadModelView(name)
    projection = projection_class(view=view)
    position = _restore(app, kept, view, name, instant) if kept is not None else 0
    since_checkpoint = 0
    while True:
        batch = app.recorder.select_notifications(
            position, batch_size, topics=projection.topics, inclusive_of_start=False)
        for notification in batch:
            event: Any = app.mapper.to_domain_event(notification)
            if event.timestamp > instant:
                return view
            projection.process_event(event, Tracking(app.name, notification.id))
            position = notification.id
            since_checkpoint += 1
            if kept is not None and since_checkpoint >= checkpoint_every:
                kept.save(Checkpoint(name, position, event.timestamp, event.chain_hash,
                                     view.snapshot_rows()))
                since_checkpoint = 0
        if len(batch) < batch_size:
            return view


def _restore(app: Application[Any], kept: CheckpointStore, view: POPOReadModelView,
             name: str, instant: datetime) -> int:
    """The position the fold goes on from: a usable checkpoint's, or the start."""
    stored = kept.latest(name, instant)
    checkpoint = usable(app, stored) if stored is not None else None
    if checkpoint is None:
        return 0
    view.restore(checkpoint.rows, Tracking(app.name, checkpoint.position))
    return checkpoint.position


def covers(app: Application[Any], view: ReadModelView, instant: datetime) -> bool:
    """Whether a live view has folded every event recorded at or before ``instant``: the
    first event after its position (if any) was recorded later."""
    reached = view.max_tracking_id(app.name) or 0
    after = app.recorder.select_notifications(reached, 1, inclusive_of_start=False)
    if not after:
        return True
    first_after: Any = app.mapper.to_domain_event(after[0])
    return bool(first_after.timestamp > instant)
