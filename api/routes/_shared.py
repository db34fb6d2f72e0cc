"""What every router shares: the error body, documented error responses, path/query types."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BaseModel, Field


class Problem(BaseModel):
    row: int | None = None
    case_no: str | None = None
    field: str | None = None
    reason: str | None = None
    loc: str | None = None
    msg: str | None = None
    type: str | None = None


class ErrorBody(BaseModel):
    error: str = Field(description="machine-readable code: not_found, conflict, forbidden, invalid_input, ...")
    detail: str = Field(description="what was wrong, for a human")
    problems: list[Problem | str] | None = None


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


def today() -> date:
    return date.today()


def page(data: list[Any], count: int | None = None) -> dict[str, Any]:
    return {"data": data, "count": len(data) if count is None else count}
