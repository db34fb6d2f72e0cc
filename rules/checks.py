"""Whole-rulebook checks: outcome coverage (no gaps, no overlaps) and engine limits.

Outcome rules may read only facts with a finite domain (booleans and closed text sets), so
every combination can be enumerated and run through the compiled predicates.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from assign.errors import RulebookError
from rules.compiler import MARKER, MAX_FACT_FIELDS, compile_rulebook, engine_limit_problems
from rules.facts import RESERVED_FIELDS
from rules.plain import matches
from rules.profiles import profile_for
from rules.spec import Rulebook

MAX_COMBINATIONS = 200_000


@dataclass
class CoverageReport:
    deciding_facts: list[str]
    combinations: int = 0
    gaps: list[dict[str, Any]] = field(default_factory=list)
    overlaps: list[tuple[dict[str, Any], list[str]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.gaps or self.overlaps or self.problems)

    def lines(self, limit: int = 20) -> list[str]:
        out = list(self.problems)
        out += [f"gap: no outcome rule for {combo}" for combo in self.gaps[:limit]]
        if len(self.gaps) > limit:
            out.append(f"... {len(self.gaps) - limit} more gaps")
        out += [f"overlap: {', '.join(ids)} all decide {combo}" for combo, ids in self.overlaps[:limit]]
        if len(self.overlaps) > limit:
            out.append(f"... {len(self.overlaps) - limit} more overlaps")
        return out


def coverage(rulebook: Rulebook) -> CoverageReport:
    """Every combination of the outcome-deciding facts must lead to exactly one outcome rule."""
    outcome_rules = [r for r in rulebook.rules if r.is_outcome_rule]
    deciding: list[str] = []
    for r in outcome_rules:
        for name in r.fact_names():
            if name not in deciding:
                deciding.append(name)
    report = CoverageReport(deciding)
    facts = profile_for(rulebook.id).facts
    if not outcome_rules and not profile_for(rulebook.id).outcome_coverage:
        return report  # a ruleset without outcomes (the node alerts): nothing to cover
    if not outcome_rules:
        report.problems.append(f"{rulebook.source}: no outcome rules")
        return report
    domains: list[tuple[object, ...]] = []
    for name in deciding:
        domain = facts[name].finite_domain
        if domain is None:
            users = [r.id for r in outcome_rules if name in r.fact_names()]
            report.problems.append(f"outcome rules {', '.join(users)} read fact {name}, which has no finite "
                                   "domain; decide outcomes on booleans or closed text facts only")
        domains.append(domain or ())
    if report.problems:
        return report
    total = 1
    for d in domains:
        total *= len(d)
    if total > MAX_COMBINATIONS:
        report.problems.append(f"{total} combinations of outcome-deciding facts (limit {MAX_COMBINATIONS})")
        return report
    compiled = compile_rulebook(rulebook)
    patterns = [(r.id, compiled[r.id]["all"][0]["m"]) for r in outcome_rules]
    for values in itertools.product(*domains):
        combo = dict(zip(deciding, values, strict=True))
        record = {**MARKER, **combo}
        hits = [rule_id for rule_id, pattern in patterns if matches(pattern, record)]
        report.combinations += 1
        if not hits:
            report.gaps.append(combo)
        elif len(hits) > 1:
            report.overlaps.append((combo, hits))
    return report


def check_rulebook(rulebook: Rulebook) -> CoverageReport:
    """Coverage and engine limits; raises RulebookError listing every problem."""
    report = coverage(rulebook)
    problems = [f"{rulebook.source}: {line}" for line in report.lines()]
    problems += engine_limit_problems(compile_rulebook(rulebook), rulebook.source)
    facts = profile_for(rulebook.id).facts
    if len(facts) + len(RESERVED_FIELDS) > MAX_FACT_FIELDS:
        problems.append(f"{len(facts)} facts per record; the engine takes {MAX_FACT_FIELDS} fields (error 302)")
    if problems:
        raise RulebookError(f"{rulebook.source}: rulebook {rulebook.id} fails its checks", problems)
    return report
