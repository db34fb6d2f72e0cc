"""The base of the service's own middlewares: pure ASGI, HTTP only.

The service's middlewares (`api.limits.RequestGuard`, `api.metrics.MetricsMiddleware`,
`api.main.AdmissionLimit`) are pure ASGI (no `BaseHTTPMiddleware`, with its task and streams per
request) and act on HTTP requests only: lifespan and websocket scopes go straight through to
the app. A subclass says what it does with an HTTP request in `handle`.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send


class HttpMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one HTTP request (`scope["type"] == "http"`), passing it on to `self.app` as it sees fit."""
        raise NotImplementedError
