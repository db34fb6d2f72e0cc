"""The optional solver term soft.receiving_outcome is fed measured figures only where it is turned on, and the
forum's plan records them (issue 17 §3: "the plan says when it was used and with which figures")."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime

from sqlalchemy.engine import Engine

from api.nightly import run_nightly
from api.service.outcome_term import outcome_shares_by_forum
from api.service.plans import plan_detail
from assign import plans, repository
from assign.db import session_scope
from assign.decisions import Action, record_decision
from assign.models import PlanRow, RecommendationRow
from assign.outcomes import ProgressEvent, Source, record_progress
from tests.nightly.helpers import AS_OF, InlineExecutor, fast_options, seed_store, small_cases, standin_services

CASES = small_cases(60)
# three cases of B510104 (every seventh case is on that court), transferred to B510105 in spring
MOVED = [CASES[i].case_no for i in (0, 7, 14)]


def _transfer(engine: Engine, case_no: str, court: str, on: date) -> None:
    with session_scope(engine) as s:
        s.add(PlanRow(plan_id=f"past-{case_no}", as_of=on, scope="past", status="optimal", kind="partial"))
        s.flush()
        rec = RecommendationRow(plan_id=f"past-{case_no}", group_key=case_no, case_nos=json.dumps([case_no]),
                                target_court=court, data="{}")
        s.add(rec)
        s.flush()
        decision = record_decision(session=s, recommendation=rec, action=Action.ACCEPT, target_court=court,
                                   reason="x", justification=None, violations=[], key_id=None)
        decision.created_at = datetime(on.year, on.month, on.day, 10, tzinfo=UTC)


def _history(engine: Engine) -> None:
    """B510105 received three cases on 2024-03-01; one was concluded within six months: share 1/3."""
    seed_store(engine, 60)
    for no in MOVED:
        _transfer(engine, no, "B510105", date(2024, 3, 1))
    with session_scope(engine) as s:
        record_progress(session=s, source=Source.API, progress=[ProgressEvent.model_validate(
            {"case_no": MOVED[0], "kind": "status", "on": "2024-06-01", "status": "concluded"})])


def test_shares_only_for_forums_with_the_term_on_and_enough_cases(engine: Engine) -> None:
    _history(engine)
    with session_scope(engine) as s:
        network = repository.active_network(session=s)

        def shares(term_forums: list[str], min_cases: int) -> dict[str, dict[str, float]]:
            return outcome_shares_by_forum(session=s, network=network, as_of=AS_OF, forums=["I510100", "I510700"],
                                           term_forums=term_forums, min_cases=min_cases)

        assert shares([], 1) == {}  # off by default
        assert shares(["I510100"], 3) == {"I510100": {"B510105": 0.3333}}
        assert shares(["*"], 3) == {"I510100": {"B510105": 0.3333}, "I510700": {}}  # B510105 is not in 绵阳
        assert shares(["I510100"], 4) == {"I510100": {}}  # three closed windows are too few for four
        # before the six-month window closed (2024-08-28 is day 180) nothing is measured yet
        early = outcome_shares_by_forum(session=s, network=network, as_of=date(2024, 8, 27), forums=["I510100"],
                                        term_forums=["I510100"], min_cases=1)
        assert early == {"I510100": {}}


def test_the_night_solves_a_forum_with_the_term_on_with_its_figures_and_says_so(engine: Engine) -> None:
    _history(engine)
    off = run_nightly(engine, as_of=AS_OF, services=standin_services(), options=fast_options(),
                      executor=InlineExecutor())
    services = replace(standin_services(), outcome_term_forums=frozenset({"I510100"}), outcome_term_min_cases=3)
    on = run_nightly(engine, as_of=AS_OF, services=services, options=fast_options(), executor=InlineExecutor())
    assert on.status == "published" and on.run_id != off.run_id  # turning it on is a new night, not a rerun
    with session_scope(engine) as s:
        used = {scope: json.loads(plans.current_plan(session=s, scope=scope).data)["params"]["outcome_shares"]
                for scope in ("I510100", "I510700")}
    assert used == {"I510100": {"B510105": 0.3333}, "I510700": {}}
    with session_scope(engine) as s:  # GET /v1/plans/{id} says so too
        detail = plan_detail(session=s, row=plans.current_plan(session=s, scope="I510100"))
    assert detail.solver["outcome_shares"] == {"B510105": 0.3333}
