"""Admin: API keys (the secret is shown once, only its hash is stored)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from api.deps import AdminKeyDep, NetworkDep, SessionDep, after_commit
from api.routes._shared import AUTH_ERRORS, IdPath, errors
from assign.access import ApiKey, Role, create_key, list_keys, revoke_key
from assign.errors import DataError
from assign.masking import mask_strings

router = APIRouter(prefix="/v1/admin/keys", tags=["admin"], responses=AUTH_ERRORS)


class KeyIn(BaseModel):
    role: Role
    court_code: str | None = Field(default=None, max_length=32, description="required for a dispatcher key")
    label: str = Field(default="", max_length=200, pattern=r"^[^\x00]*$")


class KeyOut(BaseModel):
    id: int
    prefix: str
    role: str
    court_code: str | None
    label: str
    created_at: str
    revoked_at: str | None
    secret: str | None = Field(default=None, description="the key itself: only in the response that created it")


class KeysPage(BaseModel):
    data: list[KeyOut]
    count: int


def key_out(row: ApiKey, secret: str | None = None) -> dict[str, Any]:
    return {"id": row.id, "prefix": row.prefix, "role": row.role, "court_code": row.court_code,
            "label": mask_strings(row.label), "created_at": row.created_at.isoformat(),
            "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None, "secret": secret}


@router.post("", response_model=KeyOut, status_code=201, summary="Create a key; the secret is in this response only")
def post_key(body: KeyIn, _key: AdminKeyDep, session: SessionDep, network: NetworkDep) -> dict[str, Any]:
    if body.court_code is not None and body.court_code not in network:
        raise DataError(f"court_code: unknown court {body.court_code!r} in the active network")
    row, secret = create_key(session=session, role=body.role, court_code=body.court_code, label=body.label)
    return key_out(row, secret)


@router.get("", response_model=KeysPage)
def get_keys(_key: AdminKeyDep, session: SessionDep, include_revoked: bool = False) -> dict[str, Any]:
    rows = list_keys(session=session, include_revoked=include_revoked)
    return {"data": [key_out(r) for r in rows], "count": len(rows)}


@router.delete("/{key_id}", response_model=KeyOut, responses=errors(404),
               summary="Revoke a key (refused at once by this worker, by the others within the key cache TTL)")
def delete_key(key_id: IdPath, request: Request, _key: AdminKeyDep, session: SessionDep) -> dict[str, Any]:
    row = revoke_key(session=session, key_id=key_id)
    after_commit(session, lambda: request.app.state.keys.forget(key_id))  # refused here at once; elsewhere: KeyCache
    return key_out(row)
