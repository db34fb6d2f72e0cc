"""What every router shares: the error body, documented error responses, path/query types, cursor pages,
import bodies and the context of an admin-run store pass."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO, Annotated, Any, Protocol, TypeVar

from fastapi import Depends, Path, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.engine import Engine

from api.config import Settings
from api.deps import AdminKeyDep, EngineDep, NetworkDep, SettingsDep
from assign.errors import RowProblem
from assign.network import CourtNetwork


class ErrorBody(BaseModel):
    error: str = Field(description="machine-readable code: not_found, conflict, forbidden, invalid_input, ...")
    detail: str = Field(description="what was wrong, for a human")
    problems: list[RowProblem | str] | None = Field(
        default=None, description="each offending row and field (a rulebook's findings: sentences)")


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {401: "no API key, or an unknown or revoked one", 403: "outside this key's role or jurisdiction",
            404: "no such resource", 409: "conflicts with the current state", 422: "invalid input",
            429: "a quota is full (retry later)", 503: "the database is unavailable"}
    return {code: {"model": ErrorBody, "description": text[code]} for code in codes}


AUTH_ERRORS = errors(401, 403, 422, 503)

# Path and query types bounded so no input reaches the database out of range.
IdPath = Annotated[int, Path(ge=0, le=2**62)]
CodePath = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[^\x00-\x1f/]+$")]
TextPath = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[^\x00-\x1f]+$")]
Limit = Annotated[int, Query(ge=1, le=1000)]
Offset = Annotated[int, Query(ge=0, le=10**9)]
Cursor = Annotated[int, Query(ge=0, le=2**62)]
CourtQuery = Query(default=None, min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$",
                   description="a court: its jurisdiction (本辖区) only")
SPOOL_IN_MEMORY = 8 << 20  # an import body past this is spooled to a temporary file while it arrives


def today() -> date:
    return date.today()


def page(data: list[Any], count: int | None = None) -> dict[str, Any]:
    return {"data": data, "count": len(data) if count is None else count}


class _Keyed(Protocol):
    @property
    def id(self) -> int | None: ...


RowT = TypeVar("RowT", bound=_Keyed)


def cursor_page(rows: Sequence[RowT], show: Callable[[RowT], dict[str, Any]], *, after: int,
                limit: int) -> dict[str, Any]:
    """A page read by id cursor: the rows shown, the cursor to read on from, whether more may follow."""
    return {"data": [show(r) for r in rows], "next_after": rows[-1].id if rows else after,
            "has_more": len(rows) == limit}


def body_format(content_type: str) -> str:
    """The import format a request's Content-Type names: csv, jsonl or (anything else) json."""
    if "csv" in content_type:
        return "csv"
    if "ndjson" in content_type or "jsonl" in content_type:
        return "jsonl"
    return "json"


async def spool_body(request: Request) -> IO[bytes]:
    """The request body, rewound; past SPOOL_IN_MEMORY in a temporary file. The caller closes it."""
    body = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 - the caller closes it
    async for chunk in request.stream():  # bounded by the body guard (ASSIGN_MAX_IMPORT_BYTES)
        body.write(chunk)  # past SPOOL_IN_MEMORY a write to a temporary file (the page cache): not worth a thread
    body.seek(0)
    return body


@dataclass(frozen=True)
class StorePass:
    """What an admin-run store pass (node alerts, restoration leads; the nightly runs both) works on."""

    engine: Engine
    network: CourtNetwork
    settings: Settings
    as_of: date


def store_pass(_key: AdminKeyDep, engine: EngineDep, network: NetworkDep, settings: SettingsDep,
               as_of: date | None = None) -> StorePass:
    return StorePass(engine=engine, network=network, settings=settings, as_of=as_of or today())


StorePassDep = Annotated[StorePass, Depends(store_pass)]
