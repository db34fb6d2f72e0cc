"""A store pass writes each alert's stored text from its kind's fragments (`assign.alerts.AlertKind.values`)
instead of building the `Alert` and dumping it: the text must be exactly pydantic's (`stored_data`), and
the event values exactly `AlertValues.of`'s, for every alert and any string a case may carry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from assign.alerts import OVERDUE, AlertKind, AlertValues, Severity
from assign.generator import generate_cases
from assign.network import builtin_network
from assign.schemas import RulebookVersion
from rules.alerts import evaluate_alert_values, evaluate_alerts
from rules.engine import RuleEngine

AS_OF = date(2025, 11, 20)


@pytest.mark.parametrize("as_of", [AS_OF, AS_OF + timedelta(days=200)])
def test_a_store_pass_writes_what_the_alerts_dump_to(alerts_engine: RuleEngine, as_of: date) -> None:
    cases = list(generate_cases(builtin_network(), 1500, seed=11, as_of=AS_OF, province="50"))
    alerts = evaluate_alerts(cases, as_of, alerts_engine)
    assert {a.state for a in alerts} == {"late", OVERDUE} and len({a.severity for a in alerts}) == 3
    assert evaluate_alert_values(cases, as_of, alerts_engine) == [AlertValues.of(a) for a in alerts]


ODD_TEXTS = ["(2024)渝0237执123号", 'a"b', "a\\b", "a\nb", "a\x00b\x1fc", "a\u2028b", "a\x7fb", "", "é/<>&'", "\t"]


@pytest.mark.parametrize("text", ODD_TEXTS)
@pytest.mark.parametrize("state", ["late", OVERDUE, "on_time"])
def test_any_text_and_day_is_written_as_pydantic_writes_it(text: str, state: str) -> None:
    kind = AlertKind(f"n{text}", f"名{text}", Severity.HIGH, f"限{text}", f"标{text}", f"据{text}",
                     (f"r{text}", "r2"), RulebookVersion(id=f"alerts{text}", hash="ab" + text))
    for trigger_on, due_on, done_on in [(None, None, None), (date.min, date.max, date(999, 1, 2)),
                                        (AS_OF, AS_OF + timedelta(days=3), None)]:
        for days in (0, 1, 4321):
            found = kind.values(text, text + "1", state, trigger_on, due_on, done_on, days)
            assert found == AlertValues.of(kind.alert(text, text + "1", AS_OF, state, trigger_on, due_on, done_on,
                                                      days))
