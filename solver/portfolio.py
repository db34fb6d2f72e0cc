"""Two engines on one pool at once: HiGHS's branch and cut in a thread beside CP-SAT (issue 18).

The two prove different pools fast (bench/solver_pools.py: on the 2,000-case Sichuan batch
HiGHS proves some pools in a fraction of CP-SAT's time and CP-SAT others), and a pool is
proven as soon as the best plan *either* found meets the best bound *either* proved. So a
`Race` holds the best objective and the best bound of both; each engine reports to it (CP-SAT
through its solution and bound callbacks, HiGHS through its MIP callbacks) and stops once it
is settled. CP-SAT's incumbents are handed to HiGHS as user solutions (HiGHS completes the
auxiliary columns itself), so HiGHS prunes with the better plan of the two; HiGHS's plan and
bound come back as one more candidate (`HighsRace.result`). Both engines solve the same model
(`solver.highs.MipBackend` rounds coefficients as CP-SAT's backend does), so their objectives
and bounds are on one scale. HiGHS's search releases the GIL, so the two share the cores.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Mapping
from typing import Any

import highspy
import numpy as np

from solver.highs import MipBackend, highs_lp, new_highs
from solver.instance import AssignmentInstance
from solver.lp_round import lp_model
from solver.results import PoolResult, is_proven
from solver.stop import stop_token
from solver.variables import OBJ_SCALE

Counts = Mapping[tuple[str, str], int]


class Race:
    """The best plan objective and the best bound (points) any engine on the pool has reported."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.objective = math.inf
        self.bound = -math.inf
        self._counts: Counts | None = None
        self._fresh = False

    def found(self, objective: float, counts: Counts | None = None) -> None:
        with self._lock:
            if objective < self.objective:
                self.objective = objective
                if counts is not None:
                    self._counts, self._fresh = counts, True

    def bounded(self, bound: float) -> None:
        with self._lock:
            self.bound = max(self.bound, bound)

    def settled(self) -> bool:
        return math.isfinite(self.objective) and is_proven(self.objective, self.bound)

    def take_counts(self) -> Counts | None:
        """The best plan's counts if no engine has taken them since they were found."""
        with self._lock:
            if not self._fresh:
                return None
            self._fresh = False
            return self._counts


class HighsRace:
    """HiGHS on one pool in a thread: `start`, then `result` (waits for it) after the other engine."""

    def __init__(self, sub: AssignmentInstance, race: Race, *, threads: int = 1) -> None:
        self.sub, self.race = sub, race
        backend, self.ctx = lp_model(sub, MipBackend())
        self.highs = new_highs()
        self.highs.passModel(highs_lp(backend.solver))
        self.highs.setOptionValue("mip_rel_gap", 0.0)
        self.highs.setOptionValue("mip_abs_gap", 0.0)
        self.highs.setOptionValue("threads", threads)
        self.keys = list(self.ctx.vars.x)
        self.columns = np.array([self.ctx.vars.x[k].index() for k in self.keys], dtype=np.int32)
        self.stop = stop_token()
        self.thread: threading.Thread | None = None
        self.elapsed = 0.0
        self.highs.cbMipImprovingSolution.subscribe(self._improved)
        self.highs.cbMipInterrupt.subscribe(self._interrupt)
        self.highs.cbSimplexInterrupt.subscribe(self._interrupt_lp)  # the root LP of a large pool takes a while
        self.highs.cbMipUserSolution.subscribe(self._user_solution)

    def start(self, time_limit_s: float, start: Counts | None = None) -> None:
        """Search for `time_limit_s`; `start` (counts per class and court) is a first plan."""
        if start is not None:
            values = np.array([float(start.get(k, 0)) for k in self.keys])
            self.highs.setSolution(len(self.keys), self.columns, values)
        self.highs.setOptionValue("time_limit", max(0.01, time_limit_s))
        self.thread = threading.Thread(target=self._run, name="highs-pool", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        started = time.perf_counter()
        self.highs.run()
        self.elapsed = time.perf_counter() - started

    def _improved(self, e: Any) -> None:
        self.race.found(e.data_out.objective_function_value / OBJ_SCALE)

    def _interrupt(self, e: Any) -> None:
        self.race.bounded(e.data_out.mip_dual_bound / OBJ_SCALE)
        if self.race.settled() or self.stop():
            e.interrupt()

    def _interrupt_lp(self, e: Any) -> None:
        if self.race.settled() or self.stop():
            e.interrupt()

    def _user_solution(self, e: Any) -> None:
        counts = self.race.take_counts()
        if counts is not None and e.data_in is not None:
            e.data_in.setSolution(self.columns, np.array([float(counts.get(k, 0)) for k in self.keys]))
            e.data_in.user_has_solution = True

    def result(self) -> PoolResult:
        """Wait for the search; HiGHS's plan and bound (the bound alone when it found no plan)."""
        if self.thread is not None:
            self.thread.join()
        size = {"classes": len(self.sub.classes), "variables": len(self.keys), "method": "highs",
                "time_s": self.elapsed}
        status, info = self.highs.getModelStatus(), self.highs.getInfo()
        if status == highspy.HighsModelStatus.kInfeasible:
            return PoolResult(status="INFEASIBLE", **size)
        bound = info.mip_dual_bound / OBJ_SCALE if math.isfinite(info.mip_dual_bound) else None
        if info.primal_solution_status != int(highspy.SolutionStatus.kSolutionStatusFeasible):
            return PoolResult(status="UNKNOWN", bound=bound, bound_by="highs", **size)
        col = self.highs.getSolution().col_value
        assign, left = self.ctx.vars.extract({v: col[v.index()] for v in self.ctx.vars.x.values()})
        return PoolResult(status="OPTIMAL" if status == highspy.HighsModelStatus.kOptimal else "FEASIBLE",
                          assignments=assign, unplaced=left, objective=info.objective_function_value / OBJ_SCALE,
                          bound=bound, bound_by="highs", **size)
