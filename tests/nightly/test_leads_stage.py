"""The nightly leads stage stores the leads; rerun, it keeps their first-seen date and publishes nothing new."""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.nightly.leads_stage import leads_stage
from assign import events, leads, repository
from assign.db import session_scope
from assign.register_import import import_register_file
from tests.factories import make_case, make_network

DEBTOR = "91510104MA6C000001"


FEED = ("record_id,party_id,asset_kind,registered_on,registry,value\n"
        f"V1,{DEBTOR},vehicle,2024-08-01,交管局,100000\nV2,{DEBTOR},vehicle,2024-06-01,交管局,50000\n")


def _zhongben_case_and_feed(engine: Engine) -> None:
    """A 终本 case (ruled 2024-06-30) whose debtor the feed gives two vehicles."""
    with session_scope(engine) as session:
        repository.save_case(session=session, case=make_case(status="zhongben", zhongben={"ruled_on": "2024-06-30"}))
    assert import_register_file(engine, FEED.encode(), fmt="csv").ok


def test_leads_stage_is_idempotent(engine: Engine) -> None:
    network = make_network()
    _zhongben_case_and_feed(engine)
    leads_stage(engine, date(2024, 9, 1), network)
    leads_stage(engine, date(2024, 9, 2), network)
    with session_scope(engine) as session:
        stored = leads.list_leads(session=session)
        raised = events.list_events(session=session, kinds=[leads.EVENT_KIND])
    assert sorted((r.record_id, r.first_seen_on, r.as_of) for r in stored) == [
        ("V1", date(2024, 9, 1), date(2024, 9, 2)), ("V2", date(2024, 9, 1), date(2024, 9, 2))]
    assert len(raised) == 1 and json.loads(raised[0].payload)["count"] == 2


def _rows(engine: Engine) -> dict[str, tuple[object, ...]]:
    with engine.connect() as conn:
        return {r[0]: tuple(r[1:]) for r in conn.execute(sa.text(
            "SELECT record_id, pass_id, data, as_of, active, updated_at FROM restoration_lead")).all()}


def test_a_second_night_writes_only_the_leads_that_changed(engine: Engine) -> None:
    network = make_network()
    _zhongben_case_and_feed(engine)
    feed = FEED
    leads_stage(engine, date(2024, 9, 1), network)
    first = _rows(engine)
    changed = feed.replace("50000", "60000")  # the register now values V2 differently
    assert import_register_file(engine, changed.encode(), fmt="csv").ok
    leads_stage(engine, date(2024, 9, 2), network)
    second = _rows(engine)
    assert second["V1"][:2] == first["V1"][:2] and second["V1"][4:] == first["V1"][4:]  # not written
    assert second["V2"][0] != first["V2"][0] and "60000" in str(second["V2"][1])  # rewritten
    with session_scope(engine) as session:
        shown = {r.record_id: leads.payload_of(r) for r in leads.list_leads(session=session)}
    assert {k: (v["as_of"], v["first_seen_on"]) for k, v in shown.items()} == {
        "V1": ("2024-09-02", "2024-09-01"), "V2": ("2024-09-02", "2024-09-01")}  # found by the second pass
    leads_stage(engine, date(2024, 10, 2), network)  # past the last day to act: both change state
    third = _rows(engine)
    assert all(third[k][0] != second[k][0] for k in ("V1", "V2"))
    assert all("cross_enforcement_candidate" in str(third[k][1]) for k in ("V1", "V2"))
    assert import_register_file(engine, feed.replace(f"V2,{DEBTOR}", "V2,110101199001011234").encode(),
                                fmt="csv").ok  # V2 is no longer the debtor's
    leads_stage(engine, date(2024, 10, 3), network)
    with session_scope(engine) as session:
        assert [r.record_id for r in leads.list_leads(session=session)] == ["V1"]
        assert [r.record_id for r in leads.list_leads(session=session, active=False)] == ["V2"]
