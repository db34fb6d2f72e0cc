"""Health, versions, metrics and the served OpenAPI document."""

from __future__ import annotations

from fastapi.testclient import TestClient

from assign import migrate
from tests.api.conftest import Keys, headers


def test_health_version_and_metrics_need_no_key(client: TestClient, keys: Keys) -> None:
    assert client.get("/v1/health").json()["status"] == "ok"
    version = client.get("/v1/version").json()
    assert len(version["rulebook"]["hash"]) >= 16 and version["rulebook"]["id"]
    assert version["solver"]["ortools"][0].isdigit() and version["schema_revision"] == migrate.head_revision()
    client.get("/v1/courts", headers=headers(keys.admin))
    text = client.get("/v1/metrics").text
    assert 'assign_http_requests_total{method="GET",route="/v1/courts",status="200"} 1.0' in text


def test_openapi_documents_every_route_with_its_errors(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["APIKeyHeader"]["name"] == "X-API-Key"
    post_decision = spec["paths"]["/v1/decisions"]["post"]
    assert {"201", "401", "403", "404", "409", "422"} <= set(post_decision["responses"])
    assert "HTTPValidationError" not in spec["components"]["schemas"]
