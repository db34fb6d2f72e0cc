"""The HTTP service: `create_app()` builds a FastAPI app; nothing is created at import time.

Run it with `assign serve` (migrates, then starts uvicorn) or
`uvicorn --factory api.main:create_app`.

Errors are mapped in one table (`ERROR_STATUS`): every deliberate error of the domain is
an `AssignError` and gets 404/409/422/403 with a message that says what was wrong. A
response of 500 means a bug; its traceback is logged with party IDs masked.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError as DatabaseValueError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from api.asgi import HttpMiddleware
from api.config import Settings, get_settings
from api.deps import KeyCache, NetworkCache
from api.limits import RequestGuard
from api.metrics import Metrics, install_metrics
from api.routes import ROUTERS
from api.service.group_commit import GroupCommit
from api.service.jobs import JobRunner
from api.service.recommendations import BaselineStates
from assign.db import write_lock as sqlite_write_lock
from assign.errors import (
    AccessDenied,
    AssignError,
    Conflict,
    DataError,
    NotFound,
    RowProblem,
    RulebookError,
    TooMany,
    problem_dicts,
)
from assign.heap import settle_heap
from assign.masking import MaskingFilter, install_log_masking, mask_text

log = logging.getLogger("assign.api")
REQUEST_THREADS = 8

# (family, HTTP status, error code); the first family an error belongs to wins.
ERROR_STATUS: list[tuple[type[AssignError], int, str]] = [
    (NotFound, 404, "not_found"),
    (Conflict, 409, "conflict"),
    (AccessDenied, 403, "forbidden"),
    (TooMany, 429, "too_many_requests"),
    (DataError, 422, "invalid_input"),
    (RulebookError, 422, "invalid_rulebook"),
    (AssignError, 422, "unprocessable"),
]
HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
              409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "invalid_input",
              429: "too_many_requests"}


class AdmissionLimit(HttpMiddleware):
    """At most `limit` requests inside the app at once; the rest wait on the event loop.

    A request's session holds a pooled connection from its key look-up to its commit, so
    without this, 32 concurrent clients hold 32 connections while they queue for the 8
    request threads, and the pool (15) runs dry. Health and metrics are never queued.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        super().__init__(app)
        self.limit = limit
        self._semaphore: asyncio.Semaphore | None = None

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] in ("/v1/health", "/v1/metrics"):
            await self.app(scope, receive, send)
            return
        if self._semaphore is None:  # created on the serving loop, not at import
            self._semaphore = asyncio.Semaphore(self.limit)
        async with self._semaphore:
            await self.app(scope, receive, send)


