"""The node_alert table: new alerts published once, resolved ones marked, a resolved alert that fires
again published again; a pass over one court's jurisdiction leaves other courts' alerts alone."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from assign import events
from assign.alert_saves import save_alerts
from assign.alerts import Alert, list_alerts
from assign.db import session_scope
from assign.schemas import RulebookVersion

DAY = date(2024, 5, 1)


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
