"""The nightly reads the store once for verdicts and node alerts: the alerts it stores and publishes
are those `assign alerts --save` (`store_alerts`, the shared code) stores and publishes on the same
store and date, the 终本 cases' included; and the engine is skipped only where no rule can fire."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.config import BUILTIN_RULEBOOK_DIR
from api.nightly import default_services, run_nightly
from api.service.alerts import alerts_engine, store_alerts
from assign.generator import generate_cases
from assign.importer import import_cases
from assign.network import builtin_network
from rules.alert_facts import read_nodes
from rules.alerts import evaluate_alerts, make_alerts, may_fire, required_equalities
from solver.instance import SolveParams
from tests.nightly import standins
from tests.nightly.helpers import InlineExecutor, fast_options

AS_OF = date(2025, 11, 20)


def _plain(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    return value.isoformat() if isinstance(value, date) else value


def _alerts(engine: Engine) -> list[tuple[Any, ...]]:
    """Every stored column but the row id and `updated_at`. Since rows are no longer rewritten when only
    the day they are seen on changes (`assign.alert_saves`), `data` holds the alert without that day's
    values and `days_overdue` is the value on the day the row was last written; both are still compared:
    the two routes write the same rows on the same nights (one code path), so they must match as
    stored, and what readers serve is derived from exactly these columns (`assign.alerts.alert_fields`;
    tests/api/test_alerts_read_back.py checks it against `assign alerts`)."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT case_no, node, due_on, court_code, severity, days_overdue, active, first_seen_on, resolved_on, "
            "as_of, data FROM node_alert ORDER BY case_no, node, due_on")).all()
    return [tuple(_plain(v) for v in r) for r in rows]


def _events_after(engine: Engine, after: int) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return [(s, p) for s, p in conn.execute(sa.text(
            "SELECT subject, payload FROM event WHERE kind = 'alerts.raised' AND id > :after ORDER BY id"),
            {"after": after}).all()]


def _last_event(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT coalesce(max(id), 0) FROM event")).scalar_one())


def test_the_nights_single_pass_stores_what_assign_alerts_stores(engine: Engine) -> None:
    network = builtin_network()
    import_cases(engine, generate_cases(network, 1500, seed=5, as_of=AS_OF, province="51"), as_of=AS_OF,
                 network=network)
    services = replace(default_services(rulebook_dir=BUILTIN_RULEBOOK_DIR, eval_workers=2,
                                        solve_params=SolveParams(seed=3)), placer=standins.place)
    assert services.alerts_in_store_pass
    for day in (AS_OF, AS_OF + timedelta(days=40)):  # a first night (all new), then updates and resolutions
        mark = _last_event(engine)
        before = _alerts(engine)
        report = run_nightly(engine, as_of=day, services=services, options=fast_options(), executor=InlineExecutor())
        assert "alerts" not in report.stage_times_s  # inside the store pass
        night, night_events = _alerts(engine), _events_after(engine, mark)
        with engine.begin() as conn:  # back to the store as it was before the night's alerts
            conn.execute(sa.text("DELETE FROM node_alert"))
            for row in before:
                conn.execute(sa.text(
                    "INSERT INTO node_alert (case_no, node, due_on, court_code, severity, days_overdue, active, "
                    "first_seen_on, resolved_on, as_of, data, updated_at) VALUES (:a, :b, :c, :d, :e, :f, :g, :h, "
                    ":i, :j, :k, CURRENT_TIMESTAMP)"),
                    dict(zip("abcdefghijk", [*row[:6], bool(row[6]), *row[7:]], strict=True)))
        mark = _last_event(engine)
        run = store_alerts(engine, day, network=network, rulebook_dir=BUILTIN_RULEBOOK_DIR, save=True)
        assert _alerts(engine) == night
        assert _events_after(engine, mark) == night_events
        assert run.saved["new"] + run.saved["updated"] == len(run.alerts) > 0
    nodes = {r[1] for r in night if r[6]}
    assert "zhongben_monitoring" in nodes and "closing_deadline" in nodes  # 终本 and open cases alike
    assert any(not r[6] for r in night)  # the second night resolved some


def test_the_engine_is_skipped_only_for_cases_no_rule_can_fire() -> None:
    network = builtin_network()
    cases = list(generate_cases(network, 1500, seed=5, as_of=AS_OF, province="51"))
    engine = alerts_engine(BUILTIN_RULEBOOK_DIR)
    gate = required_equalities(engine.rulebook)
    assert gate is not None
    read = [read_nodes(c, AS_OF) for c in cases]
    fired = engine.fire([n.facts for n in read], [n.case_no for n in read])
    skipped = [ids for n, ids in zip(read, fired, strict=True) if not may_fire(n.facts, gate)]
    assert skipped and all(ids == [] for ids in skipped)
    assert len(skipped) < len(read)
    every = [a for n, ids in zip(read, fired, strict=True) for a in make_alerts(n, ids, engine, AS_OF)]
    assert evaluate_alerts(cases, AS_OF, engine) == every
