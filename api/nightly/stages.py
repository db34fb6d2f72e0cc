"""The nightly stages after evaluation: select, build tasks, validate, store, publish.

Every write is idempotent or atomic: a forum's plan and its progress row commit together,
so a forum is either stored (and skipped by a rerun) or absent (and solved again); the
publish step flips every plan of the run, writes the events and marks the run published
in one transaction, so the command centre sees the whole night or nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from api.nightly.budget import NightBudget
from api.service import plan_store
from api.service.forum_plan import ForumResult, ForumTask, Placer, placer_name, previous_of, to_store
from assign import audit, events, plans, repository, runs
from assign.models import PlanRow
from assign.schemas import CaseStatus
from solver.build import PLACED_MODES
from solver.instance import AssignmentPlan, PlanStatus, SolveParams

PLACED_MODE_VALUES = sorted(m.value for m in PLACED_MODES)


class NightSummary(BaseModel):
    """What a night reports: in the run row (with its stage times), the `nightly.completed` event
    and `NightlyReport`. Counted from the stored rows, so a resumed night reports what an
    uninterrupted one would."""

    run_id: str
    as_of: date
    rulebook_hash: str
    cases_evaluated: int
    # open cases the store pass could not evaluate (reported and skipped; the reasons are on the
    # event feed as `cases.not_evaluated`): the night publishes without them. 0 in runs published
    # before it was counted.
    not_evaluated: int = 0
    outcomes: dict[str, int]
    needing_court: int
    pinned: int
    forums: int
    placed: int
    unplaced: int
    moves_against_previous: int
    worst_gap: float | None
    budget: NightBudget | None = None  # the solve's share of the night's budget (None: runs published before it)

    def data(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def make_run_id(*, as_of: date, network_hash: str, rulebook_hash: str, seed: int, placer: Placer,
                snapshot: str = "", policies: str = "") -> str:
    """Same day, network, rulebook, seed, placer, data snapshot and policies -> same run (a rerun
    resumes it); `policies` is empty when every forum is planned with the default policy (ids unchanged)."""
    key = f"{as_of}|{network_hash}|{rulebook_hash}|{seed}|{placer_name(placer)}|{snapshot}" + (
        f"|{policies}" if policies else "")
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"{as_of.isoformat()}-{digest[:16]}"


def make_plan_id(run_id: str, forum: str) -> str:
    return f"N{run_id[:10].replace('-', '')}-{forum}-{run_id[-8:]}"


def previous_plans(*, session: Session, forums: Sequence[str]) -> dict[str, PlanRow]:
    """The plan dispatchers see now for each forum (its current plan, `assign.plans.current_plan`)."""
    found: dict[str, PlanRow] = {}
    for forum in forums:
        row = plans.current_plan(session=session, scope=forum)
        if row is not None:
            found[forum] = row
    return found


def forum_task(*, run_id: str, forum: str, cases: Sequence[str], verdicts: Sequence[str], previous: PlanRow | None,
               pins: Mapping[str, str], placer: Placer, params: SolveParams) -> ForumTask:
    """One forum's subproblem (cases and verdicts as their stored JSON)."""
    return ForumTask(run_id=run_id, forum=forum, plan_id=make_plan_id(run_id, forum), placer=placer,
                     cases=list(cases), verdicts=list(verdicts),
                     previous_plan=previous_of(previous),
                     pinned=dict(pins), params=params)


def count_moves(previous: PlanRow | None, assignments: Mapping[str, str]) -> int:
    """Cases placed yesterday and today on different courts."""
    if previous is None:
        return 0
    return sum(1 for m in plans.moves_between(plans.assignments_of(previous), assignments) if m.moved)


def empty_result(plan_id: str, forum: str) -> ForumResult:
    """A forum planned yesterday with nothing to place today gets an empty plan (its queue clears)."""
    plan = AssignmentPlan(plan_id=plan_id, status=PlanStatus.EMPTY, assignments={})
    return ForumResult(forum=forum, plan=plan, recommendations=[], time_s=0.0)


