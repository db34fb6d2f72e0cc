"""Issue 15, fault 1: a write never takes its no-future-date cutoff from a caller's `as_of` later
than the server's today (API 422 naming the field, CLI exit 2), so a case dated near 9999
cannot be stored through any route."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from api.cli import app
from api.config import get_settings
from assign.schemas import Case
from tests.api.conftest import Keys, headers
from tests.factories import make_transfer_case

AHEAD = (date.today() + timedelta(days=2)).isoformat()


def test_api_writes_refuse_an_as_of_after_today(client: TestClient, keys: Keys, transfer_case: Case) -> None:
    body = [make_transfer_case("(2024)川0104执2201号").model_dump(mode="json")]
    imported = client.post(f"/v1/cases/import?as_of={AHEAD}", json=body, headers=headers(keys.integration))
    patched = client.patch(f"/v1/cases/{transfer_case.case_no}?as_of={AHEAD}", json={"status": "open"},
                           headers=headers(keys.integration))
    single = client.post("/v1/recommendations", json={"case_no": transfer_case.case_no, "as_of": AHEAD},
                         headers=headers(keys.dispatcher))
    batch = client.post("/v1/recommendations/batch", json={"court": "I510100", "as_of": AHEAD},
                        headers=headers(keys.dispatcher))
    stored = client.post("/v1/evaluate/stored", json={"case_nos": [transfer_case.case_no], "as_of": AHEAD},
                         headers=headers(keys.admin))
    for r, name in ((imported, "query.as_of"), (patched, "query.as_of"), (single, "body.as_of"),
                    (batch, "body.as_of"), (stored, "as_of")):
        assert r.status_code == 422, r.text
        assert name in r.json()["detail"] and "after the server's today" in r.json()["detail"]


def test_evaluating_without_storing_is_bounded_by_the_format_not_by_today(client: TestClient, keys: Keys,
                                                                          transfer_case: Case) -> None:
    ok = client.post("/v1/evaluate/stored", json={"case_nos": [transfer_case.case_no], "as_of": AHEAD,
                                                  "save": False}, headers=headers(keys.admin))
    assert ok.status_code == 200, ok.text
    far = client.post("/v1/evaluate", json={"as_of": "9999-12-31", "cases": [transfer_case.model_dump(mode="json")]},
                      headers=headers(keys.admin))
    assert far.status_code == 422 and "body.as_of" in far.json()["detail"]


@pytest.fixture
def cli_db(sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    return sqlite_engine


@pytest.mark.parametrize("command", [["cases", "import", "{file}"], ["nightly"], ["evaluate", "--store"],
                                     ["generate", "--cases", "5", "--store"]])
def test_cli_writes_refuse_an_as_of_after_today(cli_db: Engine, tmp_path: Path, command: list[str]) -> None:
    file = tmp_path / "cases.json"
    file.write_text(json.dumps([make_transfer_case().model_dump(mode="json")], ensure_ascii=False), encoding="utf-8")
    args = [a.replace("{file}", str(file)) for a in command] + ["--as-of", AHEAD]
    result = CliRunner().invoke(app, args)
    get_settings.cache_clear()
    assert result.exit_code == 2, result.output
    assert "after the server's today" in result.output
