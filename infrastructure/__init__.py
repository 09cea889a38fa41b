"""Adapters and settings: the event store (eventstore/), settings, logging, tracing, the
notifier, KLK and Platina, the embedded Temporal dev server, data-file imports."""
