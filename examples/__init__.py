"""Example workers that react to the årsplan's events through the feed client."""
