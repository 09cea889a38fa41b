"""Loading through our projector rebuilds the same aggregate as eventsourcing's."""

from __future__ import annotations

import pytest
from eventsourcing.application import project_aggregate

from bench.history import edit, open_report
from infrastructure.eventstore.projector import project_events


def test_the_report_rebuilt_equals_eventsourcings_projection() -> None:
    report = open_report()
    for n in range(5):
        edit(report, n)
    events = report.collect_events()
    ours = project_events(None, events)
    theirs = project_aggregate(None, events)
    assert ours.version == theirs.version == 6
    assert ours.items == theirs.items and ours.status == theirs.status
    assert ours.last_hash == theirs.last_hash == events[-1].chain_hash


def test_a_non_event_is_refused() -> None:
    with pytest.raises(AttributeError):
        project_events(None, [object()])
