"""rules/audit.py: the audit entries built the fast way are the entries the plain way gives.

The reference here is the straightforward construction (pydantic's `model_construct`, every
template rendered per case with `str.format_map`), so rendering a params-only template once
per rulebook and building models directly can never change what a reader sees.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from datetime import date
from typing import Any

from assign.construct import built
from assign.generator import generate_cases
from assign.network import CourtNetwork
from assign.schemas import FiredRule, RulebookVersion, Verdict
from rules.engine import RuleEngine
from rules.evaluate import evaluate_cases
from rules.explain import ExplanationContext
from rules.facts import BatchContext, build_facts
from rules.spec import Rulebook


class _Lookup(dict[str, Any]):
    """The plain way: each placeholder read off the context (`getattr`) when a template first names it."""

    def __init__(self, context: ExplanationContext, params: Mapping[str, Any]) -> None:
        super().__init__(params=params)
        self._context = context

    def __missing__(self, key: str) -> Any:
        value = self[key] = getattr(self._context, key)
        return value


def _reference_entry(rule_id: str, rulebook: Rulebook, facts: Mapping[str, Any],
                     lookup: Mapping[str, Any]) -> FiredRule:
    rule = rulebook.rule(rule_id)
    law = [c for c in (t.format_map(lookup) for t in rule.law) if c]
    policy = [c for c in (t.format_map(lookup) for t in rule.policy) if c]
    return FiredRule.model_construct(
        rule_id=rule.id, label_zh=rule.label_zh, legal_basis="；".join(law or policy),
        facts={n: facts[n] for n in rule.fact_names()},
        explanation_zh=rule.explain_zh.format_map(lookup), law=law, policy=policy)


def test_entries_equal_the_per_case_rendering(network: CourtNetwork, engine: RuleEngine, rulebook: Rulebook) -> None:
    seen: set[str] = set()
    for seed, as_of in ((5, date(2025, 6, 30)), (6, date(2024, 2, 29))):
        cases = list(generate_cases(network, 800, seed=seed, as_of=as_of))
        batch = BatchContext.from_cases(cases)
        verdicts = evaluate_cases(cases, network, as_of, engine, batch)
        for case, v in zip(cases, verdicts, strict=True):
            cf = build_facts(case, network, as_of, batch)
            assert cf.found is not None
            lookup = _Lookup(ExplanationContext(cf.found, cf.facts, cf.forum, cf.eligible_from,
                                                cf.eligible_from_projected, rulebook.params), rulebook.params)
            expected = [_reference_entry(f.rule_id, rulebook, cf.facts, lookup) for f in v.fired]
            assert v.fired == expected
            assert [f.model_dump_json() for f in v.fired] == [f.model_dump_json() for f in expected]
            seen |= {f.rule_id for f in v.fired}
    assert len(seen) >= 15, seen  # params-only, static and per-case templates all exercised


def test_built_is_model_construct_with_every_field() -> None:
    fired = {"rule_id": "r", "label_zh": "标签", "legal_basis": "法", "facts": {"a": 1}, "explanation_zh": "句",
             "law": ["法"], "policy": []}
    assert built(FiredRule, dict(fired)) == FiredRule.model_construct(**fired)
    verdict = {"case_no": "(2024)川0104执1号", "as_of": date(2025, 1, 2), "outcome": "ELIGIBLE", "basis": "10(1)",
               "clock_start": date(2024, 1, 2), "eligible_from": date(2024, 7, 3), "countable_days": 200,
               "forum": "I510100", "permitted_modes": [], "recommended_mode": None, "flags": ["X"],
               "fired": [FiredRule.model_construct(**fired)],
               "rulebook_version": RulebookVersion(id="art237@1.2.0", hash="0" * 64), "eligible_from_projected": None}
    fast, slow = built(Verdict, dict(verdict)), Verdict.model_construct(**verdict)
    assert fast == slow and fast.model_fields_set == slow.model_fields_set == set(Verdict.model_fields)
    assert fast.model_dump_json() == slow.model_dump_json()
    assert Verdict.model_validate_json(fast.model_dump_json()) == Verdict.model_validate_json(slow.model_dump_json())


def test_entries_are_shared_and_the_memo_stays_behind_when_pickled(network: CourtNetwork, engine: RuleEngine,
                                                                   rulebook: Rulebook) -> None:
    """Cases whose rule reads the same values share one entry (equal ones only: the test above checks
    each against its own rendering); a rulebook pickled for a worker process carries no memo."""
    as_of = date(2025, 6, 30)
    cases = list(generate_cases(network, 400, seed=7, as_of=as_of))
    entries = [f for v in evaluate_cases(cases, network, as_of, engine) for f in v.fired]
    assert len({id(f) for f in entries}) < len(entries) * 0.8  # 439 of 714 distinct when written
    assert rulebook.__dict__.get("_entries")
    copy = pickle.loads(pickle.dumps(rulebook))
    assert copy == rulebook and copy.content_hash == rulebook.content_hash
    assert not [name for name in vars(copy) if name.startswith("_")]


def test_entries_in_use_survive_a_rotation_of_the_memo(rulebook: Rulebook) -> None:
    """`Rulebook.generations`: past `limit` the young memo becomes the old one; what a caller finds
    there and puts back in the young one outlives the next rotation, the rest is dropped."""
    young, old = rulebook.generations("_test_generations", 2)
    young.update({"a": 1, "b": 2, "c": 3})
    young2, old2 = rulebook.generations("_test_generations", 2)
    assert (young2, old2) == ({}, {"a": 1, "b": 2, "c": 3})
    young2["a"] = old2["a"]  # in use: promoted
    young2.update({"d": 4, "e": 5})
    young3, old3 = rulebook.generations("_test_generations", 2)
    assert young3 == {} and old3 == {"a": 1, "d": 4, "e": 5}  # b and c, unused since, are gone
    assert rulebook.generations("_test_generations", 2) == (young3, old3)  # within the limit: the same memo
