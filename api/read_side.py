"""The API's access to the read models, fresh enough to read one's own writes.

One writer per view: either the projection runner thread (the main job) or, when
no runner is running (tests, a bare API), the API itself catches up under a lock.
A read waits until its projection has applied every event of its topics, so a
person who just klarmarkerade sees the change on the next page.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

from eventsourcing.persistence import IntegrityError

from infrastructure.eventstore import ArsplanStore
from infrastructure.logging import get_logger
from projections.base import ReadModelProjection, ReadModelView
from projections.read_models import ReadModels
from projections.runner import catch_up


class ReadSide:
    def __init__(self, app: ArsplanStore, read_models: ReadModels, *,
                 runner_is_running: bool, max_wait_seconds: float = 3.0) -> None:
        self.app = app
        self.read_models = read_models
        self.inline = not runner_is_running
        self.max_wait_seconds = max_wait_seconds
        self._lock = threading.Lock()

    def view(self, projection_class: type[ReadModelProjection]) -> ReadModelView:
        projection = self.read_models.projection(projection_class)
        deadline = time.monotonic() + self.max_wait_seconds
        while self._behind(projection):
            if self.inline:
                with self._lock, contextlib.suppress(IntegrityError):
                    # Another API process may have applied the same event first.
                    catch_up(self.app, projection)
                continue
            if time.monotonic() > deadline:
                get_logger(projection=projection.name).warning("read_model_stale")
                break
            time.sleep(0.05)
        return projection.view

    def _behind(self, projection: ReadModelProjection) -> bool:
        position = projection.view.max_tracking_id(self.app.name) or 0
        pending: Any = self.app.recorder.select_notifications(
            position, 1, topics=projection.topics, inclusive_of_start=False)
        return bool(pending)
