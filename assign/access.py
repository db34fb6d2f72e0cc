"""API keys: stored hashed, each with a role and (for dispatchers) one court.

A key is shown once, as `ak_<prefix>_<secret>`. The table keeps the prefix (to find the row
without scanning) and the SHA-256 of the whole key; the secret has 256 bits of entropy, so
a plain hash is enough and a lookup stays one indexed query per request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, Session, SQLModel, col, select

from assign.db import get_row
from assign.errors import DataError
from assign.models import utcnow

KEY_PREFIX_LEN = 10


class Role(StrEnum):
    DISPATCHER = "dispatcher"  # one court; reads and acts within its jurisdiction (本辖区)
    INTEGRATION = "integration"  # the command centre: imports cases, pushes events, reads the feed
    ADMIN = "admin"  # keys, the court network, the audit log


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_key"
    id: int | None = Field(default=None, primary_key=True)
    prefix: str = Field(max_length=KEY_PREFIX_LEN, unique=True, index=True)
    secret_hash: str = Field(max_length=64)
    role: str = Field(max_length=16)
    court_code: str | None = Field(default=None, max_length=32)
    label: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


def hash_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def split_token(token: str) -> str | None:
    """The prefix of a well-formed key, else None."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "ak" or len(parts[1]) != KEY_PREFIX_LEN or not parts[2]:
        return None
    return parts[1]


def create_key(*, session: Session, role: Role, court_code: str | None = None, label: str = "") -> tuple[ApiKey, str]:
    """A new key row and the secret token (returned once, never stored)."""
    if role == Role.DISPATCHER and not court_code:
        raise DataError("a dispatcher key needs a court (court_code)")
    if role != Role.DISPATCHER and court_code:
        raise DataError(f"a {role.value} key is not tied to a court; leave court_code empty")
    prefix = secrets.token_hex(KEY_PREFIX_LEN // 2)
    token = f"ak_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey(prefix=prefix, secret_hash=hash_key(token), role=role.value, court_code=court_code, label=label)
    session.add(row)
    session.flush()
    return row, token


def authenticate(*, session: Session, token: str) -> ApiKey | None:
    """The live key for `token`, or None (unknown, malformed or revoked)."""
    prefix = split_token(token)
    if prefix is None:
        return None
    row = session.exec(select(ApiKey).where(ApiKey.prefix == prefix)).first()
    if row is None or row.revoked_at is not None:
        return None
    if not hmac.compare_digest(row.secret_hash, hash_key(token)):
        return None
    return row


def live_key_ids(*, session: Session, key_ids: set[int]) -> list[int]:
    """Those of `key_ids` that still exist and are not revoked."""
    q = select(ApiKey.id).where(col(ApiKey.id).in_(sorted(key_ids)), col(ApiKey.revoked_at).is_(None))
    return [int(i) for i in session.exec(q).all() if i is not None]


def list_keys(*, session: Session, include_revoked: bool = False) -> list[ApiKey]:
    q = select(ApiKey)
    if not include_revoked:
        q = q.where(col(ApiKey.revoked_at).is_(None))
    return list(session.exec(q.order_by(col(ApiKey.id))).all())


def get_key(*, session: Session, key_id: int) -> ApiKey:
    return get_row(session, ApiKey, key_id, "API key")


def revoke_key(*, session: Session, key_id: int) -> ApiKey:
    row = get_key(session=session, key_id=key_id)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
    return row
