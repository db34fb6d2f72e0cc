"""The linear-relaxation bound: the same constraint units over GLOP with continuous variables.

Every plan's model objective is at least this bound (the LP drops integrality), so
`(objective - lp_bound) / objective` is an honest, solver-independent gap for benchmarks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from ortools.linear_solver import pywraplp

from solver.instance import AssignmentInstance
from solver.lp_round import lp_model
from solver.model import TransferModel
from solver.variables import OBJ_SCALE


def lp_bound(inst: AssignmentInstance) -> float:
    """Sum over pools of the LP relaxation's optimum, in points (the model's scale)."""
    total = 0.0
    for pool in inst.pools:
        sub = inst.subinstance(pool.id)
        if not sub.classes:
            continue
        backend, _ = lp_model(sub)
        if backend.solver.Solve() != pywraplp.Solver.OPTIMAL:
            continue  # no bound from this pool
        total += backend.solver.Objective().Value() / OBJ_SCALE
    return total


def model_objective(inst: AssignmentInstance, assignment: Mapping[str, str], time_limit_s: float = 10.0) -> float:
    """The model's objective (points) of a fixed assignment, e.g. greedy's, on the LP bound's scale."""
    total = 0.0
    for pool in inst.pools:
        sub = inst.subinstance(pool.id)
        if not sub.classes:
            continue
        model = TransferModel(sub)
        for k in sub.classes:
            counts = Counter(assignment.get(no) for no in k.case_nos)
            for court in k.candidates:
                model.vars.fix(k.id, court, counts.get(court, 0))
        result = model.solve(time_limit_s)
        total += result.objective if result.objective is not None else float("nan")
    return total
