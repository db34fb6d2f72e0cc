"""The built-in network's staff and caseload model: yearly flows, officers, pending backlog.

No court publishes its enforcement officers or pending cases, so `assign.netbuild` derives
them from the townships of each court's area (a population proxy) and the published
national flows (legal-reference §7). The model starts from flows, because the published
figures are flows:

- 2024: **9.1182 million** enforcement cases closed (执结) nationally.
- 2024: "执行法官人均办案928件": **928 cases handled (closed) per enforcement judge per
  year**. Together: 9,118,200 / 928 ≈ **9,826 enforcement judges** nationally.
- 2013-2015: 10.1322 million received, 9.4402 million closed: intake = **1.0733 × closures**,
  the only period in §7 with both flows over the same span (2012-2023 growth, received
  +281 % and closed +296 %, says the two grew nearly in step).

Per court (`flows_for`):

    closed_per_year  = judges × weight × k    (k: sum(closed) / sum(judges) = 928)
    intake_per_year  = closed_per_year × 1.0733
    officers         = judges × OFFICERS_PER_JUDGE           -> Court.enforcement_staff
    pending          = intake_per_year × MEAN_DURATION_YEARS -> Court.open_cases

`weight` is the court's relative caseload per judge (urban basic courts close more per
judge, upper courts fewer: their cases are bigger and fewer), set by `assign.netbuild`.

**Officers = judges × 2 (CONVENTION).** The interchange format counts 执行员额法官 +
执行员. The one published team size in §7 (a Chengdu basic court, 2018 data: 1,323.8 cases
closed per enforcement judge "in a 3-person team") is a judge with two helpers; we count one
of them as an 执行员 who carries out measures and the other as a clerk (书记员), who is not an
officer in the format's sense. Hence 2 officers per judge, ≈ 19,650 nationally.

**Pending = intake × mean duration (Little's law), mean duration 4 months (CONVENTION).**
The closing limit is 6 months from filing (执行工作规定 item 63, extendable); a 终本 closure
(about 43 % of cases, §5) is not allowed before 3 months have passed (终本规定 Art. 1);
cases completed by performance (completion rate 39.29 % in 2025, §7) often close earlier;
and overrunning cases (the Art. 237 candidates) run past 6 months. No source gives the mean;
4 months sits between the 3-month 终本 floor and the 6-month limit. The backlog so computed is
the one at the end of the flows' year (`FLOWS_AS_OF`): Little's law holds in a steady state,
and intake above closures (7 %) means the real backlog grows by the difference every year,
which the model does not project. A deployment loads its courts' real officers and pending
cases instead (`assign courts load`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

CLOSED_2024 = 9_118_200  # 执结, 2024, national (legal-reference §7)
CLOSED_PER_JUDGE_2024 = 928  # 执行法官人均办案928件, 2024 (legal-reference §7)
NATIONAL_JUDGES = CLOSED_2024 / CLOSED_PER_JUDGE_2024  # ≈ 9,826
RECEIVED_2013_2015, CLOSED_2013_2015 = 10_132_200, 9_440_200  # legal-reference §7
INTAKE_PER_CLOSURE = RECEIVED_2013_2015 / CLOSED_2013_2015  # ≈ 1.0733
OFFICERS_PER_JUDGE = 2  # CONVENTION: the judge and one 执行员 of a 3-person team (see above)
MEAN_DURATION_MONTHS = 4  # CONVENTION: between the 3-month 终本 floor and the 6-month limit
MEAN_DURATION_YEARS = MEAN_DURATION_MONTHS / 12
FLOWS_AS_OF = "2024-12-31"  # the backlog is the one at the end of the flows' year


@dataclass(frozen=True)
class CourtFlows:
    """One court's modelled staff and yearly flows."""

    judges: int
    closed_per_year: int
    intake_per_year: int

    @property
    def officers(self) -> int:
        """执行员额法官 + 执行员: the interchange format's `enforcement_staff`."""
        return self.judges * OFFICERS_PER_JUDGE

    @property
    def pending(self) -> int:
        """The backlog at `FLOWS_AS_OF` by Little's law: the format's `open_cases`."""
        return round(self.intake_per_year * MEAN_DURATION_YEARS)


def flows_for(judges_and_weights: Sequence[tuple[int, float]]) -> list[CourtFlows]:
    """Flows per court, in order, given each court's judges and relative caseload per judge.

    Closures are scaled so that the network closes `CLOSED_PER_JUDGE_2024` cases per judge on
    average, whatever its size (a small test network too)."""
    judges = sum(j for j, _ in judges_and_weights)
    weighted = sum(j * w for j, w in judges_and_weights)
    k = CLOSED_PER_JUDGE_2024 * judges / weighted if weighted else 0.0
    out = []
    for j, w in judges_and_weights:
        closed = j * w * k
        out.append(CourtFlows(j, round(closed), round(closed * INTAKE_PER_CLOSURE)))
    return out


@dataclass(frozen=True)
class FlowSummary:
    judges: int
    closed_per_year: int
    intake_per_year: int
    pending: int

    @property
    def closed_per_judge(self) -> float:
        return self.closed_per_year / self.judges if self.judges else 0.0


def summarise_flows(flows: Sequence[CourtFlows]) -> FlowSummary:
    return FlowSummary(judges=sum(f.judges for f in flows), closed_per_year=sum(f.closed_per_year for f in flows),
                       intake_per_year=sum(f.intake_per_year for f in flows), pending=sum(f.pending for f in flows))
