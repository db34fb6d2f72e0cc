"""Batch placement jobs: `POST /v1/recommendations/batch` -> a job id; poll; cancel.

Design: the job's state is a table (`assign.jobs.PlanJob`), the work runs in a thread of
the API process that accepted it (one at a time per process: a solve uses every core).
With the state in the database any worker process answers GET and DELETE for any job,
and a cancel is a flag the runner reads between stages. Claim, cancel and the error boundary are
`api.service.job_runner`'s, shared with the nightly run (`BatchJobControl` is the batch side). Stages:

1. load the open cases of the scope (the forum's jurisdiction) and evaluate them;
2. greedy plan: stored at once as the job's best-so-far summary;
   Cases whose live decision binds a court are pinned to it (`assign.decisions.pinned_courts`).
3. the CP-SAT solve (`forum_plan.plan_forum` with `placement.place_cases`: the same forum
   planning as a nightly run's, bounded by the job's time limit), watched by
   `solver.stop.stop_when`: a cancel stops the search within a poll interval (~0.1 s);
4. the plan is checked as a nightly forum's is (`forum_plan.check_result`: a plan with a
   problem fails the job) and stored (with the scope's current plan as `previous_plan_id`), audited and
   announced on the event feed.

The plan of a job over named cases (`case_nos`), and a plan with nothing to place, is stored as
`PlanKind.PARTIAL`: readable and decidable, but never the forum's current plan (issue 15, fault 4:
a batch must not wipe a forum's queue).

A process that dies mid-job leaves it `running`; its `started_at` tells an operator so.

Typed throughout: a job asks for `assign.jobs.JobParams`, its best plan so far is a `JobBest`
(the plan's `PlanSummary` and the stage it came from), and every route answers a `JobView`.

Admission (named cases, quotas) is `api.service.job_admission`.
"""

from __future__ import annotations

import logging
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel
from sqlalchemy.engine import Engine

from api.config import Settings
from api.service import audit as audit_service
from api.service import evaluation, forum_plan, placement, plan_store
from api.service.job_runner import Cancelled, Checkpoint, run_job
from api.service.outcome_term import outcome_shares_by_forum
from assign import jobs, plans, repository
from assign.db import session_scope
from assign.decisions import pinned_courts
from assign.errors import AssignError
from assign.masking import mask_text
from assign.network import CourtNetwork
from assign.schemas import Case, CaseStatus
from solver import AssignmentPlan, SolveParams, build_instance, greedy_plan
from solver.stop import stop_when

log = logging.getLogger(__name__)


class JobBest(plan_store.PlanSummary):
    """The best plan a job has so far: the greedy plan's summary, then the final plan's."""

    stage: Literal["greedy", "final"]

    @classmethod
    def of(cls, summary: plan_store.PlanSummary, stage: Literal["greedy", "final"]) -> JobBest:
        return cls.model_validate({**summary.model_dump(), "stage": stage})


class JobView(BaseModel):
    """A batch job as every route answers it."""

    id: str
    status: jobs.JobStatus
    scope: str
    params: jobs.JobParams
    cancel_requested: bool
    best_so_far: JobBest | None
    plan_id: str | None
    error: str | None
    created_at: str
    started_at: str | None
    finished_at: str | None


def job_view(job: jobs.PlanJob) -> JobView:
    best = job.best_json()
    return JobView(id=job.id, status=jobs.JobStatus(job.status), scope=job.scope, params=job.job_params(),
                   cancel_requested=job.cancel_requested,
                   best_so_far=JobBest.model_validate_json(best) if best is not None else None,
                   plan_id=job.plan_id, error=job.error, created_at=job.created_at.isoformat(),
                   started_at=job.started_at.isoformat() if job.started_at else None,
                   finished_at=job.finished_at.isoformat() if job.finished_at else None)


@dataclass(frozen=True)
class BatchJobControl:
    """A batch job's side of `api.service.job_runner`: claimed queued -> running, cancelled by its flag, a
    failure recorded on the row and logged (a job's failure is its result, not the server's)."""

    engine: Engine
    job_id: str
    started: bool = False  # the row is already running (claimed by an earlier call)

    def claim(self) -> bool:
        if self.started:
            return True
        with session_scope(self.engine) as session:
            return jobs.start_job(session=session, job_id=self.job_id)  # False: cancelled while queued

    def cancel_requested(self) -> bool:
        with session_scope(self.engine) as session:
            return jobs.cancel_requested(session=session, job_id=self.job_id)

    def cancelled(self) -> None:
        with session_scope(self.engine) as session:  # a job cancelled while queued has ended already: no change
            jobs.finish_job(session=session, job_id=self.job_id, status=jobs.JobStatus.CANCELLED)

    def failed(self, error: Exception) -> None:
        log.error("plan job %s failed: %s", self.job_id, mask_text(repr(error)))
        with session_scope(self.engine) as session:
            jobs.finish_job(session=session, job_id=self.job_id, status=jobs.JobStatus.FAILED,
                            error=mask_text(str(error)))


