"""Security headers on every response: no framing, no sniffing, no referrer to other sites,
and a Content-Security-Policy that lets pages load only this server's own files.

The dashboard has no inline script or style (its stylesheet is ``/static/arsplan.css``).
Only FastAPI's ``/docs`` and ``/redoc`` pages load Swagger UI / ReDoc from their CDN and
start them with an inline script; they get a policy that allows exactly that, and they show
no one's data.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net "
            "https://fonts.googleapis.com; "
            "font-src 'self' https://fonts.gstatic.com; worker-src 'self' blob:; "
            "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
DOCS_PATHS = ("/docs", "/redoc")
HEADERS = {
    b"x-frame-options": b"DENY",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
}
_PLAIN_500 = b"Internal Server Error"


class SecurityHeaders:
    """Pure ASGI middleware (it never buffers a body, so streams stay streams)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        csp = DOCS_CSP if path.startswith(DOCS_PATHS) else CSP
        added = [*HEADERS.items(), (b"content-security-policy", csp.encode())]
        started = False

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *((n, v) for n, v in added if n not in names)]
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        except Exception:
            # Starlette's own 500 is sent outside every middleware: send it here instead.
            if not started:
                await with_headers({"type": "http.response.start", "status": 500,
                                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                                (b"content-length", b"%d" % len(_PLAIN_500))]})
                await send({"type": "http.response.body", "body": _PLAIN_500})
            raise
