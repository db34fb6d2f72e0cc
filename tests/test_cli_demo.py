"""`assign demo` (what `make demo` runs): an empty store gets a sample and a published night."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.config import get_settings
from assign import plans, repository
from assign.db import make_engine, session_scope
from assign.leads import list_leads
from assign.outcome_report import outcome_report


def test_demo_generates_a_sample_runs_the_night_and_shows_placements(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        first = CliRunner().invoke(app, ["demo", "--cases", "3000", "--as-of", "2026-06-30", "--solve-budget", "10"])
        assert first.exit_code == 0, first.output
        assert "imported: 3000 cases, 0 rejected" in first.output
        assert "(published)" in first.output and "some placements of tonight's plan" in first.output
        second = CliRunner().invoke(app, ["demo", "--as-of", "2026-06-30"])
        assert second.exit_code == 0, second.output
        assert "the store already holds 3000 cases" in second.output
    finally:
        get_settings.cache_clear()
    engine = make_engine(url)
    with session_scope(engine) as session:
        stored = plans.list_plans(session=session, limit=1000)
        assert stored and all(p.as_of.isoformat() == "2026-06-30" for p in stored)
        placed = [r for p in stored for r in plans.plan_recommendations(session=session, plan_id=p.plan_id)]
        assert any(r.target_court for r in placed)
    with session_scope(engine) as session:  # a history of transfers: the outcomes dashboard has figures
        network = repository.active_network(session=session)
        report = outcome_report(session=session, network=network, as_of=date(2026, 6, 30))
        assert "transfer history (demo data)" in first.output and report.courts
        moved = [c.transferred for c in report.courts]
        assert sum(f.cases for f in moved) > 0 and any(f.share_6m is not None for f in moved)
        assert any(f.median_days_to_first_measure is not None for f in moved)
        assert sum(c.own.cases for c in report.courts) > 0
    # a register feed imported before the night: its lead pass found restoration leads (恢复执行线索) to show
    assert "register feed (demo data): 3000 rows" in first.output
    with session_scope(engine) as session:
        kinds = {row.kind for row in list_leads(session=session, limit=10_000)}
    assert kinds == {"restoration", "new_asset"}
