"""Dashboard sessions through HTTP: server-issued, expiring, revoked on logout, CSRF on
every unsafe request the cookie authenticates, the same credentials as the API, and
security headers on every response."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import httpx
import pytest
from fastapi import FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.app import create_app
from api.sessions import CSRF_MESSAGE, LOGIN_NONCE_COOKIE, SESSION_COOKIE
from infrastructure.eventstore.sidecar import sidecar_for
from infrastructure.sessions import SessionStore
from projections.read_models import ReadModels
from tests.api.conftest import TOKENS, ApiWorld, auth, report_id
from tests.support.clock import ManualClock
from tests.support.dashboard import csrf_of, sign_in

EKHAGEN = report_id("enh-ekhagen")
HOURS = 8


@dataclass
class Site:
    api: FastAPI
    http: httpx.AsyncClient
    session_clock: ManualClock
    world: ApiWorld

    async def klarmarkera_form(self, **headers: str) -> dict[str, str]:
        """The Klarmarkera form's fields as the page (of whoever is signed in) has them."""
        page = (await self.http.get("/att-gora", headers=headers)).text
        form = re.search(r'action="/att-gora/klarmarkera">(.*?)</form>', page, re.S)
        fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.group(1))) if form else {}
        return {"report_id": EKHAGEN, "command_id": "dash-1", "version": "1",
                "csrf_token": csrf_of(page), **fields}

    async def status(self) -> str:
        status: str = (await self.world.json(f"/api/reports/{EKHAGEN}"))["status"]
        return status


def client(api: FastAPI, base: str = "http://arsplan.test") -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=api, raise_app_exceptions=False),
                             base_url=base)


@pytest.fixture
async def site(world: ApiWorld) -> AsyncIterator[Site]:
    session_clock = ManualClock(datetime(2030, 1, 1, 9, 0, tzinfo=UTC))
    sessions = SessionStore(sidecar_for(world.env, "sessions"), timedelta(hours=HOURS),
                            clock=session_clock)
    read_models = ReadModels.for_app(world.app)
    api = create_app(world.app, world.app.bus, TOKENS, read_models=read_models,
                     sessions=sessions)
    async with client(api) as http:
        yield Site(api, http, session_clock, world)
    read_models.close()


async def signed_in(site: Site, person: str = "anna") -> str:
    response = await sign_in(site.http, f"t-{person}")
    assert (response.status_code, response.headers["location"]) == (303, "/att-gora")
    return site.http.cookies[SESSION_COOKIE]


def is_login_redirect(response: httpx.Response) -> bool:
    return (response.status_code, response.headers.get("location")) == (303, "/logga-in")


class TestSessions:
    async def test_the_cookie_holds_a_session_id_not_the_token(self, site: Site) -> None:
        response = await sign_in(site.http, "t-anna")
        cookie = response.headers["set-cookie"]
        session_id = site.http.cookies[SESSION_COOKIE]
        assert "t-anna" not in cookie and len(session_id) >= 40
        assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
        assert f"max-age={HOURS * 3600}" in cookie.lower() and "secure" not in cookie.lower()
        assert "Att göra för Anna" in (await site.http.get("/att-gora")).text

    async def test_a_session_expires(self, site: Site) -> None:
        await signed_in(site)
        site.session_clock.advance(hours=HOURS, seconds=-1)
        assert (await site.http.get("/att-gora")).status_code == 200
        site.session_clock.advance(seconds=1)
        assert is_login_redirect(await site.http.get("/att-gora"))
        assert (await site.http.get("/api/me")).status_code == 401

    async def test_logout_revokes_the_session(self, site: Site) -> None:
        session_id = await signed_in(site)
        page = (await site.http.get("/att-gora")).text
        response = await site.http.post("/logga-ut", data={"csrf_token": csrf_of(page)})
        assert is_login_redirect(response)
        assert SESSION_COOKIE not in site.http.cookies
        site.http.cookies.set(SESSION_COOKIE, session_id)  # the old cookie, kept by a thief
        assert is_login_redirect(await site.http.get("/att-gora"))

    async def test_logout_without_the_csrf_token_is_refused(self, site: Site) -> None:
        await signed_in(site)
        assert (await site.http.post("/logga-ut")).status_code == 403
        assert (await site.http.get("/att-gora")).status_code == 200

    async def test_signing_in_again_revokes_the_earlier_session(self, site: Site) -> None:
        first = await signed_in(site, "anna")
        await signed_in(site, "david")
        site.http.cookies.set(SESSION_COOKIE, first)
        assert is_login_redirect(await site.http.get("/att-gora"))

    @pytest.mark.parametrize("cookie", ["arsplan_token", SESSION_COOKIE])
    async def test_a_token_as_cookie_no_longer_signs_in(self, site: Site, cookie: str) -> None:
        site.http.cookies.set(cookie, "t-anna")
        assert is_login_redirect(await site.http.get("/att-gora"))
        assert (await site.http.get("/api/me")).status_code == 401


