"""The node_alert table: new alerts published once, resolved ones marked, a resolved alert that fires
again published again; a pass over one court's jurisdiction leaves other courts' alerts alone; a row
is rewritten only when what it stores changes, and rows stored whole before that read the same."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from assign import events
from assign.alert_saves import save_alerts
from assign.alerts import Alert, Severity, list_alerts, payload_of, stored_data
from assign.db import session_scope
from assign.schemas import RulebookVersion

DAY = date(2024, 5, 1)
LIFECYCLE = ("id", "first_seen_on", "active", "resolved_on")


def alert(case_no: str, court: str = "B510104") -> Alert:
    return Alert(case_no=case_no, court_code=court, as_of=DAY, node="officer_assignment", node_zh="确定承办人",
                 state="late", severity="low", limit_zh="立案后7日内确定承办人", trigger_on=date(2024, 1, 12),
                 due_on=date(2024, 1, 19), done_on=date(2024, 1, 25), days_overdue=6, label_zh="x",
                 legal_basis="执行期限规定第二条", rule_ids=["alert.officer_assignment"],
                 ruleset=RulebookVersion(id="alerts@1.0.0", hash="0" * 64))


def raised(engine: Engine) -> int:
    with session_scope(engine) as s:
        return len(events.list_events(session=s, kinds=["alerts.raised"]))


def test_lifecycle_new_resolved_raised_again(engine: Engine) -> None:
    a, b = alert("(2024)川0104执1号"), alert("(2024)川0703执1号", court="B510703")
    with session_scope(engine) as s:
        assert save_alerts(session=s, as_of=DAY, alerts=[a, b]) == {"new": 2, "updated": 0, "resolved": 0, "events": 2}
    with session_scope(engine) as s:  # a pass over B510104 only: b is left alone
        assert save_alerts(session=s, as_of=DAY, alerts=[], court_codes=["B510104"])["resolved"] == 1
    with session_scope(engine) as s:
        assert [r.case_no for r in list_alerts(session=s)] == [b.case_no]
        assert [r.resolved_on for r in list_alerts(session=s, active=False)] == [DAY]
    assert raised(engine) == 2
    with session_scope(engine) as s:
        assert save_alerts(session=s, as_of=DAY, alerts=[a, b]) == {"new": 0, "updated": 2, "resolved": 0, "events": 1}
    assert raised(engine) == 3  # a fired again: published again; b was never resolved


def overdue(as_of: date) -> Alert:
    """The closing deadline of an open case, 2024-04-20 its last day: still not done on `as_of`."""
    due = date(2024, 4, 20)
    return alert("(2024)川0104执7号").model_copy(update={
        "as_of": as_of, "node": "closing_deadline", "state": "overdue", "severity": Severity.MEDIUM, "due_on": due,
        "done_on": None, "days_overdue": (as_of - due).days, "rule_ids": ["alert.closing_deadline"]})


def test_a_row_stored_whole_before_reads_the_same_and_is_rewritten_once(engine: Engine) -> None:
    """Rows written before rows left out the day they were seen on (their `data` the whole alert) read as
    they did; the first pass that finds one again rewrites it, the next only moves its as_of."""
    with session_scope(engine) as s:
        save_alerts(session=s, as_of=DAY, alerts=[overdue(DAY)])
    with engine.begin() as conn:  # as stored before
        conn.execute(sa.text("UPDATE node_alert SET data = :d"), {"d": overdue(DAY).model_dump_json()})
    with session_scope(engine) as s:
        [row] = list_alerts(session=s)
        assert row.alert() == overdue(DAY)
        assert {k: v for k, v in payload_of(row).items() if k not in LIFECYCLE} == overdue(DAY).model_dump(mode="json")
    written = []
    for day in (date(2024, 5, 2), date(2024, 5, 3)):
        with session_scope(engine) as s:
            assert save_alerts(session=s, as_of=day, alerts=[overdue(day)])["updated"] == 1
        with session_scope(engine) as s:
            [row] = list_alerts(session=s)
            assert row.alert() == overdue(day) and row.as_of == day  # days overdue: day - 2024-04-20
            written.append((row.data, row.updated_at))
    assert written[0] == written[1] and written[0][0] == stored_data(overdue(DAY))  # the second day: as_of only


def test_an_alert_whose_content_changes_is_rewritten(engine: Engine) -> None:
    """The closing deadline escalates: severity, rules and label change, and so does its row."""
    with session_scope(engine) as s:
        save_alerts(session=s, as_of=DAY, alerts=[overdue(DAY)])
    later = date(2024, 6, 30)
    high = overdue(later).model_copy(update={"severity": Severity.HIGH, "label_zh": "y",
                                             "rule_ids": ["alert.closing_deadline", "alert.closing_deadline.long"]})
    with session_scope(engine) as s:
        assert save_alerts(session=s, as_of=later, alerts=[high]) == {"new": 0, "updated": 1, "resolved": 0,
                                                                     "events": 0}
    with session_scope(engine) as s:
        [row] = list_alerts(session=s, severity="high")
        assert row.alert() == high and row.data == stored_data(high)
