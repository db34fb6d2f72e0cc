"""Recommend one case, then accept, override (legal, illegal, justified) or reject it; races get 409."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from assign import decisions
from assign.db import session_scope
from assign.errors import Conflict
from assign.models import RecommendationRow
from assign.schemas import Case
from tests.api.conftest import Keys, headers, recommend


def decide(client: TestClient, token: str, **body: Any) -> Any:
    return client.post("/v1/decisions", json=body, headers=headers(token))


def test_single_recommendation_ranks_courts_and_explains(client: TestClient, keys: Keys, transfer_case: Case) -> None:
    body = recommend(client, keys.dispatcher, transfer_case.case_no)
    rec = body["recommendation"]
    assert body["verdict"]["outcome"] == "MANDATORY_TRANSFER" and rec["mode"] == "designate"
    assert rec["forum"] == "I510100" and rec["target_court"] in {"B510105", "B510112"}
    assert set(rec["score"]) >= {"soft.distance", "soft.transfer_burden_balance"}
    assert rec["alternatives"] and all(a["delta"] >= 0 for a in rec["alternatives"])
    assert {"court": "B510104", "constraint": "hard.not_original_court"}.items() <= rec["excluded"][0].items()
    stored = client.get(f"/v1/recommendations/{body['recommendation_id']}", headers=headers(keys.dispatcher)).json()
    assert stored["recommendation"] == rec and stored["decision"] is None


def test_accept_then_second_decision_is_409(client: TestClient, keys: Keys, transfer_case: Case) -> None:
    rec = recommend(client, keys.dispatcher, transfer_case.case_no)
    r = decide(client, keys.dispatcher, recommendation_id=rec["recommendation_id"], action="accept", reason="同意")
    assert r.status_code == 201, r.text
    assert r.json()["target_court"] == rec["recommendation"]["target_court"]
    again = decide(client, keys.admin, recommendation_id=rec["recommendation_id"], action="reject", reason="不同意")
    assert again.status_code == 409
    assert "already decided" in again.json()["detail"]


def test_override_to_a_legal_court_needs_no_justification(client: TestClient, keys: Keys, transfer_case: Case) -> None:
    rec = recommend(client, keys.dispatcher, transfer_case.case_no)
    other = rec["recommendation"]["alternatives"][0]["court"]
    r = decide(client, keys.dispatcher, recommendation_id=rec["recommendation_id"], action="override",
               target_court=other, reason="距离更近")
    assert r.status_code == 201, r.text
    assert r.json()["violations"] == [] and r.json()["target_court"] == other


def test_override_breaking_a_hard_constraint_is_refused_then_recorded_with_justification(
        client: TestClient, keys: Keys, transfer_case: Case) -> None:
    rec = recommend(client, keys.dispatcher, transfer_case.case_no)
    rid = rec["recommendation_id"]
    refused = decide(client, keys.dispatcher, recommendation_id=rid, action="override", target_court="B510104",
                     reason="原法院已有进展")
    assert refused.status_code == 422
    assert "hard.not_original_court" in refused.json()["detail"] and "justification" in refused.json()["detail"]
    outside = decide(client, keys.dispatcher, recommendation_id=rid, action="override", target_court="I510100",
                     reason="提级")
    assert outside.status_code == 422 and "hard." in outside.json()["detail"]
    ok = decide(client, keys.dispatcher, recommendation_id=rid, action="override", target_court="B510104",
                reason="原法院已有进展", justification="执行局长批准，原法院已查控到财产")
    assert ok.status_code == 201, ok.text
    assert any("hard.not_original_court" in v for v in ok.json()["violations"])
    trail = client.get("/v1/audit", params={"kind": "decision"}, headers=headers(keys.admin)).json()["data"]
    assert trail[-1]["payload"]["justification"] == "执行局长批准，原法院已查控到财产"
    assert trail[-1]["payload"]["violations"] == ok.json()["violations"]


def test_reject_and_input_errors(client: TestClient, keys: Keys, transfer_case: Case) -> None:
    rec = recommend(client, keys.dispatcher, transfer_case.case_no)
    rid = rec["recommendation_id"]
    assert decide(client, keys.dispatcher, recommendation_id=rid, action="accept", reason="  ").status_code == 422
    assert decide(client, keys.dispatcher, recommendation_id=rid, action="override", reason="x").status_code == 422
    assert decide(client, keys.dispatcher, recommendation_id=rid, action="maybe", reason="x").status_code == 422
    missing = decide(client, keys.dispatcher, recommendation_id=999999, action="reject", reason="x")
    assert missing.status_code == 404 and "999999" in missing.json()["detail"]
    r = decide(client, keys.dispatcher, recommendation_id=rid, action="reject", reason="证据不足")
    assert r.status_code == 201 and r.json()["target_court"] is None


def test_two_dispatchers_at_once_one_wins_one_gets_409(client: TestClient, keys: Keys, transfer_case: Case) -> None:
    rid = recommend(client, keys.dispatcher, transfer_case.case_no)["recommendation_id"]
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def go(token: str, action: str) -> None:
        barrier.wait()
        codes.append(decide(client, token, recommendation_id=rid, action=action, reason="并发").status_code)

    threads = [threading.Thread(target=go, args=(keys.dispatcher, "accept")),
               threading.Thread(target=go, args=(keys.admin, "reject"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(codes) == [201, 409]


def test_the_database_refuses_a_second_decision_without_the_python_check(
        client: TestClient, keys: Keys, transfer_case: Case, app_engine: Engine,
        monkeypatch: pytest.MonkeyPatch) -> None:
    rid = recommend(client, keys.dispatcher, transfer_case.case_no)["recommendation_id"]
    monkeypatch.setattr(decisions, "ensure_decidable", lambda **_: None)
    with session_scope(app_engine) as session:
        row = session.get(RecommendationRow, rid)
        decisions.record_decision(session=session, recommendation=row, action=decisions.Action.REJECT,
                                  target_court=None, reason="a", justification=None, violations=[], key_id=None)
    with pytest.raises(Conflict), session_scope(app_engine) as session:
        row = session.get(RecommendationRow, rid)
        decisions.record_decision(session=session, recommendation=row, action=decisions.Action.ACCEPT,
                                  target_court=None, reason="b", justification=None, violations=[], key_id=None)


def test_the_enforcing_court_may_look_but_only_the_forum_decides(client: TestClient, keys: Keys,
                                                                 transfer_case: Case) -> None:
    made = client.post("/v1/admin/keys", json={"role": "dispatcher", "court_code": "B510104"},
                       headers=headers(keys.admin))
    basic = made.json()["secret"]
    rec = recommend(client, basic, transfer_case.case_no)
    assert client.get(f"/v1/recommendations/{rec['recommendation_id']}", headers=headers(basic)).status_code == 200
    r = decide(client, basic, recommendation_id=rec["recommendation_id"], action="accept", reason="自己移送")
    assert r.status_code == 403 and "I510100" in r.json()["detail"]
