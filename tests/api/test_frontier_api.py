"""The frontier around a published plan: API (typed, jurisdiction-scoped) and CLI alike."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from api.cli import app
from api.config import get_settings
from solver.frontier_types import Frontier, PointKind
from tests.api.conftest import AS_OF, Keys, headers, store_cases
from tests.api.test_plans_jobs import wait_for
from tests.factories import make_transfer_case
from tests.solver.verifier import debtor

HOMES = ["510104", "510105", "510112"]


def seed(app_engine: Engine) -> None:
    store_cases(app_engine, *(make_transfer_case(f"(2024)川0104执{n}号", court_code=["B510104", "B510105"][n % 2],
                                                 debtor=debtor(f"D{n}", HOMES[n % 3]), amount=str(40_000 * n))
                              for n in range(4001, 4009)))


def test_the_plan_frontier_is_typed_marks_the_plan_and_is_scoped(client: TestClient, keys: Keys,
                                                                  app_engine: Engine) -> None:
    seed(app_engine)
    h = headers(keys.dispatcher)
    job = wait_for(client, keys.dispatcher, client.post("/v1/recommendations/batch", json={
        "as_of": AS_OF.isoformat(), "time_limit_s": 2, "policy": "near"}, headers=h).json()["id"])
    assert job["status"] == "done", job
    got = client.get(f"/v1/plans/{job['plan_id']}/frontier", params={"points": 5, "time_limit_s": 5}, headers=h)
    assert got.status_code == 200, got.text
    frontier = Frontier.model_validate(got.json())
    assert frontier.forum == "I510100" and frontier.plan_id == job["plan_id"] and frontier.as_of == AS_OF.isoformat()
    assert frontier.points and all(p.pool == "I510100:basic" and p.km_bound is not None for p in frontier.points)
    assert [p.kind for p in frontier.plan] == [PointKind.PLAN] and frontier.plan[0].placed == 8
    assert all(p.moves == 0 or p.moves <= 8 for p in frontier.points)
    worst = [p.worst_per_officer for p in frontier.points]
    assert worst == sorted(worst) and frontier.points[0].label == "most balanced"
    outsider = client.get(f"/v1/plans/{job['plan_id']}/frontier", headers=headers(keys.outsider))
    assert outsider.status_code == 403
    assert client.get(f"/v1/plans/{job['plan_id']}/frontier", params={"points": 12}, headers=h).status_code == 422
    assert client.get("/v1/plans/nope/frontier", headers=h).status_code == 404


@pytest.fixture
def cli_store(app_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("DATABASE_URL", app_engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield app_engine
    get_settings.cache_clear()


def test_cli_frontier_prints_the_table_and_the_same_frontier_as_json(cli_store: Engine) -> None:
    seed(cli_store)
    runner = CliRunner()
    table = runner.invoke(app, ["frontier", "--forum", "I510100", "--as-of", AS_OF.isoformat(), "--time-limit", "5"])
    assert table.exit_code == 0, table.output
    assert "frontier of I510100" in table.output and "most balanced" in table.output
    as_json = runner.invoke(app, ["frontier", "--forum", "I510100", "--as-of", AS_OF.isoformat(), "--time-limit", "5",
                                  "--json"])
    frontier = Frontier.model_validate_json(as_json.stdout)
    assert frontier.points and frontier.plan == []  # no plan published yet: nothing to mark
    bad = runner.invoke(app, ["frontier", "--forum", "I510100", "--points", "1"])
    assert bad.exit_code != 0 and "points" in bad.output
