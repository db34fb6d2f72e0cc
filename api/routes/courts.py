"""Courts: the active network, a court, its jurisdiction; replacing the network (admin)."""

from __future__ import annotations

import csv
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from api.deps import AdminKeyDep, AnyKeyDep, NetworkDep, SessionDep, after_commit
from api.routes._shared import AUTH_ERRORS, CodePath, Limit, Offset, errors
from assign import events, repository
from assign.errors import DataError
from assign.network import CourtNetwork, parse_courts
from assign.schemas import Court, CourtLevel

router = APIRouter(prefix="/v1", tags=["courts"], responses=AUTH_ERRORS)


class CourtsPage(BaseModel):
    data: list[Court]
    count: int


class NetworkInfo(BaseModel):
    source: str
    content_hash: str
    court_count: int
    loaded_at: str | None = None


@router.get("/courts", response_model=CourtsPage,
            summary="Courts of the active network (a dispatcher sees its jurisdiction)")
def list_courts(key: AnyKeyDep, network: NetworkDep, level: CourtLevel | None = None, parent: str | None = None,
                limit: Limit = 1000, offset: Offset = 0) -> dict[str, Any]:
    scope = key.scope_codes(network)
    courts = list(network) if scope is None else [network.get(c) for c in scope]
    if level is not None:
        courts = [c for c in courts if c.level == level]
    if parent is not None:
        courts = [c for c in courts if c.parent_code == parent]
    return {"data": courts[offset : offset + limit], "count": len(courts)}


@router.get("/courts/{code}", response_model=Court, responses=errors(404))
def get_court(code: CodePath, key: AnyKeyDep, network: NetworkDep) -> Court:
    court = network.get(code)
    key.check_court(network, code, f"court {code}")
    return court


@router.get("/courts/{code}/subtree", response_model=CourtsPage, responses=errors(404),
            summary="The court and every court under it (本辖区)")
def court_subtree(code: CodePath, key: AnyKeyDep, network: NetworkDep, limit: Limit = 1000,
                  offset: Offset = 0) -> dict[str, Any]:
    network.get(code)
    key.check_court(network, code, f"court {code}")
    courts = network.subtree(code)
    return {"data": courts[offset : offset + limit], "count": len(courts)}


@router.get("/network", response_model=NetworkInfo, summary="Where the active network came from")
def network_info(_key: AnyKeyDep, session: SessionDep) -> dict[str, Any]:
    return repository.network_info(session=session)


NETWORK_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Court"}}},
            "text/csv": {"schema": {"type": "string"}},
        },
    }
}


@router.put("/courts", response_model=NetworkInfo, openapi_extra=NETWORK_BODY,
            summary="Replace the active network (admin): JSON list of courts or CSV; all or nothing")
async def replace_network(request: Request, _key: AdminKeyDep, session: SessionDep) -> dict[str, Any]:
    fmt = "csv" if "csv" in request.headers.get("content-type", "") else "json"
    try:
        text = (await request.body()).decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DataError(f"the body is not UTF-8 text: {e}") from None
    try:
        courts = parse_courts(text, fmt)
    except csv.Error as e:  # malformed quoting or newlines stop the CSV reader itself
        raise DataError(f"not valid CSV: {e}") from None
    if not courts:
        raise DataError("the network has no courts")
    network = CourtNetwork(courts)
    repository.replace_network(session=session, network=network, source=f"PUT /v1/courts ({fmt})")
    after_commit(session, request.app.state.networks.invalidate)  # this worker: at once; others: NetworkCache
    events.publish(session=session, kind="network.replaced", subject=network.content_hash,
                   payload={"content_hash": network.content_hash, "court_count": len(network)})
    session.flush()
    return repository.network_info(session=session)
