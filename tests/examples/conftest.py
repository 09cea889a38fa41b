from tests.feed.conftest import open_app, populated

# durable_env comes from tests/conftest.py.
__all__ = ["open_app", "populated"]
