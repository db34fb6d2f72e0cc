"""A verdict's audit entries: one `FiredRule` per fired rule, with its sentence and its sources
(legal-reference §12.12; the templates and their placeholders are in `rules/explain.py`).

The store pass builds about four entries for every open case (millions a night at national
scale), so whatever does not depend on the case is done once per rulebook: each rule's
templates are split into those that read the case (rendered per case) and those that read
only the rulebook's params or nothing (rendered once, when the plan is first needed); the
placeholders a set of fired rules reads are computed once per case, each by the function
behind it (`rules.explain.PLACEHOLDER_VALUES`); an entry is determined by its rule, those
values and the facts it matched, so cases with the same ones share one (frozen) entry, about
two in three in a store pass; and entries are built by `built` instead of pydantic's
`model_construct` (same instance, without its per-field alias and default look-ups; every
value already has its exact type, and the tests re-validate every verdict).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assign.construct import built, check_buildable
from assign.schemas import FiredRule, Verdict
from rules.explain import PLACEHOLDER_VALUES, ExplanationContext, Placeholder, case_placeholders, placeholder_values
from rules.facts import CaseFacts
from rules.spec import Rule, Rulebook

check_buildable(FiredRule, Verdict)


@dataclass(frozen=True)
class _Template:
    text: str  # the template when `per_case`, else the text rendered once
    reads: tuple[str, ...]  # the placeholders that read the case
    per_case: bool  # some placeholder reads the case


def _template(template: str, params: Mapping[str, Any]) -> _Template:
    """A template that names only `{params[...]}` (or nothing) renders the same for every case."""
    reads = case_placeholders(template)
    return _Template(template if reads else template.format_map({"params": params}), reads, bool(reads))


def _nothing(_: Mapping[str, Any]) -> tuple[()]:
    return ()


def _values_of(names: tuple[str, ...]) -> Callable[[Mapping[str, Any]], Any]:
    """What `names` hold in a mapping, as one hashable value (a C itemgetter; `()` for no names)."""
    return operator.itemgetter(*names) if names else _nothing


@dataclass(frozen=True)
class _RulePlan:
    """One rule's audit entry, with what does not depend on the case worked out."""

    rule: Rule
    rule_id: str  # the rule's id (read per case for the entries' keys)
    names: tuple[str, ...]  # the facts its conditions read
    explain: _Template
    law: tuple[_Template, ...]
    policy: tuple[_Template, ...]
    reads: tuple[str, ...]  # the placeholders its templates read from the case (none: nothing per case)
    # when no source reads the case: the citations (empty ones left out) and the legal basis; the lists
    # are shared by the rule's entries, which are frozen and shared by verdicts already
    sources: tuple[list[str], list[str], str] | None
    read_values: Callable[[Mapping[str, Any]], Any]  # the values of `reads`, as a key
    fact_values: Callable[[Mapping[str, Any]], Any]  # the values of `names`, as a key

    @classmethod
    def of(cls, rule: Rule, params: Mapping[str, Any]) -> _RulePlan:
        explain = _template(rule.explain_zh, params)
        law = tuple(_template(t, params) for t in rule.law)
        policy = tuple(_template(t, params) for t in rule.policy)
        reads = tuple(dict.fromkeys(name for t in (explain, *law, *policy) for name in t.reads))
        sources = None
        if not any(t.per_case for t in (*law, *policy)):
            static_law = [t.text for t in law if t.text]
            static_policy = [t.text for t in policy if t.text]
            sources = (static_law, static_policy, "；".join(static_law or static_policy))
        names = rule.fact_names()
        return cls(rule, rule.id, names, explain, law, policy, reads, sources, _values_of(reads), _values_of(names))

    def render(self, facts: Mapping[str, Any], lookup: Mapping[str, Any]) -> FiredRule:
        """The rule's entry for one case (`audit_entries` shares it with every case of the same key)."""
        if self.sources is not None:
            law, policy, basis = self.sources
        else:  # a conditional citation may render empty: it is left out
            law = [c for c in ((t.text.format_map(lookup) if t.per_case else t.text) for t in self.law) if c]
            policy = [c for c in ((t.text.format_map(lookup) if t.per_case else t.text) for t in self.policy) if c]
            basis = "；".join(law or policy)
        explain = self.explain
        rule = self.rule
        return built(FiredRule, {
            "rule_id": rule.id, "label_zh": rule.label_zh, "legal_basis": basis,
            "facts": {n: facts[n] for n in self.names},
            "explanation_zh": explain.text.format_map(lookup) if explain.per_case else explain.text,
            "law": law, "policy": policy,
        })


