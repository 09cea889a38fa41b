"""Rebuilding an aggregate from its events, without a per-event Protocol check.

eventsourcing's ``project_aggregate`` asserts ``isinstance(event, CanMutateProtocol)``
for every event; a runtime Protocol check inspects the class each time and took
≈ 40 % of loading a report (bench/README.md). Our events all have ``mutate``; one
that lacks it still fails here, with an AttributeError.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def project_events(aggregate: Any, events: Iterable[Any]) -> Any:
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate
