"""A finished plan seen without any solver: loads per court and pool, for checks and scores."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping

from solver.instance import AssignmentInstance, Demand, Pool
from solver.legality import Legality


class PlanView:
    def __init__(self, inst: AssignmentInstance, assign: Mapping[str, str]) -> None:
        self.inst = inst
        self.assign = dict(assign)
        self.demand: dict[str, Demand] = inst.demand_by_case()
        self.legality = Legality({p.id: p.courts for p in inst.pools}, inst.conflicts)
        self.load: dict[str, int] = {code: c.fixed_load for code, c in inst.courts.items()}
        self.pinned_load: dict[str, int] = defaultdict(int)
        for no, court in self.placed_transfers():
            d = self.demand[no]
            self.load[court] = self.load.get(court, 0) + d.weight
            if d.pinned is not None and court == d.pinned:
                self.pinned_load[court] += d.weight

    def placed_transfers(self) -> Iterator[tuple[str, str]]:
        """(case_no, court) for every placed demand that is not an escalation."""
        for no, court in self.assign.items():
            d = self.demand.get(no)
            if d is not None and d.pool is not None:
                yield no, court

    def placed(self) -> Iterator[Demand]:
        for no in self.assign:
            if no in self.demand:
                yield self.demand[no]

    def pool_stats(self, pool: Pool) -> tuple[list[int], list[int], list[int]]:
        """(staff, transfer load, backlog) for the pool's courts that have officers."""
        codes = [c for c in pool.courts if self.inst.courts[c].staff > 0]
        staff = [self.inst.courts[c].staff for c in codes]
        load = [self.load.get(c, 0) for c in codes]
        backlog = [self.inst.courts[c].open_cases for c in codes]
        return staff, load, backlog
