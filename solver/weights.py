"""The weighted-caseload table: how much officer work one transferred case represents.

Weighted-caseload studies (the NCSC/Delphi method used for court staffing) count cases by
the work they take, not by number: a case type's weight is its typical officer time
relative to a reference case. No Chinese per-officer caseload standard was found
(legal-reference §7, "Not found"), so the table below is a CONVENTION, documented here
and in solver/README.md, to be replaced by a measured table when one exists:

| obligation | amount band (yuan)        | weight | why                                        |
|------------|---------------------------|--------|--------------------------------------------|
| money      | < 100,000                 | 1.0    | reference case: query, freeze, pay out     |
| money      | 100,000 - 1,000,000       | 1.2    | more assets to trace and value             |
| money      | 1,000,000 - 10,000,000    | 1.6    | real estate / equity, valuation, auction   |
| money      | 10,000,000 - 100,000,000  | 2.2    | several assets, many creditors             |
| money      | >= 100,000,000            | 3.0    | major cases, coordination across regions   |
| delivery   | any                       | 1.5    | handing over property: site work, eviction |
| behaviour  | any                       | 1.8    | acts can't be paid for; repeated measures  |

The pending backlog (`Court.open_cases`) counts at weight 1.0 per case: the network gives
counts, not case types. Weights are stored as integers in hundredths (`WEIGHT_SCALE`) so
that CP-SAT sees exact integers.
"""

from __future__ import annotations

from decimal import Decimal

from assign.schemas import Case, Obligation

WEIGHT_SCALE = 100  # 1.00 weighted case == 100
BACKLOG_WEIGHT = 1.0  # weight of one pending case in Court.open_cases

# (upper bound of the band in yuan, exclusive; weight). The last band has no upper bound.
MONEY_BANDS: tuple[tuple[Decimal | None, float], ...] = (
    (Decimal(100_000), 1.0),
    (Decimal(1_000_000), 1.2),
    (Decimal(10_000_000), 1.6),
    (Decimal(100_000_000), 2.2),
    (None, 3.0),
)
FLAT_WEIGHTS: dict[Obligation, float] = {Obligation.DELIVERY: 1.5, Obligation.BEHAVIOUR: 1.8}


def case_weight(obligation: Obligation, amount: Decimal) -> float:
    """The weight of one case from the table above."""
    if obligation in FLAT_WEIGHTS:
        return FLAT_WEIGHTS[obligation]
    for upper, weight in MONEY_BANDS:
        if upper is None or amount < upper:
            return weight
    raise AssertionError("the last money band has no upper bound")  # pragma: no cover


def scaled_weight(case: Case) -> int:
    """The case's weight in hundredths, the unit the model works in."""
    outstanding = max(case.amount - case.recovered, Decimal(0))
    return round(case_weight(case.obligation, outstanding) * WEIGHT_SCALE)