class JobRunner:
    """The API process's batch job thread: each job runs through `job_runner.run_job`."""

    def __init__(self, engine: Engine, settings: Settings, *,
                 placer: forum_plan.Placer = placement.place_cases) -> None:
        self.engine = engine
        self.settings = settings
        self.placer = placer  # the nightly job's placer too (`api.nightly.services`)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="plan-job")
        self.futures: dict[str, Future[None]] = {}

    def submit(self, job_id: str, network: CourtNetwork) -> Future[None]:
        future = self._pool.submit(self.run, job_id, network)
        self.futures[job_id] = future
        return future

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def run(self, job_id: str, network: CourtNetwork) -> None:
        """Claim a queued job and run it to its final state: done, cancelled or failed."""
        run_job(BatchJobControl(self.engine, job_id), lambda check: self._work(job_id, network, check))

    def execute(self, job_id: str, network: CourtNetwork) -> None:
        """Run a job already marked running (e.g. a row left running) to its final state."""
        run_job(BatchJobControl(self.engine, job_id, started=True), lambda check: self._work(job_id, network, check))

    def checkpoint(self, job_id: str) -> Checkpoint:
        return Checkpoint(BatchJobControl(self.engine, job_id, started=True))

    def _work(self, job_id: str, network: CourtNetwork, check: Checkpoint) -> None:
        with session_scope(self.engine) as session:
            job = jobs.get_job(session=session, job_id=job_id)
            params, scope, key_id = job.job_params(), job.scope, job.key_id
        self._run(job_id, scope, params, key_id, network, check)

    def _load(self, scope: str, params: jobs.JobParams, network: CourtNetwork,
              unreadable: dict[str, str]) -> list[Case]:
        codes = network.subtree_codes(scope)
        with session_scope(self.engine) as session:
            if params.case_nos:
                allowed = set(codes)
                found = repository.get_cases(session=session, case_nos=params.case_nos, unreadable=unreadable)
                return [c for c in found if c.court_code in allowed]
            return [c for batch in repository.iter_cases(session=session, status=CaseStatus.OPEN, court_codes=codes,
                                                         unreadable=unreadable) for c in batch]

    def _run(self, job_id: str, scope: str, params: jobs.JobParams, key_id: int | None,
             network: CourtNetwork, check: Checkpoint) -> None:
        as_of = params.as_of
        unreadable: dict[str, str] = {}
        evaluated = evaluation.evaluate_each(self._load(scope, params, network, unreadable), network, as_of,
                                            engine=evaluation.get_engine(self.settings.rulebook_dir))
        cases, verdicts = evaluated.cases, evaluated.verdicts  # a case that cannot be evaluated is reported, skipped
        not_evaluated = [f"case {no}: {why}" for no, why in unreadable.items()] + [str(f) for f in evaluated.failures]
        check()
        with session_scope(self.engine) as session:
            previous = plans.current_plan(session=session, scope=scope)
            # transfers a dispatcher already decided stay where they were decided
            pinned = pinned_courts(session=session, case_nos=[c.case_no for c in cases])
        previous_plan = forum_plan.previous_of(previous)
        time_limit_s = float(params.time_limit_s or self.settings.interactive_time_limit_s)
        with session_scope(self.engine) as session:
            measured = outcome_shares_by_forum(session=session, network=network, as_of=as_of, forums=[scope],
                                               term_forums=self.settings.outcome_term_forums,
                                               min_cases=self.settings.outcome_term_min_cases)
        solve_params = SolveParams(time_limit_s=time_limit_s,
                                   workers=self.settings.solver_workers, seed=self.settings.solver_seed,
                                   policy=self.settings.policy_for(scope, params.policy),
                                   outcome_shares=measured.get(scope, {}))
        inst = build_instance(cases, verdicts, network, previous_plan=previous_plan, pinned=pinned,
                              params=solve_params)
        greedy = greedy_plan(inst)
        # a batch over named cases, or with nothing to place, never becomes the forum's current plan
        kind = plans.PlanKind.PARTIAL if params.case_nos else plans.PlanKind.BATCH

        def summary_of(plan: AssignmentPlan, kind: plans.PlanKind) -> plan_store.PlanSummary:
            return plan_store.summarize(plan, kind=kind, forum=scope, as_of=as_of, cases=len(cases),
                                        pinned=len(pinned), job_id=job_id, not_evaluated=not_evaluated)

        with session_scope(self.engine) as session:
            jobs.set_best(session=session, job_id=job_id, best=JobBest.of(summary_of(greedy, kind), "greedy"))
        check()
        plan_id = f"job-{job_id[:8]}-{uuid.uuid4().hex[:8]}"
        with stop_when(check.requested):
            result = forum_plan.plan_forum(cases, verdicts, network, forum=scope, plan_id=plan_id,
                                           placer=self.placer, previous_plan=previous_plan, pinned=pinned,
                                           params=solve_params)
        check()
        # the same checks as a nightly forum's plan: a plan with a problem is never stored
        forums = {v.case_no: v.forum for v in verdicts if v.forum is not None}
        problems = forum_plan.check_result(result, forums=forums, pins=pinned, network=network)
        if problems:
            raise AssignError(f"the plan for {scope} failed its checks ({len(problems)}): {'; '.join(problems[:5])}")
        summary = summary_of(result.plan, kind if result.recommendations else plans.PlanKind.PARTIAL)
        stored = forum_plan.to_store(result, summary, previous)
        with session_scope(self.engine) as session:
            actor = f"key:{key_id}" if key_id is not None else "job"
            audit_service.record_verdicts(session=session, verdicts=verdicts, actor=actor, stored=False)
            plan_store.store_plan(session=session, stored=stored, actor=actor, event="plan.created")
            done = jobs.finish_job(session=session, job_id=job_id, status=jobs.JobStatus.DONE, plan_id=plan_id,
                                   best=JobBest.of(summary, "final"))
            if not done:  # cancelled while finishing: nothing of this run is kept
                raise Cancelled
