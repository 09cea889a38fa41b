"""The HTTP API and dashboard: one FastAPI app over the event store and the command bus.

Others plug their routers in by adding one line to ``ROUTERS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from fastapi import APIRouter, Depends, FastAPI

from api import (
    dashboard_arsplan,
    dashboard_audit,
    dashboard_base,
    dashboard_cycle,
    dashboard_delegation,
    dashboard_delegation_form,
    dashboard_ekonomi_import,
    dashboard_live,
    dashboard_meetings,
    dashboard_nyckeltal,
    dashboard_report,
    dashboard_review,
    routes_calendar,
    routes_commands,
    routes_dashboard,
    routes_feed,
    routes_reads,
    routes_underlag,
)
from api.params import single_query_values
from api.problems import DEFAULT_MAX_BODY_BYTES, BodySizeLimit, install_problem_handlers
from api.read_side import ReadSide
from api.routes_anslagstavla import router as anslagstavla_router
from api.routes_delegation import router as delegation_router
from api.routes_kommun import pages as kommun_pages
from api.routes_kommun import router as kommun_router
from api.security_headers import SecurityHeaders
from api.sessions import csrf_guard
from application.bus import CommandBus
from application.ports import AbstractTreeHeads
from audit.verify import IncrementalVerifier
from infrastructure.eventstore import ArsplanStore
from infrastructure.eventstore.sidecar import sidecar_for
from infrastructure.oidc import JwtVerifier
from infrastructure.sessions import SessionStore
from projections.read_models import ReadModels
from projections.transparency_log import TransparencyLogProjection

ROUTERS: list[APIRouter] = [
    routes_reads.router,
    routes_commands.router,
    routes_dashboard.router,
    dashboard_cycle.router,
    dashboard_live.router,
    dashboard_audit.router,
    dashboard_arsplan.router,
    dashboard_report.router,
    dashboard_ekonomi_import.router,
    dashboard_nyckeltal.router,
    dashboard_review.router,
    routes_calendar.router,
    routes_feed.router,
    delegation_router,
    dashboard_delegation.router,
    dashboard_delegation_form.router,
    dashboard_meetings.router,
    routes_underlag.router,
    anslagstavla_router,
    kommun_router,
    kommun_pages,
]
# The dashboard's menu beyond Att göra and Cykler, in order.
MENU: list[dict[str, str]] = [
    {"href": "/arsplan", "label": "Årsplan"},
    {"href": "/delegationer", "label": "Delegationer"},
    {"href": "/sammantraden", "label": "Sammanträden"},
    {"href": "/anslagstavla", "label": "Anslagstavla"},
]
# What other modules add to the report page's template context.
REPORT_PAGE_PARTS: list[dashboard_report.PageContext] = [dashboard_review.review_context,
                                                         dashboard_nyckeltal.nyckeltal_context]


def create_app(store: ArsplanStore, bus: CommandBus, tokens: Mapping[str, str], *,
               read_models: ReadModels | None = None, runner_is_running: bool = False,
               tree_heads: AbstractTreeHeads | None = None,
               jwt_verifier: JwtVerifier | None = None,
               namnd_code: str = "VON", dev_login: bool = True,
               max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
               sessions: SessionStore | None = None, session_hours: float = 8,
               secure_cookies: bool = False) -> FastAPI:
    """``tokens`` maps bearer token → person_id (see ``api.auth.dev_tokens``).

    ``read_models``: the projections' views (opened on the event store's database when
    None). With ``runner_is_running`` the projection runner keeps them up to date and
    reads wait for it; otherwise the API catches them up itself before each read.
    ``dev_login``: the dashboard's login page lists the people and their tokens (demo
    only); otherwise it asks for a token.
    ``sessions``: the dashboard's sessions (by default a sidecar table beside the event
    store, lasting ``session_hours``); ``secure_cookies`` marks the cookie ``Secure`` even
    when the request arrived over plain HTTP (production: TLS ends before us).
    """
    api = FastAPI(title="Årsplan API", version="0.1.0",
                  description="Kommandon och läsmodeller för årsplanens cykler. "
                              "Fel returneras som application/problem+json (RFC 9457).",
                  dependencies=[Depends(csrf_guard), Depends(single_query_values)])
    api.state.store = store
    api.state.bus = bus
    api.state.tokens = dict(tokens)
    api.state.jwt_verifier = jwt_verifier
    api.state.namnd_code = namnd_code
    api.state.dev_login = dev_login
    api.state.sessions = sessions or SessionStore(sidecar_for(store.env, "sessions"),
                                                  timedelta(hours=session_hours))
    api.state.secure_cookies = secure_cookies
    read_models = read_models or ReadModels.for_app(store)
    api.state.read_side = ReadSide(store, read_models, runner_is_running=runner_is_running)
    api.state.verifier = IncrementalVerifier(store, read_models.view(TransparencyLogProjection))
    api.state.tree_heads = tree_heads
    api.state.menu = MENU
    api.state.report_page_parts = REPORT_PAGE_PARTS
    install_problem_handlers(api)
    dashboard_base.install(api)
    for router in ROUTERS:
        api.include_router(router)
    api.add_api_route("/health", routes_reads.health, include_in_schema=False)  # probes
    api.add_middleware(BodySizeLimit, max_bytes=max_body_bytes,
                       uploads={dashboard_ekonomi_import.UPLOAD_PATH:
                                dashboard_ekonomi_import.MAX_UPLOAD_BYTES + 64 * 1024})
    api.add_middleware(SecurityHeaders)  # outermost: on every response, 413s included
    return api
