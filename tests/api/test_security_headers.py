"""Security headers: a CSP without inline script on the console, nosniff / DENY / no-referrer everywhere."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import Keys, headers


def test_console_pages_carry_a_csp_without_inline_script_and_the_common_headers(client: TestClient) -> None:
    for path in ("/console/login", "/console/queue", "/console/plan", "/console/cases/(2024)川0104执1号",
                 "/console/static/console/console.js"):
        r = client.get(path)
        assert r.status_code == 200, path
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
    page = client.get("/console/login").text
    assert "<script>" not in page and 'id="console-labels"' in page and 'style="' not in page


def test_api_answers_carry_the_headers_and_a_deny_all_csp(client: TestClient, keys: Keys) -> None:
    for r in (client.get("/v1/health"), client.get("/v1/decisions", headers=headers(keys.admin)),
              client.get("/v1/decisions")):
        assert r.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
    docs = client.get("/docs")
    assert "content-security-policy" not in docs.headers and docs.headers["x-frame-options"] == "DENY"
