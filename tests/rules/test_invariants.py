"""Invariants over generated cases (assign.generator) on the small test network: what every verdict must satisfy."""

from __future__ import annotations

from datetime import date

import pytest

from assign.generator import generate_cases
from assign.network import CourtNetwork
from assign.schemas import Mode, Outcome, Verdict
from rules.compiler import compile_rulebook
from rules.engine import RuleEngine
from rules.evaluate import evaluate_cases, recommend
from rules.facts import BatchContext, build_facts
from rules.plain import PlainEvaluator
from rules.spec import Rulebook

AS_OF = date(2025, 6, 30)


@pytest.fixture(scope="module")
def verdicts(network: CourtNetwork, engine: RuleEngine) -> list[Verdict]:
    cases = list(generate_cases(network, 2000, seed=42, as_of=AS_OF))
    return evaluate_cases(cases, network, AS_OF, engine)


def test_exactly_one_outcome_rule_fired_and_it_matches_the_outcome(verdicts: list[Verdict],
                                                                   rulebook: Rulebook) -> None:
    for v in verdicts:
        deciding = [f for f in v.fired if rulebook.rule(f.rule_id).is_outcome_rule]
        assert len(deciding) == 1, v.case_no
        assert rulebook.rule(deciding[0].rule_id).sets.outcome == v.outcome.value


def test_outcomes_agree_with_the_clock_and_the_modes_policy(verdicts: list[Verdict]) -> None:
    for v in verdicts:
        if v.outcome == Outcome.ELIGIBLE:
            assert v.eligible_from is not None and v.as_of >= v.eligible_from
            assert {Mode.ORDER, Mode.ESCALATE, Mode.DESIGNATE} <= set(v.permitted_modes)
        elif v.outcome == Outcome.NOT_YET:  # §12.11: a projection while an Art. 13 period runs
            first = v.eligible_from or v.eligible_from_projected
            assert first is not None and v.as_of < first
            assert (v.eligible_from is None) == (v.eligible_from_projected is not None)
        if v.outcome == Outcome.MANDATORY_TRANSFER:
            assert set(v.permitted_modes) <= {Mode.ESCALATE, Mode.DESIGNATE}
        if v.outcome not in (Outcome.ELIGIBLE, Outcome.MANDATORY_TRANSFER):
            assert v.permitted_modes == [] and v.recommended_mode is None
        assert v.recommended_mode is None or v.recommended_mode in v.permitted_modes


def test_an_officer_conflict_never_changes_the_mode(verdicts: list[Verdict], rulebook: Rulebook) -> None:
    with_conflict = [v for v in verdicts if "RECUSAL_OFFICER" in v.flags]
    assert with_conflict, "the sample should hold officer conflicts"
    for v in with_conflict:
        others = [rulebook.rule(f.rule_id) for f in v.fired if f.rule_id != "flag.recusal"]
        assert recommend(list(v.permitted_modes), others) == v.recommended_mode


def test_the_sample_reaches_most_outcomes(verdicts: list[Verdict]) -> None:
    seen = {v.outcome for v in verdicts}
    assert {Outcome.NO_ACTION, Outcome.NOT_ELIGIBLE, Outcome.NOT_YET, Outcome.ELIGIBLE} <= seen


def test_engine_and_plain_agree_on_generated_cases(network: CourtNetwork, engine: RuleEngine,
                                                   rulebook: Rulebook) -> None:
    cases = list(generate_cases(network, 1000, seed=7, as_of=AS_OF))
    batch = BatchContext.from_cases(cases)
    records = [build_facts(c, network, AS_OF, batch).facts for c in cases]
    assert engine.fire(records) == PlainEvaluator(compile_rulebook(rulebook)).evaluate(records)
