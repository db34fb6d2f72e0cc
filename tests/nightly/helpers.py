"""Builders and state snapshots for the nightly tests."""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.nightly import NightlyOptions, NightlyServices
from assign import migrate, repository
from assign.db import make_engine, session_scope
from assign.generator import generate_cases
from assign.importer import import_cases
from assign.network import builtin_network
from assign.schemas import Case
from solver.instance import SolveParams
from tests.conftest import copy_sqlite_template, settle_sqlite
from tests.factories import make_case, make_network
from tests.nightly import standins

AS_OF = date(2024, 9, 30)
COURTS = ["B510104", "B510105", "B510112", "B510703", "B510781", "I510100", "I510700"]


def small_cases(n: int, *, prefix: str = "") -> list[Case]:
    """`n` open cases spread over the test network's basic and intermediate courts."""
    cases = []
    for i in range(n):
        court = COURTS[i % len(COURTS)]
        debtor = {"id": f"91510000MA6C{i % (n // 3 + 1):06d}", "name": f"某公司{i}", "kind": "company",
                  "domicile_division": court[1:7]}
        cases.append(make_case(f"(2024){prefix}川执{i:05d}号", court_code=court, debtor=debtor))
    return cases


def seed_store(engine: Engine, n: int = 120) -> None:
    network = make_network()
    with session_scope(engine) as session:
        repository.replace_network(session=session, network=network, source="tests.factories.make_network")
    import_cases(engine, small_cases(n), as_of=AS_OF, network=network)


def standin_services(**params: Any) -> NightlyServices:
    return NightlyServices(rulebook_hash=standins.RULEBOOK.hash, evaluate_store=standins.evaluate,
                           placer=standins.place, solve_params=SolveParams(seed=7, **params))


def fast_options(**overrides: Any) -> NightlyOptions:
    base: dict[str, Any] = {"workers": 2, "task_time_limit_s": 60.0, "stale_after_s": 30.0, "heartbeat_s": 0.5}
    return NightlyOptions(**{**base, **overrides})


def _plain(value: Any) -> Any:
    """Backend-neutral values: SQLite returns dates as text and booleans as 0/1."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _rows(engine: Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(_plain(v) for v in r) for r in conn.execute(sa.text(sql)).all()]


def _without_times(data: str) -> Any:
    value = json.loads(data)
    if isinstance(value, dict):
        value.pop("time_s", None)
        value.pop("stage_times_s", None)
        value.pop("budget", None)  # the night's budget split: durations too
        if isinstance(value.get("solver"), dict):
            value["solver"].pop("time_s", None)
    return value


def snapshot(engine: Engine) -> dict[str, Any]:
    """The state a night leaves behind, without timestamps and durations."""
    return {
        "verdicts": _rows(engine, "SELECT case_no, as_of, outcome, forum, recommended_mode, rulebook_hash, data "
                                  "FROM verdict ORDER BY case_no, as_of"),
        "plans": [(p, s, st, pub, r, _without_times(d)) for p, s, st, pub, r, d in _rows(
            engine, "SELECT plan_id, scope, status, published, run_id, data FROM plan ORDER BY plan_id")],
        "recommendations": [(p, g, _without_times(d)) for p, g, d in _rows(
            engine, "SELECT plan_id, group_key, data FROM recommendation ORDER BY plan_id, group_key")],
        "events": [(k, s, _without_times(p)) for k, s, p in _rows(
            engine, "SELECT kind, subject, payload FROM event ORDER BY id")],
        "runs": [(r, st, _without_times(s)) for r, st, s in _rows(
            engine, "SELECT run_id, status, summary FROM nightly_run ORDER BY run_id")],
        "forums": _rows(engine, "SELECT run_id, forum, plan_id, cases, placed, moves FROM nightly_forum "
                                "ORDER BY run_id, forum"),
    }


class InlineExecutor:
    """Runs tasks in this process, in order (tests of the orchestration, not of fan-out)."""

    name = "inline"

    def start(self, fn: Any, *, shared: Any) -> None:
        return None

    def run(self, fn: Any, tasks: Any, *, shared: Any, on_result: Any) -> None:
        from api.executors import TaskOutcome

        for key, task in tasks.items():
            on_result(TaskOutcome(key, fn(task, shared), None, 1))

    def close(self) -> None:
        return None


def chongqing_store(path: Path, as_of: date) -> Engine:
    """A migrated SQLite store with 1,500 generated Chongqing cases on the built-in network
    (the real rulebook and solver find forums to plan in it), at `path`: a copy of the one built for `as_of`
    in this process (generation and import are deterministic, and take seconds)."""
    return make_engine(copy_sqlite_template(_chongqing_template(as_of), path))


@functools.cache
def _chongqing_template(as_of: date) -> Path:
    directory = Path(tempfile.mkdtemp(prefix="chongqing-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    path = directory / f"{as_of.isoformat()}.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    network = builtin_network()
    import_cases(engine, generate_cases(network, 1500, seed=5, as_of=as_of, province="50"), as_of=as_of,
                 network=network)
    settle_sqlite(engine)
    return path
