"""`assign generate`: the files it writes read back as the same cases; --store imports them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from api.cli import app
from api.config import get_settings
from assign.db import make_engine
from assign.generator import generate_cases
from assign.interchange import read_cases
from assign.models import CaseRow
from assign.network import courts_to_csv
from tests.factories import make_network

AS_OF = date(2026, 6, 30)
ARGS = ["generate", "--cases", "120", "--seed", "4", "--as-of", AS_OF.isoformat()]


@pytest.fixture
def courts_file(tmp_path: Path) -> Path:
    path = tmp_path / "courts.csv"
    path.write_text(courts_to_csv(make_network()), encoding="utf-8")
    return path


def _expected() -> list[dict[str, object]]:
    return [c.model_dump(mode="json") for c in generate_cases(make_network(), 120, seed=4, as_of=AS_OF)]


@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".csv"])
def test_written_files_read_back_as_the_generated_cases(tmp_path: Path, courts_file: Path, suffix: str) -> None:
    out = tmp_path / f"cases{suffix}"
    result = CliRunner().invoke(app, [*ARGS, "--courts", str(courts_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    parsed = read_cases(out, fmt=suffix[1:], as_of=AS_OF, network=make_network())
    assert parsed.problems == []
    assert [c.model_dump(mode="json") for c in parsed.cases] == _expected()


def test_stdout_is_a_json_array(courts_file: Path) -> None:
    result = CliRunner().invoke(app, [*ARGS, "--courts", str(courts_file)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == _expected()


def test_unknown_suffix_and_province_are_input_errors(tmp_path: Path, courts_file: Path) -> None:
    bad_suffix = CliRunner().invoke(app, [*ARGS, "--courts", str(courts_file), "--out", str(tmp_path / "x.txt")])
    assert bad_suffix.exit_code == 2
    bad_province = CliRunner().invoke(app, [*ARGS, "--courts", str(courts_file), "--province", "99"])
    assert bad_province.exit_code == 2


def test_store_imports_every_generated_case(db_url: str, courts_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        loaded = CliRunner().invoke(app, ["courts", "load", str(courts_file)])
        assert loaded.exit_code == 0, loaded.output
        result = CliRunner().invoke(app, [*ARGS, "--store"])  # over the store's active network
        assert result.exit_code == 0, result.output
        again = CliRunner().invoke(app, [*ARGS, "--courts", str(courts_file), "--store"])  # the same network
        assert again.exit_code == 0, again.output
        assert "unchanged 120" in again.output  # same seed, same cases: an idempotent re-import
    finally:
        get_settings.cache_clear()
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(CaseRow.__table__)).scalar_one() == 120
    engine.dispose()


def test_store_rejects_cases_over_courts_the_store_does_not_know(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assign.network import CourtNetwork
    from tests.factories import make_court

    unknown = CourtNetwork([
        make_court("H990000", level="high", division="990000"),
        make_court("I990100", level="intermediate", parent="H990000", division="990100"),
        make_court("B990101", parent="I990100", division="990101"),
    ])
    path = tmp_path / "unknown.csv"
    path.write_text(courts_to_csv(unknown), encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["generate", "--cases", "5", "--seed", "1", "--as-of", "2026-06-30",
                                          "--courts", str(path), "--store"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "rejected 5" in result.output
