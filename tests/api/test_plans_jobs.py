"""Batch placement jobs (status, best so far, cancel) and plans (list, one, moves)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.service.job_runner import Cancelled
from api.service.jobs import JobRunner
from api.service.placement import place_cases
from assign import jobs
from assign.db import session_scope, table_of
from assign.models import utcnow
from tests.api.conftest import AS_OF, Keys, headers, store_cases
from tests.factories import make_transfer_case


def wait_for(client: TestClient, token: str, job_id: str, timeout_s: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = client.get(f"/v1/recommendations/batch/{job_id}", headers=headers(token)).json()
        if job["status"] in ("done", "failed", "cancelled"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {job['status']} after {timeout_s}s")


def test_batch_job_makes_a_plan_and_the_next_one_diffs_against_it(client: TestClient, keys: Keys,
                                                                   app_engine: Engine) -> None:
    store_cases(app_engine, *(make_transfer_case(f"(2024)川0104执{n}号") for n in range(2001, 2005)),
                make_transfer_case("(2024)川0105执2005号", court_code="B510105"))
    h = headers(keys.dispatcher)
    started = client.post("/v1/recommendations/batch", json={"as_of": AS_OF.isoformat(), "time_limit_s": 2}, headers=h)
    assert started.status_code == 202 and started.json()["scope"] == "I510100"
    job = wait_for(client, keys.dispatcher, started.json()["id"])
    assert job["status"] == "done", job
    assert job["best_so_far"]["stage"] == "final" and job["best_so_far"]["cases"] == 5
    plan = client.get(f"/v1/plans/{job['plan_id']}", headers=h).json()
    assert plan["scope"] == "I510100" and len(plan["recommendations"]) >= 1
    placed = {no for r in plan["recommendations"] for no in r["recommendation"]["case_nos"]}
    assert len(placed) == 5
    assert all(r["recommendation"]["target_court"] != "B510104" for r in plan["recommendations"]
               if "(2024)川0104" in r["recommendation"]["case_nos"][0])

    store_cases(app_engine, make_transfer_case("(2024)川0104执2006号"))
    second = wait_for(client, keys.dispatcher, client.post("/v1/recommendations/batch", json={
        "as_of": AS_OF.isoformat(), "time_limit_s": 2}, headers=h).json()["id"])
    diff = client.get(f"/v1/plans/{second['plan_id']}/diff", headers=h).json()
    assert diff["against"] == job["plan_id"] and diff["added"] == 1
    assert any(m["case_no"] == "(2024)川0104执2006号" and m["from"] is None for m in diff["moves"])
    listed = client.get("/v1/plans", params={"scope": "I510100"}, headers=h).json()
    assert [p["plan_id"] for p in listed["data"][:2]] == [second["plan_id"], job["plan_id"]]
    no_previous = client.get(f"/v1/plans/{job['plan_id']}/diff", headers=h)
    assert no_previous.status_code == 404 and "no previous plan" in no_previous.json()["detail"]


def test_cancel_a_queued_job_then_cancelling_again_is_409(client: TestClient, keys: Keys, app_engine: Engine) -> None:
    with session_scope(app_engine) as session:
        job_id = jobs.create_job(session=session, scope="I510100", params=jobs.JobParams(as_of=AS_OF), key_id=None).id
    h = headers(keys.dispatcher)
    r = client.delete(f"/v1/recommendations/batch/{job_id}", headers=h)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    again = client.delete(f"/v1/recommendations/batch/{job_id}", headers=h)
    assert again.status_code == 409 and "already ended" in again.json()["detail"]
    client.app.state.jobs.run(job_id, client.app.state.networks._network)
    assert client.get(f"/v1/recommendations/batch/{job_id}", headers=h).json()["status"] == "cancelled"


def test_a_running_job_stops_at_its_next_stage_when_cancelled(keys: Keys, client: TestClient,
                                                              app_engine: Engine) -> None:
    store_cases(app_engine, make_transfer_case("(2024)川0104执2101号"))
    with session_scope(app_engine) as session:
        job_id = jobs.create_job(session=session, scope="I510100", params=jobs.JobParams(as_of=AS_OF), key_id=None).id
        jobs.start_job(session=session, job_id=job_id)
        jobs.request_cancel(session=session, job_id=job_id)
        network = client.app.state.networks.get(session)
    runner = client.app.state.jobs
    with pytest.raises(Cancelled):
        runner._run(job_id, "I510100", jobs.JobParams(as_of=AS_OF), None, network, runner.checkpoint(job_id))
    runner.execute(job_id, network)  # what the runner thread does: the cancel becomes the job's end
    job = client.get(f"/v1/recommendations/batch/{job_id}", headers=headers(keys.dispatcher)).json()
    assert job["status"] == "cancelled" and job["plan_id"] is None and job["finished_at"]


def test_a_job_row_stored_before_the_typed_payloads_still_reads_and_runs(client: TestClient, keys: Keys,
                                                                       app_engine: Engine) -> None:
    """Rows written as `json.dumps` of plain dicts (params with nulls, a greedy best) load as
    `JobParams` / `JobBest`, and the runner finishes such a job."""
    store_cases(app_engine, make_transfer_case("(2024)川0104执2301号"))
    old_params = json.dumps({"as_of": AS_OF.isoformat(), "case_nos": None, "time_limit_s": 2, "policy": None},
                            default=str)
    old_best = json.dumps({"kind": "batch", "forum": "I510100", "as_of": AS_OF.isoformat(), "status": "GREEDY",
                           "cases": 1, "placed": 1, "unplaced": 0, "objective": 3.5, "time_s": 0.01, "pinned": 0,
                           "job_id": "old", "not_evaluated": [], "not_evaluated_count": 0, "stage": "greedy"},
                          default=str)
    job_id = "0ld" + "0" * 29
    with session_scope(app_engine) as session:
        session.execute(table_of(jobs.PlanJob).insert().values(
            id=job_id, status="running", scope="I510100", params=old_params, key_id=None, cancel_requested=False,
            best=old_best, created_at=utcnow(), started_at=utcnow()))
        network = client.app.state.networks.get(session)
    h = headers(keys.dispatcher)
    before = client.get(f"/v1/recommendations/batch/{job_id}", headers=h).json()
    assert before["params"] == {"as_of": AS_OF.isoformat(), "case_nos": None, "time_limit_s": 2.0, "policy": None}
    assert before["best_so_far"]["stage"] == "greedy" and before["best_so_far"]["objective"] == 3.5
    client.app.state.jobs.execute(job_id, network)
    after = client.get(f"/v1/recommendations/batch/{job_id}", headers=h).json()
    assert after["status"] == "done", after
    assert after["best_so_far"]["stage"] == "final" and after["best_so_far"]["cases"] == 1


def placed_outside_the_jurisdiction(cases: Any, verdicts: Any, network: Any, **kw: Any) -> Any:
    """The real placer, then every placed case moved onto a court of another forum's jurisdiction."""
    plan, recs = place_cases(cases, verdicts, network, **kw)
    elsewhere = next(c.code for c in network if not network.in_jurisdiction(c.code, "I510100"))
    return plan.model_copy(update={"assignments": dict.fromkeys(plan.assignments, elsewhere)}), recs


