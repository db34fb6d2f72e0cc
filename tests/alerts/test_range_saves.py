"""The store pass saves each range's alerts where it found them and publishes the new ones at its end:
an alert stored before its event went out is published by the next pass, never lost; the ranges'
case-number spans answer for every active alert, its case inside a range, between two, before the
first or after the last."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.config import BUILTIN_RULEBOOK_DIR
from api.service.evaluation import evaluate_store
from assign import events
from assign.alert_saves import CaseNoSpan, publish_pending, save_alert_values, save_range_alerts
from assign.alerts import Alert, AlertValues, list_alerts
from assign.db import session_scope
from assign.generator import generate_cases
from assign.importer import import_cases
from assign.network import builtin_network
from assign.schemas import RulebookVersion
from rules.alerts import RULESET_ID
from rules.loader import load_rulebook, rulebook_file

DAY = date(2025, 11, 20)


def alert(case_no: str, court: str = "B510104") -> AlertValues:
    return AlertValues.of(Alert(
        case_no=case_no, court_code=court, as_of=DAY, node="officer_assignment", node_zh="确定承办人", state="late",
        severity="low", limit_zh="立案后7日内确定承办人", trigger_on=date(2024, 1, 12), due_on=date(2024, 1, 19),
        done_on=date(2024, 1, 25), days_overdue=6, label_zh="x", legal_basis="执行期限规定第二条",
        rule_ids=["alert.officer_assignment"], ruleset=RulebookVersion(id="alerts@1.0.0", hash="0" * 64)))


def raised(engine: Engine) -> list[str]:
    with session_scope(engine) as s:
        return [a["case_no"] for e in events.list_events(session=s, kinds=["alerts.raised"])
                for a in e.as_dict()["payload"]["alerts"]]


def test_an_alert_stored_without_its_event_is_published_by_the_next_pass(engine: Engine) -> None:
    a, b = alert("(2024)川0104执1号"), alert("(2024)川0104执2号")
    everything = CaseNoSpan(None, None)
    with session_scope(engine) as s:
        saved = save_range_alerts(session=s, as_of=DAY, alerts=[a, b], span=everything)
    assert saved.counts == {"new": 2, "updated": 0, "resolved": 0} and saved.new == [a.event, b.event]
    assert raised(engine) == []  # the pass stopped before publishing
    with session_scope(engine) as s:  # the next pass: stored and active, but still to publish
        again = save_range_alerts(session=s, as_of=DAY, alerts=[a, b], span=everything)
        assert again.counts == {"new": 0, "updated": 2, "resolved": 0} and again.new == [a.event, b.event]
        assert publish_pending(session=s, as_of=DAY, alerts=again.new) == 1
    assert raised(engine) == [a.event.case_no, b.event.case_no]
    with session_scope(engine) as s:  # published: found again, nothing new
        assert save_range_alerts(session=s, as_of=DAY, alerts=[a, b], span=everything).new == []
    with session_scope(engine) as s:  # a whole-store save publishes what a stopped pass left too
        save_range_alerts(session=s, as_of=DAY, alerts=[a, b, alert("(2024)川0104执3号")], span=everything)
    with session_scope(engine) as s:
        assert save_alert_values(session=s, as_of=DAY, alerts=[a, b, alert("(2024)川0104执3号")])["events"] == 1
    assert raised(engine)[2:] == ["(2024)川0104执3号"]


def test_a_range_resolves_only_the_alerts_of_its_span(engine: Engine) -> None:
    stale = [alert(f"(2024)川0104执{n}号") for n in (1, 5, 9)]
    with session_scope(engine) as s:
        save_alert_values(session=s, as_of=DAY, alerts=stale)
    with session_scope(engine) as s:  # the span after 1 up to 5: only 5 is resolved
        saved = save_range_alerts(session=s, as_of=DAY, alerts=[], span=CaseNoSpan(stale[0].event.case_no,
                                                                                   stale[1].event.case_no))
    assert saved.counts["resolved"] == 1
    with session_scope(engine) as s:
        assert [r.case_no for r in list_alerts(session=s)] == [stale[0].event.case_no, stale[2].event.case_no]


def test_the_store_pass_resolves_alerts_of_cases_outside_every_range(sqlite_engine: Engine) -> None:
    network = builtin_network()
    import_cases(sqlite_engine, generate_cases(network, 300, seed=5, as_of=DAY, province="51"), as_of=DAY,
                 network=network)
    with sqlite_engine.connect() as conn:
        nos = [n for (n,) in conn.execute(sa.text("SELECT case_no FROM case_record ORDER BY case_no"))]
    gone = [alert(no) for no in ("(0000)", nos[0] + "-gap", "\uffff")]  # before, between, after the stored cases
    with session_scope(sqlite_engine) as s:
        save_alert_values(session=s, as_of=DAY, alerts=gone)
    alerts = load_rulebook(rulebook_file(BUILTIN_RULEBOOK_DIR, RULESET_ID), RULESET_ID)
    run = evaluate_store(str(sqlite_engine.url), DAY, network=network, rulebook=load_rulebook(BUILTIN_RULEBOOK_DIR),
                         workers=2, range_size=40, alerts=alerts)
    assert run.ranges > 3 and run.alerts > 0
    assert run.alerts_saved["resolved"] == len(gone) and run.alerts_saved["new"] == run.alerts
    with session_scope(sqlite_engine) as s:
        active = {r.case_no for r in list_alerts(session=s, limit=10_000)}
        unpublished = s.execute(sa.text("SELECT count(*) FROM node_alert WHERE NOT published")).scalar_one()
    assert active and not active & {a.event.case_no for a in gone} and unpublished == 0
    assert len(raised(sqlite_engine)) == len(gone) + run.alerts  # the seeded ones', then the pass's


def test_an_alert_is_published_once_when_a_court_save_runs_between_a_range_save_and_the_pass_end(
        engine: Engine) -> None:
    """The nightly's pass stored a range's new alerts (their events pending); a court's own save
    (`assign alerts --save --court`, the API) finds them before the pass ends and publishes them: the
    pass's end must not publish them a second time. And the other way round."""
    a, b = alert("(2024)川0104执1号"), alert("(2024)川0104执2号")
    with session_scope(engine) as s:
        pending = save_range_alerts(session=s, as_of=DAY, alerts=[a, b], span=CaseNoSpan(None, None)).new
    with session_scope(engine) as s:
        assert save_alert_values(session=s, as_of=DAY, alerts=[a, b], court_codes=["B510104"])["events"] == 1
    with session_scope(engine) as s:
        assert publish_pending(session=s, as_of=DAY, alerts=pending) == 0  # published by the court's save
    assert sorted(raised(engine)) == [a.event.case_no, b.event.case_no]
    c = alert("(2024)川0104执3号")
    with session_scope(engine) as s:
        pending = save_range_alerts(session=s, as_of=DAY, alerts=[a, b, c], span=CaseNoSpan(None, None)).new
        assert pending == [c.event]
        assert publish_pending(session=s, as_of=DAY, alerts=pending) == 1
    with session_scope(engine) as s:
        assert save_alert_values(session=s, as_of=DAY, alerts=[a, b, c], court_codes=["B510104"])["events"] == 0
    assert sorted(raised(engine)) == [a.event.case_no, b.event.case_no, c.event.case_no]


