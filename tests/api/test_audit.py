"""The audit chain: appends from many threads never fork it; any edit is found and named."""

from __future__ import annotations

import threading

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from assign import audit
from assign.db import session_scope
from assign.schemas import Case
from tests.api.conftest import Keys, headers, recommend


def append_many(engine: Engine, threads: int, each: int) -> None:
    def work(n: int) -> None:
        for i in range(each):
            with session_scope(engine) as session:
                audit.append(session=session, kind="test", subject=f"t{n}-{i}", payload={"n": n, "i": i})

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(120)


def test_concurrent_appends_form_one_unbroken_chain(app_engine: Engine) -> None:
    append_many(app_engine, threads=6, each=8)
    with session_scope(app_engine) as session:
        records = audit.list_records(session=session, limit=1000)
        assert [r.seq for r in records] == list(range(1, 49))
        assert all(b.prev_hash == a.hash for a, b in zip(records, records[1:], strict=False))
        assert audit.verify(session) is None


def test_an_edited_payload_is_named_by_its_seq(client: TestClient, keys: Keys, transfer_case: Case,
                                               app_engine: Engine) -> None:
    recommend(client, keys.dispatcher, transfer_case.case_no)
    append_many(app_engine, threads=1, each=3)
    ok = client.get("/v1/audit/verify", headers=headers(keys.admin)).json()
    assert ok == {"ok": True, "records": 4, "first_broken_seq": None, "reason": None, "anchor_seq": None,
                  "anchored_at": None}
    with app_engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_record SET payload = :p WHERE seq = 3"), {"p": '{"n": 99}'})
    report = client.get("/v1/audit/verify", headers=headers(keys.admin)).json()
    assert report["ok"] is False and report["first_broken_seq"] == 3 and "altered" in report["reason"]


def test_a_deleted_or_relinked_record_is_found(app_engine: Engine) -> None:
    append_many(app_engine, threads=1, each=5)
    with app_engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_record WHERE seq = 5"))
    with session_scope(app_engine) as session:
        assert audit.verify(session) == audit.ChainBreak(5, "records 5..5 are missing from the end")
    with app_engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_record WHERE seq = 2"))
    with session_scope(app_engine) as session:
        broken = audit.verify(session)
        assert broken is not None and broken.seq == 2 and "missing" in broken.reason


def test_cli_audit_verify_reports_the_first_broken_link(sqlite_engine: Engine, monkeypatch) -> None:
    from api.cli import app
    from api.config import get_settings

    append_many(sqlite_engine, threads=1, each=4)
    monkeypatch.setenv("DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    try:
        ok = CliRunner().invoke(app, ["audit", "verify"])
        assert ok.exit_code == 0, ok.output
        assert "4 records" in ok.output
        with sqlite_engine.begin() as conn:
            conn.execute(sa.text("UPDATE audit_record SET subject = 'x' WHERE seq = 2"))
        bad = CliRunner().invoke(app, ["audit", "verify"])
        assert bad.exit_code == 1 and "seq 2" in bad.output
    finally:
        get_settings.cache_clear()
