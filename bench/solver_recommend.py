"""Single-case recommendation latency on the national network (no solve).

    .venv/bin/python bench/solver_recommend.py [--cases 500] [--seed 1]

Generates cases nationwide, gives each a designate verdict (forum = the court's 上一级,
flags from its indicators, as in bench/solver_bench.py), and times `recommend_one` against
the plan state of a solved batch (the first half of the cases). Prints median, p95, max ms.
Figures depend on the machine's load: say so when quoting them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date

from api.service.placement import plan_state, recommend_one
from assign.network import builtin_network
from solver import SolveParams, build_instance, solve
from solver.benchmark import placement_demands


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    network = builtin_network()
    cases, verdicts = placement_demands(network, 2 * a.cases, province=None, seed=a.seed,
                                        as_of=date(2025, 6, 30))
    half = len(cases) // 2
    inst = build_instance(cases[:half], verdicts[:half], network, params=SolveParams(time_limit_s=20))
    plan = solve(inst)
    state = plan_state(inst, plan)
    by_no = {v.case_no: v for v in verdicts}
    times = []
    placed = 0
    for case in cases[half:]:
        verdict = by_no.get(case.case_no)
        if verdict is None:
            continue
        started = time.perf_counter()
        rec = recommend_one(case, verdict, network, state)
        times.append((time.perf_counter() - started) * 1000)
        placed += rec.target_court is not None
    times.sort()
    row = {"network_courts": len(network), "state_from_plan_of": half, "calls": len(times), "with_court": placed,
           "median_ms": round(statistics.median(times), 3), "p95_ms": round(times[int(0.95 * len(times))], 3),
           "max_ms": round(times[-1], 3)}
    sys.stdout.write(json.dumps(row) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
