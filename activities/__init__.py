"""Temporal activities: the only bridge from workflows to the domain and the outside."""
