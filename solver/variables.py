"""Decision variables in a container, over one of two backends (CP-SAT, or GLOP for the LP bound).

`CaseVars` creates an integer variable only for the legal (class, court) pairs the instance
lists: how many of the class's interchangeable cases go to that court. Illegal pairs have
no variable at all, so `fix` on one makes the model infeasible instead of silently legal.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from solver import linear
from solver.instance import AssignmentInstance, DemandClass, SolveParams
from solver.linear import Row, write_objective, write_row

OBJ_SCALE = 100  # objective units per point
BURDEN_RES = 10  # per-officer maxima are modelled in 1/(WEIGHT_SCALE*BURDEN_RES) weighted cases


class CpSatBackend:
    integral = True

    def __init__(self) -> None:
        self.model = cp_model.CpModel()

    def int_var(self, lb: int, ub: int, name: str) -> Any:
        return self.model.new_int_var(lb, max(lb, ub), name)

    def add(self, ct: Any) -> None:
        self.model.add(ct)

    def dot(self, terms: Sequence[Any], coefs: Sequence[float]) -> Any:
        return cp_model.LinearExpr.weighted_sum(list(terms), [int(round(c)) for c in coefs])

    def impossible(self) -> None:
        self.model.add_bool_or([])


class LpBackend:
    """GLOP with continuous variables; expressions are `solver.linear.LinExpr` (fast to build)."""

    integral = False

    def __init__(self) -> None:
        self.solver = pywraplp.Solver.CreateSolver("GLOP")

    def int_var(self, lb: int, ub: int, name: str) -> Any:
        return self.solver.NumVar(lb, max(lb, ub), name)

    def add(self, ct: Row) -> None:
        write_row(self.solver, ct)

    def dot(self, terms: Sequence[Any], coefs: Sequence[float]) -> Any:
        return linear.dot(terms, coefs)

    def minimize(self, expr: Any) -> None:
        write_objective(self.solver, expr)

    def impossible(self) -> None:
        v = self.solver.NumVar(0, 0, "impossible")
        self.solver.Add(v >= 1)


class CaseVars:
    """x[class, court] = cases of the class placed there; unplaced[class] = cases left without a court."""

    def __init__(self, backend: CpSatBackend | LpBackend, inst: AssignmentInstance) -> None:
        self.backend = backend
        self.inst = inst
        self.x: dict[tuple[str, str], Any] = {}
        self.unplaced: dict[str, Any] = {}
        self.by_court: dict[str, list[tuple[str, Any]]] = defaultdict(list)
        self.size: dict[str, int] = {}
        self._pinned: dict[str, int] = defaultdict(int)
        for k in inst.classes:
            n = len(k.case_nos)
            self.size[k.id] = n
            row = []
            for court in k.candidates:
                var = backend.int_var(0, n, f"x[{k.id},{court}]")
                self.x[(k.id, court)] = var
                self.by_court[court].append((k.id, var))
                row.append(var)
            self.unplaced[k.id] = backend.int_var(0, 0 if k.pinned else n, f"unplaced[{k.id}]")
            backend.add(backend.dot([*row, self.unplaced[k.id]], [1] * (len(row) + 1)) == n)
            if k.pinned:
                self._pinned[k.pinned] += k.weight * n

    def is_assigned_to(self, class_id: str, court: str) -> Any | None:
        return self.x.get((class_id, court))

    def fix(self, class_id: str, court: str, count: int) -> None:
        """Force `count` cases of the class onto `court`; an illegal pair makes the model infeasible."""
        var = self.x.get((class_id, court))
        if var is None:
            self.backend.impossible()
        else:
            self.backend.add(self.backend.dot([var], [1]) == count)

    def pinned_load(self, court: str) -> int:
        return self._pinned.get(court, 0)

    def counts(self, assignments: Mapping[str, str]) -> dict[tuple[str, str], int]:
        """A case_no -> court plan as counts per legal (class, court) pair (the inverse of `extract`)."""
        out: dict[tuple[str, str], int] = {}
        for k in self.inst.classes:
            placed = Counter(assignments.get(no) for no in k.case_nos)
            for court in k.candidates:
                out[(k.id, court)] = placed.get(court, 0)
        return out

    def extract(self, values: Mapping[Any, float]) -> tuple[dict[str, str], list[str]]:
        """(case_no -> court, unplaced case_nos) from solved values, cases in a stable order."""
        assign: dict[str, str] = {}
        left: list[str] = []
        for k in self.inst.classes:
            nos = list(k.case_nos)
            counts = {c: int(round(values[self.x[(k.id, c)]])) for c in k.candidates}
            # the previous court first, so churn lands on the cases that were already there
            order = sorted(k.candidates, key=lambda c: (c != k.previous, k.candidates.index(c)))
            i = 0
            for court in order:
                for _ in range(counts[court]):
                    assign[nos[i]] = court
                    i += 1
            left.extend(nos[i:])
        return assign, left


class ModelContext:
    """What a constraint unit's `build` sees: the backend, the variables, loads, parameters."""

    def __init__(self, backend: CpSatBackend | LpBackend, inst: AssignmentInstance, params: SolveParams) -> None:
        self.backend = backend
        self.inst = inst
        self.params = params
        self.vars = CaseVars(backend, inst)
        self.weight_of = {k.id: k.weight for k in inst.classes}

    def courts_with_vars(self) -> list[str]:
        return sorted(self.vars.by_court)

    def load(self, court: str) -> Any:
        """Scaled weighted transfers on the court: placed classes plus fixed escalations."""
        pairs = self.vars.by_court.get(court, [])
        fixed = self.inst.courts[court].fixed_load
        if not pairs:
            return self.backend.dot([], []) + fixed
        return self.backend.dot([v for _, v in pairs], [self.weight_of[k] for k, _ in pairs]) + fixed

    def coef(self, unit_id: str, per_point: float = 1.0) -> float:
        """Objective coefficient: the unit's weight in objective units, times `per_point`."""
        return self.params.weight(unit_id) * OBJ_SCALE * per_point

    def pair_term(self, unit_id: str, per_case: Callable[[DemandClass, str, int], float]) -> Any:
        """The unit's term summed over every legal (class, court) pair: weight x `per_case(class, court,
        index of the court among the class's candidates)` per case placed there; pairs costing 0 add nothing."""
        terms, coefs = [], []
        for k in self.inst.classes:
            for i, court in enumerate(k.candidates):
                if cost := per_case(k, court, i):
                    terms.append(self.vars.x[(k.id, court)])
                    coefs.append(self.coef(unit_id, cost))
        return self.backend.dot(terms, coefs)
