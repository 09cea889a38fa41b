"""Simulated time: the real engine on Temporal's time-skipping test server."""
