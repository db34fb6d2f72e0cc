"""One case -> its verdict and a ranked recommendation, stored as a one-group plan.

The ranking runs against the network's current loads (`open_cases`, staff): a `PlanState`
built from an empty plan, kept per network hash and extended pool by pool as cases ask
for them (`recommend_one` adds missing pools). Building it is the only slow part, so it
is cached; access is serialised by a lock because pools are added in place.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from api.service import audit as audit_service
from api.service import evaluation, placement
from assign import repository
from assign.models import RecommendationRow
from assign.network import CourtNetwork
from assign.schemas import Case, Recommendation, Verdict
from solver import AssignmentPlan, PlanStatus, build_instance
from solver.build import PLACED_MODES


class BaselineStates:
    """The empty-plan state per network content hash (what single-case ranking is against)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._states: dict[str, Any] = {}

    def run(self, network: CourtNetwork, case: Case, verdict: Verdict) -> Recommendation:
        with self._lock:
            state = self._states.get(network.content_hash)
            if state is None:
                empty = AssignmentPlan(plan_id="baseline", status=PlanStatus.EMPTY, assignments={})
                state = placement.plan_state(build_instance([], [], network), empty)
                self._states = {network.content_hash: state}  # one network at a time
            return placement.recommend_one(case, verdict, network, state)


@dataclass
class SingleResult:
    verdict: Verdict
    recommendation: Recommendation | None
    recommendation_id: int | None
    message: str | None = None


def recommend_case(*, session: Session, network: CourtNetwork, states: BaselineStates, case: Case, as_of: date,
                   actor: str) -> SingleResult:
    """Evaluate the case; if its verdict places it, rank courts and store the result as a plan."""
    verdict = evaluation.evaluate_cases([case], network, as_of)[0]
    if verdict.forum is None or verdict.recommended_mode not in PLACED_MODES:
        mode = verdict.recommended_mode.value if verdict.recommended_mode else "none"
        return SingleResult(verdict, None, None, f"{verdict.outcome.value} (recommended mode {mode}): "
                                                 f"no court to choose for this case")
    rec = states.run(network, case, verdict)
    plan_id = f"one-{uuid.uuid4().hex[:20]}"
    rec = rec.model_copy(update={"plan_id": plan_id})
    plan = AssignmentPlan(plan_id=plan_id, status=PlanStatus.GREEDY,
                          assignments={no: rec.target_court for no in rec.case_nos if rec.target_court},
                          unplaced={no: rec.unplaced_reason for no in rec.case_nos if rec.unplaced_reason})
    summary = {"kind": "single", "cases": 1, "placed": int(rec.target_court is not None), "forum": rec.forum,
               "as_of": as_of.isoformat()}
    repository.save_plan(session=session, plan_id=plan_id, as_of=as_of, scope=verdict.forum, status="SINGLE",
                         data=plan.model_dump(mode="json"), summary=summary, recommendations=[rec])
    session.flush()
    rec_id = session.exec(select(RecommendationRow.id).where(RecommendationRow.plan_id == plan_id)
                          .order_by(col(RecommendationRow.id))).first()
    # one audit record for the verdict and the plan it led to (the hot path: one chain append)
    summary_with_verdict = {**summary, "outcome": verdict.outcome.value, "rulebook": verdict.rulebook_version.hash}
    audit_service.record_plan(session=session, plan_id=plan_id, scope=verdict.forum, summary=summary_with_verdict,
                              recommendations=[rec], actor=actor)
    return SingleResult(verdict, rec, rec_id)
