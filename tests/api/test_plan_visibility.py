"""Issue 15, faults 3 and 4: what a dispatcher may see and decide of a plan.

Fault 3: after a nightly run is killed between store and publish, its recommendations could
be read and decided by id (and the decision pinned the case next night). Nothing of an
unpublished plan may be readable or decidable: by id, in lists, in the console or documents.

Fault 4: a batch job with unknown or out-of-scope case numbers dropped them silently and
published an empty plan as the forum's current plan. Such a batch is refused with the list,
and a batch over named cases (or with nothing to place) never replaces the current plan.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from assign import plans
from assign.db import session_scope
from assign.decisions import live_decisions
from assign.schemas import Case, Mode, Recommendation
from tests.api.conftest import AS_OF, Keys, headers, store_cases
from tests.api.test_plans_jobs import wait_for
from tests.factories import make_transfer_case


def _unpublished_plan(engine: Engine, case: Case) -> int:
    """A night's forum plan stored but never published (the run was killed before publish)."""
    rec = Recommendation(case_nos=[case.case_no], mode=Mode.DESIGNATE, target_court="B510105", forum="I510100",
                         plan_id="N-unpublished")
    with session_scope(engine) as session:
        plans.save_plan(session=session, plan_id="N-unpublished", as_of=AS_OF, scope="I510100", status="OPTIMAL",
                        kind=plans.PlanKind.NIGHTLY, data='{"assignments": {}}', summary={}, recommendations=[rec],
                        run_id="killed-run", published=False)
        session.flush()
        (row,) = plans.plan_recommendation_rows(session=session, plan_id="N-unpublished")
        return int(row.id or 0)


def test_nothing_of_an_unpublished_plan_is_readable_or_decidable(client: TestClient, keys: Keys,
                                                                  transfer_case: Case, app_engine: Engine) -> None:
    rid = _unpublished_plan(app_engine, transfer_case)
    h = headers(keys.dispatcher)
    assert client.get(f"/v1/recommendations/{rid}", headers=h).status_code == 404
    decided = client.post("/v1/decisions", json={"recommendation_id": rid, "action": "accept", "reason": "同意"},
                          headers=h)
    assert decided.status_code == 404, decided.text
    with session_scope(app_engine) as session:
        assert live_decisions(session=session) == {}
    assert client.get("/v1/plans/N-unpublished", headers=h).status_code == 404
    assert client.get("/v1/plans/N-unpublished/diff", headers=h).status_code == 404
    assert "N-unpublished" not in {p["plan_id"] for p in client.get("/v1/plans", headers=h).json()["data"]}
    assert client.get("/v1/console/plan", headers=h).status_code == 404  # no published plan at all
    client.post("/v1/evaluate/stored", json={"as_of": AS_OF.isoformat(), "case_nos": [transfer_case.case_no]},
                headers=h)
    page = client.get(f"/v1/console/cases/{transfer_case.case_no}", headers=h).json()
    assert page["recommendation_id"] is None and page["documents"]["source"] == "verdict"
    queue = client.get("/v1/console/queue", headers=h).json()
    assert all(row["recommendation_id"] is None for row in queue["rows"])


def test_a_batch_naming_unknown_or_out_of_scope_cases_is_refused_with_the_list(
        client: TestClient, keys: Keys, transfer_case: Case, app_engine: Engine) -> None:
    outside = make_transfer_case("(2024)川0703执1号", court_code="B510703")  # Mianyang: not Chengdu's
    store_cases(app_engine, outside)
    r = client.post("/v1/recommendations/batch", json={
        "as_of": AS_OF.isoformat(), "case_nos": [transfer_case.case_no, "(2024)川0104执404号", outside.case_no]},
        headers=headers(keys.dispatcher))
    assert r.status_code == 422, r.text
    listed = {p["key"]: p["reason"] for p in r.json()["problems"]}
    assert set(listed) == {"(2024)川0104执404号", outside.case_no}
    assert "no such stored case" in listed["(2024)川0104执404号"] and "outside" in listed[outside.case_no]
    assert client.get("/v1/recommendations/batch", headers=headers(keys.dispatcher)).json()["count"] == 0
    empty = client.post("/v1/recommendations/batch", json={"as_of": AS_OF.isoformat(), "case_nos": []},
                        headers=headers(keys.dispatcher))
    assert empty.status_code == 422


def test_a_partial_or_empty_batch_never_replaces_the_forums_current_plan(
        client: TestClient, keys: Keys, app_engine: Engine) -> None:
    h = headers(keys.dispatcher)
    store_cases(app_engine, *(make_transfer_case(f"(2024)川0104执{n}号") for n in range(3001, 3004)))
    full = wait_for(client, keys.dispatcher, client.post("/v1/recommendations/batch", json={
        "as_of": AS_OF.isoformat(), "time_limit_s": 1}, headers=h).json()["id"])
    assert full["status"] == "done", full
    partial = wait_for(client, keys.dispatcher, client.post("/v1/recommendations/batch", json={
        "as_of": AS_OF.isoformat(), "time_limit_s": 1, "case_nos": ["(2024)川0104执3001号"]}, headers=h).json()["id"])
    assert partial["status"] == "done", partial
    assert client.get(f"/v1/plans/{partial['plan_id']}", headers=h).json()["kind"] == "partial"
    assert client.get("/v1/console/plan", headers=h).json()["plan_id"] == full["plan_id"]
    with session_scope(app_engine) as session:
        current = plans.current_plan(session=session, scope="I510100")
        assert current is not None and current.plan_id == full["plan_id"]
    # the console: the partial plan's recommendation is its case's newest one, the others still the full plan's
    nos = [f"(2024)川0104执{n}号" for n in range(3001, 3004)]
    client.post("/v1/evaluate/stored", json={"as_of": AS_OF.isoformat(), "case_nos": nos}, headers=h)
    rows = {r["case_no"]: r["recommendation_id"] for r in client.get("/v1/console/queue", headers=h).json()["rows"]}
    partial_ids = {r["id"] for r in client.get(f"/v1/plans/{partial['plan_id']}", headers=h).json()["recommendations"]}
    full_ids = {r["id"] for r in client.get(f"/v1/plans/{full['plan_id']}", headers=h).json()["recommendations"]}
    assert rows[nos[0]] in partial_ids and rows[nos[1]] in full_ids and rows[nos[2]] in full_ids
    # a later night or batch diffs against the current plan, not the partial one
    again = wait_for(client, keys.dispatcher, client.post("/v1/recommendations/batch", json={
        "as_of": AS_OF.isoformat(), "time_limit_s": 1}, headers=h).json()["id"])
    assert client.get(f"/v1/plans/{again['plan_id']}", headers=h).json()["previous_plan_id"] == full["plan_id"]
