"""Progress events (issue 17 §3): recorded through the API, the import and ordinary case updates, idempotent by
(case_no, kind, on), each bad row rejected with its reason while the good ones are stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from api.cli import app
from api.config import get_settings
from assign import events
from assign.db import session_scope
from assign.outcomes import ProgressKind, progress_by_case
from tests.api.conftest import Keys, headers, store_cases
from tests.factories import make_case

NO = "(2024)川0104执1号"
GOOD = [{"case_no": NO, "kind": "measure", "on": "2024-03-01", "measure": "freeze"},
        {"case_no": NO, "kind": "recovered", "on": "2024-04-01", "recovered": "1000"},
        {"case_no": NO, "kind": "status", "on": "2024-05-01", "status": "concluded"}]


def stored(engine: Engine) -> list[tuple[str, str, str]]:
    with session_scope(engine) as session:
        got = progress_by_case(session=session).get(NO, [])
    return [(e.kind.value, e.on.isoformat(), str(e.measure or e.recovered or e.status)) for e in got]


def test_api_batch_is_recorded_once_and_a_replay_changes_nothing(client: TestClient, keys: Keys,
                                                                  app_engine: Engine) -> None:
    store_cases(app_engine, make_case(NO))
    r = client.post("/v1/outcomes", json={"events": GOOD}, headers=headers(keys.integration))
    assert r.status_code == 200, r.text
    assert r.json() == {"recorded": {"new": 3, "updated": 0, "unchanged": 0}, "rejected": []}
    again = client.post("/v1/outcomes", json={"events": GOOD}, headers=headers(keys.integration)).json()
    assert again["recorded"] == {"new": 0, "updated": 0, "unchanged": 3}
    more = [{**GOOD[1], "recovered": "2500"}]  # the same (case, kind, day): the amount is replaced
    assert client.post("/v1/outcomes", json={"events": more},
                       headers=headers(keys.integration)).json()["recorded"]["updated"] == 1
    assert stored(app_engine) == [("measure", "2024-03-01", "freeze"), ("recovered", "2024-04-01", "2500"),
                                  ("status", "2024-05-01", "concluded")]
    with session_scope(app_engine) as session:
        assert len(events.list_events(session=session, kinds=["outcomes.recorded"])) == 2  # not for the replay
    assert client.post("/v1/outcomes", json={"events": GOOD}, headers=headers(keys.dispatcher)).status_code == 403


def test_bad_rows_are_rejected_with_reasons_and_good_rows_stored(client: TestClient, keys: Keys,
                                                                  app_engine: Engine) -> None:
    store_cases(app_engine, make_case(NO))
    rows = [GOOD[0],
            {"case_no": NO, "kind": "recovered", "on": "2024-04-01"},  # no amount
            {"case_no": NO, "kind": "measure", "on": "2024-04-01", "measure": "freeze", "status": "open"},
            {"case_no": "(2024)川0104执999号", "kind": "measure", "on": "2024-04-01", "measure": "freeze"},
            {"case_no": NO, "kind": "measure", "on": "2024-01-05", "measure": "freeze"},  # filed 2024-01-12
            {"case_no": NO, "kind": "status", "on": "2024-06-02", "status": "concluded"}]  # after as_of
    r = client.post("/v1/outcomes?as_of=2024-06-01", json={"events": rows}, headers=headers(keys.integration))
    body = r.json()
    assert body["recorded"]["new"] == 1
    assert [(p["row"], p["field"]) for p in body["rejected"]] == [
        (2, "recovered"), (3, "status"), (4, "case_no"), (5, "on"), (6, "on")]
    assert "before the case was filed" in body["rejected"][3]["reason"]
    assert stored(app_engine) == [("measure", "2024-03-01", "freeze")]


def test_a_case_update_records_the_progress_it_carries(client: TestClient, keys: Keys, app_engine: Engine) -> None:
    store_cases(app_engine, make_case(NO))
    r = client.patch(f"/v1/cases/{NO}?as_of=2024-06-01", headers=headers(keys.integration),
                     json={"measures": [{"kind": "seize", "on": "2024-05-20"}], "recovered": "300"})
    assert r.status_code == 200, r.text
    assert stored(app_engine) == [("measure", "2024-05-20", "seize"), ("recovered", "2024-06-01", "300")]
    client.patch(f"/v1/cases/{NO}?as_of=2024-06-01", headers=headers(keys.integration),
                 json={"measures": [{"kind": "seize", "on": "2024-05-20"}], "recovered": "300"})  # nothing new
    client.patch(f"/v1/cases/{NO}?as_of=2024-06-03", headers=headers(keys.integration), json={"status": "zhongben",
                 "zhongben": {"ruled_on": "2024-06-03"}})
    assert stored(app_engine)[-1] == ("status", "2024-06-03", "zhongben")
    assert len(stored(app_engine)) == 3


def test_cli_import_reads_csv_and_reports_rows_like_the_api(app_engine: Engine, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    store_cases(app_engine, make_case(NO))
    f = tmp_path / "progress.csv"
    f.write_text("case_no,kind,on,measure,recovered,status\n"
                 f"{NO},measure,2024-03-01,freeze,,\n"
                 f"{NO},recovered,2024-04-01,,1000,\n"
                 f"{NO},status,2024-04-02,,,finished\n", encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", app_engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["outcomes", "import", str(f), "--json"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2, result.output
    report = json.loads(result.stdout)
    assert report["recorded"]["new"] == 2 and [p["row"] for p in report["rejected"]] == [3]
    assert [k for k, _, _ in stored(app_engine)] == [ProgressKind.MEASURE.value, ProgressKind.RECOVERED.value]


def test_a_case_import_that_updates_a_case_records_its_progress_like_patch(client: TestClient, keys: Keys,
                                                                            app_engine: Engine) -> None:
    first = make_case(NO).model_dump(mode="json")
    assert client.post("/v1/cases/import?as_of=2024-06-01", json=[first],
                       headers=headers(keys.integration)).json()["stored"] == 1
    assert stored(app_engine) == []  # a new case: nothing to compare with
    again = {**first, "recovered": "700", "measures": [*first["measures"], {"kind": "freeze", "on": "2024-05-02"}]}
    r = client.post("/v1/cases/import?as_of=2024-06-01", json=[again], headers=headers(keys.integration))
    assert r.json()["updated"] == 1, r.text
    assert stored(app_engine) == [("measure", "2024-05-02", "freeze"), ("recovered", "2024-06-01", "700")]
    client.post("/v1/cases/import?as_of=2024-06-01", json=[again], headers=headers(keys.integration))  # unchanged
    assert len(stored(app_engine)) == 2
