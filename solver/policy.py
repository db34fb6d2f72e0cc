"""Named placement policies: where on the balance/travel trade-off a plan should sit.

A higher court chooses a policy, not raw weights (issue 18). Each policy is a documented
weight set for `SolveParams.weights`; they differ only in how many points one weighted
transfer per officer at the pool's worst court is worth against one km of travel:

| policy     | soft.transfer_burden_balance | 1 weighted transfer per officer at the worst court is worth |
|------------|------------------------------|-------------------------------------------------------------|
| `balanced` | 1,000                        | 50,000 km: the most balanced plan first (均衡)             |
| `default`  | 100                          | 5,000 km: the shipped convention                            |
| `near`     | 10                           | 500 km: travel first (就近), balance still counts          |

Every other weight is the default's. Why these three: on the Sichuan batches a pool's worst
figure moves by tenths of a weighted transfer per officer while its travel moves by tens of
thousands of km, so factors of ten put `balanced` at the frontier's most balanced end,
`near` close to its least-travel end, and `default` between them (see solver/README,
"Policies and the frontier").
"""

from __future__ import annotations

from enum import StrEnum

DEFAULT_WEIGHTS: dict[str, float] = {
    "medium.group_together": 50.0,  # points per extra court a debtor group is split over
    "soft.transfer_burden_balance": 100.0,  # points per weighted transfer per officer (worst court)
    "soft.total_load_balance": 10.0,  # points per weighted case per officer (worst court)
    "soft.distance": 0.02,  # points per km (receiving court to debtor + to main assets)
    "soft.churn": 5.0,  # points per case moved against the previous plan
    "soft.mode_cost": 1.0,  # points per MODE_COST unit
    # points per case x (1 - its receiving court's measured progress share); only when SolveParams.outcome_shares
    "soft.receiving_outcome": 10.0,
}


class Policy(StrEnum):
    BALANCED = "balanced"  # 均衡: the worst court's received transfers per officer first
    DEFAULT = "default"  # the shipped weights
    NEAR = "near"  # 就近: travel to the debtor and the main assets first


POLICY_WEIGHTS: dict[Policy, dict[str, float]] = {
    Policy.BALANCED: {**DEFAULT_WEIGHTS, "soft.transfer_burden_balance": 1000.0},
    Policy.DEFAULT: dict(DEFAULT_WEIGHTS),
    Policy.NEAR: {**DEFAULT_WEIGHTS, "soft.transfer_burden_balance": 10.0},
}


def policy_weights(policy: Policy | str) -> dict[str, float]:
    """The weight set of a named policy (a copy); an unknown name is a ValueError naming the choices."""
    try:
        return dict(POLICY_WEIGHTS[Policy(policy)])
    except ValueError:
        raise ValueError(f"unknown policy {policy!r}; choose one of {', '.join(p.value for p in Policy)}") from None
