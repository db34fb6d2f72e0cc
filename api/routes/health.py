"""Health, version (rulebook hash, solver and library versions) and Prometheus metrics. No key needed."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from api.deps import EngineDep, RuleEngineDep
from api.metrics import Metrics
from api.routes._shared import errors
from assign import __version__

router = APIRouter(prefix="/v1", tags=["health"])
LIBRARIES = ("fastapi", "pydantic", "sqlalchemy", "sqlmodel", "ortools", "durable-rules", "uvicorn", "alembic")


class Health(BaseModel):
    status: str
    database: str


class VersionInfo(BaseModel):
    service: str
    python: str
    rulebook: dict[str, str]
    solver: dict[str, str]
    schema_revision: str | None
    libraries: dict[str, str]


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


@router.get("/health", response_model=Health, responses=errors(503), summary="Liveness and database reachability")
def health(engine: EngineDep) -> dict[str, Any]:
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
    return {"status": "ok", "database": engine.dialect.name}


@router.get("/version", response_model=VersionInfo, summary="Versions: rulebook hash, solver, libraries")
def version_info(engine: EngineDep, rules: RuleEngineDep) -> dict[str, Any]:
    return {
        "service": __version__, "python": platform.python_version(),
        "rulebook": {"id": rules.rulebook.id, "version": str(rules.rulebook.version),
                     "hash": rules.rulebook.content_hash, "name": rules.name},
        "solver": {"engine": "OR-Tools CP-SAT", "ortools": _version("ortools")},
        "schema_revision": ",".join(sorted(_revisions(engine))) or None,
        "libraries": {name: _version(name) for name in LIBRARIES},
    }


def _revisions(engine: EngineDep) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


@router.get("/metrics", response_class=Response, summary="Prometheus metrics (text exposition format)",
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}})
def metrics(request: Request) -> Response:
    metrics: Metrics = request.app.state.metrics
    return metrics.render()

