"""The event store and what lives beside it: caches, group commit, read-together, the
small sidecar tables (follower positions, the notifier's outbox), throwaway schemas."""

from infrastructure.eventstore.store import ArsplanStore, Clock, utc_now

__all__ = ["ArsplanStore", "Clock", "utc_now"]
