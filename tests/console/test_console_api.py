"""The console's read models and the document route over HTTP (no browser needed).

The seeded store of the browser tests (成都 dispatcher, 绵阳 dispatcher, an admin), on SQLite
and, when configured, on PostgreSQL.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from docx import Document
from fastapi.testclient import TestClient

from api.config import BUILTIN_RULEBOOK_DIR, Settings
from api.documents import DOCX_MEDIA_TYPE
from api.main import create_app
from api.nightly.pipeline import NightlyOptions, run_nightly
from api.nightly.services import default_services
from assign.access import Role, create_key
from assign.db import session_scope
from solver.instance import SolveParams
from tests.console.seed import AS_OF, HIDDEN_CASE, SeededStore

DESIGNATED = "(2024)川0106执951号"
ORDERED = "(2024)川0104执1201号"
MANDATORY = "(2024)川0107执2210号"
NOT_YET = "(2025)川0113执77号"


@pytest.fixture(scope="module")
def seeded(seeded_any: SeededStore) -> SeededStore:
    return seeded_any


@pytest.fixture(scope="module")
def client(seeded: SeededStore) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=seeded.url, log_level="WARNING"), engine=seeded.engine)
    with TestClient(app) as c:
        yield c


def _get(client: TestClient, key: str, path: str, **params: Any) -> Any:
    return client.get(path, headers={"X-API-Key": key}, params=params)


def test_queue_is_scoped_counted_and_filtered(client: TestClient, seeded: SeededStore) -> None:
    body = _get(client, seeded.dispatcher_key, "/v1/console/queue").json()
    nos = [r["case_no"] for r in body["rows"]]
    assert HIDDEN_CASE not in nos and NOT_YET not in nos  # other jurisdiction; nothing to do yet
    assert body["counts"] == {"ELIGIBLE": 7, "MANDATORY_TRANSFER": 1, "WAIT": 1, "NOT_YET": 1}
    assert nos[0] == MANDATORY  # mandatory transfers first
    only = _get(client, seeded.dispatcher_key, "/v1/console/queue", outcome="NOT_YET").json()["rows"]
    assert [r["case_no"] for r in only] == [NOT_YET]
    local = _get(client, seeded.dispatcher_key, "/v1/console/queue", flag="LOCAL_PROTECTION_RISK",
                 court="B510106").json()["rows"]
    assert [r["case_no"] for r in local] == [DESIGNATED]
    old = _get(client, seeded.dispatcher_key, "/v1/console/queue", min_age_days=600).json()["rows"]
    assert {r["case_no"] for r in old} == {MANDATORY, DESIGNATED}  # received Feb/Mar 2024
    other = _get(client, seeded.other_key, "/v1/console/queue").json()
    assert [r["case_no"] for r in other["rows"]] == [HIDDEN_CASE]


def test_case_detail_masks_ids_and_names_the_draft_to_make(client: TestClient, seeded: SeededStore) -> None:
    body = _get(client, seeded.dispatcher_key, f"/v1/console/cases/{DESIGNATED}").json()
    assert body["case"]["debtor"]["id"] == "1151**********040P"
    assert body["verdict"]["outcome"] == "ELIGIBLE" and body["verdict"]["fired"]
    assert body["recommendation"]["mode"] == "designate" and body["recommendation_id"]
    assert body["documents"] == {"kind": "designate", "source": "recommendation", "reason": None}
    ordered = _get(client, seeded.dispatcher_key, f"/v1/console/cases/{ORDERED}").json()
    assert ordered["recommendation"] is None and ordered["documents"]["kind"] == "order"
    assert _get(client, seeded.dispatcher_key, f"/v1/console/cases/{NOT_YET}").json()["documents"]["kind"] is None
    refused = _get(client, seeded.other_key, f"/v1/console/cases/{DESIGNATED}")
    assert refused.status_code == 403


def test_plan_view_has_workload_before_and_after_and_the_moves(client: TestClient, seeded: SeededStore) -> None:
    body = _get(client, seeded.dispatcher_key, "/v1/console/plan").json()
    assert body["scope"] == "I510100" and body["solver"]["gap"] is not None
    moves = {m["case_no"]: m for m in body["moves"]}
    move = moves[DESIGNATED]
    courts = {c["code"]: c for c in body["courts"]}
    assert move["from"] == "B510106" and move["to"] not in (None, "B510106")
    assert all(c["after"] == c["before"] + c["change"] for c in courts.values())
    assert sum(c["change"] for c in courts.values()) == 0  # transfers move cases, never create them
    # the Art. 12 case escalated to the forum itself, and any case whose verdict left the mode open
    # that the solver escalated (solver/README "The mode is part of the plan")
    assert courts["I510100"]["change"] == sum(1 for m in body["moves"] if m["to"] == "I510100") >= 1
    assert all(c["lat"] is not None for c in body["courts"])
    assert _get(client, seeded.other_key, "/v1/console/plan").status_code == 404  # 绵阳 had nothing to place


def test_document_route_checks_access_and_writes_the_audit(client: TestClient, seeded: SeededStore) -> None:
    path = f"/v1/documents/{DESIGNATED}/designate.docx"
    assert client.get(path).status_code == 401
    assert _get(client, seeded.other_key, path).status_code == 403
    res = _get(client, seeded.dispatcher_key, path, issue_date="2025-11-21", serial=31)
    assert res.status_code == 200 and res.headers["content-type"] == DOCX_MEDIA_TYPE
    text = "\n".join(p.text for p in Document(io.BytesIO(res.content)).paragraphs)
    assert "（2025）川01执督31号" in text and "二〇二五年十一月二十一日" in text and DESIGNATED in text
    assert "1151**********040P" in text  # dispatchers see masked IDs, in documents too
    wrong_kind = _get(client, seeded.dispatcher_key, f"/v1/documents/{DESIGNATED}/order.docx")
    assert wrong_kind.status_code == 422
    assert _get(client, seeded.dispatcher_key, f"/v1/documents/{DESIGNATED}/other.docx").status_code == 422
    audit = _get(client, seeded.admin_key, "/v1/audit", kind="document.drafted", subject=DESIGNATED).json()["data"]
    assert audit and audit[-1]["payload"]["number"] == "（2025）川01执督31号"


def test_pdf_without_the_font_is_a_clear_501(client: TestClient, seeded: SeededStore,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("api.documents.pdf_render.cjk_font_path", lambda: None)
    res = _get(client, seeded.dispatcher_key, f"/v1/documents/{MANDATORY}/escalate.pdf")
    assert res.status_code == 501 and "fonts-noto-cjk" in res.json()["detail"]


def test_a_high_court_dispatcher_sees_the_whole_province(client: TestClient, seeded: SeededStore) -> None:
    with session_scope(seeded.engine) as session:
        _, high = create_key(session=session, role=Role.DISPATCHER, court_code="H510000", label="省高院调度员")
    rows = _get(client, high, "/v1/console/queue").json()["rows"]
    assert {HIDDEN_CASE, DESIGNATED} <= {r["case_no"] for r in rows}
    plan = _get(client, high, "/v1/console/plan").json()
    assert plan["scope"] == "I510100"  # no plan of its own: the newest plan it may read


def test_a_decision_still_binds_the_case_after_the_next_night(client: TestClient, seeded: SeededStore) -> None:
    # Runs last in this module: it adds a night to the shared store.
    key = seeded.dispatcher_key
    rec_id = _get(client, key, f"/v1/console/cases/{DESIGNATED}").json()["recommendation_id"]
    decided = client.post("/v1/decisions", headers={"X-API-Key": key},
                          json={"recommendation_id": rec_id, "action": "accept", "reason": "同意建议"})
    assert decided.status_code == 201, decided.text
    services = default_services(rulebook_dir=BUILTIN_RULEBOOK_DIR, eval_workers=1,
                                solve_params=SolveParams(time_limit_s=5.0, workers=1, seed=7))
    run_nightly(seeded.engine, as_of=AS_OF + timedelta(days=1), services=services, options=NightlyOptions(workers=1))
    after = _get(client, key, f"/v1/console/cases/{DESIGNATED}").json()
    assert after["recommendation_id"] != rec_id  # tonight's plan made a new recommendation
    assert after["decision"]["action"] == "accept" and after["documents"]["source"] == "decision"
    row = next(r for r in _get(client, key, "/v1/console/queue").json()["rows"] if r["case_no"] == DESIGNATED)
    assert row["decision"] == "accept"
    moves = {m["case_no"]: m for m in _get(client, key, "/v1/console/plan").json()["moves"]}
    assert moves[DESIGNATED]["decision"] == "accept"
