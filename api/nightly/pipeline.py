"""The nightly rebalancing run: evaluate (verdicts and node alerts, one pass over the store) ->
restoration leads -> select -> solve per forum -> validate -> store unpublished -> publish
atomically (with the events).

The night has one wall budget (`NightlyOptions.budget_s`, `Settings.nightly_budget_s`, 300 s by
default): the stages before the solve run to completion and the solve stage gets what they
left, with a floor (`api/nightly/budget.py`), so a night fits its budget by design and each
plan reports its gap.

Resumable: the run id is deterministic (as_of, network, rulebook, seed), the run row
records the stage reached, and each forum's plan is stored with its progress row in one
transaction. A rerun after kill -9 skips a finished evaluation, skips stored forums and
solves only the rest; a rerun of a published run changes nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.engine import Engine

from api.executors import Executor, TaskOutcome, make_executor
from api.nightly import stages
from api.nightly.alerts_stage import alerts_stage
from api.nightly.budget import forum_time_limits, solve_budget
from api.nightly.leads_stage import leads_stage
from api.nightly.lock import NightControl, RunLockKeeper
from api.nightly.services import NightlyServices
from api.nightly.worker import network_payload, solve_forum
from api.service.forum_plan import ForumResult, check_result
from api.service.job_runner import Checkpoint, run_job
from api.service.outcome_term import outcome_shares_by_forum
from assign import repository, runs
from assign.db import session_scope
from assign.errors import AssignError
from assign.fields import require_not_future
from assign.network import CourtNetwork
from solver.instance import SolveParams

ProgressFn = Callable[[str, int, int], None]  # (stage, done, total)
STAGES = ("evaluate", "select", "solve", "publish")


@dataclass(frozen=True)
class NightlyOptions:
    executor: str = "local"  # or "ray"
    address: str | None = None  # Ray cluster address; None starts a local one
    workers: int = 2
    task_time_limit_s: float = 600.0  # per forum, wall clock, around the solver's own limit
    retries: int = 2
    stale_after_s: float = 300.0  # a lock whose heartbeat is older than this is taken over
    budget_s: float = 300.0  # the whole night's wall time (api/nightly/budget.py)
    solve_floor_s: float = 30.0  # the solve stage's least budget, even when the stages before it overran
    solve_budget_s: float | None = None  # explicit solve-stage budget; None: what the night's budget leaves
    forum_time_limit_s: float = 30.0  # cap on one forum's solver time limit
    heartbeat_s: float = 10.0


@dataclass
class NightlyReport:
    run_id: str
    as_of: date
    status: str  # "published" | "already published"
    stage_times_s: dict[str, float]
    summary: stages.NightSummary
    resumed_forums: int = 0


@dataclass
class _Night:
    """One night's run as its stages see it: what it runs on, how it reports, and the stage times so far."""

    engine: Engine
    run_id: str
    as_of: date
    services: NightlyServices
    options: NightlyOptions
    network: CourtNetwork
    progress: ProgressFn
    check: Checkpoint
    started: float  # the night's budget runs from here (api/nightly/budget.py)
    times: dict[str, float] = field(default_factory=dict)

    def mark(self, stage: str, reached: str, started: float) -> None:
        """Record a finished stage (its wall time, the run's stage) after checking the night may go on."""
        self.times[stage] = round(time.perf_counter() - started, 3)
        self.check()
        with session_scope(self.engine) as s:
            runs.set_stage(session=s, run_id=self.run_id, stage=reached, stage_times={stage: self.times[stage]})


def _noop(stage: str, done: int, total: int) -> None:
    return None


