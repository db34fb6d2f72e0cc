"""Every fact record is checked against FACTS before the engine or a verdict reads it
(`rules.evaluate.fired_sets`): the facts the rules read once per fact class, the others per record.
A record whose class the memo already knows is refused all the same when any fact is wrong."""

from __future__ import annotations

from typing import Any

import pytest

from assign.errors import DataError
from assign.network import CourtNetwork
from rules.engine import RuleEngine
from rules.evaluate import evaluate_facts
from rules.fact_classes import fired_by_class
from rules.fact_registry import check_fact_types
from rules.facts import CaseFacts, build_facts
from tests.factories import make_case
from tests.rules.test_facts import AS_OF


def _sound(network: CourtNetwork, case_no: str) -> CaseFacts:
    return build_facts(make_case(case_no), network, AS_OF)


@pytest.mark.parametrize(("change", "read", "message"), [
    ({"petition_count": True}, True, "petition_count is bool, expected int"),
    ({"case_state": "pending"}, True, "case_state='pending' is not one of"),
    ({"countable_days": "99"}, False, "countable_days is str, expected int"),
    ({"order_state": "late"}, False, "order_state='late' is not one of"),
    ({"restored": None}, False, "restored is NoneType, expected bool"),
    ({"extra": 1}, None, "fact set differs"),
])
def test_a_faulty_record_is_refused_even_in_a_known_class(network: CourtNetwork, engine: RuleEngine,
                                                          change: dict[str, Any], read: bool | None,
                                                          message: str) -> None:
    classes = fired_by_class(engine.rulebook, check_fact_types)
    assert classes is not None
    for name in change:  # the case covers what it says: a fact the rules read, or one they do not
        assert read is None or (name in classes.classes.read) is read
    sound = _sound(network, "(2024)川0104执1号")
    assert len(evaluate_facts([sound], engine, AS_OF)) == 1  # its class is now known
    faulty = sound._replace(case_no="(2024)川0104执2号", facts={**sound.facts, **change})
    with pytest.raises(DataError, match=rf"case \(2024\)川0104执2号: .*{message}"):
        evaluate_facts([sound, faulty], engine, AS_OF)


@pytest.mark.parametrize("name", ["petition_count", "countable_days"])
def test_a_record_missing_a_fact_is_refused(network: CourtNetwork, engine: RuleEngine, name: str) -> None:
    sound = _sound(network, "(2024)川0104执1号")
    evaluate_facts([sound], engine, AS_OF)
    missing = sound._replace(facts={k: v for k, v in sound.facts.items() if k != name})
    with pytest.raises(DataError, match="fact set differs"):
        evaluate_facts([missing], engine, AS_OF)


def test_sound_records_of_one_class_are_all_evaluated(network: CourtNetwork, engine: RuleEngine) -> None:
    records = [_sound(network, f"(2024)川0104执{i}号") for i in range(1, 4)]
    assert [v.case_no for v in evaluate_facts(records, engine, AS_OF)] == [r.case_no for r in records]
