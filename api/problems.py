"""RFC 9457 problem details: every error the API returns, and the body size limit."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from eventsourcing.persistence import OperationalError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.errors import (
    CommandIdReusedError,
    ConcurrencyConflictError,
    DomainError,
    InvalidInputError,
    NotAuthorisedError,
    NotFoundError,
    RuleViolationError,
)
from infrastructure.logging import get_logger
from infrastructure.person_directory import person_names, with_names
from projections.audit_trail import AuditTrailNeedsRebuild

PROBLEM_MEDIA_TYPE = "application/problem+json"
DEFAULT_MAX_BODY_BYTES = 256 * 1024

_STATUS_BY_ERROR: tuple[tuple[type[DomainError], int, str], ...] = (
    (NotFoundError, 404, "Finns inte"),
    (NotAuthorisedError, 403, "Ej behörig"),
    (RuleViolationError, 403, "Regel hindrar åtgärden"),
    (ConcurrencyConflictError, 409, "Konflikt"),
    (CommandIdReusedError, 409, "Kommandots id är redan använt"),
    (InvalidInputError, 422, "Ogiltig indata"),
)
_RULE_BY_STATUS = {400: "unreadable_body", 401: "unauthenticated", 404: "unknown_resource",
                   405: "method_not_allowed"}
_TITLE_BY_STATUS = {400: "Felaktig begäran", 401: "Inte inloggad", 403: "Ej behörig",
                    404: "Finns inte", 405: "Metoden stöds inte", 409: "Konflikt",
                    413: "För stor begäran", 415: "Fel innehållstyp", 422: "Ogiltig indata",
                    503: "Tjänsten är inte tillgänglig"}


READ_PROBLEMS = (401, 403, 404, 422, 503)
# A body that is not even text (invalid UTF-8) is FastAPI's 400 before any validation.
COMMAND_PROBLEMS = (400, 401, 403, 404, 409, 413, 422, 503)


class Problem(BaseModel):
    """RFC 9457 problem details as this API sends them (``rule`` names the broken rule)."""

    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    detail: str
    instance: str
    rule: str
    errors: list[dict[str, str]] | None = None


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for error statuses, all application/problem+json."""
    schema = Problem.model_json_schema()
    return {status: {"description": _TITLE_BY_STATUS[status],
                     "content": {PROBLEM_MEDIA_TYPE: {"schema": schema}}} for status in statuses}


def document_problems(api: FastAPI) -> None:
    """Declares in the OpenAPI document the problem statuses every operation can answer.

    Any operation may meet an unknown token, a domain refusal or an unreachable database;
    only requests with a body can be too large or conflict with a newer version. FastAPI's
    default 422 (``HTTPValidationError`` as application/json) is replaced: the handlers
    above never send it. Statuses a route declares as problem+json itself are kept.
    """
    build = api.openapi

    def openapi() -> dict[str, Any]:
        document = build()
        for path_item in document.get("paths", {}).values():
            for method, operation in path_item.items():
                statuses = COMMAND_PROBLEMS if method in ("post", "put", "patch") \
                    else READ_PROBLEMS
                responses = operation.setdefault("responses", {})
                for status, declared in problem_responses(*statuses).items():
                    current = responses.get(str(status), {})
                    if PROBLEM_MEDIA_TYPE not in current.get("content", {}):
                        responses[str(status)] = declared
        return document

    api.openapi = openapi  # type: ignore[method-assign]


def problem(status: int, detail: str, *, instance: str, rule: str | None = None,
            title: str | None = None, errors: list[dict[str, Any]] | None = None,
            headers: dict[str, str] | None = None,
            extra: dict[str, Any] | None = None) -> JSONResponse:
    """``extra``: further members of the problem (RFC 9457 extensions), e.g. ``setting``."""
    rule = rule or _RULE_BY_STATUS.get(status, f"http_{status}")
    body: dict[str, Any] = {
        "type": f"urn:arsplan:problem:{rule}",
        "title": title or _TITLE_BY_STATUS.get(status, "Fel"),
        "status": status,
        "detail": detail,
        "instance": instance,
        "rule": rule,
    }
    if errors is not None:
        body["errors"] = errors
    body.update(extra or {})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE,
                        headers=headers)


