"""The rule engine is built from `Settings.rulebook_dir` at every entry point (issue 16).

A copy of the rulebook with another version has another content hash; with it configured,
the API (evaluate, recommend, batch job, version), the CLI and the nightly job must all
report that hash. Before, the API kept its own engine on the built-in rulebook.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import select
from typer.testing import CliRunner

from api.cli import app as cli_app
from api.cli.nightly import night
from api.config import BUILTIN_RULEBOOK_DIR, Settings, get_settings
from api.main import create_app
from api.nightly import NightlyOptions
from assign import audit, runs
from assign.db import session_scope
from assign.models import VerdictRow
from rules.loader import load_rulebook, rulebook_file
from tests.api.conftest import AS_OF, Keys, api_settings, headers, store_cases
from tests.api.test_plans_jobs import wait_for
from tests.factories import make_transfer_case


@pytest.fixture
def other_rulebook(tmp_path: Path) -> tuple[Path, str]:
    """A copy of the built-in rulebook whose version (hence content hash) differs."""
    target = tmp_path / "rulebook"
    shutil.copytree(BUILTIN_RULEBOOK_DIR, target)
    file = rulebook_file(target)
    text = file.read_text(encoding="utf-8")
    changed = re.sub(r'^version: "[^"]+"', 'version: "9.9.9-test"', text, count=1, flags=re.M)
    assert changed != text
    file.write_text(changed, encoding="utf-8")
    configured = load_rulebook(target).content_hash
    assert configured != load_rulebook(BUILTIN_RULEBOOK_DIR).content_hash
    alerts = rulebook_file(target, "alerts")  # the node alerts' ruleset lives in the same directory
    alerts.write_text(re.sub(r'^version: "[^"]+"', 'version: "9.9.9-test"', alerts.read_text(encoding="utf-8"),
                             count=1, flags=re.M), encoding="utf-8")
    return target, configured


def test_every_api_entry_point_uses_the_configured_rulebook(app_engine: Engine, keys: Keys,
                                                            other_rulebook: tuple[Path, str]) -> None:
    directory, configured = other_rulebook
    settings = api_settings().model_copy(update={"rulebook_dir": directory})
    case = make_transfer_case()
    store_cases(app_engine, case)
    h = headers(keys.dispatcher)
    with TestClient(create_app(settings=settings, engine=app_engine)) as client:
        assert client.get("/v1/version").json()["rulebook"]["hash"] == configured
        posted = client.post("/v1/evaluate", json={"as_of": AS_OF.isoformat(),
                                                   "cases": [case.model_dump(mode="json")]}, headers=h)
        assert posted.status_code == 200, posted.text
        assert posted.json()["verdicts"][0]["rulebook_version"]["hash"] == configured
        stored = client.post("/v1/evaluate/stored", json={"as_of": AS_OF.isoformat(), "case_nos": [case.case_no]},
                             headers=h)
        assert stored.json()["verdicts"][0]["rulebook_version"]["hash"] == configured
        one = client.post("/v1/recommendations", json={"case_no": case.case_no, "as_of": AS_OF.isoformat()},
                          headers=h)
        assert one.json()["verdict"]["rulebook_version"]["hash"] == configured
        alerts = client.post(f"/v1/alerts/run?as_of={AS_OF.isoformat()}", headers=headers(keys.admin))
        expected = load_rulebook(directory, "alerts").versioned_name
        assert alerts.status_code == 200 and alerts.json()["ruleset"] == expected, alerts.text
        assert expected != load_rulebook(BUILTIN_RULEBOOK_DIR, "alerts").versioned_name
        job = wait_for(client, keys.dispatcher, client.post(
            "/v1/recommendations/batch", json={"as_of": AS_OF.isoformat(), "time_limit_s": 1}, headers=h).json()["id"])
        assert job["status"] == "done", job
    with session_scope(app_engine) as session:
        records = audit.list_records(session=session, kind="verdicts", limit=100)
        hashes = {json.loads(r.payload)["rulebook"]["hash"] for r in records}
        saved = set(session.exec(select(VerdictRow.rulebook_hash)).all())
    assert len(records) >= 3 and hashes == {configured}  # evaluate, evaluate/stored, the batch job
    assert saved == {configured}


def test_cli_and_nightly_use_the_configured_rulebook(sqlite_engine: Engine, other_rulebook: tuple[Path, str],
                                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory, configured = other_rulebook
    url = sqlite_engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ASSIGN_RULEBOOK_DIR", str(directory))
    get_settings.cache_clear()
    try:
        case = make_transfer_case()
        cases_file = tmp_path / "cases.json"
        cases_file.write_text(json.dumps([case.model_dump(mode="json")], ensure_ascii=False), encoding="utf-8")
        runner = CliRunner()
        evaluated = runner.invoke(cli_app, ["evaluate", "--as-of", AS_OF.isoformat(), str(cases_file)])
        assert evaluated.exit_code == 0, evaluated.output
        assert json.loads(evaluated.stdout)[0]["rulebook_version"]["hash"] == configured
        store_cases(sqlite_engine, case)
        settings = Settings(database_url=url, rulebook_dir=directory)
        report = night(settings, AS_OF, NightlyOptions(workers=1, forum_time_limit_s=1, solve_budget_s=2),
                       show_progress=False)
    finally:
        get_settings.cache_clear()
    assert report.summary.rulebook_hash == configured and report.summary.cases_evaluated == 1
    with session_scope(sqlite_engine) as session:
        run = session.get(runs.NightlyRun, report.run_id)
        assert run is not None and run.rulebook_hash == configured
        assert set(session.exec(select(VerdictRow.rulebook_hash)).all()) == {configured}
