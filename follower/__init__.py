"""The bridge from the event log to Temporal: read the log in order, signal or start the
workflows that wait for each event, with a durable position."""
