"""Legal-reference §12 through the routes: `POST /v1/evaluate` and `assign evaluate` give the same
1.2.0 verdicts (the same evaluation path), with the sentences and the law/policy split."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app as cli_app
from tests.api.conftest import Keys, headers
from tests.factories import make_case, make_network

AS_OF = "2024-09-01"


def s12_cases() -> list[dict[str, Any]]:
    supervision = make_case("(2024)川0104执961号", supervision_orders=[
        {"issued_by": "I510100", "issued_on": date(2024, 3, 1), "deadline": date(2024, 4, 1)}])  # §12.1
    suspended = make_case("(2024)川0104执962号", excluded_periods=[
        {"kind": "suspension", "start": date(2024, 7, 1), "end": None}])  # §12.11
    return [c.model_dump(mode="json") for c in (supervision, suspended)]


def check(verdicts: list[dict[str, Any]]) -> None:
    supervision, suspended = verdicts
    assert supervision["outcome"] == "ELIGIBLE" and "SUPERVISION_POSSIBLE" in supervision["flags"]
    assert suspended["outcome"] == "NOT_YET" and suspended["eligible_from"] is None
    assert suspended["eligible_from_projected"] == "2024-09-12"  # 63 suspended days after 2024-07-10
    for v in verdicts:
        assert v["rulebook_version"]["id"] == "art237@1.2.1"
        for f in v["fired"]:
            assert f["explanation_zh"] and (f["law"] or f["policy"]), f
    assert "依职权督办" in supervision["fired"][0]["explanation_zh"]


def test_the_api_gives_the_s12_verdicts(client: TestClient, keys: Keys) -> None:
    r = client.post("/v1/evaluate", json={"as_of": AS_OF, "cases": s12_cases()}, headers=headers(keys.integration))
    assert r.status_code == 200, r.text
    body = r.json()
    check(body["verdicts"] if isinstance(body, dict) else body)


def test_the_cli_gives_the_same_verdicts(tmp_path: Path) -> None:
    courts, cases = tmp_path / "courts.json", tmp_path / "cases.json"
    courts.write_text(json.dumps([c.model_dump(mode="json") for c in make_network()], ensure_ascii=False),
                      encoding="utf-8")
    cases.write_text(json.dumps(s12_cases(), ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli_app, ["evaluate", "--courts", str(courts), "--as-of", AS_OF, str(cases)])
    assert result.exit_code == 0, result.output
    check(json.loads(result.stdout))
