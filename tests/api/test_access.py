"""Every route with no key, a bad key, and a dispatcher key from the wrong jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from assign import events, jobs
from assign.db import session_scope
from tests.api.conftest import AS_OF, Keys, headers, recommend
from tests.factories import make_court, make_transfer_case

PUBLIC = {("GET", "/v1/health"), ("GET", "/v1/version"), ("GET", "/v1/metrics")}


@dataclass
class World:
    case_no: str
    recommendation_id: int
    plan_id: str
    other_plan_id: str
    decision_id: int
    job_id: str
    subscription_id: int
    key_id: int


@pytest.fixture
def world(client: TestClient, keys: Keys, app_engine: Engine) -> World:
    from tests.api.conftest import store_cases

    first, second = make_transfer_case("(2024)川0104执901号"), make_transfer_case("(2024)川0104执902号")
    store_cases(app_engine, first, second)
    one = recommend(client, keys.dispatcher, first.case_no)
    two = recommend(client, keys.dispatcher, second.case_no)
    r = client.post("/v1/decisions", headers=headers(keys.dispatcher),
                    json={"recommendation_id": two["recommendation_id"], "action": "reject", "reason": "测试"})
    assert r.status_code == 201, r.text
    with session_scope(app_engine) as session:
        job = jobs.create_job(session=session, scope="I510100", params=jobs.JobParams(as_of=AS_OF), key_id=None)
        sub = events.create_subscription(session=session, url="http://127.0.0.1:9/hook", kinds=[])
        job_id, sub_id = job.id, sub.id or 0
    return World(first.case_no, one["recommendation_id"], one["plan_id"], two["plan_id"], r.json()["id"], job_id,
                 sub_id, 1)


def case_body(case_no: str) -> dict[str, Any]:
    return make_transfer_case(case_no).model_dump(mode="json")


def court_rows() -> list[dict[str, Any]]:
    return [make_court("H999999", level="high", division="990000").model_dump(mode="json")]


# (method, path template, body) for every route; a dispatcher from I510700 must get 403 on each.
ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "/v1/courts/{court}", None),
    ("GET", "/v1/courts/{court}/subtree", None),
    ("PUT", "/v1/courts", court_rows()),
    ("POST", "/v1/cases/import", [case_body("(2024)川0104执950号")]),
    ("GET", "/v1/cases/{case_no}", None),
    ("PATCH", "/v1/cases/{case_no}", {"petitions": ["2024-11-01"]}),
    ("POST", "/v1/evaluate", {"as_of": AS_OF.isoformat(), "cases": [case_body("(2024)川0104执951号")]}),
    ("POST", "/v1/evaluate/stored", {"as_of": AS_OF.isoformat(), "case_nos": ["{case_no}"]}),
    ("POST", "/v1/recommendations", {"case_no": "{case_no}", "as_of": AS_OF.isoformat()}),
    ("GET", "/v1/recommendations/{recommendation_id}", None),
    ("POST", "/v1/recommendations/batch", {"court": "I510100"}),
    ("GET", "/v1/recommendations/batch/{job_id}", None),
    ("DELETE", "/v1/recommendations/batch/{job_id}", None),
    ("GET", "/v1/plans/{plan_id}", None),
    ("GET", "/v1/plans/{plan_id}/diff?against={other_plan_id}", None),
    ("POST", "/v1/decisions", {"recommendation_id": "{recommendation_id}", "action": "accept", "reason": "ok"}),
    ("GET", "/v1/decisions/{decision_id}", None),
    ("GET", "/v1/audit", None),
    ("GET", "/v1/audit/verify", None),
    ("GET", "/v1/events", None),
    ("POST", "/v1/webhooks", {"url": "http://127.0.0.1:9/x"}),
    ("GET", "/v1/webhooks", None),
    ("DELETE", "/v1/webhooks/{subscription_id}", None),
    ("GET", "/v1/webhooks/{subscription_id}/deliveries", None),
    ("POST", "/v1/admin/keys", {"role": "admin"}),
    ("GET", "/v1/admin/keys", None),
    ("DELETE", "/v1/admin/keys/{key_id}", None),
]
# Lists answer a dispatcher with its own jurisdiction's items only: nothing of I510100's.
LISTS = ["/v1/courts", "/v1/plans", "/v1/decisions", "/v1/recommendations/batch", "/v1/network"]


def fill(template: Any, w: World) -> Any:
    values = {"court": "B510104", "case_no": w.case_no, "recommendation_id": w.recommendation_id,
              "plan_id": w.plan_id, "other_plan_id": w.other_plan_id, "decision_id": w.decision_id,
              "job_id": w.job_id, "subscription_id": w.subscription_id, "key_id": w.key_id}
    if isinstance(template, str):
        if template.startswith("{") and template.endswith("}") and template[1:-1] in values:
            return values[template[1:-1]]
        return template.format(**values)
    if isinstance(template, list):
        return [fill(t, w) for t in template]
    if isinstance(template, dict):
        return {k: fill(v, w) for k, v in template.items()}
    return template


def call(client: TestClient, method: str, path: str, body: Any, token: str | None) -> Any:
    return client.request(method, path, json=body, headers=headers(token) if token is not None else {})


def test_the_table_covers_every_route(client: TestClient) -> None:
    routes = {(m, r.path) for r in client.app.routes if isinstance(r, APIRoute) for m in r.methods}
    listed = {(m, p.split("?")[0].replace("{court}", "{code}")) for m, p, _ in ROUTES}
    listed |= {("GET", p) for p in LISTS} | PUBLIC
    missing = routes - listed
    assert not missing, f"routes without an access test: {sorted(missing)}"


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_no_key_bad_key_and_wrong_jurisdiction(client: TestClient, keys: Keys, world: World, method: str,
                                               path: str, body: Any) -> None:
    url, payload = fill(path, world), fill(body, world)
    assert call(client, method, url, payload, None).status_code == 401
    assert call(client, method, url, payload, "ak_0123456789_nope").status_code == 401
    assert call(client, method, url, payload, "not-a-key").status_code == 401
    r = call(client, method, url, payload, keys.outsider)
    assert r.status_code == 403, r.text
    assert r.json()["error"] == "forbidden" and r.json()["detail"]


@pytest.mark.parametrize("path", LISTS)
def test_lists_show_a_dispatcher_only_its_jurisdiction(client: TestClient, keys: Keys, world: World, path: str) -> None:
    assert client.get(path).status_code == 401
    r = client.get(path, headers=headers(keys.outsider))
    assert r.status_code == 200
    for foreign in ("B510104", "I510100", world.plan_id, world.case_no):
        if path != "/v1/network":
            assert foreign not in r.text
    mine = client.get(path, headers=headers(keys.dispatcher))
    assert mine.status_code == 200


def test_a_revoked_key_is_refused_at_once(client: TestClient, keys: Keys) -> None:
    listed = client.get("/v1/admin/keys", headers=headers(keys.admin)).json()["data"]
    chengdu = next(k for k in listed if k["label"] == "chengdu")
    assert client.get("/v1/courts/I510100", headers=headers(keys.dispatcher)).status_code == 200
    assert client.delete(f"/v1/admin/keys/{chengdu['id']}", headers=headers(keys.admin)).status_code == 200
    assert client.get("/v1/courts/I510100", headers=headers(keys.dispatcher)).status_code == 401