def field_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Pydantic errors as field paths ("body.reason") a form can point at."""
    return [{"field": ".".join(str(p) for p in e.get("loc", ())) or "body",
             "message": e.get("msg", ""), "type": e.get("type", "")} for e in errors]


def status_of(exc: DomainError) -> tuple[int, str]:
    for kind, status, title in _STATUS_BY_ERROR:
        if isinstance(exc, kind):
            return status, title
    return 403, "Regel hindrar åtgärden"


def refusal_text(request: Request, exc: DomainError) -> str:
    """The refusal with people's names for the ids the domain names them by."""
    state = request.app.state
    store, code = getattr(state, "store", None), getattr(state, "namnd_code", None)
    if store is None or code is None:
        return str(exc)
    try:
        return with_names(str(exc), person_names(store, code))
    except NotFoundError:  # no organisation yet
        return str(exc)


def domain_problem(request: Request, exc: DomainError) -> JSONResponse:
    status, title = status_of(exc)
    get_logger(path=request.url.path).info("command_refused", rule=exc.rule, status=status)
    return problem(status, refusal_text(request, exc), instance=request.url.path,
                   rule=exc.rule, title=title)


def install_problem_handlers(api: FastAPI) -> None:
    document_problems(api)

    @api.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        return domain_problem(request, exc)

    @api.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem(422, "Begäran innehåller ogiltiga fält", instance=request.url.path,
                       rule="invalid_input", errors=field_errors(exc.errors()))

    @api.exception_handler(ValidationError)
    async def bad_model(request: Request, exc: ValidationError) -> JSONResponse:
        return problem(422, "Begäran innehåller ogiltiga fält", instance=request.url.path,
                       rule="invalid_input", errors=field_errors(exc.errors()))

    @api.exception_handler(OperationalError)
    async def database_unreachable(request: Request, exc: OperationalError) -> JSONResponse:
        # eventsourcing has already retried; the client may safely retry with its command_id.
        get_logger(path=request.url.path).warning("database_unreachable", error=str(exc))
        detail = "Databasen svarar inte just nu, försök igen"
        if request.method == "POST":
            # A lost COMMIT reply leaves the outcome unknown: the same command_id settles it.
            detail += (" med samma command_id (hann kommandot sparas svarar vi att det redan "
                       "är registrerat)")
        return problem(503, detail, instance=request.url.path, rule="database_unavailable",
                       headers={"Retry-After": "5"})

    @api.exception_handler(AuditTrailNeedsRebuild)
    async def read_model_needs_rebuild(request: Request, exc: AuditTrailNeedsRebuild
                                       ) -> JSONResponse:
        get_logger(path=request.url.path).error("read_model_needs_rebuild", error=str(exc))
        return problem(503, "Revisionsloggen är byggd av en äldre version och måste byggas om "
                       "(`arsplan read-models rebuild`)", instance=request.url.path,
                       rule="read_model_needs_rebuild")

    @api.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail), instance=request.url.path,
                       headers=getattr(exc, "headers", None))


class BodySizeLimit:
    """Refuses bodies over ``max_bytes`` with 413, by header or while streaming.

    ``uploads`` maps path patterns (file uploads) to their own larger limit, so the route
    can answer a too large file itself, on the page the user came from."""

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY_BYTES,
                 uploads: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.uploads = [(re.compile(pattern), limit) for pattern, limit in (uploads or {}).items()]

    def _limit(self, path: str) -> int:
        return next((limit for pattern, limit in self.uploads if pattern.fullmatch(path)),
                    self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self._limit(scope.get("path", ""))
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > max_bytes):
            await self._refuse(scope, send, max_bytes)
            return
        received = 0
        started = refused = False

        async def counting_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    # Answer now: the app may turn the failed read into its own 400.
                    if not started and not refused:
                        refused = True
                        await self._refuse(scope, send, max_bytes)
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _BodyTooLarge:
            if not refused and not started:
                await self._refuse(scope, send, max_bytes)

    async def _refuse(self, scope: Scope, send: Send, max_bytes: int) -> None:
        response = problem(413, f"Begäran får vara högst {max_bytes} byte",
                           instance=scope.get("path", ""), rule="body_too_large")
        await response(scope, _no_body, send)


class _BodyTooLarge(Exception):
    pass


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}
