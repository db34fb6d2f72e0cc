"""HiGHS (highspy) as a second MIP engine on the models the constraint units build.

`MipBackend` is the CP-SAT model's twin in a pywraplp container: integer variables and the
coefficients rounded exactly as `CpSatBackend.dot` rounds them, so both engines solve the same
problem; `run_highs` hands the container to HiGHS as arrays (through OR-Tools' exact proto: its
MPS text rounds large numbers to 6 digits, measured) with no gap tolerance. Used by the frontier
(`solver.frontier`: the ε-constrained least-travel points, where HiGHS proves in 0.1-1.3 s what
CP-SAT often leaves open, measured on the 2,000-case Sichuan batch) and by bench/solver_pools.py.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import highspy
from ortools.linear_solver import linear_solver_pb2, pywraplp

from solver import linear
from solver.variables import LpBackend

_BUILT = threading.Lock()
_quieted = False


class MipBackend(LpBackend):
    """A pywraplp container with integer variables; the model is solved by `run_highs`."""

    integral = True

    def __init__(self) -> None:
        self.solver = pywraplp.Solver.CreateSolver("SCIP")  # a model container only: passed on as arrays

    def int_var(self, lb: int, ub: int, name: str) -> Any:
        return self.solver.IntVar(lb, max(lb, ub), name)

    def dot(self, terms: Any, coefs: Any) -> Any:
        return linear.dot(terms, [int(round(c)) for c in coefs])


def new_highs() -> highspy.Highs:
    """A silent HiGHS. Its C++ prints a banner on the process's first instance: that one is built
    with file descriptor 1 on /dev/null (once per process, under a lock), so tables stay clean."""
    global _quieted
    with _BUILT:
        if not _quieted:
            sys.stdout.flush()
            saved = os.dup(1)
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                try:
                    highs = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy is not annotated
                finally:
                    os.dup2(saved, 1)
                    os.close(saved)
            _quieted = True
        else:
            highs = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy is not annotated
    highs.setOptionValue("output_flag", False)
    return highs


def highs_lp(model: pywraplp.Solver) -> highspy.HighsLp:
    """The pywraplp model as HiGHS arrays."""
    proto = linear_solver_pb2.MPModelProto()
    model.ExportModelToProto(proto)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(proto.variable), len(proto.constraint)
    lp.col_cost_ = [v.objective_coefficient for v in proto.variable]
    lp.col_lower_ = [v.lower_bound for v in proto.variable]
    lp.col_upper_ = [v.upper_bound for v in proto.variable]
    lp.offset_ = proto.objective_offset
    lp.integrality_ = [highspy.HighsVarType.kInteger if v.is_integer else highspy.HighsVarType.kContinuous
                       for v in proto.variable]
    lp.row_lower_ = [c.lower_bound for c in proto.constraint]
    lp.row_upper_ = [c.upper_bound for c in proto.constraint]
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    starts, index, value = [0], [], []
    for c in proto.constraint:
        index += list(c.var_index)
        value += list(c.coefficient)
        starts.append(len(index))
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = starts, index, value
    if proto.maximize:
        lp.sense_ = highspy.ObjSense.kMaximize
    return lp


@dataclass
class HighsResult:
    status: str  # OPTIMAL, FEASIBLE (a plan, not proven), UNKNOWN (no plan), INFEASIBLE
    time_s: float
    objective: float | None = None
    bound: float | None = None
    values: list[float] = field(default_factory=list)  # by variable index of the pywraplp model


def run_highs(model: pywraplp.Solver, time_limit_s: float, *, threads: int = 1,
              start: list[float] | None = None) -> HighsResult:
    """Solve the container's model with HiGHS's branch and cut, no gap tolerance; `start` (a
    feasible value per variable, by index) is a MIP start, so a plan comes back in any time."""
    highs = new_highs()
    highs.passModel(highs_lp(model))
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = list(start)
        solution.value_valid = True
        highs.setSolution(solution)
    for option, value in (("time_limit", max(0.01, time_limit_s)), ("mip_rel_gap", 0.0), ("mip_abs_gap", 0.0),
                          ("threads", threads)):
        highs.setOptionValue(option, value)
    started = time.perf_counter()
    highs.run()
    elapsed = time.perf_counter() - started
    status, info = highs.getModelStatus(), highs.getInfo()
    if status == highspy.HighsModelStatus.kInfeasible:
        return HighsResult("INFEASIBLE", elapsed)
    found = info.primal_solution_status == int(highspy.SolutionStatus.kSolutionStatusFeasible)
    if not found:
        return HighsResult("UNKNOWN", elapsed)
    return HighsResult("OPTIMAL" if status == highspy.HighsModelStatus.kOptimal else "FEASIBLE", elapsed,
                       info.objective_function_value, info.mip_dual_bound, list(highs.getSolution().col_value))
