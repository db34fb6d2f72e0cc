"""Facts + the ids of the rules that fired -> Verdict.

Which outcome applies, which modes are permitted and which is recommended are all read
from the rulebook's data (outcome rules carry `modes` and `may_add_modes`; any rule may
carry `add_modes`, `prefer_modes` and a `priority`); nothing here names a rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from assign.construct import built
from assign.errors import RulebookError
from assign.network import CourtNetwork
from assign.schemas import MODE_COST, Case, Mode, Outcome, RulebookVersion, Verdict
from rules.audit import AuditPlan, audit_entries
from rules.fact_classes import fired_by_class
from rules.fact_registry import check_fact_types, fact_check_except
from rules.facts import BatchContext, CaseFacts, build_facts
from rules.spec import Rule, Rulebook


class FiresRules(Protocol):
    rulebook: Rulebook

    def fire(self, records: Sequence[dict[str, Any]], case_nos: Sequence[str] | None = None) -> list[list[str]]: ...


def rulebook_version(rulebook: Rulebook) -> RulebookVersion:
    """The version verdicts carry; validated once per rulebook (it is frozen, so verdicts share it)."""
    memo: dict[str, RulebookVersion] = rulebook.cache("_version", 1)
    version = memo.get(rulebook.content_hash)
    if version is None:
        version = memo[rulebook.content_hash] = RulebookVersion(id=f"{rulebook.id}@{rulebook.version}",
                                                                hash=rulebook.content_hash)
    return version


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


@dataclass(frozen=True)
class _Decision:
    """What the set of fired rules decides, whatever the case: the same fired rules always give
    the same outcome, modes and flags, so a rulebook works each set out once (`_decision`)."""

    audit: AuditPlan  # the fired rules' audit entries, planned
    outcome: Outcome
    basis_from_facts: bool
    permitted: tuple[Mode, ...]
    recommended: Mode | None
    flags: tuple[str, ...]


_DECISION_CACHE_LIMIT = 10_000


def _decide(rulebook: Rulebook, fired_ids: Sequence[str], case_no: str) -> _Decision:
    rules = [rulebook.rule(rule_id) for rule_id in fired_ids]
    deciding = [r for r in rules if r.is_outcome_rule]
    if len(deciding) != 1:
        raise RulebookError(
            f"{rulebook.source}: case {case_no}: {len(deciding)} outcome rules fired "
            f"({', '.join(r.id for r in deciding) or 'none'}); the coverage check should have refused this rulebook"
        )
    effects = deciding[0].sets
    permitted = [Mode(m) for m in effects.modes]
    for rule in rules:
        for name in rule.sets.add_modes:
            if name in effects.may_add_modes and Mode(name) not in permitted:
                permitted.append(Mode(name))
    permitted.sort(key=lambda m: (MODE_COST[m], m.value))
    flags: list[str] = []
    for rule in rules:
        flags += [f for f in rule.sets.flags if f not in flags]
    return _Decision(AuditPlan.of(rulebook, rules), Outcome(str(effects.outcome)),  # an outcome rule's outcome is set
                     effects.basis_from_facts, tuple(permitted), recommend(permitted, rules), tuple(flags))


def _decision(rulebook: Rulebook, fired_ids: Sequence[str], case_no: str) -> _Decision:
    key = tuple(fired_ids)
    cache: dict[tuple[str, ...], _Decision] = rulebook.cache("_decisions", _DECISION_CACHE_LIMIT)
    found = cache.get(key)
    if found is None:
        found = cache[key] = _decide(rulebook, fired_ids, case_no)
    return found


def make_verdict(case_facts: CaseFacts, fired_ids: Sequence[str], rulebook: Rulebook, as_of: date,
                 version: RulebookVersion | None = None) -> Verdict:
    decided = _decision(rulebook, fired_ids, case_facts.case_no)
    facts = case_facts.facts
    basis = facts["basis"] if decided.basis_from_facts and facts["basis"] != "none" else None
    has_clock = case_facts.clock_start is not None
    # Every value below already has its exact type, so the models are built without re-validation
    # (`rules.audit.built`: the store pass builds a million of them; tests re-validate every verdict).
    return built(Verdict, {
        "case_no": case_facts.case_no,
        "as_of": as_of,
        "outcome": decided.outcome,
        "basis": str(basis) if basis is not None else None,
        "clock_start": case_facts.clock_start,
        "eligible_from": case_facts.eligible_from,
        "countable_days": int(facts["countable_days"]) if has_clock else None,
        "forum": case_facts.forum,
        "permitted_modes": list(decided.permitted),
        "recommended_mode": decided.recommended,
        "flags": list(decided.flags),
        "fired": audit_entries(case_facts, decided.audit, rulebook),
        "rulebook_version": version or rulebook_version(rulebook),
        "eligible_from_projected": case_facts.eligible_from_projected,
    })


def fired_sets(engine: FiresRules, case_facts: Sequence[CaseFacts]) -> list[tuple[str, ...]]:
    """The ids of the rules each record fires, every record checked (`check_fact_types`) before the
    engine or a verdict reads it. The engine is asked once per class of records it cannot tell apart
    (`rules.fact_classes`); the facts the rules read are checked once per class (records of a class
    have the same types there, and the same text values), the other facts record by record."""
    records, case_nos = [cf.facts for cf in case_facts], [cf.case_no for cf in case_facts]
    by_class = fired_by_class(engine.rulebook, check_fact_types)
    if by_class is None:
        for case_no, record in zip(case_nos, records, strict=True):
            check_fact_types(case_no, record)
        return [tuple(ids) for ids in engine.fire(records, case_nos)]
    check_rest = fact_check_except(by_class.classes.read)
    for case_no, record in zip(case_nos, records, strict=True):
        check_rest(case_no, record)
    return by_class.fired_sets(engine, records, case_nos)


def evaluate_facts(case_facts: Sequence[CaseFacts], engine: FiresRules, as_of: date) -> list[Verdict]:
    fired = fired_sets(engine, case_facts)
    version = rulebook_version(engine.rulebook)
    return [make_verdict(cf, ids, engine.rulebook, as_of, version) for cf, ids in zip(case_facts, fired, strict=True)]


def evaluate_cases(cases: Sequence[Case], network: CourtNetwork, as_of: date, engine: FiresRules,
                   batch: BatchContext | None = None) -> list[Verdict]:
    """Validated cases -> verdicts, in input order. Linked cases are counted across `cases` by default."""
    context = batch if batch is not None else BatchContext.from_cases(cases)
    return evaluate_facts([build_facts(c, network, as_of, context) for c in cases], engine, as_of)
