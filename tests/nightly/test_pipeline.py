"""The nightly pipeline end to end on the test network, with stand-in services."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.nightly import run_nightly
from assign import audit, plans, runs
from assign.audit import AuditRecord
from assign.db import session_scope
from assign.decisions import Action, record_decision
from assign.errors import Conflict
from assign.models import RecommendationRow, utcnow
from tests.nightly.helpers import AS_OF, InlineExecutor, fast_options, seed_store, snapshot, standin_services


def night(engine: Engine, as_of=AS_OF, **kw):
    return run_nightly(engine, as_of=as_of, services=standin_services(), options=fast_options(**kw),
                       executor=InlineExecutor())


def test_night_evaluates_places_and_publishes_every_forum(engine: Engine) -> None:
    seed_store(engine, 120)
    report = night(engine)
    s = report.summary
    assert report.status == "published"
    assert s.cases_evaluated == 120
    assert sum(s.outcomes.values()) == 120 and s.needing_court == s.outcomes["ELIGIBLE"]
    assert s.forums == 3 and s.placed == s.needing_court and s.moves_against_previous == 0
    assert set(report.stage_times_s) == {"evaluate", "select", "solve", "prepare", "validate", "store", "alerts",
                                        "leads", "publish"}
    snap = snapshot(engine)
    assert {p[1] for p in snap["plans"]} == {"H510000", "I510100", "I510700"}
    assert all(p[3] for p in snap["plans"])  # published
    assert [e[0] for e in snap["events"]].count("plan.published") == 3
    assert snap["events"][-1][0] == "nightly.completed"
    with session_scope(engine) as session:
        assert plans.current_plan(session=session, scope="I510100") is not None


def test_night_writes_its_verdicts_and_every_plan_to_the_audit_chain(engine: Engine) -> None:
    seed_store(engine, 120)
    report = night(engine)
    with session_scope(engine) as session:
        records = session.exec(sa.select(AuditRecord.kind, AuditRecord.subject, AuditRecord.payload)
                               .order_by(AuditRecord.seq)).all()
        assert audit.verify(session) is None
    plans = {subject: json.loads(payload) for kind, subject, payload in records if kind == "plan"}
    assert len(plans) == report.summary.forums
    assert sum(len(p["assignments"]) for p in plans.values()) == report.summary.placed
    night_verdicts = [json.loads(p) for kind, _, p in records if kind == "verdicts"]
    assert [v["outcomes_count"] for v in night_verdicts] == [report.summary.outcomes]
    night(engine)  # a rerun of the published night adds nothing to the chain
    with session_scope(engine) as session:
        assert session.exec(sa.select(sa.func.count()).select_from(AuditRecord)).one()[0] == len(records)


def test_a_plans_audit_record_holds_its_summary_and_every_recommendations_cases(engine: Engine) -> None:
    seed_store(engine, 120)
    report = night(engine)
    with session_scope(engine) as session:
        records = session.exec(sa.select(AuditRecord.subject, AuditRecord.payload)
                               .where(AuditRecord.kind == "plan").order_by(AuditRecord.seq)).all()
        assert [subject for subject, _ in records] == [p.plan_id for _, p in
                                                       sorted(runs.stored_forums(session=session,
                                                                                 run_id=report.run_id).items())]
        for plan_id, payload in records:
            recorded = json.loads(payload)
            recs = plans.plan_recommendations(session=session, plan_id=plan_id)
            # what the plan's recommendations say, case by case in their order (unplaced cases: None)
            assert list(recorded["assignments"].items()) == [(no, r.target_court) for r in recs for no in r.case_nos]
            assert recorded["summary"] == json.loads(plans.get_plan(session=session, plan_id=plan_id).summary)


def test_rerun_of_a_published_night_changes_nothing(engine: Engine) -> None:
    seed_store(engine, 60)
    first = night(engine)
    before = snapshot(engine)
    again = night(engine)
    assert again.status == "already published" and again.run_id == first.run_id
    assert snapshot(engine) == before


def test_a_night_published_before_the_typed_summary_still_reads_as_already_published(engine: Engine) -> None:
    """A run row whose summary was written as a plain dict, before `not_evaluated` was counted,
    loads as `NightSummary` when the night is run again."""
    seed_store(engine, 30)
    first = night(engine)
    with session_scope(engine) as session:
        run = session.get(runs.NightlyRun, first.run_id)
        old = {k: v for k, v in json.loads(run.summary).items() if k != "not_evaluated"}
        run.summary = json.dumps(old, ensure_ascii=False, default=str)
        session.add(run)
    again = night(engine)
    assert again.status == "already published"
    assert again.summary == first.summary.model_copy(update={"not_evaluated": 0})
    assert again.stage_times_s == first.stage_times_s


def test_second_run_refused_while_the_lock_is_held(engine: Engine) -> None:
    seed_store(engine, 30)
    with engine.connect() as conn:
        runs.acquire_lock(conn, holder="other-host:1:abc", run_id="someone", stale_after_s=30)
    with pytest.raises(Conflict, match="already running"):
        night(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT holder FROM run_lock")).scalar() == "other-host:1:abc"


def test_stale_lock_is_taken_over(engine: Engine) -> None:
    seed_store(engine, 30)
    with engine.connect() as conn:
        runs.acquire_lock(conn, holder="dead-host:1:abc", run_id="someone", stale_after_s=30)
        conn.execute(sa.text("UPDATE run_lock SET heartbeat_at = :t"), {"t": utcnow() - timedelta(hours=1)})
        conn.commit()
    assert night(engine, stale_after_s=60).status == "published"
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT holder FROM run_lock")).scalar() is None  # released


def test_overridden_decision_is_pinned_and_the_move_counted(engine: Engine) -> None:
    seed_store(engine, 90)
    night(engine)
    with session_scope(engine) as session:
        rec = session.exec(sa.select(RecommendationRow).where(RecommendationRow.forum == "I510100")
                           .order_by(RecommendationRow.group_key).limit(1)).scalar_one()
        before = rec.target_court
        other = next(c for c in ("B510104", "B510105", "B510112") if c != before and c not in rec.data)
        record_decision(session=session, recommendation=rec, action=Action.OVERRIDE, target_court=other,
                        reason="test", justification=None, violations=[], key_id=None)
        case_no = json.loads(rec.case_nos)[0]
    report = night(engine, as_of=AS_OF + timedelta(days=1))
    assert report.summary.pinned == 1
    assert report.summary.moves_against_previous == 1
    with session_scope(engine) as session:
        plan = plans.current_plan(session=session, scope="I510100")
        assert plan is not None and json.loads(plan.data)["assignments"][case_no] == other


def test_forum_planned_yesterday_with_nothing_today_gets_an_empty_plan(engine: Engine) -> None:
    seed_store(engine, 60)
    night(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE case_record SET status = 'concluded' WHERE court_code LIKE 'B5107%'"))
    report = night(engine, as_of=AS_OF + timedelta(days=1))
    with session_scope(engine) as session:
        plan = plans.current_plan(session=session, scope="I510700")
        assert plan is not None and plan.status == "EMPTY" and plan.run_id == report.run_id


def test_a_run_whose_lock_was_taken_over_stops(engine: Engine) -> None:
    import time

    from api.nightly.lock import RunLockKeeper

    with RunLockKeeper(engine, run_id="r", stale_after_s=30, heartbeat_s=0.1) as keeper:
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE run_lock SET holder = 'usurper'"))
        time.sleep(0.5)
        with pytest.raises(Conflict, match="taken over"):
            keeper.check()
    with engine.connect() as conn:  # releasing does not free the usurper's lock
        assert conn.execute(sa.text("SELECT holder FROM run_lock")).scalar() == "usurper"


def test_plans_of_an_abandoned_run_are_dropped_when_a_night_publishes(engine: Engine) -> None:
    seed_store(engine, 60)
    with session_scope(engine) as session:  # a run that crashed, then the rulebook changed
        runs.start_run(session=session, run_id="abandoned", as_of=AS_OF, network_hash="n", rulebook_hash="old")
        plans.save_plan(session=session, plan_id="old-plan", as_of=AS_OF, scope="I510100", status="FEASIBLE",
                        kind=plans.PlanKind.NIGHTLY, data="{}", summary={}, recommendations=[], run_id="abandoned",
                        published=False)
        runs.record_forum(session=session, progress=runs.ForumProgress(run_id="abandoned", forum="I510100",
                                                                        status="stored", plan_id="old-plan"))
    report = night(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM plan WHERE NOT published")).scalar() == 0
        assert conn.execute(sa.text("SELECT count(*) FROM nightly_forum WHERE run_id = 'abandoned'")).scalar() == 0
        statuses = dict(conn.execute(sa.text("SELECT run_id, status FROM nightly_run")).all())
    assert statuses == {"abandoned": "superseded", report.run_id: "published"}


def test_of_many_simultaneous_acquirers_exactly_one_gets_the_lock(engine: Engine) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def attempt(i: int) -> bool:
        try:
            with engine.connect() as conn:
                runs.acquire_lock(conn, holder=f"h{i}", run_id="r", stale_after_s=30)
            return True
        except Conflict:
            return False

    with ThreadPoolExecutor(max_workers=6) as pool:
        won = list(pool.map(attempt, range(6)))
    assert won.count(True) == 1


def test_each_forum_is_planned_with_its_configured_policy_else_the_nights(engine: Engine) -> None:
    seed_store(engine, 60)
    services = replace(standin_services(policy="balanced"), forum_policies={"I510100": "near"})
    run_nightly(engine, as_of=AS_OF, services=services, options=fast_options(), executor=InlineExecutor())
    with session_scope(engine) as session:
        policies = {scope: json.loads(plans.current_plan(session=session, scope=scope).data)["policy"]
                    for scope in ("I510100", "I510700")}
    assert policies == {"I510100": "near", "I510700": "balanced"}


def test_a_rerun_after_new_cases_is_a_new_night_that_plans_them(engine: Engine) -> None:
    """A night is keyed by its data snapshot: the same day over new data is not 'already published'."""
    from assign.importer import import_cases
    from tests.factories import make_network
    from tests.nightly.helpers import small_cases

    seed_store(engine, 60)
    first = night(engine)
    import_cases(engine, small_cases(21, prefix="新"), as_of=AS_OF, network=make_network())
    second = night(engine)
    assert second.status == "published" and second.run_id != first.run_id
    assert second.summary.cases_evaluated == 81
    with session_scope(engine) as session:
        plan = plans.current_plan(session=session, scope="I510100")
        assert plan is not None and plan.run_id == second.run_id  # the current plan is the new night's
        assert runs.latest_published_run(session=session).run_id == second.run_id
        old = session.get(runs.NightlyRun, first.run_id)
        assert old is not None and old.status == runs.RunStatus.PUBLISHED  # history: its plans were current then
    assert night(engine).status == "already published"  # the same snapshot again: nothing to do


def test_a_dead_holder_on_this_host_is_taken_over_at_once_a_live_or_remote_one_is_not(engine: Engine) -> None:
    import socket
    import subprocess
    import sys

    from api.nightly.lock import holder_is_dead

    seed_store(engine, 30)
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    host = socket.gethostname()
    try:
        now = utcnow()
        assert holder_is_dead(f"{host}:{gone.pid}:abc", now)
        assert not holder_is_dead(f"{host}:{live.pid}:abc", now)  # it took the lock after it started: alive
        assert holder_is_dead(f"{host}:{live.pid}:abc", now - timedelta(hours=1))  # a PID reused since the lock
        assert not holder_is_dead(f"elsewhere:{gone.pid}:abc", now)  # another host: only staleness
        with engine.connect() as conn:
            runs.acquire_lock(conn, holder=f"{host}:{live.pid}:abc", run_id="someone", stale_after_s=3600)
        with pytest.raises(Conflict, match="already running"):
            night(engine, stale_after_s=3600)
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE run_lock SET holder = :h"), {"h": f"{host}:{gone.pid}:abc"})
        assert night(engine, stale_after_s=3600).status == "published"  # no --stale-after needed
    finally:
        live.kill()
        live.wait()


def test_a_night_rerun_with_another_policy_is_a_new_run_the_default_keeps_its_id(engine: Engine) -> None:
    seed_store(engine, 40)
    first = run_nightly(engine, as_of=AS_OF, services=standin_services(), options=fast_options(),
                        executor=InlineExecutor())
    again = run_nightly(engine, as_of=AS_OF, services=standin_services(policy="default"), options=fast_options(),
                        executor=InlineExecutor())
    near = run_nightly(engine, as_of=AS_OF, services=standin_services(policy="near"), options=fast_options(),
                       executor=InlineExecutor())
    assert again.run_id == first.run_id and near.run_id != first.run_id
    with session_scope(engine) as session:
        assert json.loads(plans.current_plan(session=session, scope="I510100").data)["policy"] == "near"