def run_nightly(engine: Engine, *, as_of: date, services: NightlyServices, options: NightlyOptions,
                network: CourtNetwork | None = None, executor: Executor | None = None,
                progress: ProgressFn = _noop) -> NightlyReport:
    """Run (or resume, or confirm) the night of `as_of`. Raises Conflict if another run holds the lock."""
    require_not_future(as_of)
    with session_scope(engine) as session:
        network = network or repository.active_network(session=session)
        snapshot = runs.data_snapshot(session=session)
    seed = services.solve_params.seed
    run_id = stages.make_run_id(as_of=as_of, network_hash=network.content_hash, rulebook_hash=services.rulebook_hash,
                                seed=seed, placer=services.placer, snapshot=snapshot, policies=_policies(services))
    with RunLockKeeper(engine, run_id=run_id, stale_after_s=options.stale_after_s,
                       heartbeat_s=options.heartbeat_s) as keeper:
        return run_job(NightControl(engine, run_id, keeper),
                       lambda check: _run(engine, run_id, as_of, services, options, network, executor, progress, check))


def _run(engine: Engine, run_id: str, as_of: date, services: NightlyServices, options: NightlyOptions,
         network: CourtNetwork, executor: Executor | None, progress: ProgressFn,
         check: Checkpoint) -> NightlyReport:
    night_started = time.perf_counter()  # the night's budget runs from here (api/nightly/budget.py)
    with session_scope(engine) as session:
        run = runs.start_run(session=session, run_id=run_id, as_of=as_of, network_hash=network.content_hash,
                             rulebook_hash=services.rulebook_hash)
        if run.status == runs.RunStatus.PUBLISHED:
            stored = runs.run_summary(run)
            return NightlyReport(run_id, as_of, "already published", dict(stored.get("stage_times_s", {})),
                                 stages.NightSummary.model_validate(stored))
        reached = run.stage
    night = _Night(engine, run_id, as_of, services, options, network, progress, check, night_started)

    # evaluate: the store-wide pass saves verdicts (upserts) and, with the real services, the node
    # alerts of every open and 终本 case (issue 17); once recorded done, a rerun skips it
    started = time.perf_counter()
    if reached in ("start", "evaluate"):
        with session_scope(engine) as s:
            runs.set_stage(session=s, run_id=run_id, stage="evaluate")
        url = engine.url.render_as_string(hide_password=False)
        services.evaluate_store(url, as_of, network, lambda done, total: progress("evaluate", done, total))
        night.mark("evaluate", "evaluated", started)
    # the solve's workers start now, while the stages before the solve run: spawning them and importing the
    # solver takes seconds the solve stage's budget would otherwise pay
    pool = executor or make_executor(options.executor, workers=options.workers,
                                     time_limit_s=options.task_time_limit_s, retries=options.retries,
                                     address=options.address)
    shared = network_payload(network)
    starting = _start_in_background(pool, shared)
    try:
        return _after_evaluation(night, pool, shared, starting)
    finally:
        starting.join()
        if executor is None:
            pool.close()


def _start_in_background(pool: Executor, shared: dict[str, Any]) -> threading.Thread:
    """`pool.start` in a thread, joined before the solve stage uses the pool. A spawned worker reads its
    initializer's arguments (the network: more than a pipe holds) only once it has imported this process's main
    module, so `start` blocked the night for each worker's imports in turn: seconds of wall in no stage. A start
    that fails leaves the pool unstarted: `run` then starts it (and reports what fails)."""
    thread = threading.Thread(target=pool.start, args=(solve_forum,), kwargs={"shared": shared},
                              name="nightly-solve-pool-start", daemon=True)
    thread.start()
    return thread


