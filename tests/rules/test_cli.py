"""`assign evaluate` and `assign rules check|compile` through the CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from tests.factories import make_case, make_network

runner = CliRunner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner()


def write_inputs(tmp_path: Path) -> tuple[Path, Path]:
    courts = tmp_path / "courts.json"
    courts.write_text(json.dumps([c.model_dump(mode="json") for c in make_network()], ensure_ascii=False),
                      encoding="utf-8")
    cases = [make_case().model_dump(mode="json"),
             make_case("(2024)川0104执2号", court_code="B000000").model_dump(mode="json"),
             {"case_no": "(2024)川0104执3号"}]
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    return courts, path


def test_evaluate_prints_verdicts_and_reports_invalid_cases(tmp_path: Path) -> None:
    courts, cases = write_inputs(tmp_path)
    result = runner.invoke(app, ["evaluate", "--courts", str(courts), "--as-of", "2024-08-01", str(cases)])
    assert result.exit_code == 2
    verdicts = json.loads(result.stdout)
    assert [v["case_no"] for v in verdicts] == ["(2024)川0104执1号"]
    assert verdicts[0]["outcome"] == "ELIGIBLE" and verdicts[0]["as_of"] == str(date(2024, 8, 1))
    assert "B000000" in result.stderr and "执3号" in result.stderr


def test_evaluate_all_valid_exits_zero(tmp_path: Path) -> None:
    courts, _ = write_inputs(tmp_path)
    cases = tmp_path / "ok.json"
    cases.write_text(json.dumps([make_case().model_dump(mode="json")], ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "--courts", str(courts), "--as-of", "2024-03-01", str(cases)])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["outcome"] == "NOT_YET"


def test_rules_check_passes_on_the_shipped_rulebook() -> None:
    result = runner.invoke(app, ["rules", "check"])
    assert result.exit_code == 0, result.stderr
    assert "0 gaps, 0 overlaps" in result.stdout


def test_rules_check_fails_on_a_gap(tmp_path: Path) -> None:
    (tmp_path / "gap.yml").write_text(
        "id: gap\nversion: '1'\nparams: {}\nrules:\n"
        "  - id: outcome.closed\n    label_zh: 已结\n    legal_basis: x\n"
        "    when: {all: [{fact: case_state, op: eq, value: closed}]}\n    sets: {outcome: NO_ACTION}\n",
        encoding="utf-8")
    result = runner.invoke(app, ["rules", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert "gap" in result.stderr


def test_rules_compile_prints_the_durable_json() -> None:
    result = runner.invoke(app, ["rules", "compile"])
    assert result.exit_code == 0
    assert "outcome.eligible" in json.loads(result.stdout)


def test_evaluate_store_saves_verdicts_for_open_cases(tmp_path: Path, monkeypatch) -> None:
    from api.config import get_settings
    from api.service import store
    from assign import repository
    from assign.db import session_scope
    from assign.importer import import_cases

    courts, _ = write_inputs(tmp_path)
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    db = store.open_store(url)
    network = make_network()
    import_cases(db, [make_case(f"(2024)川0104执{i}号") for i in range(5)], as_of=date(2024, 8, 1), network=network)
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["evaluate", "--store", "--as-of", "2024-08-01", "--courts", str(courts),
                                     "--workers", "1"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.stderr
    with session_scope(db) as session:
        assert len(repository.verdicts_on(session=session, as_of=date(2024, 8, 1))) == 5


def test_a_bad_date_is_an_input_error(tmp_path: Path) -> None:
    _, cases = write_inputs(tmp_path)
    result = runner.invoke(app, ["evaluate", "--as-of", "2024-13-01", str(cases)])
    assert result.exit_code == 2 and "not a date" in result.stderr
