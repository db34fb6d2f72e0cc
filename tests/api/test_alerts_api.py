"""Node alerts end to end: computed and stored on demand, published as events once, read through
GET /v1/alerts scoped like cases, resolved when they stop firing; the CLI reads the same pass."""

from __future__ import annotations

import json
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from api.cli import app
from api.config import get_settings
from assign import events
from assign.db import session_scope
from tests.api.conftest import Keys, headers, store_cases
from tests.factories import make_case

AS_OF = "2024-05-01"
LATE = {"officer_assigned_on": "2024-01-25"}  # filed 2024-01-12: due 01-19, 6 days late


def seed(engine: Engine) -> None:
    store_cases(engine,
                make_case("(2024)川0104执1号", process=LATE),  # Chengdu (I510100's jurisdiction)
                make_case("(2024)川0703执1号", court_code="B510703",
                          process={**LATE, "concealment_reported_on": "2024-03-01",
                                   "control_measures_on": "2024-03-05"}),  # Mianyang
                make_case("(2024)川0104执2号"))  # no process nodes: unknown, no alert


def run(client: TestClient, keys: Keys, as_of: str = AS_OF) -> dict:
    r = client.post(f"/v1/alerts/run?as_of={as_of}", headers=headers(keys.admin))
    assert r.status_code == 200, r.text
    return r.json()


def test_alerts_are_stored_published_once_and_scoped(client: TestClient, keys: Keys, app_engine: Engine) -> None:
    seed(app_engine)
    first = run(client, keys)
    assert (first["cases"], first["alerts"], first["saved"]["new"], first["saved"]["events"]) == (3, 3, 3, 2)
    assert run(client, keys)["saved"] == {"new": 0, "updated": 3, "resolved": 0, "events": 0}
    with session_scope(app_engine) as session:
        raised = events.list_events(session=session, kinds=["alerts.raised"])
    assert sorted(json.loads(e.payload)["court_code"] for e in raised) == ["B510104", "B510703"]

    mine = client.get("/v1/alerts", headers=headers(keys.dispatcher)).json()["data"]
    assert [(a["case_no"], a["node"], a["days_overdue"]) for a in mine] == [
        ("(2024)川0104执1号", "officer_assignment", 6)]
    theirs = client.get("/v1/alerts", headers=headers(keys.outsider)).json()["data"]
    assert {a["node"] for a in theirs} == {"officer_assignment", "control_measures"}
    high = client.get("/v1/alerts?severity=high", headers=headers(keys.admin)).json()["data"]
    assert [a["node"] for a in high] == ["control_measures"] and high[0]["legal_basis"] == "执行期限规定第四条第二款"
    assert client.get("/v1/alerts?court=B510703", headers=headers(keys.dispatcher)).status_code == 403
    page = client.get("/v1/alerts?limit=1", headers=headers(keys.admin)).json()
    rest = client.get(f"/v1/alerts?after={page['next_after']}", headers=headers(keys.admin)).json()
    assert page["has_more"] and len(rest["data"]) == 2
    by_node = client.get("/v1/alerts?node=control_measures", headers=headers(keys.admin)).json()["data"]
    assert [a["case_no"] for a in by_node] == ["(2024)川0703执1号"]


def test_an_unknown_node_or_severity_is_refused_not_matched_to_nothing(client: TestClient, keys: Keys) -> None:
    for query in ("node=closing_deadlin", "severity=urgent"):
        r = client.get(f"/v1/alerts?{query}", headers=headers(keys.admin))
        assert r.status_code == 422, (query, r.text)
        assert "closing_deadline" in r.text if query.startswith("node") else "high" in r.text


def test_the_summary_counts_by_node_and_court(client: TestClient, keys: Keys, app_engine: Engine) -> None:
    seed(app_engine)
    run(client, keys)
    summary = client.get("/v1/alerts/summary", headers=headers(keys.admin)).json()
    assert summary["total"] == 3 and summary["by_node"] == {"officer_assignment": 2, "control_measures": 1}
    assert {(c["court_code"], c["node"], c["count"], c["high"]) for c in summary["heat"]} == {
        ("B510104", "officer_assignment", 1, 0), ("B510703", "officer_assignment", 1, 0),
        ("B510703", "control_measures", 1, 1)}
    scoped = client.get("/v1/alerts/summary", headers=headers(keys.dispatcher)).json()
    assert scoped["by_court"] == {"B510104": 1}


def test_an_alert_that_stops_firing_is_resolved(client: TestClient, keys: Keys, app_engine: Engine) -> None:
    seed(app_engine)
    run(client, keys)
    store_cases(app_engine, make_case("(2024)川0104执1号", process=LATE, status="concluded"))
    assert run(client, keys)["saved"]["resolved"] == 1
    assert client.get("/v1/alerts", headers=headers(keys.dispatcher)).json()["data"] == []


def test_only_an_admin_runs_the_pass(client: TestClient, keys: Keys) -> None:
    assert client.post("/v1/alerts/run", headers=headers(keys.dispatcher)).status_code == 403


def test_the_cli_prints_the_same_alerts(app_engine: Engine, monkeypatch) -> None:
    seed(app_engine)
    monkeypatch.setenv("DATABASE_URL", app_engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        result = runner.invoke(app, ["alerts", "--as-of", AS_OF, "--court", "I510100", "--json"])
        table = runner.invoke(app, ["alerts", "--as-of", AS_OF])
        bad = runner.invoke(app, ["alerts", "--as-of", "2024-13-01"])
        one_node = runner.invoke(app, ["alerts", "--as-of", AS_OF, "--node", "control_measures", "--json"])
        bad_node = runner.invoke(app, ["alerts", "--as-of", AS_OF, "--node", "closing_deadlin"])
        bad_severity = runner.invoke(app, ["alerts", "--as-of", AS_OF, "--severity", "urgent"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert [(a["case_no"], a["node"], a["due_on"]) for a in json.loads(result.stdout)] == [
        ("(2024)川0104执1号", "officer_assignment", str(date(2024, 1, 19)))]
    assert table.exit_code == 0 and "by node: control_measures 1, officer_assignment 2" in table.stdout
    assert bad.exit_code == 2
    assert [a["node"] for a in json.loads(one_node.stdout)] == ["control_measures"]
    assert bad_node.exit_code == 2 and "closing_deadline" in bad_node.output  # the known nodes are listed
    assert bad_severity.exit_code == 2 and "high" in bad_severity.output


def test_the_cli_saves_only_when_asked(app_engine: Engine, monkeypatch) -> None:
    """`--save/--no-save` (api.cli.options.SaveFindings): alerts default to not saving, and save when asked."""
    seed(app_engine)
    monkeypatch.setenv("DATABASE_URL", app_engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()

    def raised() -> int:
        with session_scope(app_engine) as session:
            return len(events.list_events(session=session, kinds=["alerts.raised"]))

    try:
        runner = CliRunner()
        for args, published in ((["--no-save"], 0), ([], 0), (["--save"], 2)):
            result = runner.invoke(app, ["alerts", "--as-of", AS_OF, *args])
            assert result.exit_code == 0, result.output
            assert raised() == published, args
    finally:
        get_settings.cache_clear()
