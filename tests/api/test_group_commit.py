"""Group commit: concurrent requests' rows are all stored, answered only once committed, in
fewer transactions than requests; one bad request fails alone; the audit chain stays whole."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.service.group_commit import GroupCommit, PendingWrite
from assign import audit
from assign.db import session_scope
from assign.models import PlanRow, RecommendationRow, utcnow
from tests.api.conftest import AS_OF, Keys, headers, store_cases
from tests.factories import make_transfer_case

PLANS: sa.Table = PlanRow.__table__
RECS: sa.Table = RecommendationRow.__table__


def plan_write(plan_id: str) -> PendingWrite:
    plan = {"plan_id": plan_id, "created_at": utcnow(), "as_of": date(2024, 12, 2), "scope": "I510100",
            "status": "SINGLE", "previous_plan_id": None, "run_id": None, "published": True, "summary": "{}",
            "data": "{}"}
    rec = {"plan_id": plan_id, "group_key": plan_id, "case_nos": "[]", "mode": None, "target_court": None,
           "forum": "I510100", "data": "{}"}
    return PendingWrite(rows=[(PLANS, plan), (RECS, rec)], returning=RECS,
                        audit=[audit.Entry(kind="plan", subject=plan_id, payload={"plan_id": plan_id})])


def stored(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {p: i for i, p in conn.execute(sa.select(RECS.c.id, RECS.c.plan_id))}


def chain_ok(engine: Engine) -> tuple[bool, int]:
    with session_scope(engine) as session:
        return audit.verify(session) is None, audit.count_records(session=session)


def test_concurrent_writes_are_all_committed_in_fewer_transactions(app_engine: Engine) -> None:
    gate = threading.Lock()
    writer = GroupCommit(app_engine, lock=gate)

    async def many() -> list[int | None]:
        with gate:  # hold the writer at its first transaction so the rest queue up behind it
            tasks = [asyncio.ensure_future(writer.submit(plan_write(f"p{n}"))) for n in range(40)]
            await asyncio.sleep(0.2)
        return await asyncio.gather(*tasks)

    ids = asyncio.run(many())
    writer.close()
    rows = stored(app_engine)
    assert {f"p{n}": ids[n] for n in range(40)} == rows  # each request got its own row's id
    assert writer.batches < 40
    assert chain_ok(app_engine) == (True, 40)
    with session_scope(app_engine) as session:
        subjects = [r.subject for r in audit.list_records(session=session, limit=100)]
    assert sorted(subjects) == sorted(f"p{n}" for n in range(40))


def test_a_bad_request_fails_alone_and_the_rest_are_stored(app_engine: Engine) -> None:
    gate = threading.Lock()
    writer = GroupCommit(app_engine, lock=gate)
    writer.submit_blocking(plan_write("taken"))

    async def batch() -> list[object]:
        with gate:
            tasks = [asyncio.ensure_future(writer.submit(plan_write(p))) for p in ("a", "taken", "b")]
            await asyncio.sleep(0.2)
        return await asyncio.gather(*tasks, return_exceptions=True)

    a, dup, b = asyncio.run(batch())
    writer.close()
    assert isinstance(a, int) and isinstance(b, int)
    assert isinstance(dup, sa.exc.IntegrityError)  # the same plan id twice: the API maps it to 409
    assert set(stored(app_engine)) == {"taken", "a", "b"}
    assert chain_ok(app_engine) == (True, 3)


def test_append_many_continues_the_chain_between_single_appends(app_engine: Engine) -> None:
    with session_scope(app_engine) as session:
        audit.append(session=session, kind="test", subject="one", payload={})
    with session_scope(app_engine) as session:
        seqs = audit.append_many(session=session, entries=[audit.Entry("test", f"m{i}", {"i": i}) for i in range(5)])
    with session_scope(app_engine) as session:
        audit.append(session=session, kind="test", subject="last", payload={})
        assert seqs == [2, 3, 4, 5, 6]
        assert [r.subject for r in audit.list_records(session=session)] == ["one", "m0", "m1", "m2", "m3", "m4",
                                                                            "last"]
        assert audit.verify(session) is None


def test_concurrent_recommendations_each_get_their_stored_row(client: TestClient, keys: Keys,
                                                              app_engine: Engine) -> None:
    cases = [make_transfer_case(f"(2024)川0104执{4000 + n}号") for n in range(24)]
    store_cases(app_engine, *cases)

    def one(n: int) -> dict:
        r = client.post("/v1/recommendations", json={"case_no": cases[n].case_no, "as_of": AS_OF.isoformat()},
                        headers=headers(keys.dispatcher))
        assert r.status_code == 200, r.text
        return r.json()

    with ThreadPoolExecutor(max_workers=24) as pool:
        answers = list(pool.map(one, range(24)))
    for n, body in enumerate(answers):
        got = client.get(f"/v1/recommendations/{body['recommendation_id']}", headers=headers(keys.dispatcher))
        assert got.status_code == 200
        assert got.json()["plan_id"] == body["plan_id"]
        assert got.json()["recommendation"]["case_nos"] == [cases[n].case_no]
    assert len({b["recommendation_id"] for b in answers}) == 24
    verify = client.get("/v1/audit/verify", headers=headers(keys.admin)).json()
    assert verify["ok"] and verify["records"] == 24


def test_a_failed_commit_is_an_error_response_not_a_200(client: TestClient, keys: Keys, app_engine: Engine) -> None:
    case = make_transfer_case()
    store_cases(app_engine, case)

    class Broken(GroupCommit):
        def _transaction(self, batch: list) -> None:
            raise sa.exc.OperationalError("COMMIT", {}, Exception("disk I/O error"))

    client.app.state.group_commit = Broken(app_engine)
    r = client.post("/v1/recommendations", json={"case_no": case.case_no, "as_of": AS_OF.isoformat()},
                    headers=headers(keys.dispatcher))
    assert r.status_code == 503
    assert stored(app_engine) == {}