def configure_logging(level: str) -> None:
    """Log setup for the service: every handler masks party ID numbers."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_masking(root)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "assign"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskingFilter) for f in logger.filters):
            logger.addFilter(MaskingFilter())
        install_log_masking(logger)


def error_body(code: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {"error": code, "detail": detail, **extra}


def domain_error_response(exc: AssignError) -> JSONResponse:
    status, code = next((s, c) for family, s, c in ERROR_STATUS if isinstance(exc, family))
    extra: dict[str, Any] = {}
    if isinstance(exc, DataError) and exc.problems:
        extra["problems"] = problem_dicts(exc.problems[:1000])
    if isinstance(exc, RulebookError) and exc.details:
        extra["problems"] = exc.details
    return JSONResponse(error_body(code, mask_text(str(exc)), **extra), status_code=status)


def _loc(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(x) for x in loc)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AssignError)
    async def on_domain_error(_request: Request, exc: AssignError) -> JSONResponse:
        return domain_error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def on_invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [RowProblem(None, _loc(e.get("loc", ())), str(e.get("msg", ""))) for e in exc.errors()[:200]]
        detail = "; ".join(f"{p.field}: {mask_text(p.reason)}" for p in problems[:10]) or "invalid request"
        return JSONResponse(error_body("invalid_request", detail, problems=problem_dicts(problems)), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = HTTP_CODES.get(exc.status_code, "error")
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(RecursionError)
    async def on_too_deep(_request: Request, _exc: RecursionError) -> JSONResponse:
        # a body nested deeper than any parser on the way recurses (a backstop: the import reader
        # and the network parser report it themselves); answered, so the connection stays open
        return JSONResponse(error_body("invalid_input", "the body is nested too deeply"), status_code=422)

    @app.exception_handler(PoolTimeout)
    async def on_pool_exhausted(_request: Request, exc: PoolTimeout) -> JSONResponse:
        log.error("database connection pool exhausted: %s", exc)
        return JSONResponse(error_body("unavailable", "the service is overloaded; retry shortly"), status_code=503,
                            headers={"Retry-After": "2"})

    @app.exception_handler(OperationalError)
    async def on_database_down(_request: Request, exc: OperationalError) -> JSONResponse:
        log.error("database unavailable: %s", mask_text(str(exc.orig)))
        return JSONResponse(error_body("unavailable", "the database is unavailable; retry shortly"), status_code=503,
                            headers={"Retry-After": "5"})

    @app.exception_handler(DatabaseValueError)
    async def on_unstorable_value(_request: Request, exc: DatabaseValueError) -> JSONResponse:
        detail = f"a value cannot be stored: {mask_text(str(exc.orig).splitlines()[0])}"
        return JSONResponse(error_body("invalid_input", detail), status_code=422)

    @app.exception_handler(IntegrityError)
    async def on_integrity(_request: Request, exc: IntegrityError) -> JSONResponse:
        log.warning("integrity error mapped to 409: %s", mask_text(str(exc.orig)))
        return JSONResponse(error_body("conflict", "the change conflicts with stored data (it was made concurrently "
                                                   "or already exists)"), status_code=409)

    @app.exception_handler(Exception)
    async def on_bug(request: Request, exc: Exception) -> JSONResponse:
        incident = uuid.uuid4().hex[:12]
        text = "".join(traceback.format_exception(exc))
        log.error("internal error %s on %s %s\n%s", incident, request.method, request.url.path, mask_text(text))
        return JSONResponse(error_body("internal", f"internal error (incident {incident}); it has been logged"),
                            status_code=500)


def operation_id(route: APIRoute) -> str:
    """`<tag>-<function>`, e.g. `cases-import_cases`: the FastAPI full-stack template's scheme, so a
    generated client names its functions after the route (not after path and method)."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """The service app. `engine` defaults to `settings.database_url` (migrate it first: `assign db upgrade`)."""
    from api.service.store import open_store

    settings = settings or get_settings()
    configure_logging(settings.log_level)
    engine = engine if engine is not None else open_store(settings.database_url, upgrade=False)
    jobs = JobRunner(engine, settings)
    # SQLite has one writer at a time and its busy handler sleeps (1..100 ms) while it waits;
    # hot write paths take this lock so threads and worker processes queue here instead.
    write_lock = sqlite_write_lock(engine)
    writer = GroupCommit(engine, lock=write_lock)  # single recommendations' rows, committed in groups

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Few request threads: CPU work holds the GIL anyway, and fewer threads contend less
        # for it and for the database; waiting requests queue cheaply on the event loop.
        anyio.to_thread.current_default_thread_limiter().total_tokens = REQUEST_THREADS
        # A worker's heap is mostly long-lived (modules, network, rulebook) and a batch evaluation
        # allocates ~100 objects per case: the default collector thresholds cost about a third of
        # POST /v1/evaluate's CPU (assign/heap.py)
        settle_heap()
        yield
        jobs.shutdown()
        writer.close()

    from assign import __version__

    app = FastAPI(
        title="Cross-enforcement dispatch service",
        version=__version__,
        description="CPL Art. 237 cross enforcement: find transferable enforcement cases and place them on courts. "
                    "Every endpoint except health, version and metrics needs an API key in `X-API-Key`.",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.networks = NetworkCache(settings.network_check_s)
    app.state.keys = KeyCache(settings.key_cache_ttl_s)
    app.state.metrics = Metrics()
    app.state.jobs = jobs
    app.state.baselines = BaselineStates()
    app.state.write_lock = write_lock
    app.state.group_commit = writer
    app.add_middleware(AdmissionLimit, limit=REQUEST_THREADS)
    # outside the admission limit: refusals take no slot; also adds the security headers (api/headers.py)
    app.add_middleware(RequestGuard, settings=settings)
    install_metrics(app, app.state.metrics)
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    return app
