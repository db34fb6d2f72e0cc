"""The verdict rulebook asked once per class of fact records (`rules.fact_classes`, used by
`rules.evaluate`) answers exactly what the engine answers record by record: on generated cases of
every status over several dates, and at every int threshold of the rulebook (a value at the
constant and one either side)."""

from __future__ import annotations

from datetime import date

from assign.generator import generate_cases
from assign.network import CourtNetwork
from rules.engine import RuleEngine
from rules.fact_classes import FiredByClass, fact_classes
from rules.facts import BatchContext, build_facts

DATES = (date(2024, 3, 1), date(2025, 6, 30), date(2025, 11, 20))


def test_the_verdict_rulebook_by_class_answers_like_the_engine(network: CourtNetwork, engine: RuleEngine) -> None:
    classes = fact_classes(engine.rulebook)
    assert classes is not None and classes.thresholds and classes.values
    by_class = FiredByClass(classes)
    cases = list(generate_cases(network, 1500, seed=23, as_of=DATES[-1]))
    for as_of in DATES:
        filed = [c for c in cases if c.filed_on <= as_of]
        context = BatchContext.from_cases(filed)
        records = [build_facts(c, network, as_of, context).facts for c in filed]
        nos = [c.case_no for c in filed]
        assert by_class.fire(engine, records, nos) == engine.fire(records, nos)
    assert 0 < len(by_class.memo) < len(cases)  # records did share classes


def test_each_threshold_and_either_side_is_answered_like_the_engine(network: CourtNetwork,
                                                                    engine: RuleEngine) -> None:
    classes = fact_classes(engine.rulebook)
    assert classes is not None
    by_class = FiredByClass(classes)
    as_of = DATES[1]
    bases = [build_facts(c, network, as_of, BatchContext.from_cases([c])).facts
             for c in generate_cases(network, 40, seed=5, as_of=as_of)]
    records = [{**base, fact: v} for base in bases for fact, cuts in classes.thresholds
               for cut in cuts for v in (cut - 1, cut, cut + 1)]
    nos = [f"r{i}" for i in range(len(records))]
    assert by_class.fire(engine, records, nos) == engine.fire(records, nos)
    assert len({frozenset(ids) for ids in engine.fire(records, nos)}) > 1  # the thresholds do separate outcomes


def test_a_record_with_a_mistyped_or_missing_fact_never_shares_a_checked_records_class(
        network: CourtNetwork, engine: RuleEngine) -> None:
    """`FactClasses.of` reads checked records in C and the others fact by fact: a bool where an int
    threshold fact belongs (True == 1), an int where a bool belongs, or a fact left out is a class of its own."""
    classes = fact_classes(engine.rulebook)
    assert classes is not None
    facts = build_facts(next(iter(generate_cases(network, 1, seed=3, as_of=DATES[1]))), network, DATES[1]).facts
    int_fact = classes.thresholds[0][0]
    bool_fact = next(name for name in classes.values if type(facts[name]) is bool)
    as_bool, as_int = {**facts, int_fact: True}, {**facts, int_fact: 1}
    bool_as_int = {**facts, bool_fact: int(facts[bool_fact])}
    missing = {k: v for k, v in facts.items() if k != bool_fact}
    keys = [classes.of(r) for r in (facts, as_bool, as_int, bool_as_int, missing)]
    assert keys[1] != keys[2]
    assert len({keys[0], keys[1], keys[3], keys[4]}) == 4
    assert [classes.of(dict(r)) for r in (as_bool, bool_as_int, missing)] == [keys[1], keys[3], keys[4]]
