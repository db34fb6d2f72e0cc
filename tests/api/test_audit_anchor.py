"""External anchors of the audit chain (issue 15, also): cutting the chain back and rewriting its
head passes the link check alone, and is caught against the latest signed anchor (HMAC, Ed25519),
from the service, the API and the CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from api.config import Settings
from api.main import create_app
from api.service.audit import verify_chain
from api.service.audit_anchor import make_anchor
from assign import audit
from assign.db import session_scope
from assign.errors import Conflict
from tests.api.conftest import Keys, api_settings, headers
from tests.api.test_audit import append_many


def hmac_settings(tmp_path: Path) -> Settings:
    return api_settings().model_copy(update={"audit_anchor_key": "anchor-key-kept-off-the-database",
                                             "audit_anchor_file": tmp_path / "anchors.jsonl"})


def cut_back(engine: Engine, keep: int) -> None:
    """What an intruder with write access does: drop the last records and make the head agree."""
    with engine.begin() as conn:
        last_hash = conn.execute(sa.text("SELECT hash FROM audit_record WHERE seq = :s"), {"s": keep}).scalar_one()
        conn.execute(sa.text("DELETE FROM audit_record WHERE seq > :s"), {"s": keep})
        conn.execute(sa.text("UPDATE log_head SET last_seq = :s, last_hash = :h WHERE name = 'audit'"),
                     {"s": keep, "h": last_hash})


def test_a_cut_back_chain_passes_the_links_and_fails_the_anchor(engine: Engine, tmp_path: Path) -> None:
    settings = hmac_settings(tmp_path)
    append_many(engine, threads=1, each=6)
    signed = make_anchor(engine, settings)
    assert signed.seq == 6 and set(signed.signatures) == {"hmac-sha256"}
    assert verify_chain(engine, settings)["ok"] and verify_chain(engine, settings)["anchor_seq"] == 6
    cut_back(engine, keep=3)
    with session_scope(engine) as session:
        assert audit.verify(session) is None  # the fault: the links alone cannot see it
    report = verify_chain(engine, settings)
    assert not report["ok"] and report["first_broken_seq"] == 6 and "cut back" in report["reason"]
    with pytest.raises(Conflict, match="not anchored"):
        make_anchor(engine, settings)  # the damage is not blessed by a new anchor
    append_many(engine, threads=1, each=3)  # re-grown to seq 6 with other records
    regrown = verify_chain(engine, settings)
    assert not regrown["ok"] and "re-grown" in regrown["reason"]


def test_a_forged_or_unverifiable_anchor_fails(engine: Engine, tmp_path: Path) -> None:
    settings = hmac_settings(tmp_path)
    append_many(engine, threads=1, each=2)
    signed = make_anchor(engine, settings)
    forged = signed.model_copy(update={"seq": 1, "signatures": {"hmac-sha256": signed.signatures["hmac-sha256"]}})
    with settings.audit_anchor_file.open("a") as f:
        f.write(forged.model_dump_json() + "\n")
    assert "does not verify" in verify_chain(engine, settings)["reason"]
    keyless = settings.model_copy(update={"audit_anchor_key": ""})
    assert "no signature that a configured key can check" in verify_chain(engine, keyless)["reason"]


def test_ed25519_anchor_is_checked_with_the_public_key_alone(engine: Engine, tmp_path: Path) -> None:
    private = Ed25519PrivateKey.generate()
    (tmp_path / "anchor.pem").write_bytes(private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    (tmp_path / "anchor.pub").write_bytes(private.public_key().public_bytes(Encoding.PEM,
                                                                           PublicFormat.SubjectPublicKeyInfo))
    signer = api_settings().model_copy(update={"audit_anchor_ed25519_key": tmp_path / "anchor.pem",
                                               "audit_anchor_file": tmp_path / "anchors.jsonl"})
    verifier = signer.model_copy(update={"audit_anchor_ed25519_key": None,
                                         "audit_anchor_ed25519_public_key": tmp_path / "anchor.pub"})
    append_many(engine, threads=1, each=4)
    assert set(make_anchor(engine, signer).signatures) == {"ed25519"}
    assert verify_chain(engine, verifier)["ok"]
    cut_back(engine, keep=2)
    assert "cut back" in verify_chain(engine, verifier)["reason"]


def test_api_verify_reports_the_anchor(app_engine: Engine, keys: Keys, tmp_path: Path) -> None:
    settings = hmac_settings(tmp_path)
    append_many(app_engine, threads=1, each=3)
    make_anchor(app_engine, settings)
    with TestClient(create_app(settings=settings, engine=app_engine)) as client:
        ok = client.get("/v1/audit/verify", headers=headers(keys.admin)).json()
        assert ok["ok"] and ok["anchor_seq"] == 3
        cut_back(app_engine, keep=1)
        bad = client.get("/v1/audit/verify", headers=headers(keys.admin)).json()
        assert not bad["ok"] and bad["first_broken_seq"] == 3 and bad["anchor_seq"] == 3


def test_cli_anchor_then_verify(sqlite_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from api.cli import app
    from api.config import get_settings

    append_many(sqlite_engine, threads=1, each=4)
    monkeypatch.setenv("DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("ASSIGN_AUDIT_ANCHOR_FILE", str(tmp_path / "anchors.jsonl"))
    get_settings.cache_clear()
    try:
        refused = CliRunner().invoke(app, ["audit", "anchor"])
        assert refused.exit_code != 0 and "ASSIGN_AUDIT_ANCHOR_KEY" in refused.output
        monkeypatch.setenv("ASSIGN_AUDIT_ANCHOR_KEY", "anchor-key-kept-off-the-database")
        get_settings.cache_clear()
        made = CliRunner().invoke(app, ["audit", "anchor"])
        assert made.exit_code == 0 and "anchored seq 4" in made.output, made.output
        assert json.loads((tmp_path / "anchors.jsonl").read_text().splitlines()[-1])["seq"] == 4
        assert "anchored at seq 4" in CliRunner().invoke(app, ["audit", "verify"]).output
        cut_back(sqlite_engine, keep=2)
        bad = CliRunner().invoke(app, ["audit", "verify"])
        assert bad.exit_code == 1 and "seq 4" in bad.output and "cut back" in bad.output
    finally:
        get_settings.cache_clear()


def test_the_anchor_post_follows_the_webhook_target_rules(sqlite_engine: Engine, tmp_path: Path) -> None:
    settings = hmac_settings(tmp_path).model_copy(update={"audit_anchor_url": "http://127.0.0.1:9/anchors"})
    with pytest.raises(Conflict, match="address not allowed"):
        make_anchor(sqlite_engine, settings)
    assert (tmp_path / "anchors.jsonl").is_file()  # the file copy is written first
