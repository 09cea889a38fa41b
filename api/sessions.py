"""The dashboard's session cookie and the CSRF token its forms carry.

Signing in (a dev token, a tokens-file token or an identity provider's JWT, posted to
``/logga-in``) opens a server-side session (``infrastructure.sessions``); the cookie holds
only that session's random id. A browser sends cookies on its own, so every unsafe
request that is authenticated by the cookie must also carry the session's CSRF token (a
form field or the ``X-CSRF-Token`` header). Before sign-in the login form carries a
nonce that must match a cookie (double submit), so no other site can sign a browser in
as someone else. Requests with an ``Authorization`` header need no token: a browser never
adds that header by itself.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from infrastructure.sessions import Session, SessionStore

SESSION_COOKIE = "arsplan_session"
LOGIN_NONCE_COOKIE = "arsplan_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
LOGIN_PATH = "/logga-in"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_MESSAGE = ("Formuläret saknar en giltig säkerhetstoken (CSRF) eller så har sessionen "
                "gått ut. Ladda om sidan och försök igen.")
_MAX_COOKIE = 100  # longer than any id we hand out: not worth a lookup


class CsrfRefused(Exception):
    pass


def session_store(request: Request) -> SessionStore:
    store: SessionStore = request.app.state.sessions
    return store


def current_session(request: Request) -> Session | None:
    """The live session the cookie names (looked up once per request)."""
    if hasattr(request.state, "arsplan_session"):
        found: Session | None = request.state.arsplan_session
        return found
    session_id = request.cookies.get(SESSION_COOKIE)
    found = None
    if session_id and len(session_id) <= _MAX_COOKIE:
        found = session_store(request).get(session_id)
    request.state.arsplan_session = found
    return found


def _secure(request: Request) -> bool:
    # Behind a proxy uvicorn takes the scheme from X-Forwarded-Proto (trusted proxies only).
    return request.url.scheme == "https" or bool(request.app.state.secure_cookies)


def _set(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True,
                        samesite="lax", secure=_secure(request))


def start_session(request: Request, response: Response, person_id: str) -> None:
    """A new session on the response; any session the browser had is revoked first."""
    store = session_store(request)
    old = request.cookies.get(SESSION_COOKIE)
    if old and len(old) <= _MAX_COOKIE:
        store.revoke(old)
    session_id, _ = store.create(person_id)
    _set(request, response, SESSION_COOKIE, session_id, int(store.lifetime.total_seconds()))
    response.delete_cookie(LOGIN_NONCE_COOKIE, path="/")


def end_session(request: Request, response: Response) -> None:
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id and len(session_id) <= _MAX_COOKIE:
        session_store(request).revoke(session_id)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                           secure=_secure(request))


def login_nonce(request: Request) -> str:
    """The token the forms of a page for someone not signed in carry (the login form)."""
    nonce = request.cookies.get(LOGIN_NONCE_COOKIE)
    if not nonce or len(nonce) > _MAX_COOKIE:
        nonce = secrets.token_urlsafe(32)
        request.state.new_login_nonce = nonce
    return nonce


def keep_form_token(request: Request, response: Response) -> None:
    """Sets the login nonce's cookie when ``login_nonce`` made a new one."""
    nonce = getattr(request.state, "new_login_nonce", None)
    if nonce:
        _set(request, response, LOGIN_NONCE_COOKIE, nonce, 3600)


async def csrf_guard(request: Request) -> None:
    """Every unsafe request authenticated by the cookie carries the session's token."""
    if request.method in SAFE_METHODS or "authorization" in request.headers:
        return
    session = await run_in_threadpool(current_session, request)  # a database round trip
    if session is not None:
        expected = session.csrf_token
    elif request.url.path == LOGIN_PATH:
        expected = request.cookies.get(LOGIN_NONCE_COOKIE) or ""
    else:
        return  # no credentials at all: the route itself refuses
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        value = (await request.form()).get(CSRF_FIELD)
        given = value if isinstance(value, str) else ""
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise CsrfRefused
