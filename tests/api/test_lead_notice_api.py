"""The draft 恢复执行通知 of a stored lead through the API and the CLI: the same document, scoped like the lead,
masked ids, one audit record per draft, clear refusals (404 unknown, 409 a lead that needs no notice)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from api.cli import app
from api.config import get_settings
from assign import audit
from assign.db import session_scope
from tests.api.conftest import Keys, headers
from tests.api.test_leads_api import DEBTOR, FEED, OTHER, run, seed


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


@pytest.fixture
def leads(client: TestClient, keys: Keys, app_engine: Engine) -> dict[str, int]:
    """kind -> lead id, after one pass on 2024-09-01 (one restoration lead in 成都, one new-asset lead in 绵阳)."""
    seed(app_engine)
    client.post("/v1/registers/import", content=FEED, headers={**headers(keys.integration), "content-type": "text/csv"})
    run(client, keys, "2024-09-01")
    found = client.get("/v1/leads", headers=headers(keys.admin)).json()["data"]
    return {x["kind"]: x["id"] for x in found}


def test_a_dispatcher_drafts_the_notice_of_a_lead_in_its_jurisdiction(client: TestClient, keys: Keys,
                                                                      app_engine: Engine,
                                                                      leads: dict[str, int]) -> None:
    lead_id = leads["restoration"]
    r = client.get(f"/v1/leads/{lead_id}/notice.docx?issue_date=2024-09-05&serial=12",
                   headers=headers(keys.dispatcher))
    assert r.status_code == 200, r.text
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    text = _text(r.content)
    assert "I510100人民法院" in text and "B510104人民法院：" in text and "（2024）川01执督12号" in text
    assert "该案于2024年6月30日裁定终结本次执行程序" in text
    assert "机动车一项，登记机关为成都市公安局交通管理局，登记编号V1，于2024年8月1日登记" in text
    assert DEBTOR not in text and "9151**********0001" in text
    with session_scope(app_engine) as session:
        drafted = [json.loads(x.payload) for x in audit.list_records(session=session, subject="(2024)川0104执1号")
                   if x.kind == "document.drafted"]
    assert [(d["kind"], d["lead_id"], d["format"]) for d in drafted] == [("restoration", lead_id, "docx")]


def test_scope_unknown_and_refused_leads(client: TestClient, keys: Keys, leads: dict[str, int]) -> None:
    assert client.get(f"/v1/leads/{leads['restoration']}/notice.docx",
                      headers=headers(keys.outsider)).status_code == 403  # 绵阳 may not read 成都's case
    assert client.get("/v1/leads/999999/notice.docx", headers=headers(keys.admin)).status_code == 404
    refused = client.get(f"/v1/leads/{leads['new_asset']}/notice.docx", headers=headers(keys.outsider))
    assert refused.status_code == 409 and "不是终本案件的恢复执行线索" in refused.json()["detail"]
    assert client.get(f"/v1/leads/{leads['restoration']}/notice.txt", headers=headers(keys.admin)).status_code == 422


def test_the_cli_writes_the_same_notice(client: TestClient, keys: Keys, app_engine: Engine, leads: dict[str, int],
                                        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", str(app_engine.url.render_as_string(hide_password=False)))
    get_settings.cache_clear()
    try:
        out = tmp_path / "notice.docx"
        runner = CliRunner()
        made = runner.invoke(app, ["documents", "lead-notice", str(leads["restoration"]), "--out", str(out),
                                   "--issue-date", "2024-09-05", "--serial", "12"])
        assert made.exit_code == 0, made.output
        api = client.get(f"/v1/leads/{leads['restoration']}/notice.docx?issue_date=2024-09-05&serial=12",
                         headers=headers(keys.admin))
        assert _text(out.read_bytes()) == _text(api.content)
        refused = runner.invoke(app, ["documents", "lead-notice", str(leads["new_asset"]), "--out", str(out)])
        assert refused.exit_code == 1 and "不是终本案件的恢复执行线索" in refused.output
        assert OTHER not in refused.output
    finally:
        get_settings.cache_clear()
