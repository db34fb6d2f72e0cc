"""The nightly after its store pass, two nights, on a copy of a store whose verdicts of both days are stored: the
leads, select, solve (fixed budget) and publish stages, what ran in no stage, the main process's CPU and digests
of the stored leads and of each night's placements (issue 17: the serial stages around the store pass).

    .venv/bin/python bench/nightly_after_pass.py /tmp/me/store-200000-r1000000-0.1-s17-2025-11-20.sqlite /tmp/me

The first run builds WORKDIR/template.sqlite (not timed): a copy of STORE with both days evaluated by the store
pass. Each run then copies it and runs `run_nightly` on 2025-11-20 and 2025-11-21 with the store pass a no-op, the
forkserver started as the store pass leaves it. For an A/B, run this file alternately with PYTHONPATH=<each tree>
(each copy is migrated by that tree). The search is time-limited: placements differ run to run; their counts and
the leads' digests must not.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import os
import resource
import shutil
import sqlite3
import sys
import time
from datetime import date
from pathlib import Path

from api.config import BUILTIN_RULEBOOK_DIR
from api.executors import LocalPoolExecutor
from api.nightly import NightlyOptions, default_services, run_nightly
from assign import migrate
from assign.db import make_engine
from assign.network import builtin_network
from assign.processes import process_pool
from solver.instance import SolveParams

DAYS = (date(2025, 11, 20), date(2025, 11, 21))
STAGES = ("leads", "select", "solve", "prepare", "store", "publish")
SOLVE = SolveParams(seed=20240617, workers=1)


def template(store: Path, workdir: Path) -> Path:
    built = workdir / "template.sqlite"
    if not built.exists():
        work = workdir / "template-building.sqlite"
        shutil.copyfile(store, work)
        engine = make_engine(f"sqlite:///{work}")
        migrate.upgrade(engine)
        services = default_services(rulebook_dir=BUILTIN_RULEBOOK_DIR, eval_workers=2, solve_params=SOLVE)
        for day in DAYS:
            services.evaluate_store(f"sqlite:///{work}", day, builtin_network(), None)
        engine.dispose()
        with sqlite3.connect(work) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        work.rename(built)
    return built


def digests(path: Path) -> str:
    db = sqlite3.connect(path)
    leads = hashlib.sha256(repr(db.execute(
        "SELECT case_no, record_id, court_code, forum, kind, state, asset_kind, value, first_seen_on, as_of, active,"
        " resolved_on, data FROM restoration_lead ORDER BY case_no, record_id").fetchall()).encode()).hexdigest()[:16]
    out = [f"leads {leads}"]
    for (run_id,) in db.execute("SELECT run_id FROM nightly_run ORDER BY as_of").fetchall():
        rows = db.execute("SELECT p.scope, r.case_nos, r.target_court FROM recommendation r JOIN plan p ON p.plan_id"
                          " = r.plan_id WHERE p.run_id = ? ORDER BY p.scope, r.case_nos", (run_id,)).fetchall()
        placed = sum(len(r[1].split(",")) for r in rows if r[2])
        out.append(f"{run_id[:10]} placed {placed} ({hashlib.sha256(repr(rows).encode()).hexdigest()[:16]})")
    return "; ".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store", type=Path, help="a store with a register feed and no nights (read only: copied)")
    ap.add_argument("workdir", type=Path)
    ap.add_argument("--solve-budget", type=float, default=30.0)
    args = ap.parse_args()
    with process_pool(1, preload=["api.service.evaluation"]) as pool:  # the forkserver as a store pass leaves it
        pool.submit(os.getpid).result()
    night = args.workdir / "night.sqlite"
    for old in args.workdir.glob("night.sqlite*"):
        old.unlink()
    shutil.copyfile(template(args.store, args.workdir), night)
    engine = make_engine(f"sqlite:///{night}")
    migrate.upgrade(engine)
    services = dataclasses.replace(default_services(rulebook_dir=BUILTIN_RULEBOOK_DIR, eval_workers=2,
                                                    solve_params=SOLVE), evaluate_store=lambda *a: 0)
    options = NightlyOptions(workers=2, solve_budget_s=args.solve_budget, forum_time_limit_s=20, task_time_limit_s=180)
    for day in DAYS:
        executor = LocalPoolExecutor(workers=2, time_limit_s=options.task_time_limit_s)
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            report = run_nightly(engine, as_of=day, services=services, options=options, executor=executor)
        finally:
            executor.close()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        t = report.stage_times_s
        outside = wall - sum(t.get(k, 0.0) for k in ("leads", "select", "solve", "publish"))
        sys.stdout.write(f"{day}: wall {wall:.1f} s, main CPU {cpu:.1f} s, outside the stages {outside:.1f} s | "
                         + ", ".join(f"{k} {t.get(k, 0.0):.1f}" for k in STAGES) + "\n")
    rusage = resource.getrusage(resource.RUSAGE_CHILDREN)
    sys.stdout.write(f"children CPU {rusage.ru_utime + rusage.ru_stime:.1f} s | {digests(night)}\n")
    engine.dispose()
    for old in args.workdir.glob("night.sqlite*"):
        old.unlink()


if __name__ == "__main__":
    main()
