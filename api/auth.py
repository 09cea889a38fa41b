"""Who is calling: a bearer token or a dashboard session names one person.

The API and the dashboard take the same credentials: ``Authorization: Bearer`` (a token
of the tokens file or an identity provider's JWT) or the session cookie (``api.sessions``).

The API never checks roles: it only says who the caller is; the domain decides
what that person may do on that date.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.read_side import ReadSide
from api.sessions import current_session
from application.bus import CommandBus
from domain.organisation import Organisation
from infrastructure.eventstore import ArsplanStore
from infrastructure.oidc import JwtVerifier

AUDITOR_TOKEN = "dev-revisor"
bearer = HTTPBearer(auto_error=False, description="Dev token, see README (e.g. dev-sara-demodal)")


@dataclass(frozen=True)
class Principal:
    person_id: str
    token: str | None = None  # the bearer token; None when signed in by a session
    csrf_token: str | None = None  # the session's, carried by its forms


def dev_token(name: str) -> str:
    """A demo person's readable token: ``Olof Påhittad`` → ``dev-olof-pahittad``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "dev-" + re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def dev_tokens(org: Organisation, names: Mapping[str, str]) -> dict[str, str]:
    """One readable token per demo person (``dev-<name>``, the name from the person
    directory, ``names``; person ids are opaque) and ``dev-revisor`` for the auditor."""
    tokens = {dev_token(names.get(pid, pid)): pid for pid in sorted(org.people)}
    auditors = sorted(a.person_id for a in org.assignments.values() if a.role == "revisor")
    if auditors:
        tokens[AUDITOR_TOKEN] = auditors[0]
    return tokens


def event_store(request: Request) -> ArsplanStore:
    store: ArsplanStore = request.app.state.store
    return store


def command_bus(request: Request) -> CommandBus:
    bus: CommandBus = request.app.state.bus
    return bus


def read_side(request: Request) -> ReadSide:
    reads: ReadSide = request.app.state.read_side
    return reads


def _tokens(request: Request) -> Mapping[str, str]:
    tokens: Mapping[str, str] = request.app.state.tokens
    return tokens


def principal_for(request: Request, token: str | None) -> Principal | None:
    """A token of the tokens file, or an identity provider's JWT."""
    if not token:
        return None
    person_id = _tokens(request).get(token)
    verifier: JwtVerifier | None = request.app.state.jwt_verifier
    if person_id is None and verifier is not None:
        person_id = verifier.person_id(token)
    return Principal(person_id, token) if person_id else None


async def current_principal(
        request: Request,
        credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Principal:
    """The caller's person; 401 without a known bearer token or a live session.

    Through ``Depends(bearer)`` the OpenAPI document declares the bearer scheme.
    """
    found = request_principal(request)
    if found is None:
        raise HTTPException(401, "Saknad eller okänd token (Authorization: Bearer …)",
                            headers={"WWW-Authenticate": "Bearer"})
    return found


def session_principal(request: Request) -> Principal | None:
    session = current_session(request)
    return Principal(session.person_id, csrf_token=session.csrf_token) if session else None


def request_principal(request: Request) -> Principal | None:
    """An ``Authorization`` header decides alone (a bad one never falls back to the
    cookie, which would need a CSRF token); without one, the session."""
    header = request.headers.get("authorization")
    if header is None:
        return session_principal(request)
    scheme, _, token = header.partition(" ")
    return principal_for(request, token.strip()) if scheme.lower() == "bearer" else None