def test_a_range_save_reads_its_alerts_by_case_number_not_by_walking_every_active_alert(
        sqlite_engine: Engine) -> None:
    """Each range of a store pass reads the alerts of its own case numbers. Filtering on `active` in the
    SQL made SQLite read the (active, court_code) index instead: every active alert of the store, once
    per range (a national first night 229.6 s of worker time on alerts instead of ~77). Every SELECT the
    range save runs is planned here with its own parameters."""
    selects: list[tuple[str, Any]] = []

    def seen(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "node_alert" in statement:
            selects.append((statement, parameters))

    with session_scope(sqlite_engine) as s:
        save_alert_values(session=s, as_of=DAY, alerts=[alert(f"(2024)川0104执{n}号") for n in range(1, 40)])
    sa.event.listen(sqlite_engine, "before_cursor_execute", seen)
    try:
        with session_scope(sqlite_engine) as s:
            save_range_alerts(session=s, as_of=DAY, alerts=[alert("(2024)川0104执2号"), alert("(2024)川0104执50号")],
                              span=CaseNoSpan("(2024)川0104执1号", "(2024)川0104执60号"))
    finally:
        sa.event.remove(sqlite_engine, "before_cursor_execute", seen)
    assert selects
    with sqlite_engine.connect() as conn:
        for statement, parameters in selects:
            plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
            assert "ix_node_alert_active_court" not in plan and "SCAN node_alert" not in plan, (statement, plan)