class TestCsrf:
    async def test_a_form_with_the_sessions_token_runs_the_command(self, site: Site) -> None:
        await signed_in(site)
        form = await site.klarmarkera_form()
        response = await site.http.post("/att-gora/klarmarkera", data=form)
        assert response.status_code == 303
        assert await site.status() == "klarmarkerad"

    @pytest.mark.parametrize("token", [None, "", "fel-token"], ids=["missing", "empty", "wrong"])
    async def test_a_missing_or_wrong_token_is_a_403_in_swedish(
            self, site: Site, token: str | None) -> None:
        await signed_in(site)
        form = await site.klarmarkera_form()
        del form["csrf_token"]
        if token is not None:
            form["csrf_token"] = token
        response = await site.http.post("/att-gora/klarmarkera", data=form)
        assert response.status_code == 403
        assert response.headers["content-type"].startswith("text/html")
        assert CSRF_MESSAGE in response.text
        assert await site.status() == "ej_paborjad"

    async def test_another_sessions_token_is_refused(self, site: Site) -> None:
        await signed_in(site, "david")
        davids = csrf_of((await site.http.get("/att-gora")).text)
        await signed_in(site, "anna")
        form = {**await site.klarmarkera_form(), "csrf_token": davids}
        assert (await site.http.post("/att-gora/klarmarkera", data=form)).status_code == 403

    async def test_the_login_form_needs_its_nonce(self, site: Site) -> None:
        refused = await site.http.post("/logga-in", data={"token": "t-anna"})
        assert refused.status_code == 403 and CSRF_MESSAGE in refused.text
        page = (await site.http.get("/logga-in")).text
        assert LOGIN_NONCE_COOKIE in site.http.cookies
        wrong = await site.http.post("/logga-in", data={"token": "t-anna", "csrf_token": "x"})
        assert wrong.status_code == 403
        assert SESSION_COOKIE not in site.http.cookies
        right = await site.http.post("/logga-in",
                                     data={"token": "t-anna", "csrf_token": csrf_of(page)})
        assert right.status_code == 303

    async def test_the_api_with_the_cookie_needs_the_csrf_header(self, site: Site) -> None:
        await signed_in(site)
        assert (await site.http.get("/api/me")).json()["person_id"] == "anna"
        body = {"report_id": EKHAGEN}
        refused = await site.http.post("/api/commands/klarmarkera", json=body)
        assert refused.status_code == 403
        assert refused.json()["rule"] == "csrf_token_invalid"
        token = csrf_of((await site.http.get("/att-gora")).text)
        done = await site.http.post("/api/commands/klarmarkera", json=body,
                                    headers={"X-CSRF-Token": token})
        assert done.status_code == 200, done.text

    async def test_a_bearer_token_needs_no_csrf_token(self, site: Site) -> None:
        await signed_in(site, "bertil")  # a session cookie is sent too, and does not count
        form = await site.klarmarkera_form(**auth("anna"))
        assert form.pop("csrf_token") == ""  # a bearer page has no session token
        response = await site.http.post("/att-gora/klarmarkera", data=form, headers=auth("anna"))
        assert response.status_code == 303
        assert await site.status() == "klarmarkerad"


