"""The alerts ruleset from the texts, at each boundary: day N is on time, day N + 1 alerts;
a node that is not recorded is unknown and never alerts.

期限规定 Art. 2 (officer within 7 days of filing), Art. 4 (notice within 3 days of the file;
control measures at once), Art. 5 (leads requested within 3 days), Art. 6 (leads checked within
5 days; investigation started within 10 days of the request), Art. 1 (extension requested at
least 5 days before expiry); 审限规定 Arts. 5, 8, 9 (closing deadline); 终本规定 Art. 9 ¶2.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from assign.alerts import Alert
from rules.alert_facts import read_nodes
from rules.alerts import evaluate_alerts
from rules.engine import RuleEngine
from tests.factories import make_case

FILED = date(2024, 1, 12)  # make_case's filing date
ASSIGNED = date(2024, 1, 15)
AS_OF = date(2024, 5, 1)  # before the closing deadline (2024-07-12)


def alerts(engine: RuleEngine, as_of: date = AS_OF, **overrides: Any) -> dict[str, Alert]:
    case = make_case(**overrides)
    return {a.node: a for a in evaluate_alerts([case], as_of, engine)}


def day(base: date, n: int) -> date:
    return base + timedelta(days=n)


@pytest.mark.parametrize(("node", "limit", "process"), [
    ("officer_assignment", 7, lambda d: {"officer_assigned_on": d(FILED)}),
    ("notice", 3, lambda d: {"officer_assigned_on": ASSIGNED, "notice_served_on": d(ASSIGNED)}),
    ("leads_request", 3, lambda d: {"officer_assigned_on": ASSIGNED, "leads_requested_on": d(ASSIGNED)}),
    ("lead_check", 5, lambda d: {"leads": [{"given_on": date(2024, 2, 1), "checked_on": d(date(2024, 2, 1))}]}),
    ("investigation_start", 10, lambda d: {"investigation_requested_on": date(2024, 2, 1),
                                           "investigation_started_on": d(date(2024, 2, 1))}),
    ("control_measures", 1, lambda d: {"concealment_reported_on": date(2024, 3, 1),
                                       "control_measures_on": d(date(2024, 3, 1))}),
])
def test_a_step_done_on_its_last_day_is_on_time_and_a_day_later_alerts(
        alerts_engine: RuleEngine, node: str, limit: int, process: Any) -> None:
    on_time = alerts(alerts_engine, measures=[], process=process(lambda b: day(b, limit)))
    assert node not in on_time
    late = alerts(alerts_engine, measures=[], process=process(lambda b: day(b, limit + 1)))
    assert late[node].state == "late" and late[node].days_overdue == 1
    assert late[node].court_code == "B510104" and late[node].due_on is not None


def test_every_alert_names_its_article_limit_and_dates(alerts_engine: RuleEngine) -> None:
    a = alerts(alerts_engine, process={"officer_assigned_on": date(2024, 1, 25)})["officer_assignment"]
    assert (a.trigger_on, a.due_on, a.done_on, a.days_overdue) == (FILED, date(2024, 1, 19), date(2024, 1, 25), 6)
    assert a.legal_basis == "执行期限规定第二条" and "7日" in a.limit_zh and a.severity == "low"
    assert a.ruleset.id == "alerts@1.0.0" and a.rule_ids == ["alert.officer_assignment"]


def test_more_than_thirty_days_late_raises_the_severity(alerts_engine: RuleEngine) -> None:
    at_30 = alerts(alerts_engine, process={"officer_assigned_on": day(FILED, 7 + 30)})["officer_assignment"]
    at_31 = alerts(alerts_engine, process={"officer_assigned_on": day(FILED, 7 + 31)})["officer_assignment"]
    assert (at_30.severity, at_31.severity) == ("low", "medium")
    assert at_31.rule_ids == ["alert.officer_assignment", "alert.officer_assignment.long"]


def test_a_case_without_process_nodes_has_no_step_alerts_and_its_nodes_are_unknown(alerts_engine: RuleEngine) -> None:
    case = make_case(measures=[])
    assert evaluate_alerts([case], AS_OF, alerts_engine) == []
    facts = read_nodes(case, AS_OF).facts
    assert facts["officer_assignment_state"] == "unknown"
    assert facts["notice_state"] == "unknown" and facts["leads_request_state"] == "unknown"


def test_a_trigger_without_its_response_is_unknown_not_late(alerts_engine: RuleEngine) -> None:
    process = {"leads": [{"given_on": date(2024, 2, 1)}], "investigation_requested_on": date(2024, 2, 1),
               "concealment_reported_on": date(2024, 3, 1)}
    case = make_case(measures=[], process=process)
    assert evaluate_alerts([case], AS_OF, alerts_engine) == []
    facts = read_nodes(case, AS_OF).facts
    assert {facts[f"{n}_state"] for n in ("lead_check", "investigation_start", "control_measures")} == {"unknown"}


def test_the_notice_is_read_from_the_notice_measure_when_not_recorded_in_process(alerts_engine: RuleEngine) -> None:
    process = {"officer_assigned_on": ASSIGNED}
    assert "notice" not in alerts(alerts_engine, process=process, measures=[{"kind": "notice", "on": day(ASSIGNED, 3)}])
    late = alerts(alerts_engine, process=process, measures=[{"kind": "notice", "on": day(ASSIGNED, 4)}])
    assert late["notice"].done_on == day(ASSIGNED, 4)


def test_a_freeze_after_the_report_is_the_control_measure(alerts_engine: RuleEngine) -> None:
    process = {"concealment_reported_on": date(2024, 3, 1)}
    assert "control_measures" not in alerts(alerts_engine, process=process,
                                            measures=[{"kind": "freeze", "on": date(2024, 3, 2)}])
    late = alerts(alerts_engine, process=process, measures=[{"kind": "seize", "on": date(2024, 3, 3)}])
    assert late["control_measures"].severity == "high"


def test_the_worst_late_lead_is_reported(alerts_engine: RuleEngine) -> None:
    leads = [{"given_on": date(2024, 2, 1), "checked_on": date(2024, 2, 8)},
             {"given_on": date(2024, 3, 1), "checked_on": date(2024, 3, 20)}, {"given_on": date(2024, 4, 1)}]
    a = alerts(alerts_engine, process={"leads": leads})["lead_check"]
    assert (a.trigger_on, a.days_overdue) == (date(2024, 3, 1), 14)


def test_a_date_after_the_evaluation_date_is_not_yet_a_fact(alerts_engine: RuleEngine) -> None:
    process = {"officer_assigned_on": date(2024, 1, 25)}
    assert "officer_assignment" not in alerts(alerts_engine, as_of=date(2024, 1, 24), process=process)


# ------------------------------------------------------------ closing deadline (审限规定 Arts. 5, 8, 9)

def test_the_closing_deadline_alerts_from_the_day_after_its_last_day(alerts_engine: RuleEngine) -> None:
    # filed 2024-01-12: six months from the day after filing, last day 2024-07-12
    assert "closing_deadline" not in alerts(alerts_engine, as_of=date(2024, 7, 12))
    a = alerts(alerts_engine, as_of=date(2024, 7, 13))["closing_deadline"]
    assert (a.state, a.due_on, a.days_overdue, a.severity) == ("overdue", date(2024, 7, 12), 1, "medium")
    assert alerts(alerts_engine, as_of=date(2024, 10, 11))["closing_deadline"].severity == "high"  # 91 days


def test_the_closing_deadline_skips_article_9_periods(alerts_engine: RuleEngine) -> None:
    auction = [{"kind": "auction", "start": date(2024, 3, 1), "end": date(2024, 3, 10)}]  # 10 days (Art. 9(12))
    assert "closing_deadline" not in alerts(alerts_engine, as_of=date(2024, 7, 22), other_periods=auction)
    assert alerts(alerts_engine, as_of=date(2024, 7, 23), other_periods=auction)["closing_deadline"].days_overdue == 1


def test_an_approved_extension_adds_three_months(alerts_engine: RuleEngine) -> None:
    process = {"extension_requested_on": date(2024, 7, 1), "extension_approved_on": date(2024, 7, 3)}
    assert "closing_deadline" not in alerts(alerts_engine, as_of=date(2024, 10, 12), process=process)
    assert alerts(alerts_engine, as_of=date(2024, 10, 13), process=process)["closing_deadline"].days_overdue == 1


def test_a_concluded_case_has_no_alerts(alerts_engine: RuleEngine) -> None:
    assert alerts(alerts_engine, as_of=date(2024, 9, 1), status="concluded",
                  process={"officer_assigned_on": date(2024, 1, 30)}) == {}


def test_an_extension_request_is_due_five_days_before_the_deadline(alerts_engine: RuleEngine) -> None:
    # last day 2024-07-12: a request on 07-07 is on time, on 07-08 late by one day
    assert "extension_request" not in alerts(alerts_engine, process={"extension_requested_on": date(2024, 7, 7)},
                                             as_of=date(2024, 7, 10))
    a = alerts(alerts_engine, process={"extension_requested_on": date(2024, 7, 8)}, as_of=date(2024, 7, 10))
    assert (a["extension_request"].due_on, a["extension_request"].days_overdue) == (date(2024, 7, 7), 1)


# ------------------------------------------------------------ 终本 monitoring (终本规定 Art. 9 ¶2)

def zhongben(queries: list[date], **extra: Any) -> dict[str, Any]:
    return {"status": "zhongben", "zhongben": {"ruled_on": date(2024, 6, 1), "asset_queries": queries}, **extra}


def test_a_missed_six_monthly_query_alerts_after_its_window(alerts_engine: RuleEngine) -> None:
    # first window (2024-06-01, 2024-12-01]: overdue from 2024-12-02
    assert alerts(alerts_engine, as_of=date(2024, 12, 1), **zhongben([])) == {}
    a = alerts(alerts_engine, as_of=date(2024, 12, 2), **zhongben([]))["zhongben_monitoring"]
    assert (a.state, a.due_on, a.days_overdue, a.severity) == ("overdue", date(2024, 12, 1), 1, "medium")
    assert alerts(alerts_engine, as_of=date(2024, 12, 2), **zhongben([date(2024, 12, 1)])) == {}


def test_two_missed_queries_are_high_and_a_restored_case_has_none(alerts_engine: RuleEngine) -> None:
    assert alerts(alerts_engine, as_of=date(2025, 6, 2), **zhongben([]))["zhongben_monitoring"].severity == "high"
    assert alerts(alerts_engine, as_of=date(2025, 6, 2), **zhongben([], restored_on=date(2025, 1, 5))) == {}


def test_no_query_is_due_after_five_years(alerts_engine: RuleEngine) -> None:
    ruled = date(2019, 6, 1)
    queries = [date(2019 + y, m, 1) for y in range(6) for m in (5, 11)
               if ruled < date(2019 + y, m, 1) <= date(2024, 6, 1)]
    record = {"status": "zhongben", "zhongben": {"ruled_on": ruled, "asset_queries": queries}}
    assert alerts(alerts_engine, as_of=date(2025, 6, 1), **record) == {}  # nothing due after 2024-06-01
    assert alerts(alerts_engine, as_of=date(2025, 6, 1), **{**record, "zhongben": {
        "ruled_on": ruled, "asset_queries": queries[:-1]}})["zhongben_monitoring"].due_on == date(2024, 6, 1)
