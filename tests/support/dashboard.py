"""Signing in to the dashboard as a browser does: the login page's CSRF token, then the form."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
from fastapi import FastAPI

_CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')


def csrf_of(page: str) -> str:
    """The CSRF token a page's forms carry."""
    found = _CSRF.search(page)
    assert found is not None, page
    return found.group(1)


async def sign_in(http: httpx.AsyncClient, token: str) -> httpx.Response:
    page = (await http.get("/logga-in")).text
    return await http.post("/logga-in", data={"token": token, "csrf_token": csrf_of(page)})


def sign_in_sync(http: httpx.Client, token: str) -> httpx.Response:
    page = http.get("/logga-in").text
    return http.post("/logga-in", data={"token": token, "csrf_token": csrf_of(page)})


SignedIn = Callable[[str], AbstractAsyncContextManager[httpx.AsyncClient]]


def signing_in(api: FastAPI) -> SignedIn:
    """A browser for the app, signed in with the given token, for the length of a block."""
    @asynccontextmanager
    async def signed_in(token: str) -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(app=api, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://arsplan.test") as http:
            await sign_in(http, token)
            yield http
    return signed_in
