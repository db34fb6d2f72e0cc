"""Typed dependencies: the session, the settings, the active network, the calling key.

Everything hangs off `app.state` (set by `api.main.create_app`), never off module globals,
so two apps in one process (tests) never share an engine or a cache.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.config import Settings
from api.security import ALL_ROLES, Principal
from assign import repository
from assign.access import Role, authenticate
from assign.db import session_scope
from assign.models import NetworkMeta
from assign.network import CourtNetwork, builtin_network


def get_engine(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the handler returns, rolled back on error."""
    with session_scope(get_engine(request)) as session:
        yield session


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
# scope="function": commit before the response goes out, so a failed commit is still an error response
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


class NetworkCache:
    """The active network, rebuilt only when the stored network's content hash changes.

    Building the national network takes a while; checking the hash is one primary-key read.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hash: str | None = None
        self._network: CourtNetwork | None = None

    def get(self, session: Session) -> CourtNetwork:
        meta = session.get(NetworkMeta, 1)
        current = meta.content_hash if meta else "builtin"
        if self._network is not None and self._hash == current:
            return self._network
        with self._lock:
            network = repository.stored_network(session=session) if meta else None
            self._network = network or builtin_network()
            self._hash = current
            return self._network


def get_network(request: Request, session: SessionDep) -> CourtNetwork:
    return request.app.state.networks.get(session)  # type: ignore[no-any-return]


NetworkDep = Annotated[CourtNetwork, Depends(get_network)]

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False,
                              description="An API key (`ak_<prefix>_<secret>`); see `assign keys create`.")


def current_key(request: Request, session: SessionDep,
                token: Annotated[str | None, Security(api_key_header)]) -> Principal:
    if not token:
        raise HTTPException(401, "missing API key: send it in the X-API-Key header",
                            headers={"WWW-Authenticate": "ApiKey"})
    key = authenticate(session=session, token=token)
    if key is None:
        raise HTTPException(401, "unknown, malformed or revoked API key", headers={"WWW-Authenticate": "ApiKey"})
    principal = Principal.from_key(key)
    request.state.principal = principal
    return principal


CurrentKeyDep = Annotated[Principal, Depends(current_key)]


def key_with_role(*roles: Role, what: str) -> Callable[..., Principal]:
    """A dependency that admits only `roles` (403 otherwise), checked before the body is read."""

    def dependency(principal: CurrentKeyDep) -> Principal:
        principal.require(roles, what)
        return principal

    return dependency


def _dep(*roles: Role, what: str) -> Any:
    return Annotated[Principal, Depends(key_with_role(*roles, what=what))]


AnyKeyDep = _dep(*ALL_ROLES, what="this endpoint")
AdminKeyDep = _dep(Role.ADMIN, what="this endpoint")
ImporterKeyDep = _dep(Role.INTEGRATION, Role.ADMIN, what="importing or updating cases")
DeciderKeyDep = _dep(Role.DISPATCHER, Role.ADMIN, what="recommending and deciding")
FeedKeyDep = _dep(Role.INTEGRATION, Role.ADMIN, what="the event feed")
