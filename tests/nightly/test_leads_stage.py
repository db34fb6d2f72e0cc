"""The nightly leads stage stores the leads; rerun, it keeps their first-seen date and publishes nothing new."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy.engine import Engine

from api.nightly.leads_stage import leads_stage
from assign import events, leads, repository
from assign.db import session_scope
from assign.register_import import import_register_file
from tests.factories import make_case, make_network

DEBTOR = "91510104MA6C000001"


def test_leads_stage_is_idempotent(engine: Engine) -> None:
    network = make_network()
    with session_scope(engine) as session:
        repository.save_case(session=session, case=make_case(status="zhongben", zhongben={"ruled_on": "2024-06-30"}))
    feed = ("record_id,party_id,asset_kind,registered_on,registry\n"
            f"V1,{DEBTOR},vehicle,2024-08-01,交管局\nV2,{DEBTOR},vehicle,2024-06-01,交管局\n")
    assert import_register_file(engine, feed.encode(), fmt="csv").ok
    leads_stage(engine, date(2024, 9, 1), network)
    leads_stage(engine, date(2024, 9, 2), network)
    with session_scope(engine) as session:
        stored = leads.list_leads(session=session)
        raised = events.list_events(session=session, kinds=[leads.EVENT_KIND])
    assert sorted((r.record_id, r.first_seen_on, r.as_of) for r in stored) == [
        ("V1", date(2024, 9, 1), date(2024, 9, 2)), ("V2", date(2024, 9, 1), date(2024, 9, 2))]
    assert len(raised) == 1 and json.loads(raised[0].payload)["count"] == 2
