"""Issue 15, fault 6: deeply nested JSON on import (JSON array and JSON lines), on `PUT /v1/courts`
and on any JSON body is a 422 or a row problem with a reason, never a RecursionError or a 500, and
the keep-alive connection carries on (tested over a real connection to uvicorn)."""

from __future__ import annotations

import http.client
import json

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.service import store
from assign import repository
from assign.db import session_scope
from tests.api.conftest import Keys, headers
from tests.api.live_server import live_server
from tests.factories import make_network, make_transfer_case

DEPTH = 100_000
DEEP = b"[" * DEPTH + b"]" * DEPTH
GOOD = [make_transfer_case(f"(2024)川0104执{n}号").model_dump_json().encode() for n in (4001, 4002)]


def test_a_deep_record_is_a_row_problem_and_the_others_are_stored(engine: Engine) -> None:
    with session_scope(engine) as session:
        repository.replace_network(session=session, network=make_network(), source="tests")
    deep_case = b'{"case_no": "(2024)\xe5\xb7\x9d0104\xe6\x89\xa74003\xe5\x8f\xb7", "debtor": ' + DEEP + b"}"
    for fmt, body in (("json", b"[" + b",".join([GOOD[0], deep_case, GOOD[1]]) + b"]"),
                      ("jsonl", b"\n".join([GOOD[0], DEEP, GOOD[1]]))):
        report = store.import_case_file(engine, body, fmt=fmt, as_of=None)
        assert [(p.row, "nested" in p.reason) for p in report.rejected] == [(2, True)], fmt
        assert report.counts["stored"] + report.counts["unchanged"] == 2


def test_deep_json_bodies_are_422_with_a_reason(client: TestClient, keys: Keys) -> None:
    for method, path, token in (("PUT", "/v1/courts", keys.admin), ("POST", "/v1/evaluate", keys.admin)):
        r = client.request(method, path, content=DEEP, headers={**headers(token), "Content-Type": "application/json"})
        assert r.status_code == 422 and ("deep" in r.text or "recursion" in r.text), (path, r.text[:300])
    parsed_by_fastapi = client.post("/v1/decisions", content=DEEP, headers={**headers(keys.dispatcher),
                                                                             "Content-Type": "application/json"})
    assert parsed_by_fastapi.status_code == 400 and parsed_by_fastapi.json()["error"] == "bad_request"
    imported = client.post("/v1/cases/import", content=DEEP, headers={**headers(keys.integration),
                                                                        "Content-Type": "application/json"})
    assert imported.status_code == 200 and "nested more than" in imported.json()["problems"][0]["reason"]


def test_the_keep_alive_connection_survives_a_deep_body(engine: Engine) -> None:
    with live_server(engine) as server:
        conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
        for method, path, token, content_type in (
                ("POST", "/v1/cases/import", server.integration, "application/x-ndjson"),
                ("POST", "/v1/cases/import", server.integration, "application/json"),
                ("PUT", "/v1/courts", server.admin, "application/json")):
            conn.request(method, path, body=DEEP, headers={"X-API-Key": token, "Content-Type": content_type})
            answer = conn.getresponse()
            text = answer.read().decode()
            assert answer.status in (200, 422) and "nested" in text, (path, answer.status, text[:300])
            sock = conn.sock
            conn.request("GET", "/v1/health")
            health = conn.getresponse()
            assert health.status == 200 and json.loads(health.read())["status"] and conn.sock is sock  # same socket
        conn.close()
