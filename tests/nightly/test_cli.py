"""`assign nightly` and `assign scheduler` as a dispatcher's operator runs them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.config import get_settings
from assign import migrate, runs
from assign.db import make_engine


@pytest.fixture
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_nightly_exits_3_with_a_clear_message_when_another_run_holds_the_lock(configured: str) -> None:
    engine = make_engine(configured)
    migrate.upgrade(engine)
    with engine.connect() as conn:
        runs.acquire_lock(conn, holder="elsewhere:42:x", run_id="r", stale_after_s=300)
    result = CliRunner().invoke(app, ["nightly", "--as-of", "2025-06-30"])
    assert result.exit_code == 3
    assert "already running" in result.output and "elsewhere:42:x" in result.output


def test_nightly_on_an_empty_store_publishes_an_empty_night(configured: str) -> None:
    result = CliRunner().invoke(app, ["nightly", "--as-of", "2025-06-30"])
    assert result.exit_code == 0, result.output
    assert "cases evaluated 0" in result.output and "published" in result.output
    again = CliRunner().invoke(app, ["nightly", "--as-of", "2025-06-30"])
    assert again.exit_code == 0 and "already published" in again.output


def test_scheduler_rejects_a_bad_cron_expression(configured: str) -> None:
    result = CliRunner().invoke(app, ["scheduler", "--cron", "not a cron"])
    assert result.exit_code == 2 and "cron expression 'not a cron'" in result.output