def store_forum(*, session: Session, run_id: str, as_of: date, forum: str, result: ForumResult,
                previous: PlanRow | None, cases: int, attempts: int) -> runs.ForumProgress:
    """The forum's plan (unpublished: no audit record or event yet) and its progress row, in the
    caller's transaction."""
    plan = result.plan
    moves = count_moves(previous, plan.assignments)
    summary = plan_store.summarize(plan, kind=plans.PlanKind.NIGHTLY, forum=forum, as_of=as_of, cases=cases,
                                   moves=moves, run_id=run_id)
    plan_store.store_plan(session=session, stored=to_store(result, summary, previous), actor=None, event=None,
                          published=False)
    progress = runs.ForumProgress(run_id=run_id, forum=forum, status="stored", plan_id=plan.plan_id, cases=cases,
                                  placed=len(plan.assignments), moves=moves, gap=plan.gap, attempts=attempts,
                                  time_s=result.time_s)
    runs.record_forum(session=session, progress=progress)
    return progress


def night_summary(*, session: Session, run_id: str, as_of: date, rulebook_hash: str,
                  needing_court: int, pinned: int) -> NightSummary:
    """Counts from the stored rows, so a resumed night reports what an uninterrupted one would."""
    outcomes = runs.outcome_counts(session=session, as_of=as_of, rulebook_hash=rulebook_hash)
    open_cases = repository.count_cases(session=session, status=CaseStatus.OPEN)
    forums = runs.stored_forums(session=session, run_id=run_id)
    gaps = [f.gap for f in forums.values() if f.gap is not None]
    return NightSummary(
        run_id=run_id, as_of=as_of, rulebook_hash=rulebook_hash, cases_evaluated=sum(outcomes.values()),
        not_evaluated=max(0, open_cases - sum(outcomes.values())), outcomes=dict(sorted(outcomes.items())),
        needing_court=needing_court, pinned=pinned, forums=len(forums),
        placed=sum(f.placed for f in forums.values()), unplaced=needing_court - sum(f.placed for f in forums.values()),
        moves_against_previous=sum(f.moves for f in forums.values()), worst_gap=max(gaps) if gaps else None)


def publish_night(*, session: Session, run_id: str, summary: NightSummary, stage_times: dict[str, float]) -> int:
    """Make the night visible and tell the command centre, all in the caller's transaction.

    The events commit with the run's `published` status, so a rerun (which finds the run
    published and stops) can never emit them twice; each payload also carries an
    idempotency key for consumers of the at-least-once webhooks.
    """
    runs.discard_unfinished(session=session, keep_run_id=run_id)
    count = plans.publish_plans(session=session, run_id=run_id)
    entries = [audit.Entry(kind="verdicts", subject=f"nightly {run_id}", actor="nightly", payload={
        "stored": True, "as_of": summary.as_of.isoformat(), "count": summary.cases_evaluated,
        "outcomes_count": summary.outcomes, "rulebook_hash": summary.rulebook_hash,
    })]
    published: list[events.NewEvent] = []
    # the audit holds every published plan with its assignments, like plans made over the API; one read of the
    # run's summaries and recommendations' columns, then one run of the audit chain and one batch of events
    summaries = plans.run_plan_summaries(session=session, run_id=run_id)
    courts = plans.recommended_courts(session=session, run_id=run_id)
    for forum, progress in sorted(runs.stored_forums(session=session, run_id=run_id).items()):
        summary_of_plan = plan_store.PlanSummary.model_validate_json(summaries[progress.plan_id])
        entries.append(plan_store.audit_entry_of(plan_id=progress.plan_id, summary=summary_of_plan, actor="nightly",
                                                 courts=courts.get(progress.plan_id, {})))
        payload = plan_store.event_payload(plan_id=progress.plan_id, summary=summary_of_plan,
                                           idempotency_key=f"nightly:{run_id}:{forum}")
        published.append(events.NewEvent("plan.published", progress.plan_id, payload))
    published.append(events.NewEvent("nightly.completed", run_id,
                                     {"idempotency_key": f"nightly:{run_id}", **summary.data()}))
    audit.append_many(session=session, entries=entries)
    events.publish_many(session=session, items=published)
    runs.finish_run(session=session, run_id=run_id, status=runs.RunStatus.PUBLISHED,
                    summary={**summary.data(), "stage_times_s": stage_times})
    return count
