"""The nightly run stores the night's node alerts and publishes them once; a rerun publishes nothing."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.config import BUILTIN_RULEBOOK_DIR
from api.nightly import run_nightly
from api.nightly.alerts_stage import alerts_stage
from assign import events, repository
from assign.db import session_scope
from tests.factories import make_case
from tests.nightly.helpers import AS_OF, InlineExecutor, fast_options, seed_store, standin_services


def test_the_night_stores_and_publishes_alerts_once(engine: Engine) -> None:
    seed_store(engine, 40)
    late = make_case("(2024)川0104执9001号", process={"officer_assigned_on": "2024-01-25"})
    with session_scope(engine) as s:
        repository.save_case(session=s, case=late)
    report = run_nightly(engine, as_of=AS_OF, services=standin_services(), options=fast_options(),
                         executor=InlineExecutor())
    assert "alerts" in report.stage_times_s
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT case_no, node FROM node_alert WHERE active")).all()
    assert ("(2024)川0104执9001号", "officer_assignment") in stored
    with session_scope(engine) as s:
        raised = [json.loads(e.payload) for e in events.list_events(session=s, kinds=["alerts.raised"], limit=1000)]
    assert sum(p["count"] for p in raised) == len(stored)
    with session_scope(engine) as s:
        network = repository.active_network(session=s)
    alerts_stage(engine, AS_OF, network, BUILTIN_RULEBOOK_DIR)  # the same night again: nothing new
    with session_scope(engine) as s:
        assert len(events.list_events(session=s, kinds=["alerts.raised"], limit=1000)) == len(raised)
