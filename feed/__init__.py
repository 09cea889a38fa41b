"""The event feed: other systems read the årsplan's events in order, from their own position."""
