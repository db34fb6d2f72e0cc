"""The alert facts reach the engine only with their exact types and known values (`check_alert_fact_types`),
whether the record comes in `read_nodes`' order (checked in C) or any other."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from assign.errors import DataError
from assign.generator import generate_cases
from assign.network import builtin_network
from rules.alert_facts import ALERT_FACTS, check_alert_fact_types, read_nodes

AS_OF = date(2025, 11, 20)


@pytest.fixture(scope="module")
def facts() -> list[dict[str, Any]]:
    return [read_nodes(c, AS_OF).facts for c in generate_cases(builtin_network(), 300, seed=3, as_of=AS_OF)]


def test_every_record_read_passes_in_any_order(facts: list[dict[str, Any]]) -> None:
    for record in facts:
        check_alert_fact_types("X", record)
        check_alert_fact_types("X", dict(reversed(record.items())))


@pytest.mark.parametrize(("change", "message"), [
    ({"notice_days_over": True}, "notice_days_over=True is not a int"),  # a bool is no int here
    ({"closing_deadline_days_over": 2.0}, "is not a int"),
    ({"notice_state": "pending"}, "notice_state='pending' is not a str of its domain"),
    ({"zhongben_monitoring_state": "closed"}, "is not a str of its domain"),  # a case state, not a node state
    ({"case_state": "late"}, "case_state='late' is not a str of its domain"),  # a node state, not a case state
    ({"case_state": None}, "is not a str"),
])
@pytest.mark.parametrize("reordered", [False, True])
def test_a_mistyped_or_unknown_value_is_refused(facts: list[dict[str, Any]], change: dict[str, Any], message: str,
                                                reordered: bool) -> None:
    record = {**facts[0], **change}
    with pytest.raises(DataError, match=message):
        check_alert_fact_types("X", dict(reversed(record.items())) if reordered else record)


def test_a_missing_or_extra_fact_is_refused(facts: list[dict[str, Any]]) -> None:
    with pytest.raises(DataError, match="fact set differs"):
        check_alert_fact_types("X", {**facts[0], "extra": 1})
    with pytest.raises(DataError, match="fact set differs"):
        check_alert_fact_types("X", {k: v for k, v in facts[0].items() if k != "notice_state"})
    assert set(facts[0]) == set(ALERT_FACTS)
