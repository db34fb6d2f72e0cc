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

import threading
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine

from api.service import evaluation, placement, plan_store
from api.service.group_commit import PendingWrite
from assign import plans
from assign.db import table_of
from assign.decisions import case_record_and_live_decision
from assign.errors import Conflict, NotFound
from assign.models import PlanRow, RecommendationRow
from assign.network import CourtNetwork
from assign.schemas import Case, Recommendation, Verdict
from assign.stored_case import read_case
from rules.engine import RuleEngine
from solver import AssignmentPlan, PlanStatus, build_instance
from solver.build import PLACED_MODES
from solver.recommend_one import PlanState

SINGLE_STATUS = "SINGLE"  # a one-case plan's status (its ranking is no solver run)
PLAN_TABLE, RECOMMENDATION_TABLE = table_of(PlanRow), table_of(RecommendationRow)  # looked up once, not per request


class BaselineStates:
    """The empty-plan state per network content hash (what single-case ranking is against)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._states: dict[str, PlanState] = {}

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
    recommendation_json: str | None = None  # the recommendation as stored (its row's data): the answer reuses it


@dataclass(frozen=True)
class StoredCase:
    case: Case
    live_decision: int | None  # the id of the case's live decision (`assign.decisions`), if decided


def load_case(engine: Engine, case_no: str) -> StoredCase:
    with engine.connect() as conn:
        found = case_record_and_live_decision(conn, case_no)
    if found is None:
        raise NotFound(f"no case {case_no!r}")
    data, live_decision = found
    case = read_case(case_no, data)  # a record that no longer validates: 422 naming it
    assert case is not None
    return StoredCase(case, live_decision)


def recommend_case(*, network: CourtNetwork, rules: RuleEngine, states: BaselineStates, stored: StoredCase,
                   as_of: date, actor: str) -> SingleResult:
    """Evaluate the case; if its verdict places it, rank courts and prepare the plan that stores it.

    A case with a live decision gets no new recommendation (`Conflict`): the decision binds it
    until a dispatcher supersedes it (`POST /v1/decisions` with `supersedes`), so a second,
    competing recommendation could only be decided against it.
    """
    if stored.live_decision is not None:
        raise Conflict(f"case {stored.case.case_no} has a live decision (decision {stored.live_decision}); no new "
                       f"recommendation is made for a decided case: to change it, decide again with "
                       f"supersedes={stored.live_decision}")
    case = stored.case
    verdict = evaluation.evaluate_cases([case], network, as_of, engine=rules)[0]
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
    summary = plan_store.summarize(plan, kind=plans.PlanKind.SINGLE, forum=verdict.forum, as_of=as_of, cases=1,
                                   status=SINGLE_STATUS)
    plan_row, (rec_row,) = plan_store.rows(plan_store.PlanToStore(plan=plan, recommendations=[rec], summary=summary))
    # one audit record for the verdict and the plan it led to (the hot path: one chain append)
    entry = plan_store.audit_entry(plan_id=plan_id, summary=summary, recommendations=[rec], actor=actor,
                                   outcome=verdict.outcome.value, rulebook=verdict.rulebook_version.hash)
    write = PendingWrite(rows=[(PLAN_TABLE, plan_row), (RECOMMENDATION_TABLE, rec_row)], audit=[entry],
                         returning=RECOMMENDATION_TABLE)
    return SingleResult(verdict, rec, write=write, recommendation_json=rec_row["data"])
