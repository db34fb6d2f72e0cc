"""Medium: one debtor's linked cases in a pool go to one court (集中执行 / 一揽子).

Penalised, not forbidden: when no single court can take the whole group (different
original courts, conflicts, capacity) the group splits, and each extra court costs the
unit's weight. The default weight dwarfs the balance and distance terms of a few cases.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from solver.constraints.base import ConstraintUnit
from solver.variables import ModelContext
from solver.view import PlanView


class GroupTogether(ConstraintUnit, id="medium.group_together", label_zh="同一被执行人关联案件集中由一院执行",
                    basis="2024 opinion part 三 集中执行; SPC 2026-01-26 category 2"):
    def build(self, ctx: ModelContext) -> Any:
        be = ctx.backend
        members: dict[str, list[Any]] = defaultdict(list)
        for k in ctx.inst.classes:
            if k.group is not None:
                members[k.group].append(k)
        terms, coefs = [], []
        for group, classes in sorted(members.items()):
            courts = sorted({c for k in classes for c in k.candidates})
            uses = {c: be.int_var(0, 1, f"uses[{group},{c}]") for c in courts}
            for k in classes:
                n = len(k.case_nos)
                for c in k.candidates:
                    be.add(be.dot([ctx.vars.x[(k.id, c)], uses[c]], [1, -n]) <= 0)
            extra = be.int_var(0, max(len(courts) - 1, 0), f"split[{group}]")
            be.add(be.dot([extra, *uses.values()], [1] + [-1] * len(uses)) >= -1)
            terms.append(extra)
            coefs.append(ctx.coef(self.id))
        return be.dot(terms, coefs)

    def score(self, view: PlanView) -> float:
        courts: dict[str, set[str]] = defaultdict(set)
        for no, court in view.placed_transfers():
            courts[view.demand[no].group].add(court)
        return view.inst.params.weight(self.id) * sum(len(cs) - 1 for cs in courts.values() if cs)
