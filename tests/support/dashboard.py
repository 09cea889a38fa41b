"""Signing in to the dashboard as a browser does: the login page's CSRF token, then the form."""

from __future__ import annotations

import re

import httpx

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