def _after_evaluation(night: _Night, pool: Executor, shared: dict[str, Any],
                      starting: threading.Thread) -> NightlyReport:
    """The stages after the store pass: alerts (if not in the pass), leads, select, solve, publish."""
    engine, run_id, as_of, services, options = night.engine, night.run_id, night.as_of, night.services, night.options
    network, progress, check, times, mark = night.network, night.progress, night.check, night.times, night.mark
    if not services.alerts_in_store_pass:  # node alerts (issue 17): stored, new ones published
        times["alerts"] = alerts_stage(engine, as_of, network, services.rulebook_dir)
    times["leads"] = leads_stage(engine, as_of, network)  # restoration leads (issue 17 §2): registers x cases

    # select: the day's verdicts that place a case, grouped by forum; pins from accepted decisions
    started = time.perf_counter()
    with session_scope(engine) as s:
        by_forum = runs.cases_needing_court(session=s, as_of=as_of, rulebook_hash=services.rulebook_hash,
                                            modes=stages.PLACED_MODE_VALUES)
        last = runs.latest_published_run(session=s, before=as_of + timedelta(days=1))  # a same-day night too
        earlier_forums = runs.run_scopes(session=s, run_id=last.run_id) if last else []
        all_pins = services.pinned(s)
        stored = runs.stored_forums(session=s, run_id=run_id)
    forums = sorted(set(by_forum) | set(earlier_forums))
    needing = sum(len(v) for v in by_forum.values())
    pins_used = {n: all_pins[n] for nos in by_forum.values() for n in nos if n in all_pins}
    progress("select", needing, needing)
    mark("select", "selected", started)

    # solve + validate + store, forum by forum as results arrive
    started = time.perf_counter()
    todo = [f for f in forums if f not in stored]
    spent = {"prepare": 0.0, "validate": 0.0, "store": 0.0}
    budget = solve_budget(night_budget_s=options.budget_s, elapsed_s=time.perf_counter() - night.started,
                          floor_s=options.solve_floor_s, explicit_s=options.solve_budget_s)
    starting.join()  # the solve's workers are up (started while leads and select ran)
    failures = _solve_forums(night, pool, shared, todo, by_forum, pins_used, spent, budget_s=budget.seconds,
                             stage_started=started, done_before=len(stored), total=len(forums))
    times.update({k: round(v, 3) for k, v in spent.items()})  # inside the solve stage's wall time
    if failures:
        detail = "; ".join(f"{forum}: {why}" for forum, why in sorted(failures.items())[:10])
        raise AssignError(f"nightly run {run_id}: {len(failures)} forum(s) without a valid plan ({detail}); "
                          f"rerun to retry them (stored forums are kept)")
    mark("solve", "solved", started)

    # publish: plans, events and the run's status in one transaction
    started = time.perf_counter()
    with session_scope(engine) as s:
        summary = stages.night_summary(session=s, run_id=run_id, as_of=as_of, rulebook_hash=services.rulebook_hash,
                                       needing_court=needing, pinned=len(pins_used))
        summary.budget = budget.report()
        earlier_times = runs.stage_times(session=s, run_id=run_id)
    check()
    times["publish"] = round(time.perf_counter() - started, 3)
    all_times = {**earlier_times, **times}
    with session_scope(engine) as s:
        stages.publish_night(session=s, run_id=run_id, summary=summary, stage_times=all_times)
    progress("publish", 1, 1)
    return NightlyReport(run_id, as_of, "published", all_times, summary, resumed_forums=len(stored))