def _plans(rulebook: Rulebook) -> dict[str, _RulePlan]:
    plans: dict[str, _RulePlan] = rulebook.cache("_audit_plans", len(rulebook.rules))
    if not plans:
        plans.update((r.id, _RulePlan.of(r, rulebook.params)) for r in rulebook.rules)
    return plans


@dataclass(frozen=True)
class AuditPlan:
    """The audit entries of one set of fired rules, planned once per set (`rules.evaluate` keeps it
    with what the set decides): the rule plans, or None for a rulebook without sentences (1.1.0)."""

    rules: tuple[Rule, ...]
    plans: tuple[_RulePlan, ...] | None
    # the placeholders the rules' templates read from the case, each once (empty: nothing per case)
    reads: tuple[tuple[str, Placeholder], ...]

    @classmethod
    def of(cls, rulebook: Rulebook, rules: Sequence[Rule]) -> AuditPlan:
        if not any(r.explain_zh or r.law or r.policy for r in rules):
            return cls(tuple(rules), None, ())
        by_id = _plans(rulebook)
        plans = tuple(by_id[r.id] for r in rules)
        reads = dict.fromkeys(name for p in plans for name in p.reads)
        return cls(tuple(rules), plans, tuple((name, PLACEHOLDER_VALUES[name]) for name in reads))


_FIRED_CACHE_LIMIT = 100_000
# the entries kept for sharing (rulebooks with sentences), per generation (`Rulebook.generations`: those
# in use survive a rotation): ~1.2 KB each, so at most ~50 MB a process
_ENTRY_CACHE_LIMIT = 20_000


def _fired_rule(rulebook: Rulebook, rule: Rule, facts: Mapping[str, Any]) -> FiredRule:
    """The audit entry of a rulebook without sentences (1.1.0). Entries are frozen, so verdicts with
    the same matched facts share one instance (most matched facts are booleans and closed text values)."""
    names = rule.fact_names()
    key = (rule.id, *(facts[n] for n in names))
    cache: dict[tuple[Any, ...], FiredRule] = rulebook.cache("_fired_cache", _FIRED_CACHE_LIMIT)
    entry = cache.get(key)
    if entry is None:
        entry = FiredRule.model_construct(rule_id=rule.id, label_zh=rule.label_zh, legal_basis=rule.legal_basis,
                                          facts={n: facts[n] for n in names})
        cache[key] = entry
    return entry


_NO_CASE: Mapping[str, Any] = {}  # the lookup when no fired rule's template reads the case


def audit_entries(case_facts: CaseFacts, plan: AuditPlan, rulebook: Rulebook) -> list[FiredRule]:
    """The audit entries of the rules that fired for one case, in firing order."""
    facts = case_facts.facts
    if case_facts.found is None or plan.plans is None:
        return [_fired_rule(rulebook, r, facts) for r in plan.rules]  # a rulebook without sentences (1.1.0)
    lookup = _NO_CASE
    if plan.reads:
        context = ExplanationContext(case_facts.found, facts, case_facts.forum, case_facts.eligible_from,
                                     case_facts.eligible_from_projected, rulebook.params)
        lookup = placeholder_values(context, plan.reads, rulebook.params)
    shared, older = rulebook.generations("_entries", _ENTRY_CACHE_LIMIT)
    # An entry is made of the rule, the values of the placeholders it reads and of the facts it matched
    # (each placeholder and fact has one type, so equal keys render equal text): a case whose key an
    # earlier case had gets that (frozen) entry. Inline: the store pass runs this about four times a case.
    entries: list[FiredRule] = []
    for p in plan.plans:
        key = (p.rule_id, p.read_values(lookup), p.fact_values(facts))
        found = shared.get(key)
        if found is None:
            found = older.get(key)  # in use before the last rotation: kept
            if found is None:
                found = p.render(facts, lookup)
            shared[key] = found
        entries.append(found)
    return entries
