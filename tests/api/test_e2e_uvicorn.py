"""End to end: `uvicorn --factory api.main:create_app` (two workers) in a subprocess on a free loopback port."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.engine import Engine

from assign import repository
from assign.access import Role, create_key
from assign.db import session_scope
from tests.api.conftest import AS_OF
from tests.api.live_server import live_server
from tests.factories import make_transfer_case


@pytest.fixture
def served(engine: Engine) -> Iterator[tuple[str, str]]:
    with session_scope(engine) as session:
        repository.save_case(session=session, case=make_transfer_case())
        token = create_key(session=session, role=Role.DISPATCHER, court_code="I510100")[1]
    with live_server(engine, workers=2) as server:
        yield server.base, token


def test_a_real_server_recommends_and_decides(served: tuple[str, str]) -> None:
    base, token = served
    with httpx.Client(base_url=base, headers={"X-API-Key": token}, timeout=30) as http:
        assert http.get("/v1/courts/I510100").json()["code"] == "I510100"
        rec = http.post("/v1/recommendations", json={"case_no": make_transfer_case().case_no,
                                                     "as_of": AS_OF.isoformat()}).json()
        assert rec["recommendation"]["target_court"] in {"B510105", "B510112"}
        decided = http.post("/v1/decisions", json={"recommendation_id": rec["recommendation_id"], "action": "accept",
                                                   "reason": "端到端"})
        assert decided.status_code == 201
        assert http.post("/v1/decisions", json={"recommendation_id": rec["recommendation_id"], "action": "reject",
                                                "reason": "x"}).status_code == 409
        assert httpx.get(f"{base}/v1/recommendations/1", timeout=5).status_code == 401
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            http.get("/v1/health")
            timings.append(time.perf_counter() - started)
        assert min(timings) < 0.035, f"{timings}: Nagle/delayed-ACK stall (TCP_NODELAY not set?)"
