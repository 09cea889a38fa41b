"""A real HTTP server (uvicorn on a free loopback port) around the feed router."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

import uvicorn
from fastapi import FastAPI

from api.problems import install_problem_handlers
from api.routes_feed import router
from feed.authority import FeedGrant
from feed.service import EventFeed
from feed.settings import FeedSettings
from tests.support.engine import TestEngine

GRANTS = {
    "tok-revision": FeedGrant("revision", None, personal_data=True),
    "tok-von-bi": FeedGrant("von-bi", frozenset({"VON"})),
}
PERSON_TOKENS = {"dev-revisor": "revisor", "dev-anna": "anna"}


def feed_api(app: TestEngine, feed: EventFeed) -> FastAPI:
    api = FastAPI()
    api.state.store = app
    api.state.feed = feed
    api.state.feed_grants = GRANTS
    api.state.feed_settings = FeedSettings(poll_seconds=0.05)
    api.state.tokens = PERSON_TOKENS
    api.state.namnd_codes = ["VON", "KFN"]
    install_problem_handlers(api)
    api.include_router(router)
    return api


@contextlib.contextmanager
def serving(api: FastAPI) -> Iterator[str]:
    config = uvicorn.Config(api, host="127.0.0.1", port=0, log_level="warning", lifespan="off",
                            timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
