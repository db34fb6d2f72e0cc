"""Typed input and output of the placement solver (pydantic, JSON-serialisable).

An `AssignmentInstance` holds everything a solve needs as plain data, so a plan can be
stored as JSON and re-checked later by `solver.validate` without the court network.

Vocabulary:
- a *demand* is one case that needs a receiving court (or an escalation, fixed on the forum);
- a *pool* is the set of courts one forum may designate to at one level (本辖区, other than
  itself); pools are disjoint, so each pool is an independent subproblem;
- a *class* is a set of interchangeable demands (same pool, weight, legal courts, costs,
  previous court, pin): the model creates one integer variable per (class, legal court).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assign.errors import DataError
from assign.schemas import Mode
from solver.frontier_types import FrontierPoint
from solver.policy import DEFAULT_WEIGHTS, Policy, policy_weights
from solver.results import PoolReport


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SolveParams(_Data):
    """Everything a solve depends on besides the instance. `policy` names the weight set
    (`solver.policy`); `weights` given explicitly override it (the plan stores both)."""

    policy: Policy = Policy.DEFAULT
    time_limit_s: float = Field(default=10.0, gt=0)
    workers: int = Field(default=0, ge=0)  # CP-SAT threads; 0 = the cores, at least 4 (model.search_workers)
    seed: int = 20240617
    deterministic: bool = False  # one worker, deterministic time limit: same seed -> same plan
    # Weighted transfers per officer per batch: about one month of a court's average intake per
    # officer (9.79M cases a year / 19,656 officers / 12 = 41.5; assign/caseload.py). CONVENTION.
    capacity_per_officer: float = Field(default=40.0, ge=0)
    weights: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    transfer_spread_ratio: float = 0.02  # spread (weighted cases above fair share) vs worst per officer
    total_spread_ratio: float = 0.1
    unplaced_penalty: float = 10_000.0  # points per case left without a court
    relative_gap: float = 0.0  # stop a subproblem once within this gap
    # "none": measured on Sichuan pools, a CP-SAT hint (greedy or previous plan) stalled the
    # search at the hinted objective, while the LP-driven search alone found far better plans.
    hint: str = "none"  # or "previous_or_greedy"
    cpsat_max_vars: int = 6000  # pools with more (class, court) pairs keep the rounded LP plan
    # pools with at most this many pairs also run HiGHS beside CP-SAT (solver.portfolio; never in
    # deterministic mode). 0 (CP-SAT alone) by default: on the 2,000-case Sichuan batch the
    # portfolio found the same plans and bounds within 0.1 % at 8 s per pool, and at 5 s for the
    # batch building HiGHS's model overran the limit (solver/README "Portfolio")
    highs_max_vars: int = 0
    # the solver chooses 提级 or 指定 where the verdict permits both and recommends designation
    # (the forum itself joins the pool as one more court; solver/README "The mode is part of the plan")
    choose_mode: bool = True
    # soft.receiving_outcome (solver/constraints/outcome.py): receiving court -> measured share of its transferred
    # cases with substantive progress; empty = the term is off (the default)
    outcome_shares: dict[str, Annotated[float, Field(ge=0, le=1)]] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _policy_weights(cls, data: Any) -> Any:
        """Weights not given explicitly are the named policy's."""
        if isinstance(data, dict) and data.get("weights") is None:
            try:
                data = {**data, "weights": policy_weights(data.get("policy", Policy.DEFAULT))}
            except ValueError:
                pass  # the policy field's own validation names the choices
        return data

    def weight(self, unit_id: str) -> float:
        return self.weights.get(unit_id, DEFAULT_WEIGHTS.get(unit_id, 0.0))


class CourtState(_Data):
    code: str
    level: str
    staff: int
    open_cases: int
    point: tuple[float, float] | None = None  # `Court.point`; None: distances count as unknown (`case_km`)
    capacity: int  # scaled weighted transfers this court may hold in the batch
    fixed_load: int = 0  # scaled weight of escalations placed on it (not a decision)


class Pool(_Data):
    id: str  # "<forum>:<level>"
    forum: str
    level: str
    courts: list[str]


class Demand(_Data):
    case_no: str
    forum: str
    pool: str | None  # None for escalations (fixed on the forum)
    mode: Mode
    weight: int  # scaled, see solver.weights
    court: str  # the original (enforcing) court
    group: str  # masked debtor id + pool: linked cases
    protect: bool  # LOCAL_PROTECTION_RISK or INTERFERENCE is set
    debtor_home: str | None = None  # court at the pool's level local to the debtor's domicile
    asset_local: str | None = None  # same, for the main assets' location
    parties: list[str] = Field(default_factory=list)  # masked party ids
    debtor_point: tuple[float, float] | None = None
    asset_point: tuple[float, float] | None = None
    previous: str | None = None
    pinned: str | None = None
    may_escalate: bool = False  # the forum itself may take it (提级) instead of designating

    def mode_at(self, court: str | None) -> Mode:
        """The mode a placement means: a case the forum itself takes is escalated."""
        return Mode.ESCALATE if self.may_escalate and court == self.forum else self.mode


