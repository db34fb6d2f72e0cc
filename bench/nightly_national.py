"""Nightly job benchmark on the national network: generate + import N open-case records into a
fresh SQLite, then run the whole night (evaluate, select, solve per forum, publish) and print
per-stage times. Each executor configuration runs on its own copy of the freshly imported
store, so every configuration does the same full night.

    .venv/bin/python bench/nightly_national.py                       # 1,000,000 cases, local pool
    .venv/bin/python bench/nightly_national.py --cases 20000 --executors local,ray1,ray2

Target (issue 6): 1,000,000 cases (~50,000 needing a court) end to end in <= 5 min on 2 cores.
The evaluate stage always uses the store-wide evaluation's 2-process pool; the executor
choice changes the solve stage only, so the Ray speed-up is read off the solve column.
Every configuration gets the same per-forum solver time limits (those of --solve-budget
shared by 2 workers), so 1 and 2 workers do the same solver work and the speed-up is real
parallelism, not a smaller budget.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from api.config import BUILTIN_RULEBOOK_DIR
from api.executors import LocalPoolExecutor, RayExecutor
from api.nightly import NightlyOptions, default_services, run_nightly
from assign import migrate
from assign.db import make_engine
from assign.generator import generate_cases
from assign.importer import import_cases
from assign.network import builtin_network

STAGES = ("evaluate", "select", "solve", "publish")


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def build_store(path: Path, n: int, seed: int, as_of: date) -> float:
    started = time.perf_counter()
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    network = builtin_network()
    report = import_cases(engine, generate_cases(network, n, seed=seed, as_of=as_of), as_of=as_of, network=network,
                          record_keys=False, batch_size=10_000)
    engine.dispose()
    say(f"generate + import: {report.counts['stored']:,} cases in {time.perf_counter() - started:.1f} s "
        f"({report.rejected_rows} rejected)")
    return time.perf_counter() - started


def copy_store(src: Path, dst: Path) -> None:
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)


def one_night(path: Path, config: str, as_of: date, budget: float, cap: float) -> dict[str, float]:
    kind, workers = ("ray", int(config[3:] or 2)) if config.startswith("ray") else ("local", 2)
    engine = make_engine(f"sqlite:///{path}")
    services = default_services(rulebook_dir=BUILTIN_RULEBOOK_DIR, eval_workers=2,
                                solve_params={"seed": 20240617, "workers": 1})
    # the budget is worker time shared out as budget * workers: scale it so every configuration
    # gets the per-forum limits of 2 workers (same work)
    options = NightlyOptions(executor=kind, workers=workers, solve_budget_s=budget * 2 / workers,
                             forum_time_limit_s=cap,
                             task_time_limit_s=3 * cap + 120)
    started = time.perf_counter()
    executor = (RayExecutor(workers=workers, time_limit_s=options.task_time_limit_s) if kind == "ray"
                else LocalPoolExecutor(workers=workers, time_limit_s=options.task_time_limit_s))
    ray_start = time.perf_counter() - started
    try:
        report = run_nightly(engine, as_of=as_of, services=services, options=options, executor=executor)
    finally:
        executor.close()
    total = time.perf_counter() - started
    s = report.summary
    say(f"[{config}] evaluated {s.cases_evaluated:,}, needing a court {s.needing_court:,}, placed "
        f"{s.placed:,}, forums {s.forums}, moves {s.moves_against_previous}, worst gap {s.worst_gap}")
    engine.dispose()
    inside = ", ".join(f"{k} {report.stage_times_s.get(k, 0.0):.1f} s" for k in ("prepare", "validate", "store"))
    say(f"[{config}] inside the solve stage: {inside}; the rest is solver time and waiting for workers")
    return {**{k: report.stage_times_s.get(k, 0.0) for k in STAGES}, "cluster start": ray_start, "total": total}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--as-of", default="2025-06-30")
    ap.add_argument("--executors", default="local", help="comma list of local, ray1, ray2")
    ap.add_argument("--solve-budget", type=float, default=150.0, help="solve stage wall budget (s)")
    ap.add_argument("--forum-cap", type=float, default=20.0, help="cap on one forum's solver time (s)")
    ap.add_argument("--dir", type=Path, default=None, help="where the SQLite files go (default: a temp dir)")
    ap.add_argument("--reuse", action="store_true", help="reuse --dir's base.sqlite (migrated) instead of building it")
    args = ap.parse_args()
    as_of = date.fromisoformat(args.as_of)
    workdir = args.dir or Path(tempfile.mkdtemp(prefix="nightly-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    base = workdir / "base.sqlite"
    if args.reuse and base.exists():
        migrate.upgrade(make_engine(f"sqlite:///{base}"))
        say(f"reusing {base}")
    else:
        base.unlink(missing_ok=True)
        build_store(base, args.cases, args.seed, as_of)
    results: dict[str, dict[str, float]] = {}
    for config in args.executors.split(","):
        night_db = workdir / f"night-{config}.sqlite"
        night_db.unlink(missing_ok=True)
        copy_store(base, night_db)
        results[config] = one_night(night_db, config, as_of, args.solve_budget, args.forum_cap)
    cols = (*STAGES, "cluster start", "total")
    say("\n" + f"{'executor':<10}" + "".join(f"{c:>14}" for c in cols))
    for config, t in results.items():
        say(f"{config:<10}" + "".join(f"{t[c]:>13.1f}s" for c in cols))
    if "ray1" in results and "ray2" in results:
        r1, r2 = results["ray1"], results["ray2"]
        say(f"Ray 2 workers vs 1: solve x{r1['solve'] / max(r2['solve'], 1e-9):.2f}, "
            f"end to end x{r1['total'] / max(r2['total'], 1e-9):.2f}")
    if args.dir is None:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
