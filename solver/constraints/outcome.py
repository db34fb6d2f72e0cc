"""Soft, optional: prefer receiving courts whose transferred cases made more progress (issue 17 §3).

Off unless `SolveParams.outcome_shares` (receiving court -> measured share of its transferred cases with
substantive progress, 0..1) is given; the api layer fills it from `assign.outcome_report` when a forum's
configuration turns the term on, and the plan's params record which figures were used.

Cost per placed (non-escalated) case: weight x (1 - share of its court). A court without a measured share
(too few transferred cases, or none) is costed at the mean of the measured shares: neither preferred nor
avoided for lacking figures (CONVENTION). With the default weight (10 points) ten points of share are worth
one point, i.e. 50 km of travel: the term breaks near-ties, it does not override balance.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from solver.constraints.base import ConstraintUnit
from solver.variables import ModelContext
from solver.view import PlanView


def outcome_gap(shares: Mapping[str, float], court: str | None) -> float:
    """1 - the court's measured share (the mean share for a court without one); 0 when the term is off."""
    if not shares:
        return 0.0
    share = shares.get(court or "")
    if share is None:
        share = sum(shares.values()) / len(shares)
    return 1.0 - share


class ReceivingOutcome(ConstraintUnit, id="soft.receiving_outcome", label_zh="优先选择移送执行成效较好的承接法院",
                       basis="issue 17 §3 (measured substantive progress of transferred cases; "
                             "optional, off by default)"):
    def build(self, ctx: ModelContext) -> Any:
        shares = ctx.params.outcome_shares
        return ctx.pair_term(self.id, lambda _k, court, _i: outcome_gap(shares, court))

    def score(self, view: PlanView) -> float:
        p = view.inst.params
        return p.weight(self.id) * sum(outcome_gap(p.outcome_shares, court) for _, court in view.placed_transfers())
