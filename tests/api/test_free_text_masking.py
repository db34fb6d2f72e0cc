"""Free text is masked on the way out (issue 15, fault 10): an ID number typed into a decision's
reason or justification, a key's label or a case's free text comes back masked from every path
that lists it, the way the audit listing masks it; the stored words stay whole."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from assign import decisions
from assign.db import session_scope
from assign.masking import mask_id
from assign.schemas import Case, Order
from tests.api.conftest import Keys, headers, recommend, store_cases
from tests.factories import make_transfer_case

RESIDENT = "11010519491231002X"  # 18-digit resident ID with an X check digit
CREDIT = "91510104MA6C0000Y1"  # unified social credit code
REASON = f"申请人身份证{RESIDENT}，被执行人统一社会信用代码{CREDIT}，其住所地法院回避"


def assert_masked(text: str) -> None:
    assert RESIDENT not in text and CREDIT not in text and RESIDENT.lower() not in text, text
    assert mask_id(RESIDENT) in text and mask_id(CREDIT) in text, text


def test_a_decisions_free_text_is_masked_everywhere_it_is_listed(client: TestClient, keys: Keys,
                                                                transfer_case: Case, app_engine: Engine) -> None:
    rec = recommend(client, keys.dispatcher, transfer_case.case_no)
    other = rec["recommendation"]["alternatives"][0]["court"]
    posted = client.post("/v1/decisions", headers=headers(keys.dispatcher), json={
        "recommendation_id": rec["recommendation_id"], "action": "override", "target_court": other,
        "reason": REASON, "justification": f"见{RESIDENT.lower()}号当事人陈述"})
    assert posted.status_code == 201, posted.text
    assert_masked(posted.json()["reason"])
    assert RESIDENT.lower() not in posted.json()["justification"]
    for token in (keys.dispatcher, keys.admin, keys.integration):  # whatever the role, as in the audit listing
        listed = client.get("/v1/decisions", headers=headers(token))
        assert_masked(listed.text)
        one = client.get(f"/v1/decisions/{posted.json()['id']}", headers=headers(token))
        assert_masked(one.text)
    stored = client.get(f"/v1/recommendations/{rec['recommendation_id']}", headers=headers(keys.dispatcher))
    assert_masked(stored.text)
    plan = client.get(f"/v1/plans/{rec['plan_id']}", headers=headers(keys.dispatcher))
    assert plan.status_code == 200
    assert_masked(plan.text)
    console = client.get(f"/v1/console/cases/{transfer_case.case_no}", headers=headers(keys.dispatcher))
    assert console.status_code == 200 and RESIDENT not in console.text and CREDIT not in console.text
    assert_masked(client.get("/v1/audit", headers=headers(keys.admin)).text)
    with session_scope(app_engine) as session:  # the record itself keeps the words
        (row,) = decisions.list_decisions(session=session)
        assert row.reason == REASON


def test_a_keys_label_and_a_cases_free_text_are_masked(client: TestClient, keys: Keys, app_engine: Engine) -> None:
    made = client.post("/v1/admin/keys", json={"role": "dispatcher", "court_code": "I510100",
                                               "label": f"王某 {RESIDENT}"}, headers=headers(keys.admin))
    assert made.status_code == 201 and RESIDENT not in made.text
    assert RESIDENT not in client.get("/v1/admin/keys", headers=headers(keys.admin)).text
    order = Order(issued_by="I510100", issued_on="2024-08-01", deadline="2024-09-01",
                  good_reason=f"代理人{RESIDENT}称已和解")
    case = make_transfer_case("(2024)川0104执3101号", supervision_orders=[order])
    store_cases(app_engine, case)
    seen = client.get(f"/v1/cases/{case.case_no}", headers=headers(keys.dispatcher))
    assert seen.status_code == 200 and RESIDENT not in seen.text and mask_id(RESIDENT) in seen.text
    raw = json.loads(client.get(f"/v1/cases/{case.case_no}", headers=headers(keys.integration)).text)
    assert raw["supervision_orders"][0]["good_reason"] == f"代理人{RESIDENT}称已和解"  # the sender's own data
