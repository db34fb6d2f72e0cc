"""Soft terms besides balance: distance (两便), change against yesterday, least-cost mode."""

from __future__ import annotations

from typing import Any

from assign.schemas import MODE_COST
from solver.constraints.base import ConstraintUnit
from solver.geo import case_km
from solver.variables import ModelContext
from solver.view import PlanView


class Distance(ConstraintUnit, id="soft.distance", label_zh="便于当事人、便于执行：距被执行人住所地及主要财产所在地",
               basis="2024 opinion Art. 2 两便 (当事人住所地、主要财产所在地)"):
    def build(self, ctx: ModelContext) -> Any:
        return ctx.pair_term(self.id, lambda k, _court, i: k.km[i])

    def score(self, view: PlanView) -> float:
        return view.inst.params.weight(self.id) * self.total_km(view)

    @staticmethod
    def total_km(view: PlanView) -> int:
        km = 0
        for no, court in view.placed_transfers():
            d = view.demand[no]
            km += case_km(view.inst.courts[court].point, d.debtor_point, d.asset_point)
        return km


class Churn(ConstraintUnit, id="soft.churn", label_zh="与上一方案相比的变动",
            basis="solver-objective.md item 4 (nightly stability)"):
    def build(self, ctx: ModelContext) -> Any:
        terms, coefs, constant = [], [], 0.0
        for k in ctx.inst.classes:
            if k.previous is None:
                continue
            n = len(k.case_nos)
            constant += ctx.coef(self.id, n)
            var = ctx.vars.is_assigned_to(k.id, k.previous)
            if var is not None:
                terms.append(var)
                coefs.append(-ctx.coef(self.id))
        return ctx.backend.dot(terms, coefs) + int(round(constant))

    def score(self, view: PlanView) -> float:
        moved = sum(1 for d in view.inst.demands
                    if d.previous is not None and d.pool is not None and view.assign.get(d.case_no) != d.previous)
        return view.inst.params.weight(self.id) * moved


class ModeCost(ConstraintUnit, id="soft.mode_cost", label_zh="同等效果下优先成本较低的方式",
               basis="SPC Q&A 2024-07-03 (least cost where the effect is the same)"):
    def build(self, ctx: ModelContext) -> Any:
        # the forum taking a case is 提级: its cost, not designation's
        return ctx.pair_term(self.id, lambda k, court, _i: MODE_COST[k.mode_at(court)])

    def score(self, view: PlanView) -> float:
        return view.inst.params.weight(self.id) * sum(MODE_COST[d.mode_at(view.assign.get(d.case_no))]
                                                      for d in view.placed())
