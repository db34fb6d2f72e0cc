"""Import with a row-level report, reading a case with IDs masked by role, pushing events."""

from __future__ import annotations

import io
import logging

from fastapi.testclient import TestClient

from assign.interchange import write_cases
from assign.schemas import Case
from tests.api.conftest import AS_OF, Keys, headers
from tests.factories import make_transfer_case

APPLICANT_ID = "510104198001010011"


def test_json_import_reports_stored_updated_unchanged_and_rejected_rows(client: TestClient, keys: Keys) -> None:
    good = make_transfer_case("(2024)川0104执1001号").model_dump(mode="json")
    bad_court = {**make_transfer_case("(2024)川0104执1002号").model_dump(mode="json"), "court_code": "B000000"}
    no_debtor = {k: v for k, v in good.items() if k != "debtor"} | {"case_no": "(2024)川0104执1003号"}
    url = f"/v1/cases/import?as_of={AS_OF}"
    report = client.post(url, json=[good, bad_court, no_debtor], headers=headers(keys.integration)).json()
    assert (report["stored"], report["updated"], report["unchanged"], report["rejected"]) == (1, 0, 0, 2)
    assert {(p["row"], p["field"]) for p in report["problems"]} == {(2, "court_code"), (3, "debtor")}
    assert "unknown court code 'B000000'" in report["problems"][0]["reason"]
    again = client.post(url, json=[good, good | {"recovered": "1000"}], headers=headers(keys.admin)).json()
    assert again["rejected"] == 1 and again["problems"][0]["field"] == "case_no"


def test_csv_import_and_unparseable_bodies(client: TestClient, keys: Keys) -> None:
    buf = io.StringIO()
    write_cases([make_transfer_case("(2024)川0104执1101号"), make_transfer_case("(2024)川0104执1102号")], buf, "csv")
    r = client.post("/v1/cases/import", content=buf.getvalue().encode(), headers={
        **headers(keys.integration), "Content-Type": "text/csv"})
    assert r.status_code == 200 and r.json()["stored"] == 2
    broken = client.post("/v1/cases/import", content=b"[{", headers={
        **headers(keys.integration), "Content-Type": "application/json"})
    assert broken.status_code == 422 and "not valid JSON" in broken.json()["detail"]
    header_only = client.post("/v1/cases/import", content=b"case_no\n", headers={
        **headers(keys.integration), "Content-Type": "text/csv"})
    assert header_only.status_code == 422 and "lacks required columns" in header_only.json()["detail"]


def test_party_ids_are_masked_for_roles_that_do_not_need_them(client: TestClient, keys: Keys,
                                                              transfer_case: Case, caplog) -> None:
    path = f"/v1/cases/{transfer_case.case_no}"
    with caplog.at_level(logging.DEBUG):
        for token in (keys.dispatcher, keys.admin):
            body = client.get(path, headers=headers(token)).json()
            assert body["applicant"]["id"] == "5101**********0011"
            assert body["debtor"]["id"] == "9151**********0001"
            assert APPLICANT_ID not in client.get(path, headers=headers(token)).text
        full = client.get(path, headers=headers(keys.integration)).json()
        assert full["applicant"]["id"] == APPLICANT_ID
    assert APPLICANT_ID not in caplog.text


def test_patch_merges_events_and_validates_the_result(client: TestClient, keys: Keys, transfer_case: Case) -> None:
    path = f"/v1/cases/{transfer_case.case_no}?as_of={AS_OF}"
    h = headers(keys.integration)
    opened = client.patch(path, json={"excluded_periods": [{"kind": "suspension", "start": "2024-10-01"}],
                                      "measures": [{"kind": "freeze", "on": "2024-10-02"}]}, headers=h)
    assert opened.status_code == 200 and sorted(opened.json()["changed"]) == ["excluded_periods", "measures"]
    closed = client.patch(path, json={"excluded_periods": [{"kind": "suspension", "start": "2024-10-01",
                                                            "end": "2024-10-20"}], "status": "zhongben"}, headers=h)
    case = closed.json()["case"]
    assert case["excluded_periods"] == [{"kind": "suspension", "start": "2024-10-01", "end": "2024-10-20"}]
    assert case["status"] == "zhongben" and len(case["measures"]) == 2
    same = client.patch(path, json={"measures": [{"kind": "freeze", "on": "2024-10-02"}]}, headers=h)
    assert same.json()["changed"] == []
    wrong_kind = client.patch(path, json={"other_periods": [{"kind": "stay", "start": "2024-10-01"}]}, headers=h)
    assert wrong_kind.status_code == 422 and "excluded_periods" in wrong_kind.json()["detail"]
    future = client.patch(path, json={"petitions": ["2025-06-01"]}, headers=h)  # after AS_OF, within the format
    assert future.status_code == 422 and "after the evaluation date" in future.json()["detail"]
    missing = client.patch("/v1/cases/nope?as_of=2024-12-02", json={"status": "open"}, headers=h)
    assert missing.status_code == 404 and "nope" in missing.json()["detail"]
