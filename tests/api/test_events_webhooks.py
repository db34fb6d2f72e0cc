"""The event feed's cursor, and webhooks checked by a real HTTP receiver on loopback (allow-listed:
loopback is refused by default, see tests/api/test_webhook_targets.py)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.egress import TargetPolicy
from api.main import create_app
from api.service.events import deliver_now
from api.webhooks import RetryPolicy, verify_signature
from assign.db import session_scope
from assign.events import list_deliveries
from assign.models import utcnow
from assign.schemas import Case
from tests.api.conftest import Keys, api_settings, headers

SECRET = "s3cret-for-the-tests-0123456789"
LOOPBACK = TargetPolicy.parse("127.0.0.1", total_timeout_s=2.0)


def deliver(engine: Engine, **kwargs: Any) -> dict[str, int]:
    return deliver_now(engine, targets=LOOPBACK, **kwargs)


@pytest.fixture
def client(app_engine: Engine) -> Iterator[TestClient]:
    """The app with this machine's loopback allow-listed as a webhook target."""
    settings = api_settings().model_copy(update={"webhook_allow": "127.0.0.1"})
    with TestClient(create_app(settings=settings, engine=app_engine)) as c:
        yield c


@dataclass
class Receiver:
    url: str
    fail_first: int = 0
    seen: list[dict] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            valid = verify_signature(SECRET, self.headers["X-Timestamp"], body, self.headers["X-Signature"])
            state.seen.append({"key": self.headers["Idempotency-Key"], "valid": valid, "event": json.loads(body)})
            failing = len(state.seen) <= state.fail_first
            self.send_response(503 if failing or not valid else 204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def push_petition(client: TestClient, keys: Keys, case_no: str, day: str) -> None:
    r = client.patch(f"/v1/cases/{case_no}", json={"petitions": [day]}, headers=headers(keys.integration))
    assert r.status_code == 200, r.text


def test_feed_cursor_returns_each_event_once_in_order(client: TestClient, keys: Keys, transfer_case: Case) -> None:
    for day in ("2024-10-01", "2024-10-02", "2024-10-03"):
        push_petition(client, keys, transfer_case.case_no, day)
    first = client.get("/v1/events", params={"limit": 2}, headers=headers(keys.integration)).json()
    assert [e["kind"] for e in first["events"]] == ["case.updated", "case.updated"] and first["has_more"]
    rest = client.get("/v1/events", params={"after": first["next_after"]}, headers=headers(keys.integration)).json()
    ids = [e["id"] for e in first["events"] + rest["events"]]
    assert ids == sorted(ids) and len(ids) == len(set(ids)) == 3
    empty = client.get("/v1/events", params={"after": rest["next_after"]}, headers=headers(keys.admin)).json()
    assert empty == {"events": [], "next_after": rest["next_after"], "has_more": False}
    only = client.get("/v1/events", params={"kind": "plan.created"}, headers=headers(keys.admin)).json()
    assert only["events"] == []


def test_webhook_is_signed_retried_with_backoff_and_keeps_its_idempotency_key(
        client: TestClient, keys: Keys, transfer_case: Case, receiver: Receiver, app_engine: Engine) -> None:
    receiver.fail_first = 1
    r = client.post("/v1/webhooks", json={"url": receiver.url, "kinds": ["case.updated"], "secret": SECRET},
                    headers=headers(keys.admin))
    assert r.status_code == 201 and r.json()["secret"] == SECRET
    assert client.get("/v1/webhooks", headers=headers(keys.admin)).json()["data"][0]["secret"] is None
    push_petition(client, keys, transfer_case.case_no, "2024-10-05")
    policy = RetryPolicy(base_s=60, max_attempts=3)
    now = utcnow()
    assert deliver(app_engine, now=now, policy=policy) == {"delivered": 0, "retrying": 1, "failed": 0}
    assert deliver(app_engine, now=now + timedelta(seconds=30), policy=policy)["retrying"] == 0  # not due yet
    assert deliver(app_engine, now=now + timedelta(seconds=61), policy=policy)["delivered"] == 1
    assert deliver(app_engine, now=now + timedelta(hours=5), policy=policy) == {
        "delivered": 0, "retrying": 0, "failed": 0}
    assert len(receiver.seen) == 2 and all(s["valid"] for s in receiver.seen)
    assert receiver.seen[0]["key"] == receiver.seen[1]["key"] == f"{receiver.seen[0]['event']['id']}:1"
    assert receiver.seen[0]["event"]["payload"]["case_no"] == transfer_case.case_no
    with session_scope(app_engine) as session:
        (delivery,) = list_deliveries(session=session)
        assert delivery.status == "delivered" and delivery.attempts == 2 and delivery.last_status_code == 204


def test_a_wrong_secret_never_verifies_and_delivery_gives_up(
        client: TestClient, keys: Keys, transfer_case: Case, receiver: Receiver, app_engine: Engine) -> None:
    r = client.post("/v1/webhooks", json={"url": receiver.url, "secret": "another-secret-0123456789"},
                    headers=headers(keys.admin))
    sub_id = r.json()["id"]
    push_petition(client, keys, transfer_case.case_no, "2024-10-06")
    policy = RetryPolicy(base_s=1, max_attempts=2)
    now = utcnow()
    deliver(app_engine, now=now, policy=policy)
    assert deliver(app_engine, now=now + timedelta(seconds=5), policy=policy)["failed"] == 1
    assert [s["valid"] for s in receiver.seen] == [False, False]
    deliveries = client.get(f"/v1/webhooks/{sub_id}/deliveries", headers=headers(keys.admin)).json()
    assert deliveries[0]["status"] == "failed" and deliveries[0]["last_status_code"] == 503


def test_an_unreachable_receiver_is_retried(client: TestClient, keys: Keys, transfer_case: Case,
                                            app_engine: Engine) -> None:
    client.post("/v1/webhooks", json={"url": "http://127.0.0.1:9/closed"}, headers=headers(keys.admin))
    push_petition(client, keys, transfer_case.case_no, "2024-10-07")
    assert deliver_now(app_engine)["retrying"] == 1