def _solve_forums(night: _Night, pool: Executor, shared: dict[str, Any], todo: list[str],
                  by_forum: dict[str, list[str]], pins: dict[str, str], spent: dict[str, float], *, budget_s: float,
                  stage_started: float, done_before: int, total: int) -> dict[str, str]:
    """Store every forum in `todo`; returns forum -> reason for those that got no valid plan. The forums' time
    limits share out what the stage's budget has left once their tasks are built (`forum_time_limits`)."""
    engine, run_id, as_of, services, options = night.engine, night.run_id, night.as_of, night.services, night.options
    network, progress, check = night.network, night.progress, night.check
    failures: dict[str, str] = {}
    done = done_before
    progress("solve", done, total)
    with session_scope(engine) as s:
        previous = stages.previous_plans(session=s, forums=todo)

    def store(forum: str, result: ForumResult, attempts: int) -> None:
        nonlocal done
        check()
        case_nos = by_forum.get(forum, [])
        started = time.perf_counter()
        problems = check_result(result, forums=dict.fromkeys(case_nos, forum), pins=pins, network=network)
        spent["validate"] += time.perf_counter() - started
        if problems:
            failures[forum] = "; ".join(problems[:5])
            return
        started = time.perf_counter()
        with session_scope(engine) as s:
            stages.store_forum(session=s, run_id=run_id, as_of=as_of, forum=forum, result=result,
                               previous=previous.get(forum), cases=len(case_nos), attempts=attempts)
        spent["store"] += time.perf_counter() - started
        done += 1
        progress("solve", done, total)

    for forum in [f for f in todo if not by_forum.get(f)]:
        store(forum, stages.empty_result(stages.make_plan_id(run_id, forum), forum), 1)
    # largest forums first (LPT): a big forum started last would leave one worker busy alone
    order = sorted((f for f in todo if by_forum.get(f)), key=lambda f: (-len(by_forum[f]), f))
    prepare_started = time.perf_counter()
    inputs: dict[str, tuple[list[str], list[str]]] = {}  # forum -> its cases and verdicts as JSON
    with session_scope(engine) as s:
        measured = outcome_shares_by_forum(session=s, network=network, as_of=as_of, forums=order,
                                           term_forums=services.outcome_term_forums,
                                           min_cases=services.outcome_term_min_cases)
        for forum in order:
            cases = runs.case_texts(session=s, case_nos=by_forum[forum])
            verdicts = runs.day_verdicts(session=s, as_of=as_of, rulebook_hash=services.rulebook_hash,
                                         case_nos=by_forum[forum])
            inputs[forum] = ([text for _, text in cases], [verdicts[no] for no, _ in cases])
    left_s = budget_s - (time.perf_counter() - stage_started)  # the stage's budget less what preparing took
    limits = forum_time_limits({f: len(by_forum[f]) for f in order}, budget_s=left_s,
                               workers=options.workers, cap_s=options.forum_time_limit_s)
    tasks = {forum: stages.forum_task(
        run_id=run_id, forum=forum, cases=cases, verdicts=verdicts, previous=previous.get(forum),
        pins={n: pins[n] for n in by_forum[forum] if n in pins}, placer=services.placer,
        params=_forum_params(services, forum, time_limit_s=limits.get(forum), outcome_shares=measured.get(forum)))
        for forum, (cases, verdicts) in inputs.items()}
    spent["prepare"] += time.perf_counter() - prepare_started
    if not tasks:
        return failures

    def on_result(outcome: TaskOutcome) -> None:
        if outcome.result is None:
            failures[outcome.key] = outcome.error or "failed"
        else:
            store(outcome.key, ForumResult.model_validate(outcome.result), outcome.attempts)

    # the executors move plain data between processes: each task as its fields (the placer as itself)
    pool.run(solve_forum, {forum: dict(task) for forum, task in tasks.items()}, shared=shared, on_result=on_result)
    return failures


def _forum_params(services: NightlyServices, forum: str, *, time_limit_s: float | None,
                  outcome_shares: Mapping[str, float] | None) -> SolveParams:
    """The night's solver parameters with the forum's own: its configured policy (else the night's
    stands), its share of the solve budget and its receiving courts' measured outcome shares."""
    own: dict[str, object] = {}
    if policy := services.forum_policies.get(forum):
        own["policy"] = policy
    if time_limit_s is not None:
        own["time_limit_s"] = time_limit_s
    if outcome_shares is not None:
        own["outcome_shares"] = dict(outcome_shares)
    return SolveParams.model_validate({**services.solve_params.model_dump(), **own}) if own else services.solve_params


def _policies(services: NightlyServices) -> str:
    """The night's policies as text for its run id ("" when all default): a night re-run with
    another policy is a new run, not a confirmation of the published one."""
    default = services.solve_params.policy.value
    forums = {f: p for f, p in services.forum_policies.items() if p != default}
    # the optional outcome term changes the plans too (its figures come from the data snapshot)
    outcome = "".join(f";outcome={f}" for f in sorted(services.outcome_term_forums))
    if default == "default" and not forums and not outcome:
        return ""
    return default + "".join(f";{f}={p}" for f, p in sorted(forums.items())) + outcome
