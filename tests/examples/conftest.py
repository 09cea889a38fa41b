from tests.feed.conftest import durable_env, open_app, populated

__all__ = ["durable_env", "open_app", "populated"]
