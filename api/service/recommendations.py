"""One case -> its verdict and a ranked recommendation, stored as a one-group plan.

The ranking runs against the network's current loads (`open_cases`, staff): a `PlanState`
built from an empty plan, kept per network hash and extended pool by pool as cases ask
for them (`recommend_one` adds missing pools). Building it is the only slow part, so it
is cached; access is serialised by a lock because pools are added in place.

`recommend_case` does the work and returns the rows that store the result; the route
hands them to the process's group commit (`api.service.group_commit`) and answers once
they are committed.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.service import audit as audit_service
from api.service import evaluation, placement
from api.service.group_commit import PendingWrite
from assign import repository
from assign.errors import NotFound
from assign.models import CaseRow, PlanRow, RecommendationRow, utcnow
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
    """A case's verdict and, when it places the case, its ranked recommendation and the rows
    that store it (a one-group plan, its recommendation, one audit record) for the group commit."""

    verdict: Verdict
    recommendation: Recommendation | None
    message: str | None = None
    write: PendingWrite | None = None


_CASE_DATA = sa.select(CaseRow.data).where(CaseRow.case_no == sa.bindparam("case_no"))  # built once: building
# a select per request costs more than running it


def load_case(engine: Engine, case_no: str) -> Case:
    with engine.connect() as conn:
        data = conn.execute(_CASE_DATA, {"case_no": case_no}).scalar()
    if data is None:
        raise NotFound(f"no case {case_no!r}")
    case = repository.read_case(case_no, data)  # a record that no longer validates: 422 naming it
    assert case is not None
    return case


def recommend_case(*, network: CourtNetwork, states: BaselineStates, case: Case, as_of: date,
                   actor: str) -> SingleResult:
    """Evaluate the case; if its verdict places it, rank courts and prepare the plan that stores it."""
    verdict = evaluation.evaluate_cases([case], network, as_of)[0]
    if verdict.forum is None or verdict.recommended_mode not in PLACED_MODES:
        mode = verdict.recommended_mode.value if verdict.recommended_mode else "none"
        return SingleResult(verdict, None, f"{verdict.outcome.value} (recommended mode {mode}): "
                                           f"no court to choose for this case")
    rec = states.run(network, case, verdict)
    plan_id = f"one-{uuid.uuid4().hex[:20]}"
    rec = rec.model_copy(update={"plan_id": plan_id})
    plan = AssignmentPlan(plan_id=plan_id, status=PlanStatus.GREEDY,
                          assignments={no: rec.target_court for no in rec.case_nos if rec.target_court},
                          unplaced={no: rec.unplaced_reason for no in rec.case_nos if rec.unplaced_reason})
    summary = {"kind": "single", "cases": 1, "placed": int(rec.target_court is not None), "forum": rec.forum,
               "as_of": as_of.isoformat()}
    plan_row = {"plan_id": plan_id, "created_at": utcnow(), "as_of": as_of, "scope": verdict.forum,
                "status": "SINGLE", "previous_plan_id": None, "run_id": None, "published": True,
                "summary": json.dumps(summary, ensure_ascii=False), "data": plan.model_dump_json()}
    rec_row = {"plan_id": plan_id, "group_key": rec.case_nos[0],
               "case_nos": json.dumps(rec.case_nos, ensure_ascii=False), "mode": rec.mode.value if rec.mode else None,
               "target_court": rec.target_court, "forum": rec.forum,
               "data": rec.model_dump_json()}
    # one audit record for the verdict and the plan it led to (the hot path: one chain append)
    entry = audit_service.plan_entry(plan_id=plan_id, scope=verdict.forum, actor=actor, recommendations=[rec],
                                     summary={**summary, "outcome": verdict.outcome.value,
                                              "rulebook": verdict.rulebook_version.hash})
    plans, recs = PlanRow.__table__, RecommendationRow.__table__  # type: ignore[attr-defined]
    write = PendingWrite(rows=[(plans, plan_row), (recs, rec_row)], audit=[entry], returning=recs)
    return SingleResult(verdict, rec, write=write)
