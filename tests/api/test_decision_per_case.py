"""Issue 15, fault 5: one live decision per case, not per recommendation.

A case can have several recommendations (a night's and single-case ones). Before: an accept
on one and a reject on another both succeeded; the console showed the reject while the next
night pinned the accept. Now the database keeps one live decision per case, a second one
needs `supersedes`, and pins, batch jobs and the console all follow the live decision.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from assign.db import session_scope
from assign.decisions import DecisionCase, live_decisions, pinned_courts
from assign.schemas import Case
from tests.api.conftest import AS_OF, Keys, headers, recommend
from tests.api.test_plans_jobs import wait_for


def decide(client: TestClient, token: str, **body: Any) -> Any:
    return client.post("/v1/decisions", json=body, headers=headers(token))


def test_accept_on_one_recommendation_and_reject_on_another_needs_supersedes(
        client: TestClient, keys: Keys, transfer_case: Case, app_engine: Engine) -> None:
    first = recommend(client, keys.dispatcher, transfer_case.case_no)
    second = recommend(client, keys.dispatcher, transfer_case.case_no)  # a competing recommendation, made earlier
    assert first["recommendation_id"] != second["recommendation_id"]
    accepted = decide(client, keys.dispatcher, recommendation_id=first["recommendation_id"], action="accept",
                      reason="同意")
    assert accepted.status_code == 201, accepted.text
    d1 = accepted.json()["id"]
    with session_scope(app_engine) as session:
        assert pinned_courts(session=session) == {transfer_case.case_no: first["recommendation"]["target_court"]}

    refused = decide(client, keys.dispatcher, recommendation_id=second["recommendation_id"], action="reject",
                     reason="不同意")
    assert refused.status_code == 409 and f"supersedes={d1}" in refused.json()["detail"]
    wrong = decide(client, keys.dispatcher, recommendation_id=second["recommendation_id"], action="reject",
                   reason="不同意", supersedes=d1 + 1000)
    assert wrong.status_code == 409 and "not the live decision" in wrong.json()["detail"]

    rejected = decide(client, keys.dispatcher, recommendation_id=second["recommendation_id"], action="reject",
                      reason="不同意", supersedes=d1)
    assert rejected.status_code == 201, rejected.text
    assert rejected.json()["supersedes"] == d1
    with session_scope(app_engine) as session:
        live = live_decisions(session=session, case_nos=[transfer_case.case_no])
        assert live[transfer_case.case_no].id == rejected.json()["id"]
        assert pinned_courts(session=session) == {}  # a reject unpins
    # the superseded decision stays in the history
    listed = client.get("/v1/decisions", headers=headers(keys.admin)).json()
    assert [d["id"] for d in listed["data"]] == [rejected.json()["id"], d1]


def test_the_same_recommendation_is_decided_again_only_by_superseding(
        client: TestClient, keys: Keys, transfer_case: Case) -> None:
    rec = recommend(client, keys.dispatcher, transfer_case.case_no)
    rid = rec["recommendation_id"]
    other = rec["recommendation"]["alternatives"][0]["court"]
    first = decide(client, keys.dispatcher, recommendation_id=rid, action="override", target_court=other,
                   reason="距离更近")
    assert first.status_code == 201, first.text
    again = decide(client, keys.dispatcher, recommendation_id=rid, action="accept", reason="改为采纳",
                   supersedes=first.json()["id"])
    assert again.status_code == 201, again.text
    stored = client.get(f"/v1/recommendations/{rid}", headers=headers(keys.dispatcher)).json()
    assert stored["decision"]["id"] == again.json()["id"] and stored["decision"]["action"] == "accept"


def test_a_decided_case_gets_no_new_single_recommendation(client: TestClient, keys: Keys,
                                                          transfer_case: Case) -> None:
    rec = recommend(client, keys.dispatcher, transfer_case.case_no)
    d = decide(client, keys.dispatcher, recommendation_id=rec["recommendation_id"], action="accept", reason="同意")
    r = client.post("/v1/recommendations", json={"case_no": transfer_case.case_no, "as_of": AS_OF.isoformat()},
                    headers=headers(keys.dispatcher))
    assert r.status_code == 409 and f"supersedes={d.json()['id']}" in r.json()["detail"]


def test_batch_jobs_and_the_console_follow_the_live_decision(client: TestClient, keys: Keys, transfer_case: Case,
                                                              app_engine: Engine) -> None:
    h = headers(keys.dispatcher)
    rec = recommend(client, keys.dispatcher, transfer_case.case_no)
    other = rec["recommendation"]["alternatives"][0]["court"]
    overridden = decide(client, keys.dispatcher, recommendation_id=rec["recommendation_id"], action="override",
                        target_court=other, reason="距离更近")
    job = wait_for(client, keys.dispatcher, client.post("/v1/recommendations/batch", json={
        "as_of": AS_OF.isoformat(), "time_limit_s": 1}, headers=h).json()["id"])
    assert job["best_so_far"]["pinned"] == 1
    plan = client.get(f"/v1/plans/{job['plan_id']}", headers=h).json()
    batch_rec = plan["recommendations"][0]
    assert batch_rec["recommendation"]["target_court"] == other  # pinned where the dispatcher put it

    rejected = decide(client, keys.dispatcher, recommendation_id=batch_rec["id"], action="reject", reason="撤回",
                      supersedes=overridden.json()["id"])
    assert rejected.status_code == 201, rejected.text
    again = wait_for(client, keys.dispatcher, client.post("/v1/recommendations/batch", json={
        "as_of": AS_OF.isoformat(), "time_limit_s": 1}, headers=h).json()["id"])
    assert again["best_so_far"]["pinned"] == 0  # the reject unpinned it
    client.post("/v1/evaluate/stored", json={"as_of": AS_OF.isoformat(), "case_nos": [transfer_case.case_no]},
                headers=h)
    page = client.get(f"/v1/console/cases/{transfer_case.case_no}", headers=h).json()
    assert page["decision"]["id"] == rejected.json()["id"] and page["decision"]["action"] == "reject"


def test_the_database_holds_one_live_decision_per_case(client: TestClient, keys: Keys, transfer_case: Case,
                                                       app_engine: Engine) -> None:
    rec = recommend(client, keys.dispatcher, transfer_case.case_no)
    d = decide(client, keys.dispatcher, recommendation_id=rec["recommendation_id"], action="reject", reason="否")
    with pytest.raises(IntegrityError), session_scope(app_engine) as session:
        session.add(DecisionCase(case_no=transfer_case.case_no, decision_id=d.json()["id"]))
        session.flush()
