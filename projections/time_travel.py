"""Read models as of a past instant: the history as it had been recorded then.

The events recorded up to the instant (``timestamp`` <= instant) are folded into
a fresh in-memory view by the very same projection code the live views use, so
an as-of answer cannot drift from what the live read model showed at the time.
Notification order is recording order, so reading stops at the first event
recorded after the instant.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import Tracking

from projections.base import ReadModelProjection
from projections.views import POPOReadModelView


def as_of_view(app: Application[Any], projection_class: type[ReadModelProjection],
               instant: datetime, *, batch_size: int = 1000) -> POPOReadModelView:
    if instant.tzinfo is None:
        raise ValueError("as-of instants must carry a time zone")
    view = POPOReadModelView(projection_class.name)
    projection = projection_class(view=view)
    position = 0
    while True:
        batch = app.recorder.select_notifications(
            position, batch_size, topics=projection.topics, inclusive_of_start=False)
        for notification in batch:
            event: Any = app.mapper.to_domain_event(notification)
            if event.timestamp > instant:
                return view
            projection.process_event(event, Tracking(app.name, notification.id))
            position = notification.id
        if len(batch) < batch_size:
            return view
