"""Issue 15, fault 1 over the API: a stored case that cannot be evaluated is reported and skipped by
batch jobs and `POST /v1/evaluate/stored`, and is a 422 naming it (never a 500) where one case is asked
for. The poisoned records are written around the service, as an old store would hold them."""

from __future__ import annotations

import json

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.api.conftest import AS_OF, Keys, headers, store_cases
from tests.api.test_plans_jobs import wait_for
from tests.factories import make_transfer_case

GOOD = [f"(2024)川0104执{n}号" for n in (3001, 3002, 3003)]
NEAR_9999 = "(2024)川0104执3004号"  # its record no longer validates
ENTRUSTED_NOWHERE = "(2024)川0104执3005号"  # validates, but names a court the network lacks: evaluation raises


def poisoned_store(engine: Engine) -> None:
    store_cases(engine, *(make_transfer_case(n) for n in [*GOOD, NEAR_9999, ENTRUSTED_NOWHERE]))
    with engine.begin() as conn:
        for case_no, change in ((NEAR_9999, {"received_on": "9999-12-20", "filed_on": "9999-12-21"}),
                                (ENTRUSTED_NOWHERE, {"entrusted": {"to_court": "B999999", "filed_on": "2024-02-01"}})):
            data = json.loads(conn.execute(sa.text("SELECT data FROM case_record WHERE case_no = :n"),
                                           {"n": case_no}).scalar_one())
            conn.execute(sa.text("UPDATE case_record SET data = :d WHERE case_no = :n"),
                         {"d": json.dumps(data | change, ensure_ascii=False), "n": case_no})


def test_a_batch_job_reports_the_cases_it_could_not_evaluate_and_plans_the_rest(client: TestClient, keys: Keys,
                                                                                  app_engine: Engine) -> None:
    poisoned_store(app_engine)
    started = client.post("/v1/recommendations/batch", json={"as_of": AS_OF.isoformat(), "time_limit_s": 2},
                          headers=headers(keys.dispatcher))
    job = wait_for(client, keys.dispatcher, started.json()["id"])
    assert job["status"] == "done", job
    best = job["best_so_far"]
    assert best["cases"] == 3 and best["not_evaluated_count"] == 2
    reasons = " | ".join(best["not_evaluated"])
    assert f"case {NEAR_9999}: the stored record no longer validates: received_on" in reasons
    assert f"case {ENTRUSTED_NOWHERE}:" in reasons


def test_evaluating_stored_cases_reports_the_poisoned_ones(client: TestClient, keys: Keys, app_engine: Engine) -> None:
    poisoned_store(app_engine)
    r = client.post("/v1/evaluate/stored", json={"case_nos": [*GOOD, NEAR_9999, ENTRUSTED_NOWHERE],
                                                 "as_of": AS_OF.isoformat()}, headers=headers(keys.admin))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] == 3 and [v["case_no"] for v in body["verdicts"]] == GOOD
    assert {f["case_no"] for f in body["not_evaluated"]} == {NEAR_9999, ENTRUSTED_NOWHERE}


def test_one_poisoned_case_asked_for_alone_is_a_422_naming_it(client: TestClient, keys: Keys,
                                                              app_engine: Engine) -> None:
    poisoned_store(app_engine)
    for case_no in (NEAR_9999, ENTRUSTED_NOWHERE):
        r = client.post("/v1/recommendations", json={"case_no": case_no, "as_of": AS_OF.isoformat()},
                        headers=headers(keys.dispatcher))
        assert r.status_code == 422 and case_no in r.json()["detail"], r.text
    shown = client.get(f"/v1/cases/{NEAR_9999}", headers=headers(keys.admin))
    assert shown.status_code == 422 and "no longer validates" in shown.json()["detail"]
