"""Request bodies: the caller's key is checked before any body is read, and bodies are bounded.

`RequestGuard` is a pure ASGI middleware in front of every route. It also adds the security
headers of `api.headers` to every response, its own refusals included: one layer, so each
request's `send` is wrapped once (two stacked layers cost about 0.2 ms a request each).

1. A request to `/v1/...` that carries a body (a Content-Length above 0, or chunked) must
   present a valid key (`X-API-Key`) first: without one it gets 401 and not one byte of its
   body is read (every route that takes a body needs a key; the route's own dependency
   then checks the role, from the same per-worker key cache, so the key costs one look-up).
2. A declared Content-Length above the route's limit gets 413 at once, unread.
3. A body streamed past the limit (chunked, or lying about its length) is cut off at the
   limit: 413, and what was read is dropped.

Limits (`api.config.Settings`, bytes): `ASSIGN_MAX_BODY_BYTES` (1 MiB) for every body, but
`ASSIGN_MAX_IMPORT_BYTES` for `POST /v1/cases/import` (read as a stream, so memory stays
flat whatever the size), `ASSIGN_MAX_EVALUATE_BYTES` for `POST /v1/evaluate` (at most 50,000
cases, parsed whole) and `ASSIGN_MAX_BULK_BYTES` for `PUT /v1/courts` and `POST /v1/outcomes`
(batches parsed whole). The error body is
the service's JSON error (`{"error": "too_large", "detail": ...}`).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.asgi import HttpMiddleware
from api.config import Settings
from api.headers import headers_for

KEY_HEADER = b"x-api-key"


class BodyTooLarge(BaseException):  # noqa: N818
    """Raised from `receive` past the limit. A BaseException, like CancelledError: the routes' and the
    app's catch-all handlers (`except Exception`, the 500 handler) must let it through to the guard."""


def limit_for(settings: Settings, method: str, path: str) -> int:
    """The body limit of a route, in bytes."""
    if method == "POST" and path in ("/v1/cases/import", "/v1/registers/import"):
        return settings.max_import_bytes
    if method == "POST" and path == "/v1/evaluate":
        return settings.max_evaluate_bytes
    if (method, path) in (("PUT", "/v1/courts"), ("POST", "/v1/outcomes")):
        return settings.max_bulk_bytes
    return settings.max_body_bytes


async def _send_error(send: Send, status: int, code: str, detail: str, headers: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps({"error": code, "detail": detail}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})


class RequestGuard(HttpMiddleware):
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        super().__init__(app)
        self.settings = settings

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        extra = headers_for(scope["path"])
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":  # no route sets these headers itself
                started = True
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        if scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send_with_headers)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        chunked = b"chunked" in headers.get(b"transfer-encoding", b"").lower()
        has_body = chunked or (declared is not None and declared.strip() not in (b"", b"0"))
        if has_body and scope["path"].startswith("/v1/") and not await self._key_is_valid(scope, headers):
            await _send_error(send, 401, "unauthorized", "missing, unknown or revoked API key: send a valid key in "
                              "the X-API-Key header (the body was not read)",
                              [(b"www-authenticate", b"ApiKey"), (b"connection", b"close"), *extra])
            return
        limit = limit_for(self.settings, scope["method"], scope["path"])
        if declared is not None and declared.strip().isdigit() and int(declared) > limit:
            await _send_error(send, 413, "too_large", f"the body ({int(declared)} bytes) is larger than this "
                              f"endpoint accepts ({limit} bytes)", [(b"connection", b"close"), *extra])
            return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, counted_receive, send_with_headers)
        except BodyTooLarge:
            if started:  # a route that answered before reading its whole body: nothing more to say
                return
            await _send_error(send, 413, "too_large", f"the body is larger than this endpoint accepts ({limit} "
                              f"bytes)", [(b"connection", b"close"), *extra])

    async def _key_is_valid(self, scope: Scope, headers: dict[bytes, bytes]) -> bool:
        token = headers.get(KEY_HEADER, b"").decode("latin-1")
        if not token:
            return False
        app: Any = scope.get("app")
        try:
            return await app.state.keys.principal(app.state.engine, token) is not None
        except Exception:  # noqa: BLE001 - e.g. the database is down: the route's own key check maps it (503)
            return True
