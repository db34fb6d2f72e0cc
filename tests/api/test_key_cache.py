"""Per-worker caches: a key revoked elsewhere is refused within the TTL, at once when revoked
through this worker; a network replaced elsewhere is served within its check interval."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.config import Settings
from api.main import create_app
from assign import repository
from assign.access import list_keys, revoke_key
from assign.db import session_scope
from assign.network import CourtNetwork
from tests.api.conftest import Keys, headers
from tests.factories import make_network

TTL = 0.3


@pytest.fixture
def cached(app_engine: Engine) -> Iterator[TestClient]:
    settings = Settings(log_level="WARNING", key_cache_ttl_s=TTL, network_check_s=TTL)
    with TestClient(create_app(settings=settings, engine=app_engine)) as c:
        yield c


def revoke_elsewhere(engine: Engine, label: str) -> None:
    """What `assign keys revoke` or another worker does: the row changes, this app is not told."""
    with session_scope(engine) as session:
        key = next(k for k in list_keys(session=session) if k.label == label)
        revoke_key(session=session, key_id=key.id or 0)


def test_a_key_revoked_elsewhere_is_refused_within_the_ttl(cached: TestClient, keys: Keys,
                                                          app_engine: Engine) -> None:
    path = "/v1/courts/I510100"
    assert cached.get(path, headers=headers(keys.dispatcher)).status_code == 200  # now cached
    revoke_elsewhere(app_engine, "chengdu")
    time.sleep(TTL + 0.05)
    assert cached.get(path, headers=headers(keys.dispatcher)).status_code == 401


def test_without_a_ttl_a_key_revoked_elsewhere_is_refused_at_once(app_engine: Engine, keys: Keys) -> None:
    settings = Settings(log_level="WARNING", key_cache_ttl_s=0)
    with TestClient(create_app(settings=settings, engine=app_engine)) as c:
        assert c.get("/v1/courts/I510100", headers=headers(keys.dispatcher)).status_code == 200
        revoke_elsewhere(app_engine, "chengdu")
        assert c.get("/v1/courts/I510100", headers=headers(keys.dispatcher)).status_code == 401


def test_a_key_revoked_through_the_api_is_refused_at_once_despite_the_cache(app_engine: Engine, keys: Keys) -> None:
    settings = Settings(log_level="WARNING", key_cache_ttl_s=3600)
    with TestClient(create_app(settings=settings, engine=app_engine)) as c:
        assert c.get("/v1/courts/I510100", headers=headers(keys.dispatcher)).status_code == 200
        listed = c.get("/v1/admin/keys", headers=headers(keys.admin)).json()["data"]
        chengdu = next(k for k in listed if k["label"] == "chengdu")
        assert c.delete(f"/v1/admin/keys/{chengdu['id']}", headers=headers(keys.admin)).status_code == 200
        assert c.get("/v1/courts/I510100", headers=headers(keys.dispatcher)).status_code == 401


def test_unknown_keys_are_never_cached_as_good(cached: TestClient) -> None:
    for _ in range(3):
        assert cached.get("/v1/courts/I510100", headers=headers("ak_0123456789_nope")).status_code == 401


def test_a_network_replaced_elsewhere_is_served_within_the_check_interval(cached: TestClient, keys: Keys,
                                                                         app_engine: Engine) -> None:
    assert cached.get("/v1/courts/I510700", headers=headers(keys.admin)).status_code == 200
    smaller = [c for c in make_network() if c.code != "I510700" and c.parent_code != "I510700"]
    with session_scope(app_engine) as session:  # what `assign courts load` does
        repository.replace_network(session=session, network=CourtNetwork(smaller), source="elsewhere")
    time.sleep(TTL + 0.05)
    assert cached.get("/v1/courts/I510700", headers=headers(keys.admin)).status_code == 404


def test_cached_keys_are_rechecked_together_not_read_again_one_by_one(cached: TestClient, keys: Keys,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import api.deps

    for token in (keys.dispatcher, keys.outsider, keys.admin):
        assert cached.get("/v1/courts/I510100", headers=headers(token)).status_code in (200, 403)
    reads: list[str] = []
    original = api.deps._authenticate
    monkeypatch.setattr(api.deps, "_authenticate", lambda engine, token: reads.append(token) or original(engine, token))
    time.sleep(TTL + 0.05)
    for token in (keys.dispatcher, keys.outsider, keys.admin):
        assert cached.get("/v1/courts/I510100", headers=headers(token)).status_code in (200, 403)
    assert reads == []  # the TTL's recheck is one query for every cached key
