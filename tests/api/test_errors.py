"""One mapping from domain errors to HTTP codes, messages that say what was wrong, 500 only for bugs."""

from __future__ import annotations

import logging

from fastapi.testclient import TestClient

from api.config import Settings
from api.main import create_app
from assign.errors import Conflict, DataError, NotFound, RowProblem
from tests.api.conftest import AS_OF, Keys, headers


def test_domain_errors_map_to_404_409_422_403(app_engine) -> None:
    app = create_app(settings=Settings(log_level="WARNING"), engine=app_engine)

    def raiser(exc: Exception):
        def route() -> None:
            raise exc
        return route

    app.add_api_route("/boom/404", raiser(NotFound("no case 'x'")))
    app.add_api_route("/boom/409", raiser(Conflict("already decided")))
    app.add_api_route("/boom/422", raiser(DataError("bad rows", [RowProblem(2, "debtor.id", "too long", "c1")])))
    app.add_api_route("/boom/500", raiser(RuntimeError("debtor 510104198001010011 broke it")))
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/boom/404").json() == {"error": "not_found", "detail": "no case 'x'"}
        assert client.get("/boom/409").status_code == 409
        body = client.get("/boom/422").json()
        assert body["error"] == "invalid_input"
        assert body["problems"] == [{"row": 2, "key": "c1", "field": "debtor.id", "reason": "too long"}]
        r = client.get("/boom/500")
        assert r.status_code == 500 and "510104198001010011" not in r.text and "incident" in r.json()["detail"]


def test_the_catch_all_logs_masked(app_engine, caplog) -> None:
    app = create_app(settings=Settings(log_level="WARNING"), engine=app_engine)

    def route() -> None:
        raise RuntimeError("debtor 510104198001010011 broke it")

    app.add_api_route("/boom", route)
    with caplog.at_level(logging.ERROR), TestClient(app, raise_server_exceptions=False) as client:
        client.get("/boom")
    assert "5101**********0011" in caplog.text and "510104198001010011" not in caplog.text


def test_request_validation_names_the_field(client: TestClient, keys: Keys) -> None:
    r = client.post("/v1/evaluate", json={"cases": [{"case_no": "x"}]}, headers=headers(keys.admin))
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "invalid_request" and "body.cases.0.court_code" in body["detail"]
    problem = next(p for p in body["problems"] if p["field"] == "body.cases.0.court_code")
    assert problem["row"] is None and problem["key"] is None and problem["reason"]
    assert client.get("/v1/audit?limit=0", headers=headers(keys.admin)).status_code == 422
    assert client.get("/v1/decisions/99999999999999999999", headers=headers(keys.admin)).status_code == 422


def test_context_errors_and_missing_resources(client: TestClient, keys: Keys) -> None:
    from tests.factories import make_transfer_case

    bad = make_transfer_case(court_code="B999999").model_dump(mode="json")
    r = client.post("/v1/evaluate", json={"as_of": AS_OF.isoformat(), "cases": [bad]}, headers=headers(keys.admin))
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "court_code"
    early = make_transfer_case().model_dump(mode="json")
    r = client.post("/v1/evaluate", json={"as_of": "2024-01-11", "cases": [early]}, headers=headers(keys.admin))
    assert r.status_code == 422 and "after the evaluation date" in r.json()["detail"]
    r = client.post("/v1/evaluate/stored", json={"case_nos": ["(2024)无此号"]}, headers=headers(keys.admin))
    assert r.status_code == 404 and "(2024)无此号" in r.json()["detail"]
    assert client.get("/v1/courts/Z1", headers=headers(keys.admin)).json()["detail"] == "unknown court code 'Z1'"
    assert client.get("/v1/plans/none", headers=headers(keys.admin)).status_code == 404
    assert client.get("/v1/recommendations/batch/none", headers=headers(keys.admin)).status_code == 404
    bad_net = client.put("/v1/courts", json=[{"code": "B1", "name": "x", "level": "basic", "division_code": "510104",
                                             "enforcement_staff": 1, "open_cases": 1}], headers=headers(keys.admin))
    assert bad_net.status_code == 422 and "needs a parent court" in bad_net.json()["detail"]
    key = client.post("/v1/admin/keys", json={"role": "dispatcher"}, headers=headers(keys.admin))
    assert key.status_code == 422 and "needs a court" in key.json()["detail"]


def test_every_row_problem_in_the_openapi_is_the_one_row_problem_component(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert [name for name in schemas if "problem" in name.lower()] == ["RowProblem"]
    assert set(schemas["RowProblem"]["properties"]) == {"row", "field", "reason", "key"}
    listed = {"ErrorBody": "problems", "ImportReportOut": "problems", "RegisterImportOut": "problems",
              "ProgressImport": "rejected"}
    for model, field in listed.items():
        assert "#/components/schemas/RowProblem" in str(schemas[model]["properties"][field]), model
