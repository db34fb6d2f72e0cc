"""Hard constraints: a plan that breaks one is not a plan.

The filters (original court, jurisdiction, debtor home, asset local, conflicts, static
capacity) act by never creating a variable for an illegal pair; capacity and pins are
model constraints. Accepted (pinned) transfers are decisions already taken: they are
checked only against the pin itself and count against capacity.
"""

from __future__ import annotations

from typing import Any

from solver.constraints.base import ConstraintUnit, Level
from solver.instance import CourtState, Demand
from solver.legality import Legality
from solver.variables import ModelContext
from solver.view import PlanView


class _Filter(ConstraintUnit, level=Level.HARD):
    def check(self, view: PlanView) -> list[str]:
        bad = []
        for no, court in view.placed_transfers():
            d = view.demand[no]
            if d.pinned is None and self.exclude(d, view.inst.courts[court], view.legality) is not None:
                bad.append(f"{self.id}: {no} -> {court}")
        return bad


class NotOriginalCourt(_Filter, id="hard.not_original_court", label_zh="不得指定原执行法院",
                       basis="CPL Art. 237 其他人民法院; 2020 interpretation Art. 11"):
    def exclude(self, demand: Demand, court: CourtState, legality: Legality) -> str | None:
        return "the original court" if court.code == demand.court else None


class InForumJurisdiction(_Filter, id="hard.in_forum_jurisdiction", label_zh="本辖区其他法院",
                          basis="2020 interpretation Arts. 11-12; 执行工作规定 item 74"):
    def exclude(self, demand: Demand, court: CourtState, legality: Legality) -> str | None:
        if demand.pool is None or court.code not in legality.pool_courts.get(demand.pool, ()):
            return "outside the forum's jurisdiction at the case's level"
        return None


class EscalationOpen(_Filter, id="hard.escalation_open", label_zh="裁定方式未限定时方可由本院提级执行",
                     basis="执行程序解释第十一条、第十二条 (本院执行或者指令本辖区其他法院执行); "
                           "the verdict's permitted modes"):
    """The forum itself (提级) is a court of the pool only for cases whose verdict leaves the mode
    open: it permits escalation and recommends designation. Elsewhere the verdict's mode stands."""

    def exclude(self, demand: Demand, court: CourtState, legality: Legality) -> str | None:
        if court.code == demand.forum and not demand.may_escalate:
            return "the verdict fixes the mode: the forum itself does not take the case"
        return None


class _NotLocalWhenProtected(_Filter):
    """Where local protection or interference is flagged, not the court local to `local_to`."""

    local_to: str  # the Demand field naming the local court
    reason: str

    def exclude(self, demand: Demand, court: CourtState, legality: Legality) -> str | None:
        return self.reason if demand.protect and court.code == getattr(demand, self.local_to) else None


class NotDebtorHome(_NotLocalWhenProtected, id="hard.not_debtor_home",
                    label_zh="存在地方保护/干预风险时不指定被执行人住所地法院",
                    basis="2024 cross-enforcement opinion (necessity); SPC 2024-07-03 on local protection"):
    local_to, reason = "debtor_home", "the debtor's home court"


class NotAssetLocal(_NotLocalWhenProtected, id="hard.not_asset_local",
                    label_zh="存在地方保护/干预风险时不指定主要财产所在地法院",
                    basis="2024 cross-enforcement opinion (necessity); SPC 2026-01-26 on 骨头案"):
    local_to, reason = "asset_local", "local to the main assets"


class DeclaredConflict(_Filter, id="hard.declared_conflict", label_zh="调度员声明的利害冲突",
                       basis="dispatcher's declaration (回避 by analogy, CPL Art. 47)"):
    def exclude(self, demand: Demand, court: CourtState, legality: Legality) -> str | None:
        if legality.party_conflicts.get(court.code, set()) & set(demand.parties):
            return "declared conflict with a party"
        if demand.court in legality.court_conflicts.get(court.code, set()):
            return "declared conflict with the original court"
        return None


class Capacity(ConstraintUnit, id="hard.capacity", label_zh="受指定法院执行力量上限",
               basis="2024 opinion Art. 2 两便: 执行力量"):
    def exclude(self, demand: Demand, court: CourtState, legality: Legality) -> str | None:
        return "no capacity for this case" if court.staff <= 0 or court.capacity < demand.weight else None

    def build(self, ctx: ModelContext) -> Any:
        for code in ctx.courts_with_vars():
            court = ctx.inst.courts[code]
            ctx.backend.add(ctx.load(code) <= max(court.capacity, court.fixed_load + ctx.vars.pinned_load(code)))
        return 0

    def check(self, view: PlanView) -> list[str]:
        bad = []
        for code, load in view.load.items():
            court = view.inst.courts[code]
            limit = max(court.capacity, court.fixed_load + view.pinned_load.get(code, 0))
            if load > limit:
                bad.append(f"{self.id}: {code} holds {load} > {limit}")
        return bad


class Pinned(ConstraintUnit, id="hard.pinned", label_zh="已接受的指定不变",
             basis="dispatcher's accepted decision"):
    def build(self, ctx: ModelContext) -> Any:
        for k in ctx.inst.classes:
            if k.pinned is not None:
                ctx.vars.fix(k.id, k.pinned, len(k.case_nos))
        return 0

    def check(self, view: PlanView) -> list[str]:
        return [
            f"{self.id}: {d.case_no} pinned to {d.pinned}, placed at {view.assign.get(d.case_no)}"
            for d in view.inst.demands
            if d.pinned is not None and view.assign.get(d.case_no) != d.pinned
        ]