class DemandClass(_Data):
    id: str
    pool: str
    case_nos: list[str]
    weight: int
    group: str | None  # set only for debtors with more than one case in the pool
    candidates: list[str]  # legal courts
    km: list[int]  # per-case distance cost at each candidate, aligned with candidates
    previous: str | None = None
    pinned: str | None = None
    mode: Mode
    may_escalate: bool = False

    def mode_at(self, court: str) -> Mode:
        """As `Demand.mode_at`: the pool's forum taking a case of the class is 提级."""
        return Mode.ESCALATE if self.may_escalate and court == self.pool.split(":")[0] else self.mode


class Conflict(_Data):
    """A dispatcher-declared conflict: the court must not receive cases of the party, or from the other court."""

    court: str
    party: str | None = None  # masked party id
    other_court: str | None = None
    reason: str = ""


class AssignmentInstance(_Data):
    courts: dict[str, CourtState]
    pools: list[Pool]
    demands: list[Demand]
    classes: list[DemandClass]
    conflicts: list[Conflict] = Field(default_factory=list)
    excluded: dict[str, dict[str, str]] = Field(default_factory=dict)  # class id -> court -> constraint
    infeasible: dict[str, str] = Field(default_factory=dict)  # case_no -> constraint family
    params: SolveParams = Field(default_factory=SolveParams)
    network_hash: str = ""

    @model_validator(mode="after")
    def _invariants(self) -> AssignmentInstance:
        nos = [d.case_no for d in self.demands]
        if len(set(nos)) != len(nos):
            raise DataError("instance: duplicate case numbers among demands")
        known = set(nos)
        for k in self.classes:
            if not k.candidates:
                raise DataError(f"instance: class {k.id} has no legal court")
            if len(k.km) != len(k.candidates) or set(k.case_nos) - known:
                raise DataError(f"instance: class {k.id} names unknown cases or misaligned costs")
            if set(k.candidates) - set(self.courts):
                raise DataError(f"instance: class {k.id} names unknown courts")
        return self

    def demand_by_case(self) -> dict[str, Demand]:
        return {d.case_no: d for d in self.demands}

    def pool_by_id(self) -> dict[str, Pool]:
        return {p.id: p for p in self.pools}

    def subinstance(self, pool_id: str, placed: Mapping[str, str] | None = None) -> AssignmentInstance:
        """The part of the instance one pool's subproblem needs (plain data for a worker process).

        `placed` (case_no -> court) are other pools' cases already placed: their weight joins the
        fixed load of this pool's courts they landed on. A forum where cases may be escalated is a
        court of its own pool and of its superior's, so each sees the other's load this way."""
        pool = self.pool_by_id()[pool_id]
        classes = [k for k in self.classes if k.pool == pool_id]
        nos = {n for k in classes for n in k.case_nos}
        extra: dict[str, int] = {}
        if placed:
            members = set(pool.courts)
            for d in self.demands:
                court = placed.get(d.case_no)
                if d.pool not in (None, pool_id) and court in members:
                    extra[court] = extra.get(court, 0) + d.weight
        # a pinned class may sit on a court outside the pool (a justified override): it comes along
        members_and_pins = [*pool.courts, *sorted({k.pinned for k in classes if k.pinned} - set(pool.courts))]
        courts = {c: self.courts[c].model_copy(update={"fixed_load": self.courts[c].fixed_load + extra[c]})
                  if c in extra else self.courts[c] for c in members_and_pins}
        return AssignmentInstance(
            courts=courts, pools=[pool],
            demands=[d for d in self.demands if d.case_no in nos], classes=classes,
            conflicts=self.conflicts, excluded={k.id: self.excluded.get(k.id, {}) for k in classes},
            params=self.params, network_hash=self.network_hash,
        )


class PlanStatus(StrEnum):
    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"  # a plan, not proven optimal within the time limit
    GREEDY = "GREEDY"  # the greedy heuristic's plan (baseline or fallback)
    EMPTY = "EMPTY"  # nothing to place


class AssignmentPlan(_Data):
    plan_id: str
    status: PlanStatus
    assignments: dict[str, str]  # case_no -> receiving court (escalations: the forum)
    modes: dict[str, Mode] = Field(default_factory=dict)
    unplaced: dict[str, str] = Field(default_factory=dict)  # case_no -> constraint family
    objective: float | None = None  # validator's recomputed total, points
    bound: float | None = None  # best proven lower bound, points
    gap: float | None = None
    contributions: dict[str, float] = Field(default_factory=dict)
    metrics: dict[str, float] = Field(default_factory=dict)
    violations: list[str] = Field(default_factory=list)  # validator findings (should be empty)
    subproblems: list[PoolReport] = Field(default_factory=list)  # per pool, in solve order
    seed: int | None = None
    workers: int | None = None
    time_s: float | None = None
    versions: dict[str, str] = Field(default_factory=dict)
    params: dict[str, Any] = Field(default_factory=dict)
    policy: Policy = Policy.DEFAULT  # the named weight set the plan was solved with (also in params)
    # the plan's own figures per pool, as points on the balance/travel plane (solver.frontier)
    points: list[FrontierPoint] = Field(default_factory=list)
    # efficiency defects: another plan the run found (or the bound) shows this one is dominated
    defects: list[str] = Field(default_factory=list)
