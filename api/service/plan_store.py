"""Storing a plan, defined once for a single case, a batch job and a nightly run.

A stored plan is: its row and its recommendations' rows (`assign.plans.plan_rows`), one
audit record (`audit_entry`) and, for plans other than a single case's, one event
(`event_payload`); all three carry the same `PlanSummary`. The paths differ only in when
they write:

- a single case (`api.service.recommendations`): rows and audit record through the group
  commit, no event (the hot path; the decision that follows is announced);
- a batch job (`api.service.jobs`): everything in one transaction (`store_plan`), event
  `plan.created`;
- a nightly run (`api.nightly.stages`): the rows unpublished as each forum is solved
  (`store_plan(..., published=False)`), the audit records and `plan.published` events when
  the night is published, from the stored summaries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlmodel import Session

from assign import audit, events, plans
from assign.schemas import Recommendation
from solver import AssignmentPlan


class PlanSummary(BaseModel):
    """What every stored plan reports about itself (in its row, its audit record and its event)."""

    model_config = ConfigDict(frozen=True)
    kind: plans.PlanKind
    forum: str
    as_of: date
    status: str
    cases: int
    placed: int
    unplaced: int
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    time_s: float | None = None
    moves: int | None = None  # cases placed on another court than in the previous plan
    pinned: int | None = None  # cases kept where their live decision binds them
    run_id: str | None = None
    job_id: str | None = None
    not_evaluated: list[str] | None = None  # cases that could not be evaluated (first 200), each with why
    not_evaluated_count: int | None = None

    def data(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


def summarize(plan: AssignmentPlan, *, kind: plans.PlanKind, forum: str, as_of: date, cases: int,
              status: str | None = None, moves: int | None = None, pinned: int | None = None,
              run_id: str | None = None, job_id: str | None = None,
              not_evaluated: Sequence[str] | None = None) -> PlanSummary:
    """The summary of `plan`; `status` (the plan row's status) defaults to the solver's.

    `not_evaluated`: the cases that could not be evaluated, each with why (the first 200 kept, all counted)."""
    return PlanSummary(kind=kind, forum=forum, as_of=as_of, status=status or plan.status.value, cases=cases,
                       placed=len(plan.assignments), unplaced=len(plan.unplaced), objective=plan.objective,
                       bound=plan.bound, gap=plan.gap, time_s=plan.time_s, moves=moves, pinned=pinned,
                       run_id=run_id, job_id=job_id,
                       not_evaluated=list(not_evaluated[:200]) if not_evaluated is not None else None,
                       not_evaluated_count=len(not_evaluated) if not_evaluated is not None else None)


@dataclass(frozen=True)
class PlanToStore:
    plan: AssignmentPlan  # with its final plan_id
    recommendations: Sequence[Recommendation]
    summary: PlanSummary
    previous_plan_id: str | None = None

    @property
    def plan_id(self) -> str:
        return self.plan.plan_id


def audit_entry(*, plan_id: str, summary: PlanSummary, recommendations: Sequence[Recommendation], actor: str,
                **extra: str) -> audit.Entry:
    """The audit record of a stored plan: its summary and every assignment (`extra`: what the path adds)."""
    courts = {no: r.target_court for r in recommendations for no in r.case_nos}
    return audit_entry_of(plan_id=plan_id, summary=summary, courts=courts, actor=actor, **extra)


def audit_entry_of(*, plan_id: str, summary: PlanSummary, courts: Mapping[str, str | None], actor: str,
                   **extra: str) -> audit.Entry:
    """`audit_entry` from the plan's case -> receiving court (None: unplaced), in its recommendations' order, as
    `assign.plans.recommended_courts` reads them from the stored rows."""
    payload = {"plan_id": plan_id, "scope": summary.forum, "summary": {**summary.data(), **extra},
               "assignments": dict(courts)}
    return audit.Entry(kind="plan", subject=plan_id, payload=payload, actor=actor)


def event_payload(*, plan_id: str, summary: PlanSummary, **extra: str) -> dict[str, Any]:
    return {"plan_id": plan_id, **summary.data(), **extra}


def rows(stored: PlanToStore, *, published: bool = True) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    s = stored.summary
    return plans.plan_rows(plan_id=stored.plan_id, as_of=s.as_of, scope=s.forum, status=s.status,
                           kind=s.kind, data=stored.plan.model_dump_json(), summary=s.data(),
                           recommendations=stored.recommendations, previous_plan_id=stored.previous_plan_id,
                           run_id=s.run_id, published=published)


def store_plan(*, session: Session, stored: PlanToStore, actor: str | None, event: str | None,
               published: bool = True) -> None:
    """Rows, audit record (unless `actor` is None) and event (unless `event` is None), in the caller's transaction."""
    s = stored.summary
    plans.save_plan(session=session, plan_id=stored.plan_id, as_of=s.as_of, scope=s.forum,
                          status=s.status, kind=s.kind, data=stored.plan.model_dump_json(),
                          summary=s.data(), recommendations=stored.recommendations,
                          previous_plan_id=stored.previous_plan_id, run_id=s.run_id, published=published)
    if actor is not None:
        e = audit_entry(plan_id=stored.plan_id, summary=s, recommendations=stored.recommendations, actor=actor)
        audit.append(session=session, kind=e.kind, subject=e.subject, payload=e.payload, actor=e.actor)
    if event is not None:
        events.publish(session=session, kind=event, subject=stored.plan_id,
                       payload=event_payload(plan_id=stored.plan_id, summary=s))
