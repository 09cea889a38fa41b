"""Temporal activities: the only bridge from workflows to the command bus, the store
and the outside."""
