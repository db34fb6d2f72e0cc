"""Per-pool proof times: whole-pool CP-SAT on each subproblem of a generated batch, alone.

    .venv/bin/python bench/solver_pools.py --cases 2000 --province 51 --seed 1 --time-limit 10
    .venv/bin/python bench/solver_pools.py --pools I510400,I510800 --params shipped,default4
    .venv/bin/python bench/solver_pools.py --params shipped,highs --time-limit 10

For whoever takes the "2,000 cases optimal in 5 s" target (issue 4): it shows which pools
CP-SAT proves and how fast, per parameter set, on the batch `bench/solver_bench.py` solves
(same generator, same demands), with the LP-relaxation bound beside each. `shipped` is the
solver's own configuration (`solver.model.TransferModel.solve`); the others are CP-SAT's
portfolio variants measured against it, and `highs` is HiGHS's MIP solver (highspy, a dev
dependency) on the very same model (same variables, coefficients rounded the same way, no gap
tolerance), so both engines' bounds and optima can be set against each other. Figures depend
on the machine's load.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from assign.network import builtin_network
from solver import SolveParams, build_instance
from solver.benchmark import placement_demands
from solver.bound import lp_bound
from solver.highs import MipBackend, run_highs
from solver.instance import AssignmentInstance
from solver.lp_round import lp_model
from solver.model import TransferModel, solve_pool
from solver.variables import OBJ_SCALE

PARAMS: dict[str, dict[str, Any] | None] = {
    "shipped": None,  # TransferModel.solve's own settings
    "default4": {"num_workers": 4},
    "default8": {"num_workers": 8},
    "shaving": {"num_workers": 4, "subsolvers": ["max_lp", "objective_shaving", "objective_lb_search",
                                                 "reduced_costs"]},
    "lb_tree": {"num_workers": 4, "subsolvers": ["max_lp", "objective_lb_search", "lb_tree_search",
                                                 "reduced_costs"]},
    "single": {"num_workers": 1},
    "highs": None,  # HiGHS's MIP branch and cut (highspy) on the same model
    # the shipped pool solve (solver.model.solve_pool: LP, rounding, neighbourhoods, whole pool),
    # with HiGHS beside CP-SAT (the portfolio, solver.portfolio) and without it
    "pool": None,
    "pool_cpsat": None,
}


def solve_highs(sub: AssignmentInstance, limit_s: float) -> dict[str, Any]:
    """Proven optimum or best plan and bound of one pool by HiGHS (no relative gap tolerance)."""
    backend, _ = lp_model(sub, MipBackend())
    r = run_highs(backend.solver, limit_s)
    found = r.objective is not None
    return {"status": r.status if r.status in ("OPTIMAL", "FEASIBLE") else "UNKNOWN", "time_s": r.time_s,
            "objective": r.objective / OBJ_SCALE if found else None,
            "bound": r.bound / OBJ_SCALE if r.bound is not None else None}


def solve_alone(model: TransferModel, name: str, limit_s: float) -> dict[str, Any]:
    r = model.solve(limit_s, portfolio=PARAMS[name])
    return {"status": r.status, "time_s": r.time_s, "objective": r.objective, "bound": r.bound}


def solve_shipped(sub: AssignmentInstance, limit_s: float, *, portfolio: bool) -> dict[str, Any]:
    params = sub.params if portfolio else sub.params.model_copy(update={"highs_max_vars": 0})
    r = solve_pool(sub.model_copy(update={"params": params}), limit_s)
    return {"status": r.status, "time_s": r.time_s, "objective": r.objective, "bound": r.bound,
            "note": f"plan {r.method}, bound {r.bound_by}"}


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _num(value: float | None) -> str:
    return f"{value:9.2f}" if value is not None else f"{'-':>9s}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--province", default="51")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=10.0, help="seconds per pool and parameter set")
    ap.add_argument("--pools", default="", help="forum codes to run (default: every pool with cases)")
    ap.add_argument("--params", default="shipped", help=f"comma-separated, of: {', '.join(PARAMS)}")
    a = ap.parse_args(argv)
    names = a.params.split(",")
    if unknown := [n for n in names if n not in PARAMS]:
        ap.error(f"unknown parameter set(s): {', '.join(unknown)}")
    network = builtin_network()
    cases, verdicts = placement_demands(network, a.cases, province=a.province, seed=a.seed, as_of=date(2025, 6, 30))
    inst = build_instance(cases, verdicts, network, params=SolveParams(seed=a.seed))
    wanted = set(filter(None, a.pools.split(",")))
    pools = [p.id for p in inst.pools if any(k.pool == p.id for k in inst.classes)
             and (not wanted or p.id.split(":")[0] in wanted)]
    _out(f"{'pool':22s} {'cases':>5s} {'params':9s} {'status':8s} {'time_s':>6s} {'objective':>9s} {'bound':>9s} "
          f"{'LP bound':>9s}")
    for name in names:
        proven, spent, objective, bound = 0, 0.0, 0.0, 0.0
        for pool in pools:
            sub = inst.subinstance(pool)
            if name == "highs":
                r = solve_highs(sub, a.time_limit)
            elif name.startswith("pool"):
                r = solve_shipped(sub, a.time_limit, portfolio=name == "pool")
            else:
                r = solve_alone(TransferModel(sub), name, a.time_limit)
            proven += r["status"] == "OPTIMAL"
            spent += r["time_s"]
            objective += r["objective"] or 0.0
            bound += r["bound"] or 0.0
            _out(f"{pool:22s} {len(sub.demands):5d} {name:9s} {r['status']:8s} {r['time_s']:6.2f} "
                 f"{_num(r['objective'])} {_num(r['bound'])} {_num(lp_bound(sub))} {r.get('note', '')}")
        _out(f"# {name}: {proven} of {len(pools)} pools proven, {spent:.1f} s in all; sum of objectives "
             f"{objective:.2f}, of bounds {bound:.2f} (gap {(objective - bound) / max(abs(objective), 1e-9):.4%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
