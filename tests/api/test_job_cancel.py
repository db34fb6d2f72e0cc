"""Batch jobs are bounded: a cancel stops the CP-SAT search at once, not at the job's time limit;
queued and running jobs are capped per key and per scope, and a dispatcher's time limit is capped."""

from __future__ import annotations

import time
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.main import create_app
from assign import jobs, repository
from assign.access import Role, create_key, list_keys
from assign.db import session_scope
from assign.generator import generate_cases
from assign.network import builtin_network
from assign.schemas import Order
from tests.api.conftest import Keys, api_settings, headers

AS_OF = date(2025, 6, 30)


def test_cancel_during_the_solve_ends_the_job_within_seconds_of_a_60_s_limit(sqlite_engine: Engine) -> None:
    network = builtin_network()
    with session_scope(sqlite_engine) as session:
        repository.replace_network(session=session, network=network, source="tests")
        chengdu = set(network.subtree_codes("I510100"))
        # enough cases that the forum's pool cannot be proven in the second before the cancel
        for case in generate_cases(network, 8000, seed=1, as_of=AS_OF, province="51"):
            if case.court_code in chengdu:  # a supervision deadline missed: a mandatory transfer (rules, 10(1))
                case = case.model_copy(update={"supervision_orders": [Order(
                    issued_by="I510100", issued_on=date(2025, 3, 1), deadline=date(2025, 4, 1))]})
            repository.save_case(session=session, case=case)
        token = create_key(session=session, role=Role.DISPATCHER, court_code="I510100", label="chengdu")[1]
    app = create_app(settings=api_settings(), engine=sqlite_engine)
    with TestClient(app) as client:
        h = headers(token)
        started = client.post("/v1/recommendations/batch", json={"as_of": AS_OF.isoformat(), "time_limit_s": 60},
                              headers=h)
        assert started.status_code == 202, started.text
        url = f"/v1/recommendations/batch/{started.json()['id']}"
        deadline = time.monotonic() + 120
        while (client.get(url, headers=h).json()["best_so_far"] or {}).get("stage") != "greedy":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(1.0)  # into the CP-SAT search
        assert client.delete(url, headers=h).status_code == 200, client.get(url, headers=h).json()["best_so_far"]
        cancelled_at = time.monotonic()
        while (job := client.get(url, headers=h).json())["status"] == "running":
            assert time.monotonic() - cancelled_at < 20, "the solve ran on after the cancel"
            time.sleep(0.05)
        waited = time.monotonic() - cancelled_at
    assert job["status"] == "cancelled" and job["plan_id"] is None
    assert waited < 5, waited


def test_jobs_are_capped_per_key_and_per_scope_and_a_dispatchers_time_limit_is_capped(
        client: TestClient, keys: Keys, app_engine: Engine) -> None:
    settings = client.app.state.settings
    with session_scope(app_engine) as session:
        chengdu = next(k.id for k in list_keys(session=session) if k.label == "chengdu")
        params = jobs.JobParams(as_of=date(2024, 12, 2))
        queued = [jobs.create_job(session=session, scope="I510100", params=params, key_id=chengdu).id
                  for _ in range(settings.jobs_per_key_max)]
    h = headers(keys.dispatcher)
    refused = client.post("/v1/recommendations/batch", json={"time_limit_s": 1}, headers=h)
    assert refused.status_code == 429 and refused.json()["error"] == "too_many_requests"
    assert f"at most {settings.jobs_per_key_max}" in refused.json()["detail"]
    over = client.post("/v1/recommendations/batch", json={"time_limit_s": settings.job_time_limit_max_s + 1}, headers=h)
    assert over.status_code == 422 and "over the limit for dispatchers" in over.text
    with session_scope(app_engine) as session:
        jobs.request_cancel(session=session, job_id=queued[0])
        for _ in range(settings.jobs_per_scope_max - 1):  # other keys' jobs fill the scope
            jobs.create_job(session=session, scope="I510100", params=params, key_id=None)
    full = client.post("/v1/recommendations/batch", json={"court": "I510100"}, headers=headers(keys.admin))
    assert full.status_code == 429 and "I510100 has" in full.json()["detail"]
    elsewhere = client.post("/v1/recommendations/batch", json={"court": "I510700", "time_limit_s": 300},
                            headers=headers(keys.admin))
    assert elsewhere.status_code == 202  # another scope, and an admin's time limit is not a dispatcher's
