"""Placement-solver benchmark: CP-SAT against greedy on one generated province batch.

    .venv/bin/python bench/solver_bench.py --cases 20000 --province 51 --seed 1 --time-limit 30
    (or: assign bench solver --cases N --province CODE --seed S --time-limit T)

The batch and the figures are solver.benchmark's (what it builds: its docstring).
Figures depend on the machine's load: say so when quoting them.
"""

from __future__ import annotations

import argparse
import json
import sys

from solver.benchmark import run


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--province", default="51")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--processes", type=int, default=1)
    ap.add_argument("--frontier", action="store_true", help="also every pool's frontier (solver.frontier_benchmark)")
    ap.add_argument("--points", type=int, default=5)
    ap.add_argument("--frontier-time", type=float, default=60.0)
    a = ap.parse_args(argv)
    row = run(a.cases, a.province, a.seed, a.time_limit, a.workers, a.processes, frontier=a.frontier, points=a.points,
              frontier_time_s=a.frontier_time)
    sys.stdout.write(json.dumps(row, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
