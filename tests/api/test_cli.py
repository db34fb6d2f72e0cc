"""The service's CLI: keys (secret shown once), webhook delivery pass."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from api.cli import app
from api.config import get_settings
from assign.access import authenticate
from assign.db import session_scope


@pytest.fixture
def cli_db(sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setenv("DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield sqlite_engine
    get_settings.cache_clear()


def test_keys_create_list_revoke(cli_db: Engine) -> None:
    runner = CliRunner()
    made = runner.invoke(app, ["keys", "create", "--role", "dispatcher", "--court", "I500100", "--label", "渝一中"])
    assert made.exit_code == 0, made.output
    token = made.output.strip().splitlines()[-1]
    with session_scope(cli_db) as session:
        key = authenticate(session=session, token=token)
        assert key is not None and key.court_code == "I500100" and key.secret_hash != token
    listed = runner.invoke(app, ["keys", "list"])
    assert "dispatcher" in listed.output and token not in listed.output
    assert runner.invoke(app, ["keys", "revoke", str(key.id)]).exit_code == 0
    with session_scope(cli_db) as session:
        assert authenticate(session=session, token=token) is None
    bad = runner.invoke(app, ["keys", "create", "--role", "dispatcher"])
    assert bad.exit_code == 2 and "needs a court" in bad.output
    unknown = runner.invoke(app, ["keys", "create", "--role", "dispatcher", "--court", "X1"])
    assert unknown.exit_code == 1 and "unknown court" in unknown.output


def test_webhooks_deliver_prints_counts(cli_db: Engine) -> None:
    result = CliRunner().invoke(app, ["webhooks", "deliver"])
    assert result.exit_code == 0 and '"delivered": 0' in result.output
