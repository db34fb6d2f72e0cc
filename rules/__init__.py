"""The Article 237 rulebook: facts, clocks, YAML rules compiled for durable-rules, verdicts.

Public API (the engine is imported lazily so that importing rules does not load durable):
`load_rulebook`, `compile_rulebook`, `check_rulebook`, `build_facts`, `BatchContext`,
`RuleEngine`, `evaluate_cases`.
"""

from __future__ import annotations

from typing import Any

from rules.checks import check_rulebook, coverage
from rules.compiler import compile_rulebook
from rules.facts import FACTS, BatchContext, build_facts
from rules.loader import load_rulebook

__all__ = [
    "FACTS", "BatchContext", "RuleEngine", "build_facts", "check_rulebook", "compile_rulebook", "coverage",
    "evaluate_cases", "load_rulebook",
]


def __getattr__(name: str) -> Any:
    if name == "RuleEngine":
        from rules.engine import RuleEngine

        return RuleEngine
    if name == "evaluate_cases":
        from rules.evaluate import evaluate_cases

        return evaluate_cases
    raise AttributeError(name)
