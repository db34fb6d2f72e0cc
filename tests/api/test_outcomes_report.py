"""The per receiving court report (issue 17 §3), from the definitions in assign/outcome_report.py: the clock starts
at the binding decision (own cases: at filing); a window counts its last day; only compulsory measures start the
first-measure clock; recovered counts as progress only above its value at the start; API, CSV and CLI agree."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from api.cli import app
from api.config import get_settings
from assign.db import session_scope
from assign.decisions import Action, record_decision
from assign.models import PlanRow, RecommendationRow
from assign.outcomes import ProgressEvent, Source, record_progress
from tests.api.conftest import Keys, headers, store_cases
from tests.factories import make_case

AS_OF = "2024-12-31"
T1, T2, T3, REJECTED, LATE, NEAR = (f"(2024)川0104执{n}号" for n in (1, 2, 3, 4, 5, 7))
OWN = "(2024)川0703执6号"


def bind(engine: Engine, case_no: str, action: Action, court: str, on: date, n: int) -> None:
    """A dispatcher's decision on a recommendation, made on `on`."""
    with session_scope(engine) as s:
        s.add(PlanRow(plan_id=f"p{n}", as_of=on, scope="I510100", status="optimal"))
        s.flush()
        rec = RecommendationRow(plan_id=f"p{n}", group_key=case_no, case_nos=json.dumps([case_no]),
                                target_court=court, data="{}")
        s.add(rec)
        s.flush()
        # through the repository, so the decision is the case's live one (`assign.decisions`)
        decision = record_decision(session=s, recommendation=rec, action=action,
                                   target_court=None if action is Action.REJECT else court, reason="x",
                                   justification=None, violations=[], key_id=None)
        decision.created_at = datetime(on.year, on.month, on.day, 10, tzinfo=UTC)


def event(case_no: str, kind: str, on: str, **value: str) -> ProgressEvent:
    return ProgressEvent.model_validate({"case_no": case_no, "kind": kind, "on": on, **value})


@pytest.fixture
def seeded(app_engine: Engine) -> Engine:
    store_cases(app_engine, *(make_case(no) for no in (T1, T2, T3, REJECTED, LATE, NEAR)),
                make_case(OWN, court_code="B510703", measures=[
                    {"kind": "notice", "on": "2024-01-13"}, {"kind": "freeze", "on": "2024-01-22"},
                    {"kind": "auction", "on": "2024-05-01", "result": "sold"}]))  # day 110 from filing
    decided = [(T1, Action.ACCEPT, date(2024, 3, 1)), (T2, Action.OVERRIDE, date(2024, 3, 1)),
               (T3, Action.ACCEPT, date(2024, 11, 1)), (REJECTED, Action.REJECT, date(2024, 3, 1)),
               (LATE, Action.ACCEPT, date(2025, 1, 2))]
    for n, (no, action, on) in enumerate(decided):
        bind(app_engine, no, action, "B510703", on, n)
    bind(app_engine, NEAR, Action.ACCEPT, "B510105", date(2024, 3, 1), 9)  # inside 成都 (I510100's jurisdiction)
    with session_scope(app_engine) as s:
        record_progress(session=s, source=Source.API, progress=[
            event(T1, "measure", "2024-03-11", measure="freeze"),  # day 10
            event(T1, "recovered", "2024-05-30", recovered="100000"),  # day 90: inside the 3-month window
            event(T2, "recovered", "2024-02-01", recovered="50000"),  # before the transfer: the baseline
            event(T2, "measure", "2024-03-02", measure="notice"),  # not compulsory
            event(T2, "measure", "2024-03-31", measure="seize"),  # day 30
            event(T2, "recovered", "2024-07-15", recovered="50000"),  # no rise: no progress
            event(T2, "status", "2024-08-15", status="concluded"),  # day 167: 6 months, not 3
            event(T3, "status", "2025-01-05", status="concluded")])  # after as_of: not counted
    return app_engine


def test_report_per_receiving_court_against_its_own_cases(client: TestClient, keys: Keys, seeded: Engine) -> None:
    r = client.get(f"/v1/outcomes/report?as_of={AS_OF}", headers=headers(keys.admin))
    assert r.status_code == 200, r.text
    body = r.json()
    assert [c["court_code"] for c in body["courts"]] == ["B510105", "B510703"]
    moved, own = body["courts"][1]["transferred"], body["courts"][1]["own"]
    assert (moved["cases"], moved["with_measure"], moved["median_days_to_first_measure"]) == (3, 2, 20.0)
    assert (moved["recovered"], moved["amount"], moved["recovery_rate"]) == ("150000", "1500000", 0.1)
    assert (moved["eligible_3m"], moved["progressed_3m"], moved["share_3m"]) == (2, 1, 0.5)
    assert (moved["eligible_6m"], moved["progressed_6m"], moved["share_6m"]) == (2, 2, 1.0)
    assert (own["cases"], own["median_days_to_first_measure"], own["share_3m"], own["share_6m"]) == (1, 10.0, 0.0, 1.0)
    province = body["provinces"][0]
    assert province["province"] == "51" and province["transferred"]["cases"] == 4
    assert (province["transferred"]["eligible_6m"], province["transferred"]["progressed_6m"]) == (3, 2)
    earlier = client.get("/v1/outcomes/report?as_of=2024-05-29", headers=headers(keys.admin)).json()
    assert earlier["courts"][1]["transferred"]["cases"] == 2  # T3 not yet transferred


def test_report_is_scoped_and_exported(client: TestClient, keys: Keys, seeded: Engine,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    mine = client.get(f"/v1/outcomes/report?as_of={AS_OF}", headers=headers(keys.dispatcher)).json()
    assert [c["court_code"] for c in mine["courts"]] == ["B510105"]  # B510703 is 绵阳's, outside 成都's
    assert mine["provinces"][0]["transferred"]["cases"] == 4  # the province's totals include it
    assert client.get("/v1/outcomes/report?province=5", headers=headers(keys.admin)).status_code == 422
    r = client.get(f"/v1/outcomes/report.csv?as_of={AS_OF}&province=51", headers=headers(keys.admin))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [(x["court_code"], x["transferred_cases"], x["own_cases"], x["transferred_share_3m"]) for x in rows] == [
        ("B510105", "1", "0", "0.0"), ("B510703", "3", "1", "0.5")]
    monkeypatch.setenv("DATABASE_URL", seeded.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["outcomes", "report", "--as-of", AS_OF, "--json"])
        table = CliRunner().invoke(app, ["outcomes", "report", "--as-of", AS_OF])
        bad = CliRunner().invoke(app, ["outcomes", "report", "--province", "5"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    api = client.get(f"/v1/outcomes/report?as_of={AS_OF}", headers=headers(keys.admin)).json()
    assert json.loads(result.stdout) == api
    assert table.exit_code == 0 and "B510703" in table.stdout and "50%" in table.stdout
    assert bad.exit_code == 2 and "two-digit" in bad.output
