"""Facts + the ids of the rules that fired -> Verdict.

Which outcome applies, which modes are permitted and which is recommended are all read
from the rulebook's data (outcome rules carry `modes` and `may_add_modes`; any rule may
carry `add_modes`, `prefer_modes` and a `priority`); nothing here names a rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Protocol

from assign.errors import RulebookError
from assign.network import CourtNetwork
from assign.schemas import MODE_COST, Case, FiredRule, Mode, Outcome, RulebookVersion, Verdict
from rules.explain import ExplanationContext, renderer
from rules.facts import BatchContext, CaseFacts, build_facts
from rules.spec import Rule, Rulebook


class FiresRules(Protocol):
    rulebook: Rulebook

    def fire(self, records: Sequence[dict[str, Any]], case_nos: Sequence[str] | None = None) -> list[list[str]]: ...


def rulebook_version(rulebook: Rulebook) -> RulebookVersion:
    return RulebookVersion(id=f"{rulebook.id}@{rulebook.version}", hash=rulebook.content_hash)


def recommend(permitted: list[Mode], rules: Sequence[Rule]) -> Mode | None:
    """The highest-priority preference that names a permitted mode; else the least costly mode.

    Ties in priority go to the rule listed first in the rulebook.
    """
    best: Mode | None = None
    best_priority = 0
    for rule in rules:
        if best is not None and rule.sets.priority <= best_priority:
            continue
        for name in rule.sets.prefer_modes:
            mode = Mode(name)
            if mode in permitted:
                best, best_priority = mode, rule.sets.priority
                break
    if best is not None:
        return best
    return min(permitted, key=MODE_COST.__getitem__) if permitted else None


_FIRED_CACHE_LIMIT = 100_000


def _fired_rule(rulebook: Rulebook, rule: Rule, facts: Mapping[str, Any]) -> FiredRule:
    """The audit entry for one fired rule. Entries are frozen, so verdicts with the same matched
    facts share one instance (most matched facts are booleans and closed text values)."""
    names = rule.fact_names()
    key = (rule.id, *(facts[n] for n in names))
    cache: dict[tuple[Any, ...], FiredRule] | None = rulebook.__dict__.get("_fired_cache")
    if cache is None or len(cache) > _FIRED_CACHE_LIMIT:
        cache = {}
        object.__setattr__(rulebook, "_fired_cache", cache)  # frozen: cache via the instance dict
    entry = cache.get(key)
    if entry is None:
        entry = FiredRule.model_construct(rule_id=rule.id, label_zh=rule.label_zh, legal_basis=rule.legal_basis,
                                          facts={n: facts[n] for n in names})
        cache[key] = entry
    return entry


def _explained_rule(rule: Rule, facts: Mapping[str, Any], lookup: Mapping[str, Any]) -> FiredRule:
    """The audit entry with the rule's sentence and sources rendered for this case (§12.12)."""
    law = [c for c in (t.format_map(lookup) for t in rule.law) if c]  # a conditional citation may render empty
    policy = [c for c in (t.format_map(lookup) for t in rule.policy) if c]
    return FiredRule.model_construct(
        rule_id=rule.id, label_zh=rule.label_zh, legal_basis="；".join(law or policy),
        facts={n: facts[n] for n in rule.fact_names()},
        explanation_zh=rule.explain_zh.format_map(lookup) if rule.explain_zh else "", law=law, policy=policy)


def _audit(case_facts: CaseFacts, rules: Sequence[Rule], rulebook: Rulebook) -> list[FiredRule]:
    facts = case_facts.facts
    if case_facts.found is None or not any(r.explain_zh or r.law or r.policy for r in rules):
        return [_fired_rule(rulebook, r, facts) for r in rules]  # a rulebook without sentences (1.1.0)
    context = ExplanationContext(case_facts.found, facts, case_facts.forum, case_facts.eligible_from,
                                 case_facts.eligible_from_projected, rulebook.params)
    lookup = renderer(context, rulebook.params)
    return [_explained_rule(r, facts, lookup) for r in rules]


def make_verdict(case_facts: CaseFacts, fired_ids: Sequence[str], rulebook: Rulebook, as_of: date,
                 version: RulebookVersion | None = None) -> Verdict:
    rules = [rulebook.rule(rule_id) for rule_id in fired_ids]
    deciding = [r for r in rules if r.is_outcome_rule]
    if len(deciding) != 1:
        raise RulebookError(
            f"{rulebook.source}: case {case_facts.case_no}: {len(deciding)} outcome rules fired "
            f"({', '.join(r.id for r in deciding) or 'none'}); the coverage check should have refused this rulebook"
        )
    outcome_rule = deciding[0]
    effects = outcome_rule.sets
    permitted = [Mode(m) for m in effects.modes]
    for rule in rules:
        for name in rule.sets.add_modes:
            if name in effects.may_add_modes and Mode(name) not in permitted:
                permitted.append(Mode(name))
    permitted.sort(key=lambda m: (MODE_COST[m], m.value))
    facts = case_facts.facts
    basis = facts["basis"] if effects.basis_from_facts and facts["basis"] != "none" else None
    flags: list[str] = []
    for rule in rules:
        flags += [f for f in rule.sets.flags if f not in flags]
    has_clock = case_facts.clock_start is not None
    # Every value below already has its exact type, so the models are constructed without
    # re-validation (the store pass builds a million of them; tests re-validate every verdict).
    return Verdict.model_construct(
        case_no=case_facts.case_no,
        as_of=as_of,
        outcome=Outcome(str(effects.outcome)),  # an outcome rule's outcome is set
        basis=str(basis) if basis is not None else None,
        clock_start=case_facts.clock_start,
        eligible_from=case_facts.eligible_from,
        countable_days=int(facts["countable_days"]) if has_clock else None,
        forum=case_facts.forum,
        permitted_modes=permitted,
        recommended_mode=recommend(permitted, rules),
        flags=flags,
        fired=_audit(case_facts, rules, rulebook),
        rulebook_version=version or rulebook_version(rulebook),
        eligible_from_projected=case_facts.eligible_from_projected,
    )


def evaluate_facts(case_facts: Sequence[CaseFacts], engine: FiresRules, as_of: date) -> list[Verdict]:
    fired = engine.fire([cf.facts for cf in case_facts], [cf.case_no for cf in case_facts])
    version = rulebook_version(engine.rulebook)
    return [make_verdict(cf, ids, engine.rulebook, as_of, version) for cf, ids in zip(case_facts, fired, strict=True)]


def evaluate_cases(cases: Sequence[Case], network: CourtNetwork, as_of: date, engine: FiresRules,
                   batch: BatchContext | None = None) -> list[Verdict]:
    """Validated cases -> verdicts, in input order. Linked cases are counted across `cases` by default."""
    context = batch if batch is not None else BatchContext.from_cases(cases)
    return evaluate_facts([build_facts(c, network, as_of, context) for c in cases], engine, as_of)
