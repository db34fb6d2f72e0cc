"""Webhook targets (issue 15, fault 8): internal addresses refused unless allow-listed, resolved at
delivery, no userinfo, generic error texts, each delivery bounded in time."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.egress import NO_ANSWER, NOT_ALLOWED, TargetDenied, TargetPolicy, is_public
from api.service.events import deliver_now
from assign import events
from assign.db import session_scope
from assign.models import utcnow
from assign.schemas import Case
from tests.api.conftest import Keys, headers
from tests.api.test_events_webhooks import SECRET, Receiver, push_petition, receiver  # noqa: F401 (fixture)

DENIED = ["127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "169.254.169.254",
          "100.100.100.200", "168.63.129.16", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1",
          "fc00::1", "fd00:ec2::254", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
          "2002:7f00:1::1", "64:ff9b::a00:1"]
PUBLIC = ["1.1.1.1", "202.96.128.86", "2400:3200::1", "::ffff:1.1.1.1"]


@pytest.mark.parametrize("address", DENIED)
def test_internal_and_metadata_addresses_are_not_public(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_public_unicast_addresses_are(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("host", ["127.0.0.1", "[::1]", "[::ffff:127.0.0.1]", "169.254.169.254", "10.0.0.8",
                                  "[fd00::1]", "0.0.0.0", "[::ffff:a9fe:a9fe]"])
def test_a_literal_internal_address_is_refused_at_subscription(client: TestClient, keys: Keys, host: str) -> None:
    r = client.post("/v1/webhooks", json={"url": f"http://{host}:8080/hook"}, headers=headers(keys.admin))
    assert r.status_code == 422 and NOT_ALLOWED in r.json()["detail"]


def test_userinfo_is_refused_and_an_old_row_never_lists_it_back(client: TestClient, keys: Keys,
                                                                app_engine: Engine) -> None:
    r = client.post("/v1/webhooks", json={"url": "https://ops:hunter2pass@hooks.example.com/x"},
                    headers=headers(keys.admin))
    assert r.status_code == 422 and "user:pass@" in r.json()["detail"] and "hunter2pass" not in r.text
    with session_scope(app_engine) as session:  # a row stored before the rule
        events.create_subscription(session=session, url="https://ops:hunter2pass@hooks.example.com/x", kinds=[],
                                   secret=None)
    listed = client.get("/v1/webhooks", headers=headers(keys.admin))
    assert listed.json()["data"][0]["url"] == "https://hooks.example.com/x" and "hunter2pass" not in listed.text


def test_a_host_name_is_resolved_at_delivery_and_loopback_is_refused_unless_allow_listed(
        client: TestClient, keys: Keys, transfer_case: Case, receiver: Receiver, app_engine: Engine) -> None:  # noqa: F811
    port = receiver.url.split(":")[2].split("/")[0]
    r = client.post("/v1/webhooks", json={"url": f"http://localhost:{port}/hook", "secret": SECRET},
                    headers=headers(keys.admin))
    assert r.status_code == 201  # a name: its addresses are checked when it is connected to
    push_petition(client, keys, transfer_case.case_no, "2024-10-05")
    assert deliver_now(app_engine, targets=TargetPolicy.parse(""))["retrying"] == 1
    assert receiver.seen == []
    with session_scope(app_engine) as session:
        (delivery,) = events.list_deliveries(session=session)
        assert delivery.last_error == NOT_ALLOWED
    allowed = TargetPolicy.parse("127.0.0.1,::1")
    assert deliver_now(app_engine, targets=allowed, now=utcnow() + timedelta(hours=1))["delivered"] == 1
    assert len(receiver.seen) == 1 and receiver.seen[0]["valid"]


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers (a filtered service looks the same from outside)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server.getsockname()[1]
    server.close()


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_a_closed_and_a_silent_port_record_the_same_generic_error_within_the_bound(silent_port: int) -> None:
    policy = TargetPolicy.parse("127.0.0.1", connect_timeout_s=1.0, total_timeout_s=1.5)
    texts = []
    for port in (closed_port(), silent_port):
        started = time.monotonic()
        with pytest.raises(TargetDenied) as caught:
            policy.post(f"http://127.0.0.1:{port}/hook", content=b"{}", headers={})
        assert time.monotonic() - started < 1.5 + 1.0
        texts.append(str(caught.value))
    assert texts == [NO_ANSWER, NO_ANSWER]


def test_a_receiver_that_drips_its_answer_is_cut_off_at_the_total_bound() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    stop = threading.Event()

    def drip() -> None:
        conn, _ = server.accept()
        conn.recv(65536)
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100:
            if stop.is_set():
                break
            conn.send(bytes([byte]))
            time.sleep(0.2)  # each byte well within a per-read timeout
        conn.close()

    threading.Thread(target=drip, daemon=True).start()
    policy = TargetPolicy.parse("127.0.0.1", connect_timeout_s=1.0, total_timeout_s=1.5)
    started = time.monotonic()
    with pytest.raises(TargetDenied) as caught:
        policy.post(f"http://127.0.0.1:{server.getsockname()[1]}/", content=b"{}", headers={})
    stop.set()
    server.close()
    assert str(caught.value) == NO_ANSWER and time.monotonic() - started < 1.5 + 1.0


def test_in_flight_deliveries_are_capped(silent_port: int) -> None:
    policy = TargetPolicy.parse("127.0.0.1", connect_timeout_s=1.0, total_timeout_s=1.0, max_concurrent=1)
    first = threading.Thread(target=lambda: pytest.raises(TargetDenied, policy.post,
                                                          f"http://127.0.0.1:{silent_port}/", content=b"", headers={}))
    first.start()
    time.sleep(0.2)
    assert not policy._slots.acquire(blocking=False)  # the one slot is taken by the delivery in flight
    first.join()
    assert policy._slots.acquire(blocking=False)
    policy._slots.release()
