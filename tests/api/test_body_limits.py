"""Issue 15, fault 2: bodies are bounded (413 with a JSON error) and the key is checked before any
body is read (401 without reading it), on declared and on streamed sizes."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import psutil
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.config import Settings
from tests.api.conftest import Keys, headers
from tests.api.live_server import live_server

MIB = 1 << 20


def test_a_body_over_the_default_limit_is_refused_with_413(client: TestClient, keys: Keys) -> None:
    big = json.dumps({"recommendation_id": 1, "action": "accept", "reason": "x" * (2 * MIB)})
    r = client.post("/v1/decisions", content=big, headers={**headers(keys.dispatcher),
                                                           "Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"] == "too_large" and str(MIB) in r.json()["detail"]


def test_a_streamed_body_is_cut_off_at_the_limit(client: TestClient, keys: Keys) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
        yield b'{"recommendation_id": 1, "action": "accept", "reason": "'
        for _ in range(40):
            yield b"x" * 65536
        yield b'"}'

    r = client.post("/v1/decisions", content=chunks(), headers={**headers(keys.dispatcher),
                                                                "Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"] == "too_large"


def test_import_and_evaluate_take_their_larger_configured_limits(client: TestClient, keys: Keys) -> None:
    padded = b"[" + b" " * (2 * MIB) + b"]"  # over the default limit, under the import and evaluate limits
    imported = client.post("/v1/cases/import", content=padded, headers={**headers(keys.integration),
                                                                          "Content-Type": "application/json"})
    assert imported.status_code == 200 and imported.json()["stored"] == 0
    evaluated = client.post("/v1/evaluate", content=b'{"cases": []' + b" " * (2 * MIB) + b"}",
                            headers={**headers(keys.admin), "Content-Type": "application/json"})
    assert evaluated.status_code == 422  # read and parsed: an empty list of cases is invalid, not too large


def _exchange(port: int, head: bytes, timeout_s: float = 20.0) -> bytes:
    """Send only the request head (no body byte) and read what the server answers."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout_s) as sock:
        sock.sendall(head)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            part = sock.recv(65536)
            if not part:
                break
            answer += part
        return answer


def test_a_real_server_answers_before_reading_a_body_it_will_not_accept(engine: Engine) -> None:
    with live_server(engine) as server:
        worker = psutil.Process(server.pid)
        rss_before = sum(p.memory_info().rss for p in [worker, *worker.children(recursive=True)])
        declared = 200 * MIB
        no_key = (f"POST /v1/decisions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  f"Content-Length: {declared}\r\n\r\n").encode()
        started = time.monotonic()
        answer = _exchange(server.port, no_key)
        assert answer.startswith(b"HTTP/1.1 401") and b'"unauthorized"' in answer
        over_import_limit = Settings().max_import_bytes + 1
        too_big = (f"POST /v1/cases/import HTTP/1.1\r\nHost: x\r\nX-API-Key: {server.integration}\r\n"
                   f"Content-Type: application/json\r\nContent-Length: {over_import_limit}\r\n\r\n").encode()
        answer = _exchange(server.port, too_big)
        assert answer.startswith(b"HTTP/1.1 413") and b'"too_large"' in answer
        assert time.monotonic() - started < 20  # answered without a body byte sent (it would wait for ever)
        # a few MB sent for real without a key: refused, and the server's memory does not grow with it
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(no_key.replace(str(declared).encode(), str(8 * MIB).encode()))
            head = sock.recv(65536)
            try:
                for _ in range(128):
                    sock.sendall(b"[" * 65536)
            except OSError:
                pass  # the server closed the connection: it does not want the body
        assert head.startswith(b"HTTP/1.1 401")
        time.sleep(0.5)
        rss_after = sum(p.memory_info().rss for p in [worker, *worker.children(recursive=True)])
        assert rss_after - rss_before < 4 * MIB, (rss_before, rss_after)
