"""Temporal workflow definitions: deterministic, time via workflow.now()/sleep."""

TASK_QUEUE = "arsplan"
