"""A lead pass split into units of whole courts, classified in worker processes, stores, publishes and returns
exactly what one unit in the caller's process does (`api.service.leads.run_leads(workers=...)`), on SQLite and
PostgreSQL, on the first night (every lead new) and a later one (leads found again, some changed)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from api.service.leads import LeadPass, import_generated_registers, run_leads
from assign.generator import generate_cases
from assign.importer import import_cases
from assign.leads import EVENT_KIND, court_ranges
from assign.network import builtin_network

AS_OF = date(2025, 11, 20)
LATER = date(2026, 1, 10)  # past every first night's lead's action window: states change
NETWORK = builtin_network()
ONE_UNIT = 10**9


def _store(engine: Engine) -> None:
    report = import_cases(engine, generate_cases(NETWORK, 400, seed=17, as_of=AS_OF, province="51"), as_of=AS_OF,
                          network=NETWORK)
    assert report.ok
    assert import_generated_registers(engine, rows=2500, seed=17, as_of=AS_OF).ok


def _stored(engine: Engine, events_after: int) -> tuple[list[Any], list[Any]]:
    """Every stored lead (without the pass's id and write time) and the `leads.raised` events after an id."""
    with engine.connect() as conn:
        leads = conn.execute(sa.text(
            "SELECT case_no, record_id, court_code, forum, kind, state, asset_kind, value, first_seen_on, as_of,"
            " active, resolved_on, data FROM restoration_lead ORDER BY case_no, record_id")).all()
        raised = conn.execute(sa.text("SELECT subject, payload FROM event WHERE kind = :k AND id > :i ORDER BY id"),
                              {"k": EVENT_KIND, "i": events_after}).all()
    return [tuple(r) for r in leads], [tuple(r) for r in raised]


def _last_event(conn: Connection) -> int:
    return int(conn.execute(sa.text("SELECT COALESCE(MAX(id), 0) FROM event")).scalar_one())


def _returned(run: LeadPass) -> tuple[Any, ...]:
    return (run.pairs, dict(run.counts), run.new, run.resolved, run.events,
            [x.model_dump_json() for x in run.leads])


def test_units_in_workers_give_what_one_pass_gives(engine: Engine) -> None:
    _store(engine)
    with engine.connect() as conn:
        units = court_ranges(conn, 30)
    assert len(units) > 4  # the split pass below runs many units over its two workers
    for day in (AS_OF, LATER):
        with engine.begin() as conn:
            table = sa.Table("restoration_lead", sa.MetaData(), autoload_with=conn)
            before = [dict(r._mapping) for r in conn.execute(sa.select(table))]
            start = _last_event(conn)
        one = run_leads(engine, day, network=NETWORK, action_days=30, range_size=ONE_UNIT)
        expected = _stored(engine, start)
        with engine.begin() as conn:  # the store as it was before that pass, for the split pass
            conn.execute(sa.text("DELETE FROM restoration_lead"))
            if before:
                conn.execute(table.insert(), before)
            again = _last_event(conn)
        split = run_leads(engine, day, network=NETWORK, action_days=30, workers=2, range_size=30)
        assert _stored(engine, again) == expected
        assert _returned(split) == _returned(one)
        assert one.pairs > 100 and (one.new > 100 if day == AS_OF else one.new == 0)
    assert one.counts["cross_enforcement_candidate"] > 0  # the later night changed states (leads rewritten)


def test_court_ranges_hold_whole_courts_in_order(engine: Engine) -> None:
    _store(engine)
    with engine.connect() as conn:
        courts = [r[0] for r in conn.execute(sa.text(
            "SELECT court_code FROM case_record WHERE status IN ('open', 'zhongben') GROUP BY court_code"
            " ORDER BY court_code"))]
        units = court_ranges(conn, 25)
        assert court_ranges(conn, ONE_UNIT) == [(courts[0], courts[-1])]
    covered = [c for first, last in units for c in courts if first <= c <= last]
    assert covered == courts  # every court in exactly one unit, in order