class TestBearerOnTheDashboard:
    async def test_the_dashboard_takes_a_bearer_token(self, site: Site) -> None:
        page = await site.http.get("/att-gora", headers=auth("anna"))
        assert page.status_code == 200 and "Att göra för Anna" in page.text

    async def test_a_bad_bearer_token_does_not_fall_back_to_the_cookie(self, site: Site) -> None:
        await signed_in(site)
        bad = {"Authorization": "Bearer gissat"}
        assert is_login_redirect(await site.http.get("/att-gora", headers=bad))
        assert (await site.http.get("/api/me", headers=bad)).status_code == 401
        form = await site.klarmarkera_form()
        del form["csrf_token"]
        assert is_login_redirect(await site.http.post("/att-gora/klarmarkera", data=form,
                                                      headers=bad))
        assert await site.status() == "ej_paborjad"


class TestSecureCookie:
    async def test_over_https_the_cookie_is_secure(self, site: Site) -> None:
        async with client(site.api, "https://arsplan.test") as https:
            response = await sign_in(https, "t-anna")
        assert "secure" in response.headers["set-cookie"].lower()

    async def test_behind_a_proxy_x_forwarded_proto_counts(self, site: Site) -> None:
        # uvicorn applies the header from trusted proxies (FORWARDED_ALLOW_IPS).
        proxied: Any = ProxyHeadersMiddleware(cast(Any, site.api), trusted_hosts="*")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=proxied),
                                     base_url="http://arsplan.test",
                                     headers={"X-Forwarded-Proto": "https"}) as http:
            response = await sign_in(http, "t-anna")
        assert "secure" in response.headers["set-cookie"].lower()

    async def test_secure_cookies_marks_it_secure_over_plain_http(self, world: ApiWorld) -> None:
        read_models = ReadModels.for_app(world.app)
        api = create_app(world.app, world.app.bus, TOKENS, read_models=read_models,
                         secure_cookies=True)
        async with client(api) as http:
            response = await sign_in(http, "t-anna")
        read_models.close()
        assert "secure" in response.headers["set-cookie"].lower()


class TestSecurityHeaders:
    @pytest.mark.parametrize("path", ["/logga-in", "/att-gora", "/api/me", "/api/nope",
                                      "/static/arsplan.css", "/health"])
    async def test_every_response_has_them(self, site: Site, path: str) -> None:
        await signed_in(site)
        headers = (await site.http.get(path)).headers
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
        assert "unsafe-inline" not in csp

    async def test_a_server_error_has_them_too(self, site: Site) -> None:
        def boom() -> None:
            raise RuntimeError("boom")
        site.api.add_api_route("/boom", boom)
        response = await site.http.get("/boom")
        assert response.status_code == 500 and response.headers["x-frame-options"] == "DENY"

    async def test_the_pages_have_no_inline_script_or_style(self, site: Site) -> None:
        await signed_in(site)
        for path in ("/logga-in", "/att-gora", "/cykler", "/revision", "/delegationer"):
            page = (await site.http.get(path)).text.lower()
            # Scripts come from this server's files (src=), never inline.
            assert not re.search(r"<script(?![^>]*\ssrc=)", page)
            assert "<style" not in page and " style=" not in page

    async def test_only_the_api_docs_may_load_their_cdn(self, site: Site) -> None:
        csp = (await site.http.get("/docs")).headers["content-security-policy"]
        assert "https://cdn.jsdelivr.net" in csp and "frame-ancestors 'none'" in csp
