"""The policy of a batch placement: the request's, else the forum's configured one; stored with the plan."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.config import Settings
from api.main import create_app
from tests.api.conftest import AS_OF, Keys, api_settings, headers, store_cases
from tests.api.test_plans_jobs import wait_for
from tests.factories import make_transfer_case


def _plan_policy(client: TestClient, token: str, body: dict[str, object]) -> str:
    job = client.post("/v1/recommendations/batch", json={"as_of": AS_OF.isoformat(), "time_limit_s": 1, **body},
                      headers=headers(token))
    assert job.status_code == 202, job.text
    done = wait_for(client, token, job.json()["id"])
    assert done["status"] == "done", done
    plan = client.get(f"/v1/plans/{done['plan_id']}", headers=headers(token)).json()
    assert plan["solver"]["points"] and all(p["label"] == plan["solver"]["policy"] for p in plan["solver"]["points"])
    return str(plan["solver"]["policy"])


def test_the_request_policy_wins_then_the_forum_configuration(keys: Keys, app_engine: Engine) -> None:
    store_cases(app_engine, *(make_transfer_case(f"(2024)川0104执{n}号") for n in range(3001, 3004)))
    settings: Settings = api_settings().model_copy(update={"forum_policies": {"I510100": "balanced"}})
    with TestClient(create_app(settings=settings, engine=app_engine)) as client:
        assert _plan_policy(client, keys.dispatcher, {}) == "balanced"
        assert _plan_policy(client, keys.dispatcher, {"policy": "near"}) == "near"
        bad = client.post("/v1/recommendations/batch", json={"policy": "nearest"}, headers=headers(keys.dispatcher))
        assert bad.status_code == 422


def test_settings_read_forum_policies_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("ASSIGN_FORUM_POLICIES", '{"I510100": "near"}')
    monkeypatch.setenv("ASSIGN_SOLVER_POLICY", "balanced")
    settings = Settings()
    assert settings.policy_for("I510100") == "near" and settings.policy_for("I510700") == "balanced"
    assert settings.policy_for("I510100", "default") == "default"