def test_a_batch_plan_that_fails_the_forum_checks_fails_the_job_and_stores_nothing(
        client: TestClient, keys: Keys, app_engine: Engine) -> None:
    store_cases(app_engine, make_transfer_case("(2024)川0104执2401号"))
    with session_scope(app_engine) as session:
        job_id = jobs.create_job(session=session, scope="I510100", params=jobs.JobParams(as_of=AS_OF), key_id=None).id
        network = client.app.state.networks.get(session)
    runner = JobRunner(app_engine, client.app.state.settings, placer=placed_outside_the_jurisdiction)
    runner.run(job_id, network)
    job = client.get(f"/v1/recommendations/batch/{job_id}", headers=headers(keys.dispatcher)).json()
    assert job["status"] == "failed" and job["plan_id"] is None
    assert "failed its checks" in job["error"] and "outside the forum's jurisdiction (I510100)" in job["error"]
    listed = client.get("/v1/plans", params={"scope": "I510100"}, headers=headers(keys.dispatcher)).json()
    assert listed["data"] == []


def test_decided_transfers_are_pinned_in_the_next_batch(client: TestClient, keys: Keys, app_engine: Engine) -> None:
    from tests.api.conftest import recommend

    case = make_transfer_case("(2024)川0104执2201号")
    store_cases(app_engine, case)
    h = headers(keys.dispatcher)
    rec = recommend(client, keys.dispatcher, case.case_no)
    other = rec["recommendation"]["alternatives"][0]["court"]
    r = client.post("/v1/decisions", headers=h, json={"recommendation_id": rec["recommendation_id"],
                                                      "action": "override", "target_court": other, "reason": "近"})
    assert r.status_code == 201
    job = wait_for(client, keys.dispatcher, client.post("/v1/recommendations/batch", json={
        "as_of": AS_OF.isoformat(), "time_limit_s": 2}, headers=h).json()["id"])
    assert job["status"] == "done" and job["best_so_far"]["pinned"] == 1
    plan = client.get(f"/v1/plans/{job['plan_id']}", headers=h).json()
    recs = [r["recommendation"] for r in plan["recommendations"]]
    (placed,) = [r for r in recs if case.case_no in r["case_nos"]]
    assert placed["target_court"] == other
