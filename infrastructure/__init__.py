"""Adapters and wiring: settings, logging, event store construction, imports."""
