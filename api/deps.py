"""Typed dependencies: the session, the settings, the rule engine, the active network, the calling key.

Everything hangs off `app.state` (set by `api.main.create_app`), never off module globals,
so two apps in one process (tests) never share an engine or a cache.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.config import Settings
from api.security import ALL_ROLES, Principal
from api.service import evaluation
from assign import repository
from assign.access import Role, authenticate, hash_key, live_key_ids
from assign.db import session_scope
from assign.network import CourtNetwork, builtin_network
from rules.engine import RuleEngine


def get_engine(request: Request) -> Engine:
    # `request.app.state` is untyped (Starlette's State): each dependency names the type it reads
    engine: Engine = request.app.state.engine
    return engine


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the handler returns, rolled back on error."""
    with session_scope(get_engine(request)) as session:
        yield session


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
# scope="function": commit before the response goes out, so a failed commit is still an error response
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


async def get_rule_engine(request: Request) -> RuleEngine:
    """The engine of the configured rulebook (`Settings.rulebook_dir`), hot-reloaded when its file
    changes. Loading (rare) runs in a thread; the common case is two `stat` calls."""
    rulebook_dir = get_settings_dep(request).rulebook_dir
    engine = evaluation.cached_engine(rulebook_dir)
    return engine if engine is not None else await run_in_threadpool(evaluation.get_engine, rulebook_dir)


RuleEngineDep = Annotated[RuleEngine, Depends(get_rule_engine)]


class NetworkCache:
    """The active network, rebuilt only when the stored network's content hash changes.

    Building the national network takes a while; checking the hash is one primary-key read,
    done at most every `check_s` seconds (0: on every request). A replacement through this
    app (PUT /v1/courts) takes effect here as soon as it commits (`invalidate`); one made
    elsewhere (another worker, `assign courts load`) within `check_s`.
    """

    def __init__(self, check_s: float = 0.0) -> None:
        self.check_s = check_s
        self._lock = threading.Lock()
        self._hash: str | None = None
        self._network: CourtNetwork | None = None
        self._fresh_until = 0.0

    def get(self, session: Session) -> CourtNetwork:
        """The network, after checking the stored hash through `session`."""
        checked_at = time.monotonic()
        stored = repository.stored_network_hash(session=session)
        current = stored or "builtin"
        if self._network is None or self._hash != current:
            with self._lock:
                network = repository.stored_network(session=session) if stored else None
                self._network = network or builtin_network()
                self._hash = current
        self._fresh_until = checked_at + self.check_s
        return self._network

    async def current(self, engine: Engine) -> CourtNetwork:
        """The network; the stored hash is read (in a thread) only when the last check is stale."""
        network = self._network
        if network is not None and time.monotonic() < self._fresh_until:
            return network
        return await run_in_threadpool(self._check, engine)

    def _check(self, engine: Engine) -> CourtNetwork:
        with session_scope(engine) as session:
            return self.get(session)

    def invalidate(self) -> None:
        self._fresh_until = 0.0


class KeyCache:
    """Authenticated keys of this process: SHA-256 of the token -> its principal.

    Saves the key's row read on every request. A key's role and court never change; only
    revocation does, so every `ttl_s` seconds one query re-checks all cached keys at once
    and drops the ones no longer live (one read per worker per `ttl_s`, however many keys).
    Revocation bound: a key revoked through this app (DELETE /v1/admin/keys/{id}) is refused
    by this process as soon as the revocation commits (`forget`); by the other workers, and
    after `assign keys revoke`, from the first request after `ttl_s` (default 1 s) has
    passed. `ttl_s` = 0 reads the row on every request. Unknown tokens are never cached.
    """

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._entries: dict[str, Principal] = {}
        self._fresh_until = 0.0

    async def principal(self, engine: Engine, token: str) -> Principal | None:
        if self.ttl_s <= 0:
            return await run_in_threadpool(_authenticate, engine, token)
        if time.monotonic() >= self._fresh_until:
            await run_in_threadpool(self._recheck, engine)
        digest = hash_key(token)
        principal = self._entries.get(digest)
        if principal is None:
            principal = await run_in_threadpool(_authenticate, engine, token)
            if principal is not None:
                self._entries[digest] = principal
        return principal

    def _recheck(self, engine: Engine) -> None:
        checked_at = time.monotonic()
        checked = {p.key_id for p in list(self._entries.values())}
        if checked:
            with session_scope(engine) as session:
                gone = checked - set(live_key_ids(session=session, key_ids=checked))
            # filter the current entries, not a snapshot: keys forgotten meanwhile stay forgotten
            self._entries = {k: p for k, p in self._entries.items() if p.key_id not in gone}
        self._fresh_until = checked_at + self.ttl_s

    def forget(self, key_id: int) -> None:
        self._entries = {k: p for k, p in self._entries.items() if p.key_id != key_id}


def after_commit(session: Session, action: Callable[[], None]) -> None:
    """Run `action` once `session`'s transaction has committed (cache invalidation)."""
    event.listen(session, "after_commit", lambda _session: action(), once=True)


async def get_network(request: Request) -> CourtNetwork:
    network: CourtNetwork = await request.app.state.networks.current(request.app.state.engine)
    return network


NetworkDep = Annotated[CourtNetwork, Depends(get_network)]

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False,
                              description="An API key (`ak_<prefix>_<secret>`); see `assign keys create`.")


async def current_key(request: Request, token: Annotated[str | None, Security(api_key_header)]) -> Principal:
    if not token:
        raise HTTPException(401, "missing API key: send it in the X-API-Key header",
                            headers={"WWW-Authenticate": "ApiKey"})
    principal: Principal | None = await request.app.state.keys.principal(request.app.state.engine, token)
    if principal is None:
        raise HTTPException(401, "unknown, malformed or revoked API key", headers={"WWW-Authenticate": "ApiKey"})
    request.state.principal = principal
    return principal


def _authenticate(engine: Engine, token: str) -> Principal | None:
    with session_scope(engine) as session:
        key = authenticate(session=session, token=token)
        return Principal.from_key(key) if key is not None else None


CurrentKeyDep = Annotated[Principal, Depends(current_key)]


def key_with_role(*roles: Role, what: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency that admits only `roles` (403 otherwise), checked before the body is read."""

    async def dependency(principal: CurrentKeyDep) -> Principal:
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
