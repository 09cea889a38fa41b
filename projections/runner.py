"""Keeps projections up to date: catch up from the tracked position, poll, rebuild.

eventsourcing's ``ProjectionRunner`` needs a store that can push notifications
(PostgreSQL, POPO); the embedded SQLite store cannot, so our runner pulls: it
reads notifications after the view's tracked position in batches (of the
projection's ``batch_size``) and hands each to the projection, which decodes it (or
reads only the fields it needs) and writes rows and position in one transaction.
Restarting after a crash therefore resumes exactly where the last commit left off.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from eventsourcing.application import Application
from eventsourcing.persistence import Tracking

from projections.base import ReadModelProjection
from projections.batching import BatchedView
from projections.read_models import ReadModels

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class CatchUpProgress:
    projection: str
    position: int  # last notification id applied
    head: int  # the store's last notification id when the catch-up began
    processed: int  # events applied in this catch-up


Progress = Callable[[CatchUpProgress], None]


def catch_up(app: Application[Any], projection: ReadModelProjection, *,
             batch_size: int | None = None, progress: Progress | None = None,
             stop: threading.Event | None = None, until: int | None = None) -> int:
    """Applies every event after the tracked position (up to notification ``until``), in
    batches of ``batch_size`` (default: the projection's); returns how many it applied."""
    batch_size = batch_size or projection.batch_size
    position = projection.view.max_tracking_id(app.name) or 0
    head = app.recorder.max_notification_id() or 0
    processed = 0
    while stop is None or not stop.is_set():
        batch = app.recorder.select_notifications(
            position, batch_size, stop=until, topics=projection.topics,
            inclusive_of_start=False)
        # One transaction per batch: the batch's rows and its last position commit together.
        batched = BatchedView(projection.view)
        with projection.writing_to(batched):
            for notification in batch:
                projection.process_notification(
                    notification, Tracking(app.name, notification.id), app.mapper)
        batched.flush()
        if batch:
            position, processed = batch[-1].id, processed + len(batch)
        if progress is not None and batch:
            progress(CatchUpProgress(projection.name, position, max(head, position), processed))
        if len(batch) < batch_size:
            break
    return processed


def rebuild(app: Application[Any], projection: ReadModelProjection, *,
            batch_size: int | None = None, progress: Progress | None = None) -> int:
    """Forgets the view's rows and position, then projects the whole log again."""
    projection.view.reset()
    return catch_up(app, projection, batch_size=batch_size, progress=progress)


def catch_up_all(app: Application[Any], read_models: ReadModels,
                 progress: Progress | None = None) -> int:
    return sum(catch_up(app, p, progress=progress) for p in read_models.projections)


def run_until_stopped(app: Application[Any], projections: Sequence[ReadModelProjection],
                      stop: threading.Event, *, poll_interval: float = 0.5) -> None:
    """Polls for new events until ``stop`` is set.

    A projection that fails on an event is logged and retried at the next poll,
    never skipped: its position stays before the event, and the others go on.
    """
    while not stop.is_set():
        for projection in projections:
            try:
                applied = catch_up(app, projection, stop=stop)
            except Exception:
                log.exception("projection_failed", projection=projection.name,
                              position=projection.view.max_tracking_id(app.name))
            else:
                if applied:
                    log.debug("projection_caught_up", projection=projection.name,
                              applied=applied)
        stop.wait(poll_interval)


def start_in_thread(app: Application[Any], read_models: ReadModels, stop: threading.Event,
                    *, poll_interval: float = 0.5) -> threading.Thread:
    """Runs every read model's projection in a daemon thread (for the main job)."""
    thread = threading.Thread(
        target=run_until_stopped, args=(app, read_models.projections, stop),
        kwargs={"poll_interval": poll_interval}, name="projections", daemon=True)
    thread.start()
    return thread
