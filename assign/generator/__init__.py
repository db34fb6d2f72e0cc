"""Realistic synthetic enforcement cases over a court network (`assign generate`).

`generate_cases(network, n, seed=…, as_of=…)` yields `Case` objects one at a time, so a
million cases never sit in memory. The output is a pure function of (seed, as_of, the
high courts in scope, the network's content hash); the first k cases of a run of n are
the run of k (prefix-stable), so n only says where to stop.

Distributions (constants in `distributions.py`; docs/workload.md gives each one with its
source in shared/domain/legal-reference.md and the shares measured on the real network):

- Courts: basic courts with weight = open_cases; intermediate courts (first-instance
  enforcement) with 5% of their open_cases; high and special courts none. `province`
  restricts to one high court's subtree.
- Dates: receipt within three years before as_of (45% uniform backlog, 55% exponential
  with mean 240 days); filing 0–7 days later (94%) or 8–20 days (6%, late: 审限规定 Art. 6).
- Obligation: money 92%, delivery 4%, behaviour 4%; 非诉 on 8% of money cases.
- Assets: 43% of money/delivery cases have none (执行不能, §5, §7); of the rest 62% have
  assets at application (Art. 10(1)) and 38% found later (Art. 10(2)), a fifth of those
  restored (执恢) cases. 1–3 assets: deposit 35%, real estate 20%, vehicle 18%,
  receivable 11%, equity 8%, other 8%; in the debtor's county 72%.
- Parties: debtors person 55%, company 36%, SOE, organ and public institution 3% each;
  key local taxpayers 6% of companies, 35% of SOEs; domicile in the court's county 80%.
  8% of cases go to repeat debtors pooled by prefecture (or province), with a heavy tail
  of debtors with many cases in several courts (§8); half of their later cases list
  earlier ones in related_case_nos.
- Status: no-asset cases 终本 40% after three months (5% too early); cases with assets
  concluded 85% once their disposals are due, 终本 with a seized asset undisposed 5%;
  terminated 3%; the rest open (≈ 55% of all cases).
- Periods: all six Art. 13 kinds (公告 30/60 days, 鉴定评估 weeks, 暂缓 ≤ 3 months with
  some extended or secured up to a year, 中止 a quarter open-ended, the two disputes
  rare); 30% start near the six-month mark. Other periods: objection review, settlement
  talks, auctions.
- Procedure: Art. 237 applications from 30% of stalled open cases and 3% of other open
  cases, 88% filed with the proper forum; supervision orders on 25% of applications
  (deadlines 30–90 days, 30% of passed ones with a good reason); entrusted 2%, petitions
  6% of open cases, interference 1.5% (×4 for public debtors), officer conflict 1%.
- Target: 5–10% of open cases ELIGIBLE or MANDATORY_TRANSFER under the rulebook
  (measured 7.8%).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from datetime import date

from assign.errors import DataError
from assign.generator.case_builder import CaseBuilder
from assign.generator.court_mix import CourtMix, province_roots
from assign.network import CourtNetwork
from assign.schemas import Case

__all__ = ["generate_cases", "generate_case_dicts", "province_roots"]


def _rng(seed: int, as_of: date, mix: CourtMix, network: CourtNetwork) -> random.Random:
    # Keyed by the high courts in scope, so '51', '510000' and 'H510000' give the same cases.
    scope = ",".join(sorted(c.code for c in mix.roots))
    key = f"{seed}|{as_of.isoformat()}|{scope}|{network.content_hash}"
    return random.Random(int.from_bytes(hashlib.sha256(key.encode()).digest()[:16], "big"))


def generate_case_dicts(network: CourtNetwork, n: int, *, seed: int, as_of: date,
                        province: str | None = None) -> Iterator[dict[str, object]]:
    """The raw case dicts (Python dates, decimal strings) before validation.

    Bad arguments (n < 0, an unknown province) raise `DataError` here, not on first use.
    """
    if n < 0:
        raise DataError(f"the number of cases must be >= 0, not {n}")
    mix = CourtMix(network, province)
    builder = CaseBuilder(mix, _rng(seed, as_of, mix, network), as_of)
    return (builder.build() for _ in range(n))


def generate_cases(network: CourtNetwork, n: int, *, seed: int, as_of: date,
                   province: str | None = None) -> Iterator[Case]:
    """`n` validated cases, lazily (every one goes through `Case.model_validate`)."""
    dicts = generate_case_dicts(network, n, seed=seed, as_of=as_of, province=province)
    return (Case.model_validate(d) for d in dicts)
