"""The Ray executor and the local pool give the same plans for the same seed (real services)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.config import BUILTIN_RULEBOOK_DIR
from api.executors import LocalPoolExecutor, ray_available
from api.nightly import NightlyOptions, default_services, run_nightly
from solver.instance import SolveParams
from tests.nightly.helpers import chongqing_store

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not ray_available(), reason="Ray is not installed (pip install '.[ray]')"),
]
AS_OF = date(2025, 6, 30)


def _plans(engine: Engine) -> dict[str, tuple[dict[str, str], list[tuple[str, str | None]]]]:
    with engine.connect() as conn:
        plans = conn.execute(sa.text("SELECT plan_id, scope, data FROM plan WHERE published")).all()
        recs = conn.execute(sa.text("SELECT plan_id, case_nos, target_court FROM recommendation")).all()
    return {scope: (json.loads(data)["assignments"],
                    sorted((c, t) for p, c, t in recs if p == plan_id)) for plan_id, scope, data in plans}


def test_ray_and_the_local_pool_place_the_same_way(tmp_path: Path) -> None:
    import ray

    services = default_services(rulebook_dir=BUILTIN_RULEBOOK_DIR, eval_workers=1,
                                solve_params=SolveParams(seed=11, workers=1, deterministic=True))
    options = NightlyOptions(workers=2, solve_budget_s=4, forum_time_limit_s=2, task_time_limit_s=120)
    local_db = chongqing_store(tmp_path / "local.sqlite", AS_OF)
    ray_db = chongqing_store(tmp_path / "ray.sqlite", AS_OF)
    local = run_nightly(local_db, as_of=AS_OF, services=services, options=options,
                        executor=LocalPoolExecutor(workers=2, time_limit_s=120))
    from api.executors import RayExecutor

    executor = RayExecutor(workers=2, time_limit_s=120)
    try:
        on_ray = run_nightly(ray_db, as_of=AS_OF, services=services, options=options, executor=executor)
    finally:
        executor.close()
    assert not ray.is_initialized()
    assert local.run_id == on_ray.run_id and local.summary.needing_court > 0
    assert _plans(local_db) == _plans(ray_db)
    assert local.summary.placed == on_ray.summary.placed


def test_ray_retries_a_task_whose_worker_died(tmp_path: Path) -> None:
    from api.executors import RayExecutor
    from tests.nightly import tasks

    executor = RayExecutor(workers=2, time_limit_s=60, retries=2)
    got = {}
    try:
        executor.run(tasks.die_once, {"a": {"x": 1, "die": True}, "b": {"x": 2}},
                     shared={"marker": str(tmp_path / "m")}, on_result=lambda o: got.__setitem__(o.key, o))
    finally:
        executor.close()
    assert (tmp_path / "m").exists()  # the worker did die once
    assert {k: o.result["value"] for k, o in got.items() if o.result} == {"a": 1, "b": 2}
