"""Register import and restoration leads end to end through the API and the CLI: stored, first-seen kept,
published once per court, scoped by jurisdiction, resolved when the asset is recorded; ids masked."""

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

DEBTOR = "91510104MA6C000001"
OTHER = "510703198001010011"
HEADER = "record_id,party_id,asset_kind,registered_on,released_on,registry,location_division,value\n"
FEED = (HEADER + f"V1,{DEBTOR},vehicle,2024-08-01,,成都市公安局交通管理局,510104,85000\n"
        f"R1,{OTHER},real_estate,2023-03-01,,绵阳市不动产登记中心,510703,\n"
        f"Z9,NOBODY,equity,2023-03-01,,市场监督管理局,,\n"  # no case's debtor
        f"X1,{DEBTOR},boat,2024-08-01,,某机关,,\n")


def seed(engine: Engine) -> None:
    store_cases(engine,
                make_case("(2024)川0104执1号", status="zhongben", zhongben={"ruled_on": "2024-06-30"}),
                make_case("(2024)川0703执1号", court_code="B510703",
                          debtor={"id": OTHER, "name": "李四", "kind": "person"}),
                make_case("(2024)川0104执2号", status="concluded"))


def run(client: TestClient, keys: Keys, as_of: str) -> dict:
    r = client.post(f"/v1/leads/run?as_of={as_of}", headers=headers(keys.admin))
    assert r.status_code == 200, r.text
    return r.json()


def test_import_roles_rows_and_masking(client: TestClient, keys: Keys) -> None:
    csv_headers = {**headers(keys.integration), "content-type": "text/csv"}
    assert client.post("/v1/registers/import", content=FEED, headers={**headers(keys.dispatcher),
                                                                      "content-type": "text/csv"}).status_code == 403
    r = client.post("/v1/registers/import", content=FEED, headers=csv_headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["stored"], body["rejected"]) == (3, 1)
    assert [(p["row"], p["field"]) for p in body["problems"]] == [(4, "asset_kind")]
    assert client.post("/v1/registers/import", content=FEED, headers=csv_headers).json()["unchanged"] == 3


def raised_leads(engine: Engine) -> int:
    with session_scope(engine) as session:
        return len(events.list_events(session=session, kinds=["leads.raised"]))


def test_leads_are_stored_published_once_scoped_and_resolved(client: TestClient, keys: Keys,
                                                            app_engine: Engine) -> None:
    seed(app_engine)
    client.post("/v1/registers/import", content=FEED, headers={**headers(keys.integration),
                                                               "content-type": "text/csv"})
    first = run(client, keys, "2024-09-01")
    assert (first["pairs"], first["new"], first["events"]) == (2, 2, 2)
    assert first["by_state"] == {"awaiting_action": 2}
    later = run(client, keys, "2024-10-02")  # first seen 09-01 + 30 = 10-01, the last day to act
    assert (later["new"], later["events"], later["by_state"]) == (0, 0, {"cross_enforcement_candidate": 2})
    with session_scope(app_engine) as session:
        raised = events.list_events(session=session, kinds=["leads.raised"])
    assert len(raised) == 2 and DEBTOR not in json.dumps([e.payload for e in raised])

    chengdu = client.get("/v1/leads", headers=headers(keys.dispatcher)).json()["data"]
    assert [(x["case_no"], x["kind"], x["first_seen_on"], x["state"], x["forum"]) for x in chengdu] == [
        ("(2024)川0104执1号", "restoration", "2024-09-01", "cross_enforcement_candidate", "I510100")]
    assert chengdu[0]["record"]["party_id"] == "9151**********0001"
    mianyang = client.get("/v1/leads", headers=headers(keys.outsider)).json()["data"]
    assert [(x["kind"], x["basis"]) for x in mianyang] == [("new_asset", "held_unrecorded")]
    assert client.get("/v1/leads?court=I510700", headers=headers(keys.dispatcher)).status_code == 403

    # the asset is now recorded on the case: the next pass resolves the lead
    store_cases(app_engine, make_case("(2024)川0703执1号", court_code="B510703",
                                      debtor={"id": OTHER, "name": "李四", "kind": "person"},
                                      assets=[{"id": "R1", "kind": "real_estate", "value": "1",
                                               "available_at_application": False}]))
    assert run(client, keys, "2024-10-03")["resolved"] == 1
    assert client.get("/v1/leads", headers=headers(keys.outsider)).json()["data"] == []


def test_cli_import_exit_code_and_leads_table(client: TestClient, keys: Keys, app_engine: Engine, tmp_path,
                                              monkeypatch) -> None:
    seed(app_engine)
    monkeypatch.setenv("DATABASE_URL", str(app_engine.url.render_as_string(hide_password=False)))
    get_settings.cache_clear()
    feed = tmp_path / "feed.csv"
    feed.write_text(FEED, encoding="utf-8")
    runner = CliRunner()
    imported = runner.invoke(app, ["registers", "import", str(feed)])
    assert imported.exit_code == 2 and "stored 3" in imported.stdout
    dry = runner.invoke(app, ["leads", "--as-of", date(2024, 9, 1).isoformat(), "--json", "--no-save"])
    assert dry.exit_code == 0 and raised_leads(app_engine) == 0, dry.output
    listed = runner.invoke(app, ["leads", "--as-of", date(2024, 9, 1).isoformat(), "--json"])  # saves by default
    assert listed.exit_code == 0, listed.output
    assert raised_leads(app_engine) > 0 and json.loads(dry.stdout) == json.loads(listed.stdout)
    leads = json.loads(listed.stdout)
    assert {x["case_no"] for x in leads} == {"(2024)川0104执1号", "(2024)川0703执1号"}
    assert DEBTOR not in listed.stdout and OTHER not in listed.stdout
    get_settings.cache_clear()


def test_cli_generates_a_feed_of_the_stores_debtors(app_engine: Engine, tmp_path, monkeypatch) -> None:
    seed(app_engine)
    monkeypatch.setenv("DATABASE_URL", str(app_engine.url.render_as_string(hide_password=False)))
    get_settings.cache_clear()
    feed = tmp_path / "feed.jsonl"
    runner = CliRunner()
    made = runner.invoke(app, ["registers", "generate", "--out", str(feed), "--rows", "200", "--share", "0.5",
                               "--as-of", "2024-09-01"])
    assert made.exit_code == 0, made.output
    rows = [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]
    held = {r["party_id"] for r in rows} & {DEBTOR, OTHER}
    assert len(rows) == 200 and held == {DEBTOR, OTHER}  # the debtors of the open and 终本 cases
    assert runner.invoke(app, ["registers", "import", str(feed)]).exit_code == 0
    get_settings.cache_clear()
