"""The engine asked once per class of fact records (rules/fact_classes.py) answers exactly what it
answers record by record: on generated stores over several dates, and at every threshold of the
alerts ruleset (a value at a constant, one either side)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from assign.generator import generate_cases
from assign.network import builtin_network
from rules.alert_facts import read_nodes
from rules.engine import RuleEngine
from rules.fact_classes import FiredByClass, fact_classes
from rules.spec import Comparison, Group

DATES = (date(2024, 3, 1), date(2025, 6, 30), date(2025, 11, 20))


def test_answers_by_class_are_the_engines_answers_record_by_record(alerts_engine: RuleEngine) -> None:
    cases = list(generate_cases(builtin_network(), 1200, seed=11, as_of=DATES[-1], province="51"))
    classes = fact_classes(alerts_engine.rulebook)
    assert classes is not None
    by_class = FiredByClass(classes)
    for as_of in DATES:
        read = [read_nodes(c, as_of) for c in cases if c.filed_on <= as_of]
        facts, nos = [n.facts for n in read], [n.case_no for n in read]
        assert by_class.fire(alerts_engine, facts, nos) == alerts_engine.fire(facts, nos)
    assert 0 < len(by_class.memo) < len(cases)  # records did share classes


def test_a_value_at_each_threshold_and_either_side_is_answered_like_the_engine(alerts_engine: RuleEngine) -> None:
    rulebook = alerts_engine.rulebook
    classes = fact_classes(rulebook)
    assert classes is not None and classes.thresholds
    by_class = FiredByClass(classes)
    base = {**read_nodes(next(iter(generate_cases(builtin_network(), 1, seed=1, as_of=DATES[-1]))), DATES[-1]).facts,
            "case_state": "open"}
    records = []
    for fact, cuts in classes.thresholds:
        state = fact.replace("_days_over", "_state")
        for cut in cuts:
            for v in (cut - 1, cut, cut + 1):
                records.append({**base, fact: v, **({state: "late"} if state in base else {})})
    nos = [f"r{i}" for i in range(len(records))]
    assert by_class.fire(alerts_engine, records, nos) == alerts_engine.fire(records, nos)
    # the escalation threshold separates its two sides (gt 30: 30 stays low, 31 is raised)
    fact, cuts = classes.thresholds[0]
    assert len({classes.of({**base, fact: v}) for v in (cuts[0] - 1, cuts[0], cuts[0] + 1)}) == 3
    assert classes.of({**base, fact: cuts[-1] + 1}) == classes.of({**base, fact: cuts[-1] + 1000})


def test_a_condition_outside_the_comparisons_with_constants_gets_no_classes(alerts_engine: RuleEngine) -> None:
    rulebook = alerts_engine.rulebook
    first = rulebook.rules[0]
    odd = replace(first, when=Group("all", (*first.when.items, Comparison("case_state", "gt", "open"))))
    assert fact_classes(replace(rulebook, rules=(odd, *rulebook.rules[1:]))) is None
