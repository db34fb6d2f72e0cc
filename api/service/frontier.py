"""The frontier of one forum's efficient plans, from the store (CLI `assign frontier`, API
`GET /v1/plans/{id}/frontier`): the same cases, verdicts, pins and previous plan a batch
placement of the forum would use, so the points are plans a "re-plan with this policy"
batch could reach. Moves are counted against the plan the frontier is drawn for.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from api.config import Settings
from api.service import evaluation
from assign import plans, repository
from assign.db import session_scope
from assign.decisions import pinned_courts
from assign.errors import DataError
from assign.network import CourtNetwork
from assign.schemas import CaseStatus
from solver import AssignmentPlan, SolveParams, build_instance
from solver.frontier import forum_frontier
from solver.frontier_types import Frontier

MAX_POINTS = 9
MAX_TIME_S = 120.0


def frontier_for(engine: Engine, network: CourtNetwork, settings: Settings, *, forum: str, as_of: date,
                 plan_id: str | None = None, points: int = 5, time_limit_s: float = 10.0) -> Frontier:
    """The forum's frontier on its open cases at `as_of`, with the plan (`plan_id`, else the
    forum's current plan, if any) marked on it."""
    if not 2 <= points <= MAX_POINTS:
        raise DataError(f"points must be between 2 and {MAX_POINTS}, not {points}")
    if not 0 < time_limit_s <= MAX_TIME_S:
        raise DataError(f"time limit must be in (0, {MAX_TIME_S:.0f}] seconds, not {time_limit_s}")
    network.get(forum)
    codes = network.subtree_codes(forum)
    with session_scope(engine) as session:
        row = plans.get_plan(session=session, plan_id=plan_id) if plan_id else \
            plans.current_plan(session=session, scope=forum)
        plan = AssignmentPlan.model_validate_json(row.data) if row is not None else None
        cases = [c for batch in repository.iter_cases(session=session, status=CaseStatus.OPEN, court_codes=codes)
                 for c in batch]
        pinned = pinned_courts(session=session, case_nos=[c.case_no for c in cases])
    rules = evaluation.get_engine(settings.rulebook_dir)
    verdicts = evaluation.evaluate_cases(cases, network, as_of, engine=rules) if cases else []
    params = SolveParams(workers=settings.solver_workers, seed=settings.solver_seed,
                         policy=settings.policy_for(forum, plan.policy if plan else None))
    inst = build_instance(cases, verdicts, network, previous_plan=plan, pinned=pinned, params=params)
    return forum_frontier(inst, forum, points=points, time_limit_s=time_limit_s,
                          plan_assignments=plan.assignments if plan else None,
                          plan_id=row.plan_id if row is not None else None, as_of=as_of.isoformat())
