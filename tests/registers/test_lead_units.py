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
from assign.leads import EVENT_KIND, court_units
from assign.network import builtin_network

AS_OF = date(2025, 11, 20)
LATER = date(2026, 1, 10)  # past every first night's lead's action window: states change
NETWORK = builtin_network()
PER_UNIT = 12  # the builtin network's courts, 12 a unit: Sichuan's courts spread over several


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
        courts = {r[0] for r in conn.execute(sa.text("SELECT DISTINCT court_code FROM case_record"))}
    assert len({i for i, (lo, hi) in enumerate(court_units(NETWORK.codes, PER_UNIT))
                for c in courts if (lo is None or lo <= c) and (hi is None or c < hi)}) > 4  # the store's cases
    for day in (AS_OF, LATER):
        with engine.begin() as conn:
            table = sa.Table("restoration_lead", sa.MetaData(), autoload_with=conn)
            before = [dict(r._mapping) for r in conn.execute(sa.select(table))]
            start = _last_event(conn)
        one = run_leads(engine, day, network=NETWORK, action_days=30)  # one unit, this process
        expected = _stored(engine, start)
        with engine.begin() as conn:  # the store as it was before that pass, for the split pass
            conn.execute(sa.text("DELETE FROM restoration_lead"))
            if before:
                conn.execute(table.insert(), before)
            again = _last_event(conn)
        split = run_leads(engine, day, network=NETWORK, action_days=30, workers=2, courts_per_unit=PER_UNIT)
        assert _stored(engine, again) == expected
        assert _returned(split) == _returned(one)
        assert one.pairs > 100 and (one.new > 100 if day == AS_OF else one.new == 0)
    counted = run_leads(engine, LATER, network=NETWORK, action_days=30, workers=2, courts_per_unit=PER_UNIT, shown=0)
    assert counted.leads == [] and (counted.pairs, counted.counts) == (split.pairs, split.counts)  # the nightly
    assert one.counts["cross_enforcement_candidate"] > 0  # the later night changed states (leads rewritten)


def test_court_units_cover_every_code_once_in_order() -> None:
    codes = ["B2", "A1", "C3", "B1", "A2", "C1", "B3"]
    units = court_units(codes, 3)
    assert units == [(None, "B2"), ("B2", "C3"), ("C3", None)]  # sorted: A1 A2 B1 | B2 B3 C1 | C3
    for code in [*codes, "", "0", "ZZZ"]:  # a code outside the list is still in exactly one unit
        assert sum((lo is None or lo <= code) and (hi is None or code < hi) for lo, hi in units) == 1
    assert court_units(codes, 7) == [(None, None)] and court_units(codes, 100) == [(None, None)]
