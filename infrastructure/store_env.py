"""What our infrastructure adds to every durable store's environment (settings, throwaway
PostgreSQL schemas, test and benchmark stores): the application resolves these topics."""

from __future__ import annotations

from domain.application import RECORDER_DECORATOR_TOPIC
from domain.store_reads import READ_TOGETHER_TOPIC

STORE_ENV = {
    RECORDER_DECORATOR_TOPIC: "infrastructure.group_commit:group_commit",
    READ_TOGETHER_TOPIC: "infrastructure.read_together:select_events_after",
}
