"""Keeps projections up to date: catch up from the tracked position, poll, rebuild.

eventsourcing's ``ProjectionRunner`` needs a store that can push notifications
(PostgreSQL, POPO); the embedded SQLite store cannot, so our runner pulls: it
reads notifications after the view's tracked position in batches (of the
projection's ``batch_size``) and hands each to the projection, which decodes it (or
reads only the fields it needs) and writes rows and position in one transaction.
Restarting after a crash therefore resumes exactly where the last commit left off.

Several read models catch up in one pass (``catch_up_together``, which ``catch_up_all``,
the background runner and ``arsplan read-models rebuild`` use): each batch of
notifications is read once, from the position of the read model furthest behind, and
each notification decoded at most once (``SharedDecode``) for all of them. Each read
model still gets exactly the notifications a catch-up of its own would give it (those
past its own position, of its topics) and commits its rows with its own position, one
transaction per batch: its tracking is what it would be alone.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from eventsourcing.application import Application
from eventsourcing.persistence import Mapper, Notification, Tracking

from projections.base import ReadModelProjection, SharedDecode
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
        if batch:
            _apply(app, projection, batch, app.mapper)
            position, processed = batch[-1].id, processed + len(batch)
            if progress is not None:
                progress(CatchUpProgress(projection.name, position, max(head, position),
                                         processed))
        if len(batch) < batch_size:
            break
    return processed


def rebuild(app: Application[Any], projection: ReadModelProjection, *,
            batch_size: int | None = None, progress: Progress | None = None) -> int:
    """Forgets the view's rows and position, then projects the whole log again."""
    projection.view.reset()
    return catch_up(app, projection, batch_size=batch_size, progress=progress)


class CatchUpFailed(Exception):
    """Read models that failed in a joint catch-up (the others went on to the end); each
    stays before the batch it failed in."""

    def __init__(self, failures: dict[str, BaseException]) -> None:
        super().__init__(", ".join(f"{name}: {exc!r}" for name, exc in failures.items()))
        self.failures = failures


def _topics(projections: Sequence[ReadModelProjection]) -> tuple[str, ...]:
    """The topics to read: all (an empty filter) if any read model takes every event."""
    if any(not p.topics for p in projections):
        return ()
    return tuple(sorted({t for p in projections for t in p.topics}))


def catch_up_together(app: Application[Any], projections: Sequence[ReadModelProjection], *,
                      batch_size: int | None = None, progress: Progress | None = None,
                      stop: threading.Event | None = None, until: int | None = None) -> int:
    """Catches every projection up in one pass over the log (up to notification
    ``until``); returns the events applied, summed over the projections.

    A projection failing on an event is left out of the rest of the pass, its position
    before that batch; the others go on, then ``CatchUpFailed`` names the failures."""
    if not projections:
        return 0
    batch_size = batch_size or max(p.batch_size for p in projections)
    positions = [p.view.max_tracking_id(app.name) or 0 for p in projections]
    wanted = [frozenset(p.topics) for p in projections]
    head = app.recorder.max_notification_id() or 0
    processed = [0] * len(projections)
    failures: dict[str, BaseException] = {}
    topics, mapper = _topics(projections), SharedDecode(app.mapper)
    position = min(positions)
    while stop is None or not stop.is_set():
        batch = app.recorder.select_notifications(position, batch_size, stop=until,
                                                  topics=topics, inclusive_of_start=False)
        mapper.forget()
        for i, projection in enumerate(projections):
            if projection.name in failures:
                continue
            mine = [n for n in batch if n.id > positions[i]
                    and (not wanted[i] or n.topic in wanted[i])]
            if not mine:
                continue
            try:
                _apply(app, projection, mine, mapper)
            except Exception as exc:  # the others go on; this one resumes before the batch
                failures[projection.name] = exc
                continue
            positions[i], processed[i] = mine[-1].id, processed[i] + len(mine)
            if progress is not None:
                progress(CatchUpProgress(projection.name, positions[i],
                                         max(head, positions[i]), processed[i]))
        if len(batch) < batch_size or len(failures) == len(projections):
            break
        position = batch[-1].id
    if failures:
        raise CatchUpFailed(failures) from next(iter(failures.values()))
    return sum(processed)


def _apply(app: Application[Any], projection: ReadModelProjection,
           notifications: Sequence[Notification], mapper: Mapper[Any]) -> None:
    """One transaction per batch: its rows and its last position commit together."""
    batched = BatchedView(projection.view)
    with projection.writing_to(batched):
        for notification in notifications:
            projection.process_notification(notification, Tracking(app.name, notification.id),
                                            mapper)
    batched.flush()


def catch_up_all(app: Application[Any], read_models: ReadModels,
                 progress: Progress | None = None) -> int:
    return catch_up_together(app, read_models.projections, progress=progress)


def rebuild_all(app: Application[Any], projections: Sequence[ReadModelProjection], *,
                progress: Progress | None = None) -> int:
    """Forgets every view's rows and position, then projects the log again in one pass."""
    for projection in projections:
        projection.view.reset()
    return catch_up_together(app, projections, progress=progress)


def run_until_stopped(app: Application[Any], projections: Sequence[ReadModelProjection],
                      stop: threading.Event, *, poll_interval: float = 0.5) -> None:
    """Polls for new events until ``stop`` is set, all projections in one pass.

    A projection that fails on an event is logged and retried at the next poll,
    never skipped: its position stays before the event, and the others go on.
    """
    while not stop.is_set():
        try:
            applied = catch_up_together(app, projections, stop=stop)
        except CatchUpFailed as failed:
            for name, exc in failed.failures.items():
                view = next(p.view for p in projections if p.name == name)
                log.error("projection_failed", projection=name,
                          position=view.max_tracking_id(app.name), exc_info=exc)
        except Exception:
            log.exception("projections_failed")
        else:
            if applied:
                log.debug("projections_caught_up", applied=applied)
        stop.wait(poll_interval)


def start_in_thread(app: Application[Any], read_models: ReadModels, stop: threading.Event,
                    *, poll_interval: float = 0.5) -> threading.Thread:
    """Runs every read model's projection in a daemon thread (for the main job)."""
    thread = threading.Thread(
        target=run_until_stopped, args=(app, read_models.projections, stop),
        kwargs={"poll_interval": poll_interval}, name="projections", daemon=True)
    thread.start()
    return thread
